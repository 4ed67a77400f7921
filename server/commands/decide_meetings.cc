// Meetings and their action review: schedule, agenda, minutes, decisions, action items with
// an owner (or nobody yet: one takes it on, or a coordinator asks someone, later) and a due
// date; then, over the period until the next meeting, each action is
// marked done, or not done with a reason, and actions done extra are added. The residents'
// council reads this review twice a year, so a "not done" always says why.
#include <algorithm>

#include "decide_support.h"
#include "deciders.h"

namespace rotonde::commands::meetings {

using projections::ActionItemState;
using projections::MeetingState;
using projections::PlatformState;

constexpr const char* kTimeZone = "Europe/Amsterdam";
// More than anyone could count in a hall or a video call; guards against typos.
constexpr int32_t kMaxAttendees = 100'000;

bool IsCoordinator(const PlatformState& state, const CommandContext& context) {
  const v1::Role role = state.RoleOf(context.actor_id);
  return role == v1::ROLE_COORDINATOR || role == v1::ROLE_ADMIN;
}

std::string MeetingStream(const CommandContext& context, const std::string& meeting_id) {
  return projections::EntityStream(context.platform, "meeting", meeting_id);
}

// The meeting a command names, and the version the client saw of it.
Check FindMeeting(const v1::Command& command, const CommandContext& context,
                  const PlatformState& state, const std::string& meeting_id,
                  const MeetingState** out) {
  if (auto r = CheckId("meeting_id", meeting_id)) return r;
  *out = state.Meeting(meeting_id);
  if (*out == nullptr) return Refuse("not_found", "no meeting " + meeting_id);
  return CheckExpectedVersion(command, state, MeetingStream(context, meeting_id));
}

// Coordinators and admins run meetings; everyone else is refused before anything is read.
Check FindMeetingToRun(const v1::Command& command, const CommandContext& context,
                       const PlatformState& state, const std::string& meeting_id,
                       std::string_view what, const MeetingState** out) {
  if (auto r = RequireRole(state, context, {v1::ROLE_COORDINATOR, v1::ROLE_ADMIN}, what)) return r;
  return FindMeeting(command, context, state, meeting_id, out);
}

// The id of a new item of a meeting: the client's (checked) or derived; never one the
// meeting already holds.
Check NewItemId(const v1::Command& command, std::string_view field, const std::string& given,
                std::string_view prefix, const std::vector<std::string>& taken, std::string* id) {
  if (auto r = CheckOptionalId(field, given)) return r;
  *id = NewId(command, given, prefix);
  if (std::find(taken.begin(), taken.end(), *id) != taken.end()) {
    return Refuse("already_exists", std::string(field) + " " + *id + " exists in this meeting");
  }
  return std::nullopt;
}

template <typename Pairs>
std::vector<std::string> FirstsOf(const Pairs& pairs) {
  std::vector<std::string> ids;
  for (const auto& pair : pairs) ids.push_back(pair.first);
  return ids;
}

Decision Schedule(const v1::Command& command, const CommandContext& context,
                  const PlatformState& state) {
  const auto& c = command.schedule_meeting();
  if (auto r = RequireRole(state, context, {v1::ROLE_COORDINATOR, v1::ROLE_ADMIN},
                           "schedule a meeting")) {
    return *r;
  }
  if (auto r = CheckText("title", c.title(), kMaxTitleBytes, true)) return *r;
  if (auto r = CheckDate("date", c.date(), true)) return *r;
  if (auto r = CheckTime("start_time", c.start_time())) return *r;
  if (auto r = CheckText("place.text", c.place().text(), kMaxTitleBytes, false)) return *r;
  if (!c.place().location_id().empty()) {
    if (auto r = CheckId("place.location_id", c.place().location_id())) return *r;
  }
  if (auto r = CheckOptionalId("meeting_id", c.meeting_id())) return *r;
  const std::string id = NewId(command, c.meeting_id(), "mt");
  if (state.Meeting(id)) return Refuse("already_exists", "meeting " + id + " exists already");
  if (auto r = CheckExpectedVersion(command, state, MeetingStream(context, id))) return *r;

  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_meeting_scheduled();
  e.set_meeting_id(id);
  e.set_title(c.title());
  e.set_date(c.date());
  e.set_start_time(c.start_time());
  if (!c.start_time().empty()) e.set_time_zone(kTimeZone);
  *e.mutable_place() = c.place();
  e.set_hybrid(c.hybrid());
  return std::move(out).Done();
}

Decision AddAgendaItem(const v1::Command& command, const CommandContext& context,
                       const PlatformState& state) {
  const auto& c = command.add_agenda_item();
  const MeetingState* meeting = nullptr;
  if (auto r = FindMeetingToRun(command, context, state, c.meeting_id(), "set a meeting's agenda",
                                &meeting)) {
    return *r;
  }
  // The agenda announces what a meeting will discuss; once it was held, what it did discuss
  // goes into the minutes and decisions.
  if (meeting->held) {
    return Refuse("meeting_held",
                  "this meeting has been held; record minutes or decisions instead");
  }
  if (auto r = CheckText("title", c.title(), kMaxTitleBytes, true)) return *r;
  std::string id;
  if (auto r = NewItemId(command, "item_id", c.item_id(), "ag", FirstsOf(meeting->agenda), &id)) {
    return *r;
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_agenda_item_added();
  e.set_meeting_id(meeting->id);
  e.set_item_id(id);
  e.set_title(c.title());
  return std::move(out).Done();
}

Decision RecordMinutes(const v1::Command& command, const CommandContext& context,
                       const PlatformState& state) {
  const auto& c = command.record_minutes();
  const MeetingState* meeting = nullptr;
  if (auto r =
          FindMeetingToRun(command, context, state, c.meeting_id(), "record minutes", &meeting)) {
    return *r;
  }
  if (auto r = CheckText("text", c.text(), kMaxMinutesBytes, true, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_minutes_recorded();
  e.set_meeting_id(meeting->id);
  e.set_text(c.text());
  return std::move(out).Done();
}

Decision RecordDecision(const v1::Command& command, const CommandContext& context,
                        const PlatformState& state) {
  const auto& c = command.record_decision();
  const MeetingState* meeting = nullptr;
  if (auto r =
          FindMeetingToRun(command, context, state, c.meeting_id(), "record decisions", &meeting)) {
    return *r;
  }
  if (auto r = CheckText("text", c.text(), kMaxTextBytes, true, true)) return *r;
  std::string id;
  if (auto r = NewItemId(command, "decision_id", c.decision_id(), "dc",
                         FirstsOf(meeting->decisions), &id)) {
    return *r;
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_decision_recorded();
  e.set_meeting_id(meeting->id);
  e.set_decision_id(id);
  e.set_text(c.text());
  return std::move(out).Done();
}

// Who may own an action: an active member who can write (not an auditor).
Check CheckOwner(const PlatformState& state, const std::string& owner_id) {
  if (auto r = CheckId("owner_id", owner_id)) return r;
  const v1::Role owner_role = state.RoleOf(owner_id);
  if (owner_role == v1::ROLE_UNSPECIFIED || owner_role == v1::ROLE_AUDITOR) {
    return Refuse("not_a_member", "owner " + owner_id + " is not a member who can take this on");
  }
  return std::nullopt;
}

Decision AddActionItem(const v1::Command& command, const CommandContext& context,
                       const PlatformState& state) {
  const auto& c = command.add_action_item();
  const MeetingState* meeting = nullptr;
  if (auto r =
          FindMeetingToRun(command, context, state, c.meeting_id(), "add action items", &meeting)) {
    return *r;
  }
  // No check on `held`: an action added during the period, after the meeting, is exactly
  // how the review learns what was done extra.
  if (auto r = CheckText("description", c.description(), kMaxTextBytes, true, true)) return *r;
  // Meetings produce actions nobody has taken on yet: those get their owner later.
  if (!c.owner_id().empty()) {
    if (auto r = CheckOwner(state, c.owner_id())) return *r;
  }
  if (auto r = CheckDate("due_date", c.due_date(), false)) return *r;
  std::vector<std::string> taken;
  for (const ActionItemState& action : meeting->actions) taken.push_back(action.id);
  std::string id;
  if (auto r = NewItemId(command, "action_id", c.action_id(), "ac", taken, &id)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_action_item_added();
  e.set_meeting_id(meeting->id);
  e.set_action_id(id);
  e.set_description(c.description());
  e.set_owner_id(c.owner_id());
  e.set_due_date(c.due_date());
  e.set_added_during_period(c.added_during_period());
  return std::move(out).Done();
}

// The open action an outcome is recorded for, by its owner or a coordinator.
Check FindOpenAction(const v1::Command& command, const CommandContext& context,
                     const PlatformState& state, const std::string& meeting_id,
                     const std::string& action_id, const MeetingState** meeting,
                     const ActionItemState** action) {
  if (auto r = RequireWriter(state, context)) return r;
  if (auto r = FindMeeting(command, context, state, meeting_id, meeting)) return r;
  if (auto r = CheckId("action_id", action_id)) return r;
  *action = (*meeting)->Action(action_id);
  if (*action == nullptr) return Refuse("not_found", "no action " + action_id + " in this meeting");
  if ((*action)->owner_id != context.actor_id && !IsCoordinator(state, context)) {
    return Refuse("forbidden", "only the action's owner (or a coordinator) can record its outcome");
  }
  if ((*action)->outcome != v1::ACTION_OUTCOME_OPEN) {
    return Refuse("action_not_open", "this action's outcome has been recorded already");
  }
  return std::nullopt;
}

Decision MarkActionDone(const v1::Command& command, const CommandContext& context,
                        const PlatformState& state) {
  const auto& c = command.mark_action_done();
  const MeetingState* meeting = nullptr;
  const ActionItemState* action = nullptr;
  if (auto r = FindOpenAction(command, context, state, c.meeting_id(), c.action_id(), &meeting,
                              &action)) {
    return *r;
  }
  if (auto r = CheckText("note", c.note(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_action_item_done();
  e.set_meeting_id(meeting->id);
  e.set_action_id(action->id);
  e.set_note(c.note());
  return std::move(out).Done();
}

Decision MarkActionNotDone(const v1::Command& command, const CommandContext& context,
                           const PlatformState& state) {
  const auto& c = command.mark_action_not_done();
  const MeetingState* meeting = nullptr;
  const ActionItemState* action = nullptr;
  if (auto r = FindOpenAction(command, context, state, c.meeting_id(), c.action_id(), &meeting,
                              &action)) {
    return *r;
  }
  if (c.reason() == v1::NOT_DONE_REASON_UNSPECIFIED) {
    return Refuse("missing_field", "reason is required: say why it was not done");
  }
  if (!v1::NotDoneReason_IsValid(c.reason())) {
    return Refuse("invalid_argument",
                  "reason must be no interest, capacity lost, not delivered "
                  "or other");
  }
  // "Other" says nothing by itself; the council needs the words.
  const bool explain = c.reason() == v1::NOT_DONE_REASON_OTHER;
  if (auto r = CheckText("explanation", c.explanation(), kMaxTextBytes, explain, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_action_item_not_done();
  e.set_meeting_id(meeting->id);
  e.set_action_id(action->id);
  e.set_reason(c.reason());
  e.set_explanation(c.explanation());
  return std::move(out).Done();
}

Decision AssignAction(const v1::Command& command, const CommandContext& context,
                      const PlatformState& state) {
  const auto& c = command.assign_action();
  if (auto r = RequireWriter(state, context)) return *r;
  const MeetingState* meeting = nullptr;
  if (auto r = FindMeeting(command, context, state, c.meeting_id(), &meeting)) return *r;
  if (auto r = CheckId("action_id", c.action_id())) return *r;
  const ActionItemState* action = meeting->Action(c.action_id());
  if (action == nullptr)
    return Refuse("not_found", "no action " + c.action_id() + " in this meeting");
  if (action->outcome != v1::ACTION_OUTCOME_OPEN) {
    return Refuse("action_not_open", "this action's outcome has been recorded already");
  }
  if (auto r = CheckOwner(state, c.owner_id())) return *r;
  if (action->owner_id == c.owner_id()) {
    return Refuse("nothing_changed", "this member has this action already");
  }
  // A coordinator asks anyone, and may change who; a member takes on what nobody has.
  if (!IsCoordinator(state, context)) {
    if (c.owner_id() != context.actor_id) {
      return Refuse("forbidden", "only a coordinator gives an action to someone else");
    }
    if (!action->owner_id.empty()) {
      return Refuse("action_taken", "someone has taken this action on already");
    }
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_action_item_assigned();
  e.set_meeting_id(meeting->id);
  e.set_action_id(action->id);
  e.set_owner_id(c.owner_id());
  return std::move(out).Done();
}

Decision MarkHeld(const v1::Command& command, const CommandContext& context,
                  const PlatformState& state) {
  const auto& c = command.mark_meeting_held();
  const MeetingState* meeting = nullptr;
  if (auto r = FindMeetingToRun(command, context, state, c.meeting_id(), "mark a meeting held",
                                &meeting)) {
    return *r;
  }
  if (meeting->held) return Refuse("meeting_held", "this meeting has been marked held already");
  if (c.attendees() < 0 || c.attendees() > kMaxAttendees) {
    return Refuse("invalid_argument",
                  "attendees must be between 0 and " + std::to_string(kMaxAttendees));
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_meeting_held();
  e.set_meeting_id(meeting->id);
  e.set_attendees(c.attendees());
  return std::move(out).Done();
}

}  // namespace rotonde::commands::meetings
