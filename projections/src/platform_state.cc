// PlatformState: its tables, what readers ask of them, and Apply, which notes each event's
// stream version and command and hands the event to its evolver (evolve.cc).
#include "rotonde/projections/platform_state.h"

#include <algorithm>

#include "evolvers.h"
#include "platform_tables.h"
#include "rotonde/projections/dates.h"

namespace rotonde::projections {

bool DayRange::Overlaps(const DayRange& other) const {
  if (!valid || !other.valid || ongoing || other.ongoing) return false;
  return first <= other.last && other.first <= last;
}

DayRange DaysOf(const v1::When& when) {
  DayRange range;
  auto first = ParseIsoDate(when.start_date());
  if (!first) return range;
  range.first = range.last = *first;
  range.ongoing = when.ongoing();
  if (!when.ongoing() && !when.end_date().empty()) {
    auto last = ParseIsoDate(when.end_date());
    if (!last || *last < *first) return range;
    range.last = *last;
  }
  range.valid = true;
  return range;
}

const TextFingerprint& InitiativeState::fingerprint() const {
  if (!fingerprint_) fingerprint_ = TextFingerprint::Build(title, description);
  return *fingerprint_;
}

bool InitiativeState::IsOrganizer(std::string_view member_id) const {
  return std::find(organizers.begin(), organizers.end(), member_id) != organizers.end();
}

bool ClashState::Involves(std::string_view initiative_id) const {
  return initiative_a == initiative_id || initiative_b == initiative_id;
}

const std::string& ClashState::Other(std::string_view initiative_id) const {
  return initiative_a == initiative_id ? initiative_b : initiative_a;
}

const ActionItemState* MeetingState::Action(std::string_view action_id) const {
  for (const auto& action : actions) {
    if (action.id == action_id) return &action;
  }
  return nullptr;
}

ActionItemState* MeetingState::Action(std::string_view action_id) {
  return const_cast<ActionItemState*>(std::as_const(*this).Action(action_id));
}

std::string PlatformStream(std::string_view platform) {
  return std::string(platform) + "/platform";
}

const char* SpendingStatusName(SpendingStatus status) {
  switch (status) {
    case SpendingStatus::kProposed:
      return "proposed";
    case SpendingStatus::kApproved:
      return "approved";
    case SpendingStatus::kRejected:
      return "rejected";
    case SpendingStatus::kClosed:
      return "closed";
  }
  return "proposed";
}

const char* InitiativeStatusName(InitiativeStatus status) {
  switch (status) {
    case InitiativeStatus::kActive:
      return "active";
    case InitiativeStatus::kCancelled:
      return "cancelled";
    case InitiativeStatus::kHeld:
      return "held";
    case InitiativeStatus::kMerged:
      return "merged";
  }
  return "active";
}

const char* ProposalStatusName(ProposalStatus status) {
  switch (status) {
    case ProposalStatus::kOpen:
      return "open";
    case ProposalStatus::kDiscussed:
      return "discussed";
    case ProposalStatus::kAdopted:
      return "adopted";
    case ProposalStatus::kDeclined:
      return "declined";
  }
  return "open";
}

std::string EntityStream(std::string_view platform, std::string_view kind, std::string_view id) {
  std::string stream(platform);
  stream.append("/").append(kind);
  if (!id.empty()) stream.append("/").append(id);
  return stream;
}

PlatformTables::PlatformTables(const PlatformTables& other)
    : platform_id(other.platform_id),
      name(other.name),
      neighbourhood(other.neighbourhood),
      position(other.position),
      members(other.members),
      invites(other.invites),
      initiatives(other.initiatives),
      proposals(other.proposals),
      tasks(other.tasks),
      meetings(other.meetings),
      clashes(other.clashes),
      clash_by_pair(other.clash_by_pair),
      budget(other.budget),
      learned(other.learned),
      term_initiatives(other.term_initiatives),
      counted_initiatives(other.counted_initiatives),
      streams(other.streams),
      commands(other.commands) {
  for (const auto& [id, initiative] : initiatives.map()) IndexInitiative(initiative);
}

namespace {

bool ById(const InitiativeState* a, const InitiativeState* b) { return a->id < b->id; }

void Insert(PlatformState::InitiativeSet& set, const InitiativeState* initiative) {
  auto at = std::lower_bound(set.begin(), set.end(), initiative, ById);
  if (at == set.end() || *at != initiative) set.insert(at, initiative);
}

template <typename Index, typename Key>
void Erase(Index& index, const Key& key, const InitiativeState* initiative) {
  auto it = index.find(key);
  if (it == index.end()) return;
  auto at = std::lower_bound(it->second.begin(), it->second.end(), initiative, ById);
  if (at != it->second.end() && *at == initiative) it->second.erase(at);
  if (it->second.empty()) index.erase(it);
}

}  // namespace

void PlatformTables::IndexInitiative(const InitiativeState& initiative) {
  if (!initiative.active() || !initiative.days.valid) return;
  if (initiative.days.ongoing) {
    Insert(ongoing_by_kind[initiative.kind], &initiative);
    return;
  }
  const int32_t last =
      std::min(initiative.days.last, initiative.days.first + kMaxInitiativeDays - 1);
  for (int32_t day = initiative.days.first; day <= last; ++day) {
    Insert(active_by_day[day], &initiative);
  }
}

void PlatformTables::UnindexInitiative(const InitiativeState& initiative) {
  if (!initiative.days.valid) return;
  if (initiative.days.ongoing) {
    Erase(ongoing_by_kind, initiative.kind, &initiative);
    return;
  }
  const int32_t last =
      std::min(initiative.days.last, initiative.days.first + kMaxInitiativeDays - 1);
  for (int32_t day = initiative.days.first; day <= last; ++day) {
    Erase(active_by_day, day, &initiative);
  }
}

PlatformState::PlatformState() : tables_(std::make_unique<PlatformTables>()) {}
PlatformState::~PlatformState() = default;
PlatformState::PlatformState(const PlatformState& other)
    : tables_(std::make_unique<PlatformTables>(*other.tables_)) {}
PlatformState& PlatformState::operator=(const PlatformState& other) {
  if (this != &other) tables_ = std::make_unique<PlatformTables>(*other.tables_);
  return *this;
}
PlatformState::PlatformState(PlatformState&&) noexcept = default;
PlatformState& PlatformState::operator=(PlatformState&&) noexcept = default;

void PlatformState::Apply(const v1::EventRecord& record) {
  v1::DomainEvent event;
  if (!event.ParseFromString(record.payload())) return;  // not a domain event: nothing to fold
  Apply(record, event);
}

void PlatformState::Apply(const v1::EventRecord& record, const v1::DomainEvent& event) {
  PlatformTables& t = *tables_;
  t.position = record.position();
  if (t.applied_stream == nullptr || t.applied_stream->first != record.stream()) {
    t.applied_stream = &*t.streams.try_emplace(record.stream()).first;
  }
  t.applied_stream->second.version = record.version();
  t.applied_stream->second.has_events = true;
  if (!record.correlation_id().empty()) {
    if (t.applied_command == nullptr || t.applied_command->first != record.correlation_id()) {
      auto [it, inserted] = t.commands.try_emplace(record.correlation_id());
      if (inserted) it->second.first_position = record.position();
      t.applied_command = &*it;
    }
    t.applied_command->second.last_position = record.position();
  }
  Evolve(t, record, event);
}

bool PlatformState::founded() const { return !tables_->platform_id.empty(); }
const std::string& PlatformState::platform_id() const { return tables_->platform_id; }
const std::string& PlatformState::name() const { return tables_->name; }
const std::string& PlatformState::neighbourhood() const { return tables_->neighbourhood; }
uint64_t PlatformState::position() const { return tables_->position; }

const EntityMap<MemberState>& PlatformState::members() const { return tables_->members.map(); }
const EntityMap<InviteState>& PlatformState::invites() const { return tables_->invites.map(); }
const EntityMap<InitiativeState>& PlatformState::initiatives() const {
  return tables_->initiatives.map();
}
const EntityMap<ProposalState>& PlatformState::proposals() const {
  return tables_->proposals.map();
}
const EntityMap<TaskState>& PlatformState::tasks() const { return tables_->tasks.map(); }
const EntityMap<MeetingState>& PlatformState::meetings() const { return tables_->meetings.map(); }
const EntityMap<ClashState>& PlatformState::clashes() const { return tables_->clashes.map(); }
const BudgetState& PlatformState::budget() const { return tables_->budget; }

const MemberState* PlatformState::Member(std::string_view id) const {
  return tables_->members.Find(id);
}
const InitiativeState* PlatformState::Initiative(std::string_view id) const {
  return tables_->initiatives.Find(id);
}
const ProposalState* PlatformState::Proposal(std::string_view id) const {
  return tables_->proposals.Find(id);
}
const TaskState* PlatformState::Task(std::string_view id) const { return tables_->tasks.Find(id); }
const MeetingState* PlatformState::Meeting(std::string_view id) const {
  return tables_->meetings.Find(id);
}
const ClashState* PlatformState::Clash(std::string_view id) const {
  return tables_->clashes.Find(id);
}

v1::Role PlatformState::RoleOf(std::string_view member_id) const {
  const MemberState* member = Member(member_id);
  return member && member->active ? member->role : v1::ROLE_UNSPECIFIED;
}

const ClashState* PlatformState::ClashBetween(std::string_view a, std::string_view b) const {
  auto it = tables_->clash_by_pair.find(PairKey(a, b));
  return it == tables_->clash_by_pair.end() ? nullptr : Clash(it->second);
}

const LearnedTerms& PlatformState::learned_terms() const { return tables_->learned; }

SimilarityContext PlatformState::similarity_context() const {
  SimilarityContext context;
  context.learned = &tables_->learned;
  context.document_frequency = &tables_->term_initiatives;
  context.documents = tables_->counted_initiatives;
  return context;
}

std::string PairKey(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  std::string key(a);
  key.push_back('\0');  // ids are visible ASCII: '\0' cannot be part of one
  key.append(b);
  return key;
}

const PlatformState::InitiativeSet* PlatformState::ActiveOn(int32_t day) const {
  auto it = tables_->active_by_day.find(day);
  return it == tables_->active_by_day.end() ? nullptr : &it->second;
}

const PlatformState::InitiativeSet* PlatformState::OngoingOfKind(v1::InitiativeKind kind) const {
  auto it = tables_->ongoing_by_kind.find(kind);
  return it == tables_->ongoing_by_kind.end() ? nullptr : &it->second;
}

std::optional<uint64_t> PlatformState::StreamVersion(std::string_view stream) const {
  auto it = tables_->streams.find(stream);
  if (it == tables_->streams.end() || !it->second.has_events) return std::nullopt;
  return it->second.version;
}

const CommandOutcome* PlatformState::CommandResult(std::string_view command_id) const {
  auto it = tables_->commands.find(command_id);
  return it == tables_->commands.end() ? nullptr : &it->second;
}

}  // namespace rotonde::projections
