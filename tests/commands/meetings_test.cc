// Meetings and the action review: schedule, agenda, minutes, decisions, action items; then
// done, not done with a reason, or added during the period as done extra.
#include <string>
#include <tuple>
#include <vector>

#include "decide_support.h"
#include "decider_fixture.h"

namespace rotonde::commands {
namespace {

using projections::ActionItemState;
using projections::MeetingState;

class MeetingTest : public DeciderTest {
 protected:
  v1::Command Schedule(const std::string& title, const std::string& date,
                       const std::string& start_time = "") {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_schedule_meeting();
    c.set_title(title);
    c.set_date(date);
    c.set_start_time(start_time);
    return command;
  }

  std::string ScheduleMeeting(const std::string& title = "Raad van bewonerskernen, voorjaar") {
    return Do(Schedule(title, "2026-03-14", "19:30"), kCarla)
        .at(0)
        .event.meeting_scheduled()
        .meeting_id();
  }

  v1::Command Agenda(const std::string& meeting_id, const std::string& title,
                     const std::string& item_id = "") {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_add_agenda_item();
    c.set_meeting_id(meeting_id);
    c.set_item_id(item_id);
    c.set_title(title);
    return command;
  }

  v1::Command Minutes(const std::string& meeting_id, const std::string& text) {
    v1::Command command = NewCommand();
    command.mutable_record_minutes()->set_meeting_id(meeting_id);
    command.mutable_record_minutes()->set_text(text);
    return command;
  }

  v1::Command Decided(const std::string& meeting_id, const std::string& text,
                      const std::string& decision_id = "") {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_record_decision();
    c.set_meeting_id(meeting_id);
    c.set_decision_id(decision_id);
    c.set_text(text);
    return command;
  }

  v1::Command Action(const std::string& meeting_id, const std::string& action_id,
                     const std::string& description, const std::string& owner,
                     bool during_period = false) {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_add_action_item();
    c.set_meeting_id(meeting_id);
    c.set_action_id(action_id);
    c.set_description(description);
    c.set_owner_id(owner);
    c.set_added_during_period(during_period);
    return command;
  }

  v1::Command Done(const std::string& meeting_id, const std::string& action_id,
                   const std::string& note = "") {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_mark_action_done();
    c.set_meeting_id(meeting_id);
    c.set_action_id(action_id);
    c.set_note(note);
    return command;
  }

  v1::Command NotDone(const std::string& meeting_id, const std::string& action_id,
                      v1::NotDoneReason reason, const std::string& explanation = "") {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_mark_action_not_done();
    c.set_meeting_id(meeting_id);
    c.set_action_id(action_id);
    c.set_reason(reason);
    c.set_explanation(explanation);
    return command;
  }

  v1::Command Assign(const std::string& meeting_id, const std::string& action_id,
                     const std::string& owner) {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_assign_action();
    c.set_meeting_id(meeting_id);
    c.set_action_id(action_id);
    c.set_owner_id(owner);
    return command;
  }

  v1::Command Held(const std::string& meeting_id, int32_t attendees) {
    v1::Command command = NewCommand();
    command.mutable_mark_meeting_held()->set_meeting_id(meeting_id);
    command.mutable_mark_meeting_held()->set_attendees(attendees);
    return command;
  }

  const MeetingState& MeetingOf(const std::string& id) {
    const MeetingState* meeting = state_.Meeting(id);
    EXPECT_NE(meeting, nullptr) << id;
    static const MeetingState kNone;
    return meeting != nullptr ? *meeting : kNone;
  }

  const ActionItemState& ActionOf(const std::string& meeting_id, const std::string& action_id) {
    const ActionItemState* action = MeetingOf(meeting_id).Action(action_id);
    EXPECT_NE(action, nullptr) << action_id;
    static const ActionItemState kNone;
    return action != nullptr ? *action : kNone;
  }
};

// ---- ScheduleMeeting -------------------------------------------------------------------

TEST_F(MeetingTest, ACoordinatorSchedulesAHybridMeeting) {
  v1::Command command = Schedule("Raad van bewonerskernen, voorjaar", "2026-03-14", "19:30");
  command.mutable_schedule_meeting()->mutable_place()->set_text("Buurthuis De Kolenkit");
  command.mutable_schedule_meeting()->mutable_place()->set_location_id("buurthuis-kolenkit");
  command.mutable_schedule_meeting()->set_hybrid(true);
  const Decision d = When(command, kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"MeetingScheduled"}));
  const auto& e = d.value()[0].event.meeting_scheduled();
  EXPECT_EQ(e.meeting_id().rfind("mt-", 0), 0u) << e.meeting_id();
  EXPECT_EQ(e.title(), "Raad van bewonerskernen, voorjaar");
  EXPECT_EQ(e.date(), "2026-03-14");
  EXPECT_EQ(e.start_time(), "19:30");
  EXPECT_EQ(e.time_zone(), "Europe/Amsterdam");
  EXPECT_EQ(e.place().text(), "Buurthuis De Kolenkit");
  EXPECT_EQ(e.place().location_id(), "buurthuis-kolenkit");
  EXPECT_TRUE(e.hybrid());
  EXPECT_EQ(d.value()[0].stream, "kolenkit/meeting/" + e.meeting_id());

  Fold(d, kCarla, command.command_id());
  const auto& meeting = MeetingOf(e.meeting_id());
  EXPECT_EQ(meeting.date, "2026-03-14");
  EXPECT_TRUE(meeting.hybrid);
  EXPECT_FALSE(meeting.held);
}

TEST_F(MeetingTest, AMeetingWithoutAStartTimeHasNoTimeZone) {
  const Decision d = When(Schedule("Bewonersavond", "2026-10-03"), kAnna);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d.value()[0].event.meeting_scheduled().start_time().empty());
  EXPECT_TRUE(d.value()[0].event.meeting_scheduled().time_zone().empty());
  EXPECT_FALSE(d.value()[0].event.meeting_scheduled().hybrid());
}

TEST_F(MeetingTest, OnlyCoordinatorsAndAdminsScheduleMeetings) {
  const v1::Command command = Schedule("Bewonersavond", "2026-10-03");
  EXPECT_TRUE(When(command, kCarla).ok());
  EXPECT_TRUE(When(command, kAnna).ok());
  ExpectRefused(When(command, kBram), "forbidden");
  ExpectRefused(When(command, kOlaf), "forbidden");
  ExpectRefused(When(command, "m-stranger"), "not_a_member");
}

TEST_F(MeetingTest, MeetingTitleIsRequiredPlainTextOfAtMost200Bytes) {
  EXPECT_TRUE(When(Schedule(std::string(kMaxTitleBytes, 'r'), "2026-10-03"), kCarla).ok());
  ExpectRefused(When(Schedule(std::string(kMaxTitleBytes + 1, 'r'), "2026-10-03"), kCarla),
                "text_too_long");
  ExpectRefused(When(Schedule("", "2026-10-03"), kCarla), "missing_field");
  ExpectRefused(When(Schedule(" ", "2026-10-03"), kCarla), "missing_field");
  ExpectRefused(When(Schedule("Raad\x01", "2026-10-03"), kCarla), "invalid_text");
  ExpectRefused(When(Schedule("Raad\nvan bewoners", "2026-10-03"), kCarla), "invalid_text");
  const std::string hostile = "<script>alert(1)</script>";
  const Decision d = When(Schedule(hostile, "2026-10-03"), kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d.value()[0].event.meeting_scheduled().title(), hostile);
}

TEST_F(MeetingTest, MeetingDateIsRequiredAndMustExist) {
  ExpectRefused(When(Schedule("Raad", ""), kCarla), "missing_field");
  ExpectRefused(When(Schedule("Raad", "2026-02-29"), kCarla), "invalid_date");
  ExpectRefused(When(Schedule("Raad", "2026-04-31"), kCarla), "invalid_date");
  ExpectRefused(When(Schedule("Raad", "14-03-2026"), kCarla), "invalid_date");
  EXPECT_TRUE(When(Schedule("Raad", "2028-02-29"), kCarla).ok());
}

TEST_F(MeetingTest, MeetingStartTimeIsHoursAndMinutes) {
  EXPECT_TRUE(When(Schedule("Raad", "2026-03-14", "00:00"), kCarla).ok());
  EXPECT_TRUE(When(Schedule("Raad", "2026-03-14", "23:59"), kCarla).ok());
  ExpectRefused(When(Schedule("Raad", "2026-03-14", "24:00"), kCarla), "invalid_time");
  ExpectRefused(When(Schedule("Raad", "2026-03-14", "19:60"), kCarla), "invalid_time");
  ExpectRefused(When(Schedule("Raad", "2026-03-14", "9:30"), kCarla), "invalid_time");
  ExpectRefused(When(Schedule("Raad", "2026-03-14", "19:30:00"), kCarla), "invalid_time");
}

TEST_F(MeetingTest, MeetingPlaceIsCheckedText) {
  v1::Command command = Schedule("Raad", "2026-03-14");
  command.mutable_schedule_meeting()->mutable_place()->set_text(std::string(kMaxTitleBytes, 'p'));
  EXPECT_TRUE(When(command, kCarla).ok());
  command.mutable_schedule_meeting()->mutable_place()->set_text(
      std::string(kMaxTitleBytes + 1, 'p'));
  ExpectRefused(When(command, kCarla), "text_too_long");
  command.mutable_schedule_meeting()->mutable_place()->set_text("buurthuis\t");
  ExpectRefused(When(command, kCarla), "invalid_text");
  command.mutable_schedule_meeting()->mutable_place()->set_text("buurthuis");
  command.mutable_schedule_meeting()->mutable_place()->set_location_id("buurt huis");
  ExpectRefused(When(command, kCarla), "invalid_argument");
}

TEST_F(MeetingTest, MeetingIdsAreTheClientsOrDerivedAndNeverRepeat) {
  v1::Command command = Schedule("Raad", "2026-03-14");
  command.mutable_schedule_meeting()->set_meeting_id("mt-voorjaar");
  EXPECT_EQ(Do(command, kCarla).at(0).event.meeting_scheduled().meeting_id(), "mt-voorjaar");
  v1::Command again = Schedule("Raad, nogmaals", "2026-03-15");
  again.mutable_schedule_meeting()->set_meeting_id("mt-voorjaar");
  ExpectRefused(When(again, kCarla), "already_exists");
  again.mutable_schedule_meeting()->set_meeting_id("mt/voorjaar");
  ExpectRefused(When(again, kCarla), "invalid_argument");
  again.mutable_schedule_meeting()->clear_meeting_id();
  EXPECT_EQ(When(again, kCarla).value().at(0).event.meeting_scheduled().meeting_id(),
            When(again, kCarla).value().at(0).event.meeting_scheduled().meeting_id());
}

TEST_F(MeetingTest, ScheduleChecksTheExpectedVersionOfTheNewStream) {
  v1::Command command = Schedule("Raad", "2026-03-14");
  command.set_expected_version("none");
  EXPECT_TRUE(When(command, kCarla).ok());
  command.set_expected_version("0");
  ExpectRefused(When(command, kCarla), "wrong_expected_version");
}

// ---- Agenda, minutes, decisions --------------------------------------------------------

TEST_F(MeetingTest, ACoordinatorSetsTheAgenda) {
  const std::string meeting = ScheduleMeeting();
  const Decision d = When(Agenda(meeting, "Terugblik op de actielijst"), kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"AgendaItemAdded"}));
  const auto& e = d.value()[0].event.agenda_item_added();
  EXPECT_EQ(e.meeting_id(), meeting);
  EXPECT_EQ(e.item_id().rfind("ag-", 0), 0u) << e.item_id();
  EXPECT_EQ(e.title(), "Terugblik op de actielijst");
  EXPECT_EQ(d.value()[0].stream, "kolenkit/meeting/" + meeting);
  EXPECT_TRUE(When(Agenda(meeting, "Rondvraag"), kAnna).ok());
  ExpectRefused(When(Agenda(meeting, "Rondvraag"), kBram), "forbidden");
  ExpectRefused(When(Agenda(meeting, "Rondvraag"), kOlaf), "forbidden");
  ExpectRefused(When(Agenda(meeting, "Rondvraag"), "m-stranger"), "not_a_member");
}

TEST_F(MeetingTest, AgendaItemsNeedAMeetingATitleAndAFreshId) {
  const std::string meeting = ScheduleMeeting();
  ExpectRefused(When(Agenda("", "Rondvraag"), kCarla), "missing_field");
  ExpectRefused(When(Agenda("mt-onbekend", "Rondvraag"), kCarla), "not_found");
  ExpectRefused(When(Agenda(meeting, ""), kCarla), "missing_field");
  ExpectRefused(When(Agenda(meeting, std::string(kMaxTitleBytes + 1, 'a')), kCarla),
                "text_too_long");
  ExpectRefused(When(Agenda(meeting, "Rond\x02vraag"), kCarla), "invalid_text");
  Do(Agenda(meeting, "Opening", "ag-1"), kCarla);
  ExpectRefused(When(Agenda(meeting, "Nog een opening", "ag-1"), kCarla), "already_exists");
  ExpectRefused(When(Agenda(meeting, "Opening", "ag 1"), kCarla), "invalid_argument");
  // Item ids belong to their meeting: another meeting may use the same one.
  const std::string autumn = ScheduleMeeting("Raad van bewonerskernen, najaar");
  EXPECT_TRUE(When(Agenda(autumn, "Opening", "ag-1"), kCarla).ok());
}

TEST_F(MeetingTest, TheAgendaClosesWhenTheMeetingHasBeenHeld) {
  const std::string meeting = ScheduleMeeting();
  Do(Held(meeting, 20), kCarla);
  ExpectRefused(When(Agenda(meeting, "Rondvraag"), kCarla), "meeting_held");
}

TEST_F(MeetingTest, ACoordinatorRecordsMultilineMinutes) {
  const std::string meeting = ScheduleMeeting();
  const std::string text = "Aanwezig: 23, waarvan 6 online.\n\tBram opent.\r\nDewi notuleert.";
  const Decision d = When(Minutes(meeting, text), kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"MinutesRecorded"}));
  EXPECT_EQ(d.value()[0].event.minutes_recorded().meeting_id(), meeting);
  EXPECT_EQ(d.value()[0].event.minutes_recorded().text(), text);
  ExpectRefused(When(Minutes(meeting, text), kBram), "forbidden");
  ExpectRefused(When(Minutes(meeting, text), kOlaf), "forbidden");
  ExpectRefused(When(Minutes("mt-onbekend", text), kCarla), "not_found");
  // Minutes may be recorded after the meeting, which is when they are written up.
  Do(Held(meeting, 23), kCarla);
  Do(Minutes(meeting, text), kCarla);
  Do(Minutes(meeting, "Aanvulling: de datum van de weggeefmarkt is 12 april."), kAnna);
  EXPECT_EQ(MeetingOf(meeting).minutes.size(), 2u);
  EXPECT_EQ(MeetingOf(meeting).minutes[0], text);
}

TEST_F(MeetingTest, MinutesAreRequiredAndAtMost50000Bytes) {
  const std::string meeting = ScheduleMeeting();
  EXPECT_TRUE(When(Minutes(meeting, std::string(kMaxMinutesBytes, 'm')), kCarla).ok());
  ExpectRefused(When(Minutes(meeting, std::string(kMaxMinutesBytes + 1, 'm')), kCarla),
                "text_too_long");
  ExpectRefused(When(Minutes(meeting, ""), kCarla), "missing_field");
  ExpectRefused(When(Minutes(meeting, "\n\n"), kCarla), "missing_field");
  ExpectRefused(When(Minutes(meeting, std::string("notulen\0verborgen", 17)), kCarla),
                "invalid_text");
  ExpectRefused(When(Minutes(meeting, "notulen \xFF"), kCarla), "invalid_text");
}

TEST_F(MeetingTest, ACoordinatorRecordsDecisions) {
  const std::string meeting = ScheduleMeeting();
  const Decision d =
      When(Decided(meeting, "De weggeefmarkten gaan samen onder de luifel."), kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"DecisionRecorded"}));
  const auto& e = d.value()[0].event.decision_recorded();
  EXPECT_EQ(e.meeting_id(), meeting);
  EXPECT_EQ(e.decision_id().rfind("dc-", 0), 0u) << e.decision_id();
  EXPECT_EQ(e.text(), "De weggeefmarkten gaan samen onder de luifel.");
  EXPECT_TRUE(When(Decided(meeting, "Een buurtkrant is genoeg."), kAnna).ok());
  ExpectRefused(When(Decided(meeting, "Een buurtkrant is genoeg."), kBram), "forbidden");
  ExpectRefused(When(Decided(meeting, "Een buurtkrant is genoeg."), kOlaf), "forbidden");
}

TEST_F(MeetingTest, DecisionsNeedTextAndAFreshId) {
  const std::string meeting = ScheduleMeeting();
  ExpectRefused(When(Decided(meeting, ""), kCarla), "missing_field");
  ExpectRefused(When(Decided(meeting, std::string(kMaxTextBytes + 1, 'd')), kCarla),
                "text_too_long");
  EXPECT_TRUE(When(Decided(meeting, std::string(kMaxTextBytes, 'd')), kCarla).ok());
  ExpectRefused(When(Decided(meeting, "besluit\x1f"), kCarla), "invalid_text");
  ExpectRefused(When(Decided("mt-onbekend", "besluit"), kCarla), "not_found");
  Do(Decided(meeting, "Eerste besluit", "dc-1"), kCarla);
  ExpectRefused(When(Decided(meeting, "Tweede besluit", "dc-1"), kCarla), "already_exists");
  Do(Decided(meeting, "Tweede besluit", "dc-2"), kCarla);
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(MeetingOf(meeting).decisions,
            (std::vector<Pair>{{"dc-1", "Eerste besluit"}, {"dc-2", "Tweede besluit"}}));
}

// ---- Action items ----------------------------------------------------------------------

TEST_F(MeetingTest, ACoordinatorAddsAnActionItemWithAnOwnerAndDueDate) {
  const std::string meeting = ScheduleMeeting();
  v1::Command command = Action(meeting, "", "Flyers rondbrengen in de flats", kBram);
  command.mutable_add_action_item()->set_due_date("2026-04-01");
  const Decision d = When(command, kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"ActionItemAdded"}));
  const auto& e = d.value()[0].event.action_item_added();
  EXPECT_EQ(e.meeting_id(), meeting);
  EXPECT_EQ(e.action_id().rfind("ac-", 0), 0u) << e.action_id();
  EXPECT_EQ(e.description(), "Flyers rondbrengen in de flats");
  EXPECT_EQ(e.owner_id(), kBram);
  EXPECT_EQ(e.due_date(), "2026-04-01");
  EXPECT_FALSE(e.added_during_period());
  EXPECT_EQ(d.value()[0].stream, "kolenkit/meeting/" + meeting);

  Fold(d, kCarla, command.command_id());
  const auto& action = ActionOf(meeting, e.action_id());
  EXPECT_EQ(action.owner_id, kBram);
  EXPECT_EQ(action.outcome, v1::ACTION_OUTCOME_OPEN);
}

TEST_F(MeetingTest, OnlyCoordinatorsAndAdminsAddActionItems) {
  const std::string meeting = ScheduleMeeting();
  const v1::Command command = Action(meeting, "a-1", "Flyers rondbrengen", kBram);
  EXPECT_TRUE(When(command, kCarla).ok());
  EXPECT_TRUE(When(command, kAnna).ok());
  ExpectRefused(When(command, kBram), "forbidden");  // not even for oneself
  ExpectRefused(When(command, kOlaf), "forbidden");
  ExpectRefused(When(command, "m-stranger"), "not_a_member");
}

TEST_F(MeetingTest, AnActionOwnerIsAnActiveMemberWhoCanWrite) {
  const std::string meeting = ScheduleMeeting();
  EXPECT_TRUE(When(Action(meeting, "a-1", "Notuleren", kCarla), kCarla).ok());
  EXPECT_TRUE(When(Action(meeting, "a-1", "Notuleren", kDewi), kCarla).ok());
  ExpectRefused(When(Action(meeting, "a-1", "Kas controleren", kOlaf), kCarla), "not_a_member");
  ExpectRefused(When(Action(meeting, "a-1", "Notuleren", "m-stranger"), kCarla), "not_a_member");

  v1::Command leave = NewCommand();
  leave.mutable_leave_platform()->set_reason("verhuisd");
  Do(leave, kDewi);
  ExpectRefused(When(Action(meeting, "a-1", "Notuleren", kDewi), kCarla), "not_a_member");
}

// Meetings produce actions nobody has taken on yet ("wie pakt dit op?"): they are added
// without an owner, and get one later.
TEST_F(MeetingTest, AnActionWithoutAnOwnerIsAddedAndTakenOnLater) {
  const std::string meeting = ScheduleMeeting();
  const Decision added = When(Action(meeting, "a-1", "Wie vraagt de vergunning aan?", ""), kCarla);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added.value().at(0).event.action_item_added().owner_id(), "");
  Fold(added, kCarla, "cmd-added");
  EXPECT_EQ(ActionOf(meeting, "a-1").owner_id, "");
  // Nobody owns it: only a coordinator records its outcome.
  ExpectRefused(When(Done(meeting, "a-1"), kBram), "forbidden");

  // Bram takes it on himself.
  const Decision taken = When(Assign(meeting, "a-1", kBram), kBram);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  ASSERT_EQ(TypesOf(taken), (Types{"ActionItemAssigned"}));
  const auto& e = taken.value()[0].event.action_item_assigned();
  EXPECT_EQ(e.meeting_id(), meeting);
  EXPECT_EQ(e.action_id(), "a-1");
  EXPECT_EQ(e.owner_id(), kBram);
  EXPECT_EQ(taken.value()[0].stream, "kolenkit/meeting/" + meeting);
  Fold(taken, kBram, "cmd-taken");
  EXPECT_EQ(ActionOf(meeting, "a-1").owner_id, kBram);
  EXPECT_TRUE(When(Done(meeting, "a-1"), kBram).ok());
  // Taken is taken: Dewi cannot take it over, nor can Bram take it twice.
  ExpectRefused(When(Assign(meeting, "a-1", kDewi), kDewi), "action_taken");
  ExpectRefused(When(Assign(meeting, "a-1", kBram), kBram), "nothing_changed");
}

TEST_F(MeetingTest, ACoordinatorGivesAnActionToSomeoneAndMembersOnlyTakeOnForThemselves) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Zaal reserveren", ""), kCarla);
  ExpectRefused(When(Assign(meeting, "a-1", kDewi), kBram), "forbidden");  // not for another
  ExpectRefused(When(Assign(meeting, "a-1", kOlaf), kOlaf),
                "forbidden");  // an auditor writes nothing
  ExpectRefused(When(Assign(meeting, "a-1", kOlaf), kCarla), "not_a_member");
  ExpectRefused(When(Assign(meeting, "a-1", "m-stranger"), kCarla), "not_a_member");
  ExpectRefused(When(Assign(meeting, "a-1", ""), kCarla), "missing_field");
  ExpectRefused(When(Assign(meeting, "a-onbekend", kDewi), kCarla), "not_found");
  ExpectRefused(When(Assign("mt-onbekend", "a-1", kDewi), kCarla), "not_found");
  Do(Assign(meeting, "a-1", kDewi), kCarla);
  EXPECT_EQ(ActionOf(meeting, "a-1").owner_id, kDewi);
  // A coordinator may change who; an outcome recorded closes the question.
  Do(Assign(meeting, "a-1", kBram), kAnna);
  EXPECT_EQ(ActionOf(meeting, "a-1").owner_id, kBram);
  Do(Done(meeting, "a-1"), kBram);
  ExpectRefused(When(Assign(meeting, "a-1", kDewi), kCarla), "action_not_open");
}

TEST_F(MeetingTest, ActionItemsNeedADescriptionARealDueDateAndAFreshId) {
  const std::string meeting = ScheduleMeeting();
  ExpectRefused(When(Action(meeting, "a-1", "", kBram), kCarla), "missing_field");
  ExpectRefused(When(Action(meeting, "a-1", std::string(kMaxTextBytes + 1, 'a'), kBram), kCarla),
                "text_too_long");
  ExpectRefused(When(Action(meeting, "a-1", "flyers\x03", kBram), kCarla), "invalid_text");
  ExpectRefused(When(Action("mt-onbekend", "a-1", "Flyers", kBram), kCarla), "not_found");
  v1::Command dated = Action(meeting, "a-1", "Flyers", kBram);
  dated.mutable_add_action_item()->set_due_date("2026-02-29");
  ExpectRefused(When(dated, kCarla), "invalid_date");
  dated.mutable_add_action_item()->set_due_date("2026-04-01");
  Do(dated, kCarla);
  ExpectRefused(When(Action(meeting, "a-1", "Andere flyers", kDewi), kCarla), "already_exists");
  ExpectRefused(When(Action(meeting, "a/2", "Andere flyers", kDewi), kCarla), "invalid_argument");
}

TEST_F(MeetingTest, AnActionDoneExtraMayBeAddedAfterTheMeetingWasHeld) {
  const std::string meeting = ScheduleMeeting();
  Do(Held(meeting, 23), kCarla);
  const Decision d = When(Action(meeting, "a-extra", "Weggeefmarkt mee georganiseerd", kDewi,
                                 /*during_period=*/true),
                          kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(d.value().at(0).event.action_item_added().added_during_period());
  Fold(d, kCarla, "cmd-extra");
  EXPECT_TRUE(ActionOf(meeting, "a-extra").added_during_period);
}

TEST_F(MeetingTest, TheOwnerOrACoordinatorMarksAnActionDone) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Flyers rondbrengen", kBram), kCarla);
  const Decision d = When(Done(meeting, "a-1", "Alle 400 bezorgd"), kBram);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"ActionItemDone"}));
  const auto& e = d.value()[0].event.action_item_done();
  EXPECT_EQ(e.meeting_id(), meeting);
  EXPECT_EQ(e.action_id(), "a-1");
  EXPECT_EQ(e.note(), "Alle 400 bezorgd");
  EXPECT_TRUE(When(Done(meeting, "a-1"), kCarla).ok());
  EXPECT_TRUE(When(Done(meeting, "a-1"), kAnna).ok());
  ExpectRefused(When(Done(meeting, "a-1"), kDewi), "forbidden");  // not hers
  ExpectRefused(When(Done(meeting, "a-1"), kOlaf), "forbidden");
  ExpectRefused(When(Done(meeting, "a-1"), "m-stranger"), "not_a_member");

  Fold(d, kBram, "cmd-done");
  EXPECT_EQ(ActionOf(meeting, "a-1").outcome, v1::ACTION_OUTCOME_DONE);
  EXPECT_EQ(ActionOf(meeting, "a-1").explanation, "Alle 400 bezorgd");
}

TEST_F(MeetingTest, MarkActionDoneRefusesUnknownAndClosedActions) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Flyers rondbrengen", kBram), kCarla);
  Do(Action(meeting, "a-2", "Spandoek ophangen", kBram), kCarla);
  ExpectRefused(When(Done(meeting, "a-9"), kCarla), "not_found");
  ExpectRefused(When(Done(meeting, ""), kCarla), "missing_field");
  ExpectRefused(When(Done("mt-onbekend", "a-1"), kCarla), "not_found");
  ExpectRefused(When(Done(meeting, "a-1", std::string(kMaxTextBytes + 1, 'n')), kBram),
                "text_too_long");
  Do(Done(meeting, "a-1"), kBram);
  ExpectRefused(When(Done(meeting, "a-1"), kBram), "action_not_open");
  ExpectRefused(When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_NO_INTEREST), kCarla),
                "action_not_open");
  Do(NotDone(meeting, "a-2", v1::NOT_DONE_REASON_NO_INTEREST), kBram);
  ExpectRefused(When(Done(meeting, "a-2"), kBram), "action_not_open");
}

TEST_F(MeetingTest, TheOwnerOrACoordinatorMarksAnActionNotDoneWithAReason) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Flyers rondbrengen", kBram), kCarla);
  const Decision d = When(
      NotDone(meeting, "a-1", v1::NOT_DONE_REASON_NOT_DELIVERED, "de drukker leverde niet op tijd"),
      kBram);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"ActionItemNotDone"}));
  const auto& e = d.value()[0].event.action_item_not_done();
  EXPECT_EQ(e.meeting_id(), meeting);
  EXPECT_EQ(e.action_id(), "a-1");
  EXPECT_EQ(e.reason(), v1::NOT_DONE_REASON_NOT_DELIVERED);
  EXPECT_EQ(e.explanation(), "de drukker leverde niet op tijd");
  const v1::Command capacity = NotDone(meeting, "a-1", v1::NOT_DONE_REASON_CAPACITY_LOST);
  EXPECT_TRUE(When(capacity, kCarla).ok()) << "the explanation is optional for a named reason";
  EXPECT_TRUE(When(capacity, kAnna).ok());
  ExpectRefused(When(capacity, kDewi), "forbidden");
  ExpectRefused(When(capacity, kOlaf), "forbidden");
  ExpectRefused(When(capacity, "m-stranger"), "not_a_member");
}

TEST_F(MeetingTest, NotDoneNeedsAReasonAndWordsForOther) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Flyers rondbrengen", kBram), kCarla);
  ExpectRefused(When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_UNSPECIFIED, "geen zin"), kBram),
                "missing_field");
  ExpectRefused(When(NotDone(meeting, "a-1", static_cast<v1::NotDoneReason>(42)), kBram),
                "invalid_argument");
  ExpectRefused(When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_OTHER), kBram), "missing_field");
  ExpectRefused(When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_OTHER, "  "), kBram),
                "missing_field");
  ExpectRefused(When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_OTHER, "regen\x01"), kBram),
                "invalid_text");
  ExpectRefused(When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_NO_INTEREST,
                             std::string(kMaxTextBytes + 1, 'x')),
                     kBram),
                "text_too_long");
  ExpectRefused(When(NotDone(meeting, "a-9", v1::NOT_DONE_REASON_NO_INTEREST), kBram), "not_found");
  EXPECT_TRUE(
      When(NotDone(meeting, "a-1", v1::NOT_DONE_REASON_OTHER, "het buurthuis was dicht"), kBram)
          .ok());
}

TEST_F(MeetingTest, AnOwnerWhoBecameAuditorNoLongerRecordsOutcomes) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Flyers rondbrengen", kBram), kCarla);
  v1::Command grant = NewCommand();
  grant.mutable_grant_role()->set_member_id(kBram);
  grant.mutable_grant_role()->set_role(v1::ROLE_AUDITOR);
  Do(grant, kAnna);
  ExpectRefused(When(Done(meeting, "a-1"), kBram), "forbidden");
  EXPECT_TRUE(When(Done(meeting, "a-1"), kCarla).ok());
}

// ---- MarkMeetingHeld -------------------------------------------------------------------

TEST_F(MeetingTest, ACoordinatorMarksAMeetingHeldOnce) {
  const std::string meeting = ScheduleMeeting();
  const Decision d = When(Held(meeting, 23), kCarla);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"MeetingHeld"}));
  EXPECT_EQ(d.value()[0].event.meeting_held().meeting_id(), meeting);
  EXPECT_EQ(d.value()[0].event.meeting_held().attendees(), 23);
  EXPECT_TRUE(When(Held(meeting, 23), kAnna).ok());
  ExpectRefused(When(Held(meeting, 23), kBram), "forbidden");
  ExpectRefused(When(Held(meeting, 23), kOlaf), "forbidden");
  ExpectRefused(When(Held("mt-onbekend", 23), kCarla), "not_found");
  Fold(d, kCarla, "cmd-held");
  EXPECT_TRUE(MeetingOf(meeting).held);
  EXPECT_EQ(MeetingOf(meeting).attendees, 23);
  ExpectRefused(When(Held(meeting, 25), kCarla), "meeting_held");
}

TEST_F(MeetingTest, AttendeesAreBetweenZeroAndOneHundredThousand) {
  const std::string meeting = ScheduleMeeting();
  EXPECT_TRUE(When(Held(meeting, 0), kCarla).ok());
  EXPECT_TRUE(When(Held(meeting, 100'000), kCarla).ok());
  ExpectRefused(When(Held(meeting, -1), kCarla), "invalid_argument");
  ExpectRefused(When(Held(meeting, 100'001), kCarla), "invalid_argument");
}

TEST_F(MeetingTest, MeetingCommandsCheckTheExpectedVersionOfTheMeeting) {
  const std::string meeting = ScheduleMeeting();  // version 0
  v1::Command agenda = Agenda(meeting, "Opening");
  agenda.set_expected_version("0");
  EXPECT_TRUE(When(agenda, kCarla).ok());
  agenda.set_expected_version("1");
  ExpectRefused(When(agenda, kCarla), "wrong_expected_version");
  Do(Action(meeting, "a-1", "Flyers", kBram), kCarla);  // version 1
  v1::Command done = Done(meeting, "a-1");
  done.set_expected_version("0");
  ExpectRefused(When(done, kBram), "wrong_expected_version");
  done.set_expected_version("1");
  EXPECT_TRUE(When(done, kBram).ok());
  v1::Command held = Held(meeting, 10);
  held.set_expected_version("0");
  ExpectRefused(When(held, kCarla), "wrong_expected_version");
}

TEST_F(MeetingTest, AnAuditorChangesNoMeeting) {
  const std::string meeting = ScheduleMeeting();
  Do(Action(meeting, "a-1", "Flyers", kBram), kCarla);
  for (const v1::Command& command :
       {Schedule("Raad", "2026-10-03"), Agenda(meeting, "Opening"), Minutes(meeting, "notulen"),
        Decided(meeting, "besluit"), Action(meeting, "a-2", "Flyers", kBram), Done(meeting, "a-1"),
        NotDone(meeting, "a-1", v1::NOT_DONE_REASON_NO_INTEREST), Held(meeting, 3)}) {
    ExpectRefused(When(command, kOlaf), "forbidden");
  }
}

// ---- Story 5: the residents' council reviews its action list ---------------------------

// The raad van bewonerskernen meets in spring (on site and online), agrees on an action
// list, and reviews it in autumn: what was done, what was not and why, what was done extra.
TEST_F(MeetingTest, StoryFiveTheResidentsCouncilReviewsItsActionList) {
  v1::Command schedule = Schedule("Raad van bewonerskernen, voorjaar", "2026-03-14", "19:30");
  schedule.mutable_schedule_meeting()->set_meeting_id("mt-voorjaar");
  schedule.mutable_schedule_meeting()->mutable_place()->set_text("Buurthuis De Kolenkit");
  schedule.mutable_schedule_meeting()->set_hybrid(true);
  Do(schedule, kCarla);
  const std::string m = "mt-voorjaar";
  Do(Agenda(m, "Terugblik op de actielijst van het najaar", "ag-terugblik"), kCarla);
  Do(Agenda(m, "Weggeefmarkten in mei", "ag-weggeef"), kCarla);
  Do(Agenda(m, "Actie tegen het schrappen van de metrolijn", "ag-metro"), kCarla);
  Do(Held(m, 23), kCarla);
  Do(Minutes(m, "23 aanwezig, 7 online.\nDrie groepen plannen een weggeefmarkt in mei."), kCarla);
  Do(Decided(m, "De drie weggeefmarkten worden er een, onder de luifel bij metro Kolenkit.",
             "dc-luifel"),
     kCarla);
  Do(Decided(m, "Er komt een spandoek voor de actie tegen de metrobezuiniging.", "dc-spandoek"),
     kCarla);
  for (auto [id, description, owner] :
       {std::tuple{"a-flyers", "Flyers voor de weggeefmarkt rondbrengen", kBram},
        std::tuple{"a-spandoek", "Spandoek maken voor de metroactie", kDewi},
        std::tuple{"a-avond", "Bewonersavond over de groenstrook organiseren", kCarla},
        std::tuple{"a-luifel", "Toestemming voor de luifel vragen", kAnna}}) {
    v1::Command action = Action(m, id, description, owner);
    action.mutable_add_action_item()->set_due_date("2026-05-01");
    Do(action, kCarla);
  }

  // Over the period, the owners (and the coordinator for them) record what happened.
  Do(NotDone(m, "a-flyers", v1::NOT_DONE_REASON_NOT_DELIVERED,
             "de flyers kwamen te laat van de drukker"),
     kBram);
  Do(Done(m, "a-spandoek", "hangt aan de flat aan de Kolenkitstraat"), kDewi);
  Do(NotDone(m, "a-avond", v1::NOT_DONE_REASON_CAPACITY_LOST,
             "iedereen zat bij de actie tegen de metrobezuiniging"),
     kCarla);
  Do(Done(m, "a-luifel"), kCarla);  // for Anna, who was away
  Do(Action(m, "a-krant", "Extra editie van de buurtkrant over de metrolijn", kBram,
            /*during_period=*/true),
     kCarla);
  Do(Done(m, "a-krant", "500 exemplaren"), kBram);
  Do(Action(m, "a-bankjes", "Bankjes bij de speeltuin laten repareren", kDewi,
            /*during_period=*/true),
     kCarla);  // noticed during the period, still open at the review

  // The review, as the folded meeting shows it.
  const MeetingState& meeting = MeetingOf(m);
  EXPECT_EQ(meeting.title, "Raad van bewonerskernen, voorjaar");
  EXPECT_EQ(meeting.start_time, "19:30");
  EXPECT_EQ(meeting.place.text(), "Buurthuis De Kolenkit");
  EXPECT_TRUE(meeting.hybrid);
  EXPECT_TRUE(meeting.held);
  EXPECT_EQ(meeting.attendees, 23);
  ASSERT_EQ(meeting.agenda.size(), 3u);
  EXPECT_EQ(meeting.agenda[1].first, "ag-weggeef");
  ASSERT_EQ(meeting.minutes.size(), 1u);
  ASSERT_EQ(meeting.decisions.size(), 2u);
  EXPECT_EQ(meeting.decisions[0].first, "dc-luifel");

  std::vector<std::string> done, not_done, open, extra;
  for (const ActionItemState& action : meeting.actions) {
    if (action.outcome == v1::ACTION_OUTCOME_DONE) done.push_back(action.id);
    if (action.outcome == v1::ACTION_OUTCOME_NOT_DONE) not_done.push_back(action.id);
    if (action.outcome == v1::ACTION_OUTCOME_OPEN) open.push_back(action.id);
    if (action.added_during_period) extra.push_back(action.id);
  }
  using Ids = std::vector<std::string>;
  EXPECT_EQ(done, (Ids{"a-spandoek", "a-luifel", "a-krant"}));
  EXPECT_EQ(not_done, (Ids{"a-flyers", "a-avond"}));
  EXPECT_EQ(open, (Ids{"a-bankjes"}));
  EXPECT_EQ(extra, (Ids{"a-krant", "a-bankjes"}));

  const ActionItemState& flyers = ActionOf(m, "a-flyers");
  EXPECT_EQ(flyers.owner_id, kBram);
  EXPECT_EQ(flyers.due_date, "2026-05-01");
  EXPECT_EQ(flyers.reason, v1::NOT_DONE_REASON_NOT_DELIVERED);
  EXPECT_EQ(flyers.explanation, "de flyers kwamen te laat van de drukker");
  const ActionItemState& avond = ActionOf(m, "a-avond");
  EXPECT_EQ(avond.reason, v1::NOT_DONE_REASON_CAPACITY_LOST);
  EXPECT_EQ(avond.explanation, "iedereen zat bij de actie tegen de metrobezuiniging");
  EXPECT_EQ(ActionOf(m, "a-spandoek").reason, v1::NOT_DONE_REASON_UNSPECIFIED);
  EXPECT_EQ(ActionOf(m, "a-spandoek").explanation, "hangt aan de flat aan de Kolenkitstraat");
  EXPECT_EQ(ActionOf(m, "a-krant").owner_id, kBram);
  EXPECT_FALSE(ActionOf(m, "a-luifel").added_during_period);

  // What was reviewed stays as it was: an outcome is recorded once.
  ExpectRefused(When(Done(m, "a-flyers"), kBram), "action_not_open");
  ExpectRefused(When(NotDone(m, "a-spandoek", v1::NOT_DONE_REASON_NO_INTEREST), kCarla),
                "action_not_open");
}

}  // namespace
}  // namespace rotonde::commands
