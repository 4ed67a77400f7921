// Decide: routes a command to its decider. StreamOf: where each event belongs. Both switch
// over every case of their oneof with no default, and the build treats a missing case as an
// error (-Werror=switch): a command or event added to the schema without its decider or
// stream does not build.
#include "decide.h"

#include "deciders.h"

namespace rotonde::commands {

std::string EventTypeName(const v1::DomainEvent& event) {
  const auto* oneof = v1::DomainEvent::descriptor()->FindOneofByName("event");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? std::string() : field->message_type()->name();
}

std::string StreamOf(const CommandContext& context, const v1::DomainEvent& event) {
  const std::string& p = context.platform;
  auto initiative = [&](const std::string& id) {
    return projections::EntityStream(p, "initiative", id);
  };
  auto proposal = [&](const std::string& id) {
    return projections::EntityStream(p, "proposal", id);
  };
  auto task = [&](const std::string& id) { return projections::EntityStream(p, "task", id); };
  auto meeting = [&](const std::string& id) { return projections::EntityStream(p, "meeting", id); };
  auto clash = [&](const std::string& id) { return projections::EntityStream(p, "clash", id); };
  const std::string budget = projections::EntityStream(p, "budget", "");
  using E = v1::DomainEvent;
  switch (event.event_case()) {
    case E::kPlatformFounded:
    case E::kMemberInvited:
    case E::kMemberJoined:
    case E::kMemberLeft:
    case E::kRoleGranted:
    case E::kPersonErased:
      return projections::PlatformStream(p);
    case E::kInitiativeProposed:
      return initiative(event.initiative_proposed().initiative_id());
    case E::kInitiativeUpdated:
      return initiative(event.initiative_updated().initiative_id());
    case E::kInitiativeJoined:
      return initiative(event.initiative_joined().initiative_id());
    case E::kInitiativeCancelled:
      return initiative(event.initiative_cancelled().initiative_id());
    case E::kInitiativeHeld:
      return initiative(event.initiative_held().initiative_id());
    case E::kProposalSubmitted:
      return proposal(event.proposal_submitted().proposal_id());
    case E::kProposalDiscussed:
      return proposal(event.proposal_discussed().proposal_id());
    case E::kProposalAdopted:
      return proposal(event.proposal_adopted().proposal_id());
    case E::kProposalDeclined:
      return proposal(event.proposal_declined().proposal_id());
    case E::kTaskCreated:
      return task(event.task_created().task_id());
    case E::kTaskClaimed:
      return task(event.task_claimed().task_id());
    case E::kTaskReleased:
      return task(event.task_released().task_id());
    case E::kTaskDone:
      return task(event.task_done().task_id());
    case E::kLearningRequested:
      return task(event.learning_requested().task_id());
    case E::kLearningPairFormed:
      return task(event.learning_pair_formed().task_id());
    case E::kTaskMoved:
      return task(event.task_moved().task_id());
    case E::kMeetingScheduled:
      return meeting(event.meeting_scheduled().meeting_id());
    case E::kAgendaItemAdded:
      return meeting(event.agenda_item_added().meeting_id());
    case E::kMinutesRecorded:
      return meeting(event.minutes_recorded().meeting_id());
    case E::kDecisionRecorded:
      return meeting(event.decision_recorded().meeting_id());
    case E::kActionItemAdded:
      return meeting(event.action_item_added().meeting_id());
    case E::kActionItemDone:
      return meeting(event.action_item_done().meeting_id());
    case E::kActionItemNotDone:
      return meeting(event.action_item_not_done().meeting_id());
    case E::kMeetingHeld:
      return meeting(event.meeting_held().meeting_id());
    case E::kActionItemAssigned:
      return meeting(event.action_item_assigned().meeting_id());
    case E::kBudgetAllocated:
    case E::kOverheadCapSet:
    case E::kSpendingProposed:
    case E::kSpendingDecided:
    case E::kExpenseRecorded:
    case E::kSpendingMoved:
    case E::kSpendingClosed:
      return budget;
    case E::kClashDetected:
      return clash(event.clash_detected().clash_id());
    case E::kClashResolved:
      return clash(event.clash_resolved().clash_id());
    case E::kClashDismissed:
      return clash(event.clash_dismissed().clash_id());
    case E::kClashReopened:
      return clash(event.clash_reopened().clash_id());
    case E::kMergeProposed:
      return clash(event.merge_proposed().clash_id());
    case E::kMergeAccepted:
      return clash(event.merge_accepted().clash_id());
    case E::kMergeDeclined:
      return clash(event.merge_declined().clash_id());
    case E::kInitiativesMerged:
      return clash(event.initiatives_merged().clash_id());
    case E::EVENT_NOT_SET:
      break;
  }
  return projections::PlatformStream(p);  // a decider never plans an empty event
}

Decision Decide(const v1::Command& command, const CommandContext& context,
                const projections::PlatformState& state) {
  if (auto refusal = CheckId("command_id", command.command_id())) return *refusal;
  if (auto refusal = CheckExpectedVersionForm(command)) return *refusal;
  using C = v1::Command;
  const auto& c = command;
  const auto& s = state;
  switch (command.command_case()) {
    case C::kFoundPlatform:
      return platform::Found(c, context, s);
    case C::kInviteMember:
      return platform::Invite(c, context, s);
    case C::kJoinPlatform:
      return platform::Join(c, context, s);
    case C::kLeavePlatform:
      return platform::Leave(c, context, s);
    case C::kGrantRole:
      return platform::Grant(c, context, s);
    case C::kErasePerson:
      return platform::Erase(c, context, s);
    case C::kProposeInitiative:
      return initiatives::Propose(c, context, s);
    case C::kUpdateInitiative:
      return initiatives::Update(c, context, s);
    case C::kJoinInitiative:
      return initiatives::Join(c, context, s);
    case C::kCancelInitiative:
      return initiatives::Cancel(c, context, s);
    case C::kMarkInitiativeHeld:
      return initiatives::Held(c, context, s);
    case C::kSubmitProposal:
      return proposals::Submit(c, context, s);
    case C::kRecordProposalDiscussion:
      return proposals::Discuss(c, context, s);
    case C::kDeclineProposal:
      return proposals::Decline(c, context, s);
    case C::kCreateTask:
      return tasks::Create(c, context, s);
    case C::kClaimTask:
      return tasks::Claim(c, context, s);
    case C::kReleaseTask:
      return tasks::Release(c, context, s);
    case C::kCompleteTask:
      return tasks::Complete(c, context, s);
    case C::kRequestLearning:
      return tasks::RequestLearning(c, context, s);
    case C::kOfferToTeach:
      return tasks::OfferToTeach(c, context, s);
    case C::kScheduleMeeting:
      return meetings::Schedule(c, context, s);
    case C::kAddAgendaItem:
      return meetings::AddAgendaItem(c, context, s);
    case C::kRecordMinutes:
      return meetings::RecordMinutes(c, context, s);
    case C::kRecordDecision:
      return meetings::RecordDecision(c, context, s);
    case C::kAddActionItem:
      return meetings::AddActionItem(c, context, s);
    case C::kMarkActionDone:
      return meetings::MarkActionDone(c, context, s);
    case C::kMarkActionNotDone:
      return meetings::MarkActionNotDone(c, context, s);
    case C::kMarkMeetingHeld:
      return meetings::MarkHeld(c, context, s);
    case C::kAssignAction:
      return meetings::AssignAction(c, context, s);
    case C::kAllocateBudget:
      return budget::Allocate(c, context, s);
    case C::kSetOverheadCap:
      return budget::SetCap(c, context, s);
    case C::kProposeSpending:
      return budget::Propose(c, context, s);
    case C::kDecideSpending:
      return budget::DecideLine(c, context, s);
    case C::kRecordExpense:
      return budget::Expense(c, context, s);
    case C::kCloseSpending:
      return budget::Close(c, context, s);
    case C::kDismissClash:
      return clashes::Dismiss(c, context, s);
    case C::kProposeMerge:
      return clashes::Propose(c, context, s);
    case C::kAcceptMerge:
      return clashes::Accept(c, context, s);
    case C::kDeclineMerge:
      return clashes::Decline(c, context, s);
    case C::COMMAND_NOT_SET:
      break;
  }
  return Refuse("unknown_command", "the command names no known command");
}

}  // namespace rotonde::commands
