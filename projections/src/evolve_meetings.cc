// Meetings: scheduled, an agenda, minutes, decisions, action items with their owner (perhaps
// given later) and their outcome (done, not done with a reason), held.
#include "evolvers.h"

namespace rotonde::projections::meetings {

void Scheduled(PlatformTables& t, const v1::MeetingScheduled& e) {
  MeetingState meeting;
  meeting.id = e.meeting_id();
  meeting.title = e.title();
  meeting.date = e.date();
  meeting.start_time = e.start_time();
  meeting.place = e.place();
  meeting.hybrid = e.hybrid();
  t.meetings[meeting.id] = std::move(meeting);
}

void AgendaItemAdded(PlatformTables& t, const v1::AgendaItemAdded& e) {
  if (MeetingState* meeting = t.meetings.Find(e.meeting_id())) {
    meeting->agenda.emplace_back(e.item_id(), e.title());
  }
}

void MinutesRecorded(PlatformTables& t, const v1::MinutesRecorded& e) {
  if (MeetingState* meeting = t.meetings.Find(e.meeting_id())) meeting->minutes.push_back(e.text());
}

void DecisionRecorded(PlatformTables& t, const v1::DecisionRecorded& e) {
  if (MeetingState* meeting = t.meetings.Find(e.meeting_id())) {
    meeting->decisions.emplace_back(e.decision_id(), e.text());
  }
}

void ActionItemAdded(PlatformTables& t, const v1::ActionItemAdded& e) {
  MeetingState* meeting = t.meetings.Find(e.meeting_id());
  if (meeting == nullptr) return;
  ActionItemState action;
  action.id = e.action_id();
  action.description = e.description();
  action.owner_id = e.owner_id();
  action.due_date = e.due_date();
  action.added_during_period = e.added_during_period();
  meeting->actions.push_back(std::move(action));
}

void ActionItemDone(PlatformTables& t, const v1::ActionItemDone& e) {
  MeetingState* meeting = t.meetings.Find(e.meeting_id());
  ActionItemState* action = meeting ? meeting->Action(e.action_id()) : nullptr;
  if (action == nullptr) return;
  action->outcome = v1::ACTION_OUTCOME_DONE;
  action->explanation = e.note();
}

void ActionItemNotDone(PlatformTables& t, const v1::ActionItemNotDone& e) {
  MeetingState* meeting = t.meetings.Find(e.meeting_id());
  ActionItemState* action = meeting ? meeting->Action(e.action_id()) : nullptr;
  if (action == nullptr) return;
  action->outcome = v1::ACTION_OUTCOME_NOT_DONE;
  action->reason = e.reason();
  action->explanation = e.explanation();
}

void ActionItemAssigned(PlatformTables& t, const v1::ActionItemAssigned& e) {
  MeetingState* meeting = t.meetings.Find(e.meeting_id());
  ActionItemState* action = meeting ? meeting->Action(e.action_id()) : nullptr;
  if (action != nullptr) action->owner_id = e.owner_id();
}

void Held(PlatformTables& t, const v1::MeetingHeld& e) {
  MeetingState* meeting = t.meetings.Find(e.meeting_id());
  if (meeting == nullptr) return;
  meeting->held = true;
  meeting->attendees = e.attendees();
}

}  // namespace rotonde::projections::meetings
