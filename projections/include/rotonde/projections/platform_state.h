// PlatformState: everything about one platform that deciding a command needs, folded from
// the platform's events (evolve). It is also what the read models start from. Pure: the
// same events in the same order always give the same state, whether live, rebuilt from
// position 0, or replayed up to a position for an auditor.
//
// Apply() takes the platform's events in log order and never fails: events are facts that
// were decided against this state, so a fact it cannot place (an unknown id) is ignored
// rather than guessed at. Apply is evolve: projections/src/evolve.cc routes each event to its
// evolver, one file per area (evolve_<area>.cc), mirroring the deciders. Entities are kept in
// ordered maps so that iteration, and any serialization of views, is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/projections/text_similarity.h"
#include "rotonde/v1/event.pb.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::projections {

// Entities by id, in id order (views and snapshots iterate them deterministically), searchable
// with a string_view.
template <typename Entity>
using EntityMap = std::map<std::string, Entity, std::less<>>;

// Initiatives span at most this many days (a summer programme); longer is refused by the
// decider, so the day index stays small.
inline constexpr int32_t kMaxInitiativeDays = 92;

// A platform counts its initiatives' title terms for at most this many distinct terms (a
// term first seen when the table is full is not counted), which bounds its memory; a few
// hundred initiatives use a fraction of it.
inline constexpr size_t kMaxPlatformTerms = 8192;

struct MemberState {
  std::string id;
  std::string name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  bool active = true;
  bool erased = false;  // PersonErased: `name` is kErasedName
};

struct InviteState {
  std::string id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string invited_by;
  bool used = false;
};

// Days an initiative occupies, as day numbers (see dates.h). Ongoing initiatives (a
// newsletter, an action group) have first = their start and no last day.
struct DayRange {
  int32_t first = 0;
  int32_t last = 0;
  bool ongoing = false;
  bool valid = false;  // false if the dates did not parse (never for decided events)
  bool Overlaps(const DayRange& other) const;
};

// Parses an initiative's When into days; invalid dates give valid == false.
DayRange DaysOf(const v1::When& when);

enum class InitiativeStatus { kActive, kCancelled, kHeld, kMerged };

struct InitiativeState {
  std::string id;
  v1::InitiativeKind kind = v1::INITIATIVE_KIND_UNSPECIFIED;
  std::string title;
  std::string description;
  v1::When when;
  v1::Place place;
  DayRange days;
  std::vector<std::string> organizers;  // in the order they joined
  InitiativeStatus status = InitiativeStatus::kActive;
  std::string merged_into;            // when kMerged
  std::vector<std::string> absorbed;  // initiatives merged into this one
  std::string proposal_id;
  int32_t participants = 0;
  uint64_t proposed_at = 0;  // log position

  bool IsOrganizer(std::string_view member_id) const;
  bool active() const { return status == InitiativeStatus::kActive; }
  // The fingerprint of title and description, built on first use: most initiatives are
  // never compared, and building one costs microseconds that a rebuild or a restore of
  // thousands of initiatives should not pay. Call ResetFingerprint() after changing the
  // title or description. Not safe for concurrent first use (a PlatformState is used under
  // its platform's lock).
  const TextFingerprint& fingerprint() const;
  void ResetFingerprint() { fingerprint_.reset(); }

 private:
  mutable std::optional<TextFingerprint> fingerprint_;
};

enum class ProposalStatus { kOpen, kDiscussed, kAdopted, kDeclined };

struct ProposalState {
  std::string id;
  std::string title;
  std::string description;
  std::string submitter_name;
  std::string submitter_contact;
  std::string submitted_by;
  std::string submitter_id;       // whom submitter_name and submitter_contact are about
  bool submitter_erased = false;  // PersonErased of submitter_id
  ProposalStatus status = ProposalStatus::kOpen;
  std::vector<std::string> notes;
  std::string initiative_id;  // when adopted
  std::string decline_reason;
  int64_t submitted_at = 0;  // when it was recorded: seconds since the Unix epoch
};

struct TaskState {
  std::string id;
  std::string initiative_id;
  std::string title;
  std::string description;
  std::string due_date;
  std::string claimed_by;  // empty when open
  bool done = false;
  std::string done_by;
  std::vector<std::string> learners_waiting;                        // asked to be shown how
  std::vector<std::pair<std::string, std::string>> learning_pairs;  // (mentor, learner)
};

struct ActionItemState {
  std::string id;
  std::string description;
  std::string owner_id;
  std::string due_date;
  bool added_during_period = false;
  v1::ActionOutcome outcome = v1::ACTION_OUTCOME_OPEN;
  v1::NotDoneReason reason = v1::NOT_DONE_REASON_UNSPECIFIED;
  std::string explanation;  // why not done, or a note on what was done
};

struct MeetingState {
  std::string id;
  std::string title;
  std::string date;
  std::string start_time;
  v1::Place place;
  bool hybrid = false;
  std::vector<std::pair<std::string, std::string>> agenda;  // (item id, title)
  std::vector<std::string> minutes;
  std::vector<std::pair<std::string, std::string>> decisions;  // (decision id, text)
  std::vector<ActionItemState> actions;
  bool held = false;
  int32_t attendees = 0;

  const ActionItemState* Action(std::string_view action_id) const;
  ActionItemState* Action(std::string_view action_id);
};

// A line is proposed, then approved or rejected; a proposed or approved line may be closed.
enum class SpendingStatus { kProposed, kApproved, kRejected, kClosed };
// "proposed", "approved", "rejected", "closed": as views and refusals name it.
const char* SpendingStatusName(SpendingStatus status);
// "active", "cancelled", "held" or "merged": the name views use.
const char* InitiativeStatusName(InitiativeStatus status);
// "open", "discussed", "adopted" or "declined": the name views and the public status page use.
const char* ProposalStatusName(ProposalStatus status);

struct SpendingState {
  std::string id;
  std::string initiative_id;
  int64_t amount_cents = 0;
  std::string purpose;
  bool overhead = false;
  std::string proposed_by;
  SpendingStatus status = SpendingStatus::kProposed;
  std::string decided_by;
  int32_t votes_for = 0, votes_against = 0, votes_abstained = 0;
  std::string note;
  int64_t spent_cents = 0;     // expenses recorded against it
  bool approved = false;       // it was approved (and may have been closed since)
  int64_t released_cents = 0;  // what closing it returned: approved and not spent
  std::string close_reason;
  bool closed_by_cancellation = false;  // its initiative was cancelled

  // What the line holds of the budget's approved money: all of an approved line, what a
  // closed one spent, nothing of one proposed or rejected.
  int64_t committed_cents() const {
    if (status == SpendingStatus::kApproved) return amount_cents;
    if (status == SpendingStatus::kClosed && approved) return amount_cents - released_cents;
    return 0;
  }
};

struct ExpenseState {
  std::string id;
  std::string spending_id;
  int64_t amount_cents = 0;
  std::string receipt_reference;
  std::string paid_to;
  std::string date;
};

// The buurtbudget. Money is committed when a spending line is approved (its whole amount)
// and spent when expenses are recorded; nothing may be approved beyond what is uncommitted.
struct BudgetState {
  struct Allocation {
    std::string id;
    std::string source;
    int64_t amount_cents = 0;
    std::string period;
  };
  std::vector<Allocation> allocations;
  int64_t allocated_cents = 0;
  int64_t approved_cents = 0;           // sum of the lines' committed_cents()
  int64_t approved_overhead_cents = 0;  // of which overhead
  int64_t spent_cents = 0;              // sum of expenses
  int32_t overhead_cap_percent = -1;    // -1: no cap set
  EntityMap<SpendingState> spending;
  std::vector<ExpenseState> expenses;

  // What may still be approved.
  int64_t uncommitted_cents() const { return allocated_cents - approved_cents; }
  // Money in the account: allocated minus spent. Never below zero.
  int64_t balance_cents() const { return allocated_cents - spent_cents; }
};

enum class ClashStatus { kOpen, kDismissed, kMergeProposed, kMerged, kResolved };

struct ClashState {
  std::string id;
  std::string initiative_a;
  std::string initiative_b;
  v1::ClashRule rule = v1::CLASH_RULE_UNSPECIFIED;
  double score = 0;
  std::string date;
  std::vector<std::string> shared_terms;
  ClashStatus status = ClashStatus::kOpen;
  std::string dismiss_reason;
  std::string resolve_reason;
  std::string surviving;  // proposed surviving initiative
  std::string proposed_by;
  std::set<std::string> accepted_sides;  // initiative ids whose organizers said yes
  std::string decline_reason;
  uint64_t detected_at = 0;  // log position

  bool Involves(std::string_view initiative_id) const;
  const std::string& Other(std::string_view initiative_id) const;
};

// Positions of the events one command produced, for answering a retried command.
struct CommandOutcome {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
};

struct PlatformTables;  // what the state holds (src/platform_tables.h)

class PlatformState {
 public:
  PlatformState();
  ~PlatformState();
  // A copy is deep; a move leaves the source fit only to be assigned to or destroyed.
  PlatformState(const PlatformState& other);
  PlatformState& operator=(const PlatformState& other);
  PlatformState(PlatformState&&) noexcept;
  PlatformState& operator=(PlatformState&&) noexcept;

  // Folds one stored event; its payload must be a DomainEvent of this platform (anything else
  // is skipped). The second form takes the payload parsed already.
  void Apply(const v1::EventRecord& record);
  void Apply(const v1::EventRecord& record, const v1::DomainEvent& event);

  bool founded() const;
  const std::string& platform_id() const;
  const std::string& name() const;
  const std::string& neighbourhood() const;
  // The position of the last event applied; 0 before any.
  uint64_t position() const;

  // Every entity of a kind, in id order.
  const EntityMap<MemberState>& members() const;
  const EntityMap<InviteState>& invites() const;
  const EntityMap<InitiativeState>& initiatives() const;
  const EntityMap<ProposalState>& proposals() const;
  const EntityMap<TaskState>& tasks() const;
  const EntityMap<MeetingState>& meetings() const;
  const EntityMap<ClashState>& clashes() const;
  const BudgetState& budget() const;

  // One entity by id (hashed), or null.
  const MemberState* Member(std::string_view id) const;
  const InitiativeState* Initiative(std::string_view id) const;
  const ProposalState* Proposal(std::string_view id) const;
  const TaskState* Task(std::string_view id) const;
  const MeetingState* Meeting(std::string_view id) const;
  const ClashState* Clash(std::string_view id) const;
  // The member's role if they are an active member, else ROLE_UNSPECIFIED.
  v1::Role RoleOf(std::string_view member_id) const;
  // The clash between two initiatives (either order), if one was ever detected.
  const ClashState* ClashBetween(std::string_view a, std::string_view b) const;

  // What this platform's decisions taught the comparison of texts: the title terms of two
  // merged initiatives name the same activity; those of a dismissed clash ("bewust apart")
  // keep plans apart. Folded from InitiativesMerged and ClashDismissed, so a replay learns
  // the same; at most LearnedTerms::kMaxPairs pairs of each kind.
  const LearnedTerms& learned_terms() const;
  // The context FindClashes compares texts in: learned_terms(), and in how many of the
  // platform's initiatives each title term is (terms most of them carry weigh less). Points
  // into this state: valid while it lives and is not changed.
  SimilarityContext similarity_context() const;

  // Initiatives by id: pointers into initiatives(), stable while the state lives.
  using InitiativeSet = std::vector<const InitiativeState*>;
  // Active, dated initiatives occupying `day` (for clash detection and calendars), by id.
  const InitiativeSet* ActiveOn(int32_t day) const;
  // Active, ongoing initiatives of a kind (newsletters, action groups), by id.
  const InitiativeSet* OngoingOfKind(v1::InitiativeKind kind) const;

  // The version of a stream (its last event's), nullopt if it has no events.
  std::optional<uint64_t> StreamVersion(std::string_view stream) const;
  // What a command id produced, if it produced events here.
  const CommandOutcome* CommandResult(std::string_view command_id) const;

 private:
  friend class ModelSnapshots;  // snapshot.cc writes and restores the tables
  friend class PlatformModel;   // keeps each entity's history in the tables' streams

  std::unique_ptr<PlatformTables> tables_;  // never null but in a moved-from state
};

// The key of an unordered pair of initiative ids (the same for (a, b) and (b, a)).
std::string PairKey(std::string_view a, std::string_view b);

// The stream names of a platform's entities.
std::string PlatformStream(std::string_view platform);
std::string EntityStream(std::string_view platform, std::string_view kind, std::string_view id);

}  // namespace rotonde::projections
