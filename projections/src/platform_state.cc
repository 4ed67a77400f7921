// PlatformState::Apply (evolve) for the platform, its members, initiatives, proposals and
// clashes; tasks, meetings and budget are in their own files.
#include "rotonde/projections/platform_state.h"

#include <algorithm>

#include "rotonde/projections/dates.h"

namespace rotonde::projections {

using v1::DomainEvent;

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

std::string EntityStream(std::string_view platform, std::string_view kind, std::string_view id) {
  std::string stream(platform);
  stream.append("/").append(kind);
  if (!id.empty()) stream.append("/").append(id);
  return stream;
}

PlatformState::PlatformState(const PlatformState& other)
    : platform_id_(other.platform_id_),
      name_(other.name_),
      neighbourhood_(other.neighbourhood_),
      position_(other.position_),
      members_(other.members_),
      invites_(other.invites_),
      initiatives_(other.initiatives_),
      proposals_(other.proposals_),
      tasks_(other.tasks_),
      meetings_(other.meetings_),
      clashes_(other.clashes_),
      clash_by_pair_(other.clash_by_pair_),
      budget_(other.budget_),
      streams_(other.streams_),
      commands_(other.commands_) {
  for (const auto& [id, initiative] : initiatives_) IndexInitiative(initiative);
}

PlatformState& PlatformState::operator=(const PlatformState& other) {
  if (this != &other) *this = PlatformState(other);
  return *this;
}

void PlatformState::Apply(const v1::EventRecord& record) {
  DomainEvent event;
  if (!event.ParseFromString(record.payload())) return;  // not a domain event: nothing to fold
  Apply(record, event);
}

void PlatformState::Apply(const v1::EventRecord& record, const DomainEvent& event) {
  position_ = record.position();
  if (applied_stream_ == nullptr || applied_stream_->first != record.stream()) {
    applied_stream_ = &*streams_.try_emplace(record.stream()).first;
  }
  applied_stream_->second.version = record.version();
  applied_stream_->second.has_events = true;
  if (!record.correlation_id().empty()) {
    if (applied_command_ == nullptr || applied_command_->first != record.correlation_id()) {
      auto [it, inserted] = commands_.try_emplace(record.correlation_id());
      if (inserted) it->second.first_position = record.position();
      applied_command_ = &*it;
    }
    applied_command_->second.last_position = record.position();
  }
  const int field = static_cast<int>(event.event_case());
  if (field < 10) {
    ApplyPlatform(event);
  } else if (field < 15) {
    ApplyInitiative(record, event);
  } else if (field < 20) {
    ApplyProposal(event);
  } else if (field < 30) {
    ApplyTask(record, event);
  } else if (field < 40) {
    ApplyMeeting(event);
  } else if (field < 50) {
    ApplyBudget(record, event);
  } else {
    ApplyClash(record, event);
  }
}

void PlatformState::ApplyPlatform(const DomainEvent& event) {
  switch (event.event_case()) {
    case DomainEvent::kPlatformFounded: {
      const auto& e = event.platform_founded();
      platform_id_ = e.platform_id();
      name_ = e.name();
      neighbourhood_ = e.neighbourhood();
      members_[e.founder_id()] =
          MemberState{e.founder_id(), e.founder_name(), v1::ROLE_ADMIN, true};
      break;
    }
    case DomainEvent::kMemberInvited: {
      const auto& e = event.member_invited();
      invites_[e.invite_id()] = InviteState{e.invite_id(), e.role(), e.invited_by(), false};
      break;
    }
    case DomainEvent::kMemberJoined: {
      const auto& e = event.member_joined();
      members_[e.member_id()] = MemberState{e.member_id(), e.display_name(), e.role(), true};
      if (auto it = invites_.find(e.invite_id()); it != invites_.end()) it->second.used = true;
      break;
    }
    case DomainEvent::kMemberLeft:
      if (auto it = members_.find(event.member_left().member_id()); it != members_.end()) {
        it->second.active = false;
      }
      break;
    case DomainEvent::kRoleGranted:
      if (auto it = members_.find(event.role_granted().member_id()); it != members_.end()) {
        it->second.role = event.role_granted().role();
      }
      break;
    default:
      break;
  }
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

void PlatformState::IndexInitiative(const InitiativeState& initiative) {
  if (!initiative.active() || !initiative.days.valid) return;
  if (initiative.days.ongoing) {
    Insert(ongoing_by_kind_[initiative.kind], &initiative);
    return;
  }
  const int32_t last =
      std::min(initiative.days.last, initiative.days.first + kMaxInitiativeDays - 1);
  for (int32_t day = initiative.days.first; day <= last; ++day) {
    Insert(active_by_day_[day], &initiative);
  }
}

void PlatformState::UnindexInitiative(const InitiativeState& initiative) {
  if (!initiative.days.valid) return;
  if (initiative.days.ongoing) {
    Erase(ongoing_by_kind_, initiative.kind, &initiative);
    return;
  }
  const int32_t last =
      std::min(initiative.days.last, initiative.days.first + kMaxInitiativeDays - 1);
  for (int32_t day = initiative.days.first; day <= last; ++day) {
    Erase(active_by_day_, day, &initiative);
  }
}

void PlatformState::ApplyInitiative(const v1::EventRecord& record, const DomainEvent& event) {
  switch (event.event_case()) {
    case DomainEvent::kInitiativeProposed: {
      const auto& e = event.initiative_proposed();
      InitiativeState initiative;
      initiative.id = e.initiative_id();
      initiative.kind = e.kind();
      initiative.title = e.title();
      initiative.description = e.description();
      initiative.when = e.when();
      initiative.place = e.place();
      initiative.days = DaysOf(e.when());
      initiative.organizers.assign(e.organizer_ids().begin(), e.organizer_ids().end());
      initiative.proposal_id = e.proposal_id();
      initiative.proposed_at = record.position();
      auto& stored = initiatives_[initiative.id];
      UnindexInitiative(stored);  // a repeated id replaces (never decided, but stay consistent)
      stored = std::move(initiative);
      IndexInitiative(stored);
      break;
    }
    case DomainEvent::kInitiativeUpdated: {
      const auto& e = event.initiative_updated();
      auto it = initiatives_.find(e.initiative_id());
      if (it == initiatives_.end()) break;
      InitiativeState& initiative = it->second;
      UnindexInitiative(initiative);
      initiative.kind = e.kind();
      initiative.title = e.title();
      initiative.description = e.description();
      initiative.when = e.when();
      initiative.place = e.place();
      initiative.days = DaysOf(e.when());
      initiative.ResetFingerprint();
      IndexInitiative(initiative);
      break;
    }
    case DomainEvent::kInitiativeJoined: {
      const auto& e = event.initiative_joined();
      auto it = initiatives_.find(e.initiative_id());
      if (it != initiatives_.end() && !it->second.IsOrganizer(e.member_id())) {
        it->second.organizers.push_back(e.member_id());
      }
      break;
    }
    case DomainEvent::kInitiativeCancelled:
    case DomainEvent::kInitiativeHeld: {
      const bool cancelled = event.event_case() == DomainEvent::kInitiativeCancelled;
      const std::string& id = cancelled ? event.initiative_cancelled().initiative_id()
                                        : event.initiative_held().initiative_id();
      auto it = initiatives_.find(id);
      if (it == initiatives_.end()) break;
      UnindexInitiative(it->second);
      it->second.status = cancelled ? InitiativeStatus::kCancelled : InitiativeStatus::kHeld;
      if (!cancelled) it->second.participants = event.initiative_held().participants();
      break;
    }
    default:
      break;
  }
}

void PlatformState::ApplyProposal(const DomainEvent& event) {
  switch (event.event_case()) {
    case DomainEvent::kProposalSubmitted: {
      const auto& e = event.proposal_submitted();
      ProposalState proposal;
      proposal.id = e.proposal_id();
      proposal.title = e.title();
      proposal.description = e.description();
      proposal.submitter_name = e.submitter_name();
      proposal.submitter_contact = e.submitter_contact();
      proposal.submitted_by = e.submitted_by();
      proposals_[proposal.id] = std::move(proposal);
      break;
    }
    case DomainEvent::kProposalDiscussed:
      if (auto it = proposals_.find(event.proposal_discussed().proposal_id());
          it != proposals_.end()) {
        it->second.notes.push_back(event.proposal_discussed().notes());
        if (it->second.status == ProposalStatus::kOpen)
          it->second.status = ProposalStatus::kDiscussed;
      }
      break;
    case DomainEvent::kProposalAdopted:
      if (auto it = proposals_.find(event.proposal_adopted().proposal_id());
          it != proposals_.end()) {
        it->second.status = ProposalStatus::kAdopted;
        it->second.initiative_id = event.proposal_adopted().initiative_id();
      }
      break;
    case DomainEvent::kProposalDeclined:
      if (auto it = proposals_.find(event.proposal_declined().proposal_id());
          it != proposals_.end()) {
        it->second.status = ProposalStatus::kDeclined;
        it->second.decline_reason = event.proposal_declined().reason();
      }
      break;
    default:
      break;
  }
}

void PlatformState::ApplyClash(const v1::EventRecord& record, const DomainEvent& event) {
  switch (event.event_case()) {
    case DomainEvent::kClashDetected: {
      const auto& e = event.clash_detected();
      ClashState clash;
      clash.id = e.clash_id();
      clash.initiative_a = e.initiative_a();
      clash.initiative_b = e.initiative_b();
      clash.rule = e.rule();
      clash.score = e.score();
      clash.date = e.date();
      clash.shared_terms.assign(e.shared_terms().begin(), e.shared_terms().end());
      clash.detected_at = record.position();
      clash_by_pair_[PairKey(clash.initiative_a, clash.initiative_b)] = clash.id;
      clashes_[clash.id] = std::move(clash);
      return;
    }
    case DomainEvent::kInitiativesMerged: {
      const auto& e = event.initiatives_merged();
      auto clash = clashes_.find(e.clash_id());
      if (clash != clashes_.end()) clash->second.status = ClashStatus::kMerged;
      auto surviving = initiatives_.find(e.surviving_initiative_id());
      auto absorbed = initiatives_.find(e.absorbed_initiative_id());
      if (surviving == initiatives_.end() || absorbed == initiatives_.end()) return;
      for (const auto& organizer : absorbed->second.organizers) {
        if (!surviving->second.IsOrganizer(organizer))
          surviving->second.organizers.push_back(organizer);
      }
      surviving->second.absorbed.push_back(absorbed->first);
      UnindexInitiative(absorbed->second);
      absorbed->second.status = InitiativeStatus::kMerged;
      absorbed->second.merged_into = surviving->first;
      return;
    }
    default:
      break;
  }
  // The rest change one clash's status.
  std::string id;
  switch (event.event_case()) {
    case DomainEvent::kClashResolved:
      id = event.clash_resolved().clash_id();
      break;
    case DomainEvent::kClashDismissed:
      id = event.clash_dismissed().clash_id();
      break;
    case DomainEvent::kClashReopened:
      id = event.clash_reopened().clash_id();
      break;
    case DomainEvent::kMergeProposed:
      id = event.merge_proposed().clash_id();
      break;
    case DomainEvent::kMergeAccepted:
      id = event.merge_accepted().clash_id();
      break;
    case DomainEvent::kMergeDeclined:
      id = event.merge_declined().clash_id();
      break;
    default:
      return;
  }
  auto it = clashes_.find(id);
  if (it == clashes_.end()) return;
  ClashState& clash = it->second;
  switch (event.event_case()) {
    case DomainEvent::kClashResolved:
      clash.status = ClashStatus::kResolved;
      clash.resolve_reason = event.clash_resolved().reason();
      break;
    case DomainEvent::kClashDismissed:
      clash.status = ClashStatus::kDismissed;
      clash.dismiss_reason = event.clash_dismissed().reason();
      break;
    case DomainEvent::kClashReopened:
      clash.status = ClashStatus::kOpen;
      clash.rule = event.clash_reopened().rule();
      clash.score = event.clash_reopened().score();
      clash.accepted_sides.clear();
      clash.surviving.clear();
      break;
    case DomainEvent::kMergeProposed:
      clash.status = ClashStatus::kMergeProposed;
      clash.surviving = event.merge_proposed().surviving_initiative_id();
      clash.proposed_by = record.actor();
      clash.accepted_sides.clear();
      clash.decline_reason.clear();
      break;
    case DomainEvent::kMergeAccepted:
      clash.accepted_sides.insert(event.merge_accepted().initiative_id());
      break;
    case DomainEvent::kMergeDeclined:
      clash.status = ClashStatus::kOpen;
      clash.decline_reason = event.merge_declined().reason();
      clash.accepted_sides.clear();
      clash.surviving.clear();
      break;
    default:
      break;
  }
}

namespace {

template <typename Map>
const typename Map::mapped_type* FindIn(const Map& map, std::string_view id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

const MemberState* PlatformState::Member(std::string_view id) const { return FindIn(members_, id); }

v1::Role PlatformState::RoleOf(std::string_view member_id) const {
  const MemberState* member = Member(member_id);
  return member && member->active ? member->role : v1::ROLE_UNSPECIFIED;
}

const InitiativeState* PlatformState::Initiative(std::string_view id) const {
  return FindIn(initiatives_, id);
}

const ProposalState* PlatformState::Proposal(std::string_view id) const {
  return FindIn(proposals_, id);
}

const TaskState* PlatformState::Task(std::string_view id) const { return FindIn(tasks_, id); }

const MeetingState* PlatformState::Meeting(std::string_view id) const {
  return FindIn(meetings_, id);
}

const ClashState* PlatformState::Clash(std::string_view id) const { return FindIn(clashes_, id); }

const ClashState* PlatformState::ClashBetween(std::string_view a, std::string_view b) const {
  auto it = clash_by_pair_.find(PairKey(a, b));
  return it == clash_by_pair_.end() ? nullptr : Clash(it->second);
}

std::string PairKey(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  std::string key(a);
  key.push_back('\0');  // ids are visible ASCII: '\0' cannot be part of one
  key.append(b);
  return key;
}

const PlatformState::InitiativeSet* PlatformState::ActiveOn(int32_t day) const {
  auto it = active_by_day_.find(day);
  return it == active_by_day_.end() ? nullptr : &it->second;
}

const PlatformState::InitiativeSet* PlatformState::OngoingOfKind(v1::InitiativeKind kind) const {
  auto it = ongoing_by_kind_.find(kind);
  return it == ongoing_by_kind_.end() ? nullptr : &it->second;
}

std::optional<uint64_t> PlatformState::StreamVersion(std::string_view stream) const {
  auto it = streams_.find(stream);
  if (it == streams_.end() || !it->second.has_events) return std::nullopt;
  return it->second.version;
}

const CommandOutcome* PlatformState::CommandResult(std::string_view command_id) const {
  auto it = commands_.find(command_id);
  return it == commands_.end() ? nullptr : &it->second;
}

}  // namespace rotonde::projections
