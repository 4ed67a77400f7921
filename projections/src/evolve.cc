// Evolve: routes each event to its evolver. The switch names every case of DomainEvent's
// oneof with no default, and the build treats a missing case as an error (-Werror=switch): an
// event added to the schema without its evolver does not build.
#include "evolvers.h"

namespace rotonde::projections {

void Evolve(PlatformTables& t, const v1::EventRecord& record, const v1::DomainEvent& event) {
  using E = v1::DomainEvent;
  switch (event.event_case()) {
    case E::kPlatformFounded:
      return platform::Founded(t, event.platform_founded());
    case E::kMemberInvited:
      return platform::Invited(t, event.member_invited());
    case E::kMemberJoined:
      return platform::Joined(t, event.member_joined());
    case E::kMemberLeft:
      return platform::Left(t, event.member_left());
    case E::kRoleGranted:
      return platform::Granted(t, event.role_granted());
    case E::kPersonErased:
      return platform::Erased(t, event.person_erased());
    case E::kInitiativeProposed:
      return initiatives::Proposed(t, record, event.initiative_proposed());
    case E::kInitiativeUpdated:
      return initiatives::Updated(t, event.initiative_updated());
    case E::kInitiativeJoined:
      return initiatives::Joined(t, event.initiative_joined());
    case E::kInitiativeCancelled:
      return initiatives::Cancelled(t, event.initiative_cancelled());
    case E::kInitiativeHeld:
      return initiatives::Held(t, event.initiative_held());
    case E::kProposalSubmitted:
      return proposals::Submitted(t, record, event.proposal_submitted());
    case E::kProposalDiscussed:
      return proposals::Discussed(t, event.proposal_discussed());
    case E::kProposalAdopted:
      return proposals::Adopted(t, event.proposal_adopted());
    case E::kProposalDeclined:
      return proposals::Declined(t, event.proposal_declined());
    case E::kTaskCreated:
      return tasks::Created(t, event.task_created());
    case E::kTaskClaimed:
      return tasks::Claimed(t, event.task_claimed());
    case E::kTaskReleased:
      return tasks::Released(t, event.task_released());
    case E::kTaskDone:
      return tasks::Done(t, event.task_done());
    case E::kLearningRequested:
      return tasks::LearningRequested(t, event.learning_requested());
    case E::kLearningPairFormed:
      return tasks::LearningPairFormed(t, event.learning_pair_formed());
    case E::kTaskMoved:
      return tasks::Moved(t, event.task_moved());
    case E::kMeetingScheduled:
      return meetings::Scheduled(t, event.meeting_scheduled());
    case E::kAgendaItemAdded:
      return meetings::AgendaItemAdded(t, event.agenda_item_added());
    case E::kMinutesRecorded:
      return meetings::MinutesRecorded(t, event.minutes_recorded());
    case E::kDecisionRecorded:
      return meetings::DecisionRecorded(t, event.decision_recorded());
    case E::kActionItemAdded:
      return meetings::ActionItemAdded(t, event.action_item_added());
    case E::kActionItemDone:
      return meetings::ActionItemDone(t, event.action_item_done());
    case E::kActionItemNotDone:
      return meetings::ActionItemNotDone(t, event.action_item_not_done());
    case E::kMeetingHeld:
      return meetings::Held(t, event.meeting_held());
    case E::kActionItemAssigned:
      return meetings::ActionItemAssigned(t, event.action_item_assigned());
    case E::kBudgetAllocated:
      return budget::Allocated(t, event.budget_allocated());
    case E::kOverheadCapSet:
      return budget::OverheadCapSet(t, event.overhead_cap_set());
    case E::kSpendingProposed:
      return budget::SpendingProposed(t, record, event.spending_proposed());
    case E::kSpendingDecided:
      return budget::SpendingDecided(t, event.spending_decided());
    case E::kExpenseRecorded:
      return budget::ExpenseRecorded(t, event.expense_recorded());
    case E::kSpendingMoved:
      return budget::SpendingMoved(t, event.spending_moved());
    case E::kSpendingClosed:
      return budget::SpendingClosed(t, event.spending_closed());
    case E::kClashDetected:
      return clashes::Detected(t, record, event.clash_detected());
    case E::kClashResolved:
      return clashes::Resolved(t, event.clash_resolved());
    case E::kClashDismissed:
      return clashes::Dismissed(t, event.clash_dismissed());
    case E::kClashReopened:
      return clashes::Reopened(t, event.clash_reopened());
    case E::kMergeProposed:
      return clashes::MergeProposed(t, record, event.merge_proposed());
    case E::kMergeAccepted:
      return clashes::MergeAccepted(t, event.merge_accepted());
    case E::kMergeDeclined:
      return clashes::MergeDeclined(t, event.merge_declined());
    case E::kInitiativesMerged:
      return clashes::Merged(t, event.initiatives_merged());
    case E::EVENT_NOT_SET:
      return;  // not a domain event: nothing to fold
  }
}

}  // namespace rotonde::projections
