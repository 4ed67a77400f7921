#include "rotonde/projections/inbox.h"

#include <algorithm>
#include <vector>

namespace rotonde::projections {
namespace {

using v1::DomainEvent;

// Collects the recipients of one event: each once, in the order first named, never the
// actor, never someone who is not an active member.
class Recipients {
 public:
  Recipients(const PlatformState& state, const std::string& actor) : state_(state), actor_(actor) {}

  void Add(const std::string& member_id) {
    if (member_id.empty() || member_id == actor_) return;
    const MemberState* member = state_.Member(member_id);
    if (member == nullptr || !member->active) return;
    if (std::find(ids_.begin(), ids_.end(), member_id) == ids_.end()) ids_.push_back(member_id);
  }
  void AddOrganizers(const std::string& initiative_id) {
    if (const InitiativeState* initiative = state_.Initiative(initiative_id)) {
      for (const std::string& organizer : initiative->organizers) Add(organizer);
    }
  }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  const PlatformState& state_;
  const std::string& actor_;
  std::vector<std::string> ids_;
};

// The notification's fields every kind has.
v1::Notification Base(const v1::EventRecord& record, const char* kind) {
  v1::Notification n;
  n.set_position(record.position());
  n.set_kind(kind);
  n.set_actor_id(record.actor());
  *n.mutable_at() = record.recorded_at();
  return n;
}

// A clash's news to the organizers of both sides, `a` and `b`, each told from their own side.
void NotifySides(const PlatformState& before, const v1::EventRecord& record, const char* kind,
                 const std::string& clash_id, const std::string& a, const std::string& b,
                 const std::string& reason, const NotificationSink& deliver) {
  Recipients side_a(before, record.actor());
  side_a.AddOrganizers(a);
  Recipients side_b(before, record.actor());
  side_b.AddOrganizers(b);
  std::vector<std::string> told;
  auto tell = [&](const std::string& member, const std::string& own, const std::string& other) {
    if (std::find(told.begin(), told.end(), member) != told.end()) return;
    told.push_back(member);
    v1::Notification n = Base(record, kind);
    n.set_clash_id(clash_id);
    n.set_initiative_id(own);
    n.set_other_initiative_id(other);
    n.set_reason(reason);
    deliver(member, std::move(n));
  };
  for (const std::string& m : side_a.ids()) tell(m, a, b);
  for (const std::string& m : side_b.ids()) tell(m, b, a);
}

// The same for a clash the state knows already.
void NotifyClashSides(const PlatformState& before, const v1::EventRecord& record, const char* kind,
                      const std::string& clash_id, const std::string& reason,
                      const NotificationSink& deliver) {
  if (const ClashState* clash = before.Clash(clash_id)) {
    NotifySides(before, record, kind, clash_id, clash->initiative_a, clash->initiative_b, reason,
                deliver);
  }
}

}  // namespace

void Notify(const PlatformState& before, const v1::EventRecord& record,
            const v1::DomainEvent& event, const NotificationSink& deliver) {
  switch (event.event_case()) {
    case DomainEvent::kClashDetected:
      // The clash is new: its sides are in the event, not yet in the state.
      NotifySides(before, record, "clash_detected", event.clash_detected().clash_id(),
                  event.clash_detected().initiative_a(), event.clash_detected().initiative_b(), {},
                  deliver);
      return;
    case DomainEvent::kClashReopened:
      NotifyClashSides(before, record, "clash_reopened", event.clash_reopened().clash_id(), {},
                       deliver);
      return;
    case DomainEvent::kClashDismissed:
      NotifyClashSides(before, record, "clash_dismissed", event.clash_dismissed().clash_id(),
                       event.clash_dismissed().reason(), deliver);
      return;
    case DomainEvent::kClashResolved:
      NotifyClashSides(before, record, "clash_resolved", event.clash_resolved().clash_id(),
                       event.clash_resolved().reason(), deliver);
      return;
    case DomainEvent::kMergeProposed:
      NotifyClashSides(before, record, "merge_proposed", event.merge_proposed().clash_id(),
                       event.merge_proposed().note(), deliver);
      return;
    case DomainEvent::kMergeAccepted: {
      // Not news: the proposer's own yes (it comes with the proposal), nor the yes that
      // completes the merge (initiatives_merged follows in the same command).
      const ClashState* clash = before.Clash(event.merge_accepted().clash_id());
      if (clash == nullptr) return;
      if (clash->accepted_sides.empty() && clash->proposed_by == record.actor()) return;
      if (!clash->accepted_sides.empty() &&
          clash->accepted_sides.count(event.merge_accepted().initiative_id()) == 0) {
        return;
      }
      NotifyClashSides(before, record, "merge_accepted", event.merge_accepted().clash_id(), {},
                       deliver);
      return;
    }
    case DomainEvent::kMergeDeclined:
      NotifyClashSides(before, record, "merge_declined", event.merge_declined().clash_id(),
                       event.merge_declined().reason(), deliver);
      return;
    case DomainEvent::kInitiativesMerged:
      NotifyClashSides(before, record, "initiatives_merged", event.initiatives_merged().clash_id(),
                       {}, deliver);
      return;
    case DomainEvent::kLearningRequested: {
      const auto& e = event.learning_requested();
      const TaskState* task = before.Task(e.task_id());
      if (task == nullptr) return;
      Recipients to(before, record.actor());
      if (!task->claimed_by.empty()) {
        to.Add(task->claimed_by);
      } else {
        to.AddOrganizers(task->initiative_id);
      }
      for (const std::string& member : to.ids()) {
        v1::Notification n = Base(record, "learning_requested");
        n.set_task_id(e.task_id());
        n.set_initiative_id(task->initiative_id);
        n.set_member_id(e.learner_id());
        n.set_due_date(task->due_date);
        deliver(member, std::move(n));
      }
      return;
    }
    case DomainEvent::kLearningPairFormed: {
      const auto& e = event.learning_pair_formed();
      const TaskState* task = before.Task(e.task_id());
      Recipients to(before, record.actor());
      to.Add(e.learner_id());
      to.Add(e.mentor_id());
      for (const std::string& member : to.ids()) {
        v1::Notification n = Base(record, "teaching_offered");
        n.set_task_id(e.task_id());
        if (task != nullptr) n.set_initiative_id(task->initiative_id);
        // The other one of the pair.
        n.set_member_id(member == e.learner_id() ? e.mentor_id() : e.learner_id());
        deliver(member, std::move(n));
      }
      return;
    }
    case DomainEvent::kSpendingDecided: {
      const auto& e = event.spending_decided();
      auto it = before.budget().spending.find(e.spending_id());
      if (it == before.budget().spending.end()) return;
      Recipients to(before, record.actor());
      to.Add(it->second.proposed_by);
      for (const std::string& member : to.ids()) {
        v1::Notification n = Base(record, "spending_decided");
        n.set_spending_id(e.spending_id());
        n.set_initiative_id(it->second.initiative_id);
        n.set_approved(e.approved());
        n.set_reason(e.note());
        deliver(member, std::move(n));
      }
      return;
    }
    case DomainEvent::kActionItemAdded:
    case DomainEvent::kActionItemAssigned: {
      const bool added = event.event_case() == DomainEvent::kActionItemAdded;
      const std::string& meeting_id = added ? event.action_item_added().meeting_id()
                                            : event.action_item_assigned().meeting_id();
      const std::string& action_id =
          added ? event.action_item_added().action_id() : event.action_item_assigned().action_id();
      const std::string& owner =
          added ? event.action_item_added().owner_id() : event.action_item_assigned().owner_id();
      std::string due_date = added ? event.action_item_added().due_date() : std::string();
      if (!added) {
        const MeetingState* meeting = before.Meeting(meeting_id);
        const ActionItemState* action = meeting ? meeting->Action(action_id) : nullptr;
        if (action != nullptr) due_date = action->due_date;
      }
      Recipients to(before, record.actor());
      to.Add(owner);
      for (const std::string& member : to.ids()) {
        v1::Notification n = Base(record, "action_assigned");
        n.set_meeting_id(meeting_id);
        n.set_action_id(action_id);
        n.set_due_date(due_date);
        deliver(member, std::move(n));
      }
      return;
    }
    case DomainEvent::kProposalSubmitted: {
      const auto& e = event.proposal_submitted();
      Recipients to(before, e.submitted_by().empty() ? record.actor() : e.submitted_by());
      for (const auto& [id, member] : before.members()) {
        if (member.role == v1::ROLE_COORDINATOR || member.role == v1::ROLE_ADMIN) to.Add(id);
      }
      for (const std::string& member : to.ids()) {
        v1::Notification n = Base(record, "proposal_submitted");
        n.set_proposal_id(e.proposal_id());
        deliver(member, std::move(n));
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace rotonde::projections
