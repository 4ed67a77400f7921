// PlatformState::Apply (evolve) for tasks, meetings and the budget.
#include <algorithm>

#include "rotonde/projections/platform_state.h"

namespace rotonde::projections {

using v1::DomainEvent;

void PlatformState::ApplyTask(const v1::EventRecord& record, const DomainEvent& event) {
  (void)record;
  switch (event.event_case()) {
    case DomainEvent::kTaskCreated: {
      const auto& e = event.task_created();
      TaskState task;
      task.id = e.task_id();
      task.initiative_id = e.initiative_id();
      task.title = e.title();
      task.description = e.description();
      task.due_date = e.due_date();
      tasks_[task.id] = std::move(task);
      return;
    }
    default:
      break;
  }
  std::string id;
  switch (event.event_case()) {
    case DomainEvent::kTaskClaimed:
      id = event.task_claimed().task_id();
      break;
    case DomainEvent::kTaskReleased:
      id = event.task_released().task_id();
      break;
    case DomainEvent::kTaskDone:
      id = event.task_done().task_id();
      break;
    case DomainEvent::kLearningRequested:
      id = event.learning_requested().task_id();
      break;
    case DomainEvent::kLearningPairFormed:
      id = event.learning_pair_formed().task_id();
      break;
    case DomainEvent::kTaskMoved:
      id = event.task_moved().task_id();
      break;
    default:
      return;
  }
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  TaskState& task = it->second;
  switch (event.event_case()) {
    case DomainEvent::kTaskClaimed:
      task.claimed_by = event.task_claimed().member_id();
      break;
    case DomainEvent::kTaskReleased:
      task.claimed_by.clear();
      break;
    case DomainEvent::kTaskDone:
      task.done = true;
      task.done_by = event.task_done().member_id();
      break;
    case DomainEvent::kLearningRequested:
      if (std::find(task.learners_waiting.begin(), task.learners_waiting.end(),
                    event.learning_requested().learner_id()) == task.learners_waiting.end()) {
        task.learners_waiting.push_back(event.learning_requested().learner_id());
      }
      break;
    case DomainEvent::kLearningPairFormed: {
      const auto& e = event.learning_pair_formed();
      std::erase(task.learners_waiting, e.learner_id());
      task.learning_pairs.emplace_back(e.mentor_id(), e.learner_id());
      break;
    }
    case DomainEvent::kTaskMoved:
      task.initiative_id = event.task_moved().to_initiative_id();
      break;
    default:
      break;
  }
}

void PlatformState::ApplyMeeting(const DomainEvent& event) {
  if (event.event_case() == DomainEvent::kMeetingScheduled) {
    const auto& e = event.meeting_scheduled();
    MeetingState meeting;
    meeting.id = e.meeting_id();
    meeting.title = e.title();
    meeting.date = e.date();
    meeting.start_time = e.start_time();
    meeting.place = e.place();
    meeting.hybrid = e.hybrid();
    meetings_[meeting.id] = std::move(meeting);
    return;
  }
  std::string id;
  switch (event.event_case()) {
    case DomainEvent::kAgendaItemAdded:
      id = event.agenda_item_added().meeting_id();
      break;
    case DomainEvent::kMinutesRecorded:
      id = event.minutes_recorded().meeting_id();
      break;
    case DomainEvent::kDecisionRecorded:
      id = event.decision_recorded().meeting_id();
      break;
    case DomainEvent::kActionItemAdded:
      id = event.action_item_added().meeting_id();
      break;
    case DomainEvent::kActionItemDone:
      id = event.action_item_done().meeting_id();
      break;
    case DomainEvent::kActionItemNotDone:
      id = event.action_item_not_done().meeting_id();
      break;
    case DomainEvent::kMeetingHeld:
      id = event.meeting_held().meeting_id();
      break;
    default:
      return;
  }
  auto it = meetings_.find(id);
  if (it == meetings_.end()) return;
  MeetingState& meeting = it->second;
  switch (event.event_case()) {
    case DomainEvent::kAgendaItemAdded:
      meeting.agenda.emplace_back(event.agenda_item_added().item_id(),
                                  event.agenda_item_added().title());
      break;
    case DomainEvent::kMinutesRecorded:
      meeting.minutes.push_back(event.minutes_recorded().text());
      break;
    case DomainEvent::kDecisionRecorded:
      meeting.decisions.emplace_back(event.decision_recorded().decision_id(),
                                     event.decision_recorded().text());
      break;
    case DomainEvent::kActionItemAdded: {
      const auto& e = event.action_item_added();
      ActionItemState action;
      action.id = e.action_id();
      action.description = e.description();
      action.owner_id = e.owner_id();
      action.due_date = e.due_date();
      action.added_during_period = e.added_during_period();
      meeting.actions.push_back(std::move(action));
      break;
    }
    case DomainEvent::kActionItemDone:
      if (ActionItemState* action = meeting.Action(event.action_item_done().action_id())) {
        action->outcome = v1::ACTION_OUTCOME_DONE;
        action->explanation = event.action_item_done().note();
      }
      break;
    case DomainEvent::kActionItemNotDone:
      if (ActionItemState* action = meeting.Action(event.action_item_not_done().action_id())) {
        action->outcome = v1::ACTION_OUTCOME_NOT_DONE;
        action->reason = event.action_item_not_done().reason();
        action->explanation = event.action_item_not_done().explanation();
      }
      break;
    case DomainEvent::kMeetingHeld:
      meeting.held = true;
      meeting.attendees = event.meeting_held().attendees();
      break;
    default:
      break;
  }
}

void PlatformState::ApplyBudget(const v1::EventRecord& record, const DomainEvent& event) {
  BudgetState& b = budget_;
  switch (event.event_case()) {
    case DomainEvent::kBudgetAllocated: {
      const auto& e = event.budget_allocated();
      b.allocations.push_back({e.allocation_id(), e.source(), e.amount_cents(), e.period()});
      b.allocated_cents += e.amount_cents();
      break;
    }
    case DomainEvent::kOverheadCapSet:
      b.overhead_cap_percent = event.overhead_cap_set().percent();
      break;
    case DomainEvent::kSpendingProposed: {
      const auto& e = event.spending_proposed();
      SpendingState line;
      line.id = e.spending_id();
      line.initiative_id = e.initiative_id();
      line.amount_cents = e.amount_cents();
      line.purpose = e.purpose();
      line.overhead = e.overhead();
      line.proposed_by = record.actor();
      b.spending[line.id] = std::move(line);
      break;
    }
    case DomainEvent::kSpendingDecided: {
      const auto& e = event.spending_decided();
      auto it = b.spending.find(e.spending_id());
      if (it == b.spending.end() || it->second.status != SpendingStatus::kProposed) break;
      SpendingState& line = it->second;
      line.status = e.approved() ? SpendingStatus::kApproved : SpendingStatus::kRejected;
      line.decided_by = e.decided_by();
      line.votes_for = e.votes_for();
      line.votes_against = e.votes_against();
      line.votes_abstained = e.votes_abstained();
      line.note = e.note();
      if (e.approved()) {
        b.approved_cents += line.amount_cents;
        if (line.overhead) b.approved_overhead_cents += line.amount_cents;
      }
      break;
    }
    case DomainEvent::kExpenseRecorded: {
      const auto& e = event.expense_recorded();
      auto line = b.spending.find(e.spending_id());
      if (line == b.spending.end()) break;  // not placeable: ignored, like any such fact
      b.expenses.push_back({e.expense_id(), e.spending_id(), e.amount_cents(),
                            e.receipt_reference(), e.paid_to(), e.date()});
      b.spent_cents += e.amount_cents();
      line->second.spent_cents += e.amount_cents();
      break;
    }
    case DomainEvent::kSpendingMoved:
      if (auto it = b.spending.find(event.spending_moved().spending_id()); it != b.spending.end()) {
        it->second.initiative_id = event.spending_moved().to_initiative_id();
      }
      break;
    default:
      break;
  }
}

}  // namespace rotonde::projections
