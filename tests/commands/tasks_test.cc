// Tasks under an initiative (create, claim, release, complete) and learning pairs (someone
// asks to be shown how, someone offers to show them).
#include <string>
#include <utility>
#include <vector>

#include "decide_support.h"
#include "decider_fixture.h"

namespace rotonde::commands {
namespace {

class TaskTest : public DeciderTest {
 protected:
  void SetUp() override {
    DeciderTest::SetUp();
    feest_ = ProposeInitiative(kBram, "Buurtfeest Kolenkit", "2026-06-20");
  }

  // An initiative organized by `organizer` alone.
  std::string ProposeInitiative(const std::string& organizer, const std::string& title,
                                const std::string& date) {
    v1::Command command = NewCommand();
    auto& c = *command.mutable_propose_initiative();
    c.set_kind(v1::INITIATIVE_KIND_STREET_PARTY);
    c.set_title(title);
    c.mutable_when()->set_start_date(date);
    c.mutable_place()->set_text("Kolenkitplein");
    return Do(command, organizer).at(0).event.initiative_proposed().initiative_id();
  }

  v1::Command Create(const std::string& initiative_id, const std::string& title) {
    v1::Command command = NewCommand();
    command.mutable_create_task()->set_initiative_id(initiative_id);
    command.mutable_create_task()->set_title(title);
    return command;
  }

  std::string CreateTask(const std::string& title, const std::string& actor = kBram) {
    return Do(Create(feest_, title), actor).at(0).event.task_created().task_id();
  }

  v1::Command Claim(const std::string& task_id) {
    v1::Command command = NewCommand();
    command.mutable_claim_task()->set_task_id(task_id);
    return command;
  }

  v1::Command Release(const std::string& task_id, const std::string& reason = "") {
    v1::Command command = NewCommand();
    command.mutable_release_task()->set_task_id(task_id);
    command.mutable_release_task()->set_reason(reason);
    return command;
  }

  v1::Command Complete(const std::string& task_id) {
    v1::Command command = NewCommand();
    command.mutable_complete_task()->set_task_id(task_id);
    return command;
  }

  v1::Command AskToLearn(const std::string& task_id) {
    v1::Command command = NewCommand();
    command.mutable_request_learning()->set_task_id(task_id);
    return command;
  }

  v1::Command Teach(const std::string& task_id, const std::string& learner_id) {
    v1::Command command = NewCommand();
    command.mutable_offer_to_teach()->set_task_id(task_id);
    command.mutable_offer_to_teach()->set_learner_id(learner_id);
    return command;
  }

  void CancelFeest() {
    v1::Command command = NewCommand();
    command.mutable_cancel_initiative()->set_initiative_id(feest_);
    command.mutable_cancel_initiative()->set_reason("regen voorspeld");
    Do(command, kBram);
  }

  const projections::TaskState& TaskOf(const std::string& id) {
    const projections::TaskState* task = state_.Task(id);
    EXPECT_NE(task, nullptr) << id;
    static const projections::TaskState kNone;
    return task != nullptr ? *task : kNone;
  }

  std::string feest_;
};

// ---- CreateTask ------------------------------------------------------------------------

TEST_F(TaskTest, AnOrganizerCreatesATaskUnderTheirInitiative) {
  v1::Command command = Create(feest_, "flyer maken");
  command.mutable_create_task()->set_description("A5, dubbelzijdig\nmet de datum groot");
  command.mutable_create_task()->set_due_date("2026-06-01");
  const Decision d = When(command, kBram);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"TaskCreated"}));
  const auto& e = d.value()[0].event.task_created();
  EXPECT_EQ(e.task_id().rfind("t-", 0), 0u) << e.task_id();
  EXPECT_EQ(e.initiative_id(), feest_);
  EXPECT_EQ(e.title(), "flyer maken");
  EXPECT_EQ(e.description(), "A5, dubbelzijdig\nmet de datum groot");
  EXPECT_EQ(e.due_date(), "2026-06-01");
  EXPECT_EQ(d.value()[0].stream, "kolenkit/task/" + e.task_id());

  Fold(d, kBram, command.command_id());
  const auto& task = TaskOf(e.task_id());
  EXPECT_EQ(task.initiative_id, feest_);
  EXPECT_TRUE(task.claimed_by.empty());
  EXPECT_FALSE(task.done);
}

TEST_F(TaskTest, CreateTaskUsesTheClientsIdOrDerivesOneFromTheCommandId) {
  v1::Command given = Create(feest_, "flyer maken");
  given.mutable_create_task()->set_task_id("t-flyer");
  EXPECT_EQ(When(given, kBram).value().at(0).event.task_created().task_id(), "t-flyer");

  const v1::Command derived = Create(feest_, "spandoek");
  const std::string first = When(derived, kBram).value().at(0).event.task_created().task_id();
  const std::string again = When(derived, kBram).value().at(0).event.task_created().task_id();
  EXPECT_EQ(first, again) << "a retried command names the same task";
  const std::string other =
      When(Create(feest_, "spandoek"), kBram).value().at(0).event.task_created().task_id();
  EXPECT_NE(first, other);
}

TEST_F(TaskTest, CreateTaskRefusesATaskIdThatExistsOrIsMalformed) {
  v1::Command command = Create(feest_, "flyer maken");
  command.mutable_create_task()->set_task_id("t-flyer");
  Do(command, kBram);
  v1::Command again = Create(feest_, "nog een flyer");
  again.mutable_create_task()->set_task_id("t-flyer");
  ExpectRefused(When(again, kBram), "already_exists");
  again.mutable_create_task()->set_task_id("t/flyer");
  ExpectRefused(When(again, kBram), "invalid_argument");
  again.mutable_create_task()->set_task_id(std::string(65, 'x'));
  ExpectRefused(When(again, kBram), "invalid_argument");
  again.mutable_create_task()->set_task_id(std::string(64, 'x'));
  EXPECT_TRUE(When(again, kBram).ok());
}

TEST_F(TaskTest, OrganizersCoordinatorsAndAdminsCreateTasksOthersDoNot) {
  const v1::Command command = Create(feest_, "flyer maken");
  EXPECT_TRUE(When(command, kBram).ok()) << "organizer";
  EXPECT_TRUE(When(command, kCarla).ok()) << "coordinator";
  EXPECT_TRUE(When(command, kAnna).ok()) << "admin";
  ExpectRefused(When(command, kDewi), "forbidden");  // a member, not an organizer of it
  ExpectRefused(When(command, kOlaf), "forbidden");  // an auditor writes nothing
  ExpectRefused(When(command, "m-stranger"), "not_a_member");
}

TEST_F(TaskTest, AMemberWhoJoinedTheInitiativeMayCreateTasks) {
  v1::Command join = NewCommand();
  join.mutable_join_initiative()->set_initiative_id(feest_);
  Do(join, kDewi);
  EXPECT_TRUE(When(Create(feest_, "flyer maken"), kDewi).ok());
}

TEST_F(TaskTest, CreateTaskNeedsAnExistingActiveInitiative) {
  ExpectRefused(When(Create("", "flyer maken"), kCarla), "missing_field");
  ExpectRefused(When(Create("i-onbekend", "flyer maken"), kCarla), "not_found");
  CancelFeest();
  ExpectRefused(When(Create(feest_, "flyer maken"), kBram), "initiative_not_active");
  ExpectRefused(When(Create(feest_, "flyer maken"), kCarla), "initiative_not_active");
}

TEST_F(TaskTest, CreateTaskRefusesAnInitiativeThatHasBeenHeld) {
  v1::Command held = NewCommand();
  held.mutable_mark_initiative_held()->set_initiative_id(feest_);
  held.mutable_mark_initiative_held()->set_participants(120);
  Do(held, kBram);
  ExpectRefused(When(Create(feest_, "opruimen"), kBram), "initiative_not_active");
}

TEST_F(TaskTest, TaskTitleIsRequiredAndAtMost200Bytes) {
  EXPECT_TRUE(When(Create(feest_, std::string(kMaxTitleBytes, 'a')), kBram).ok());
  ExpectRefused(When(Create(feest_, std::string(kMaxTitleBytes + 1, 'a')), kBram), "text_too_long");
  // 100 two-byte letters are 200 bytes: the limit counts bytes, not letters.
  std::string dutch;
  for (int i = 0; i < 100; ++i) dutch += "\xC3\xAB";  // ë
  EXPECT_TRUE(When(Create(feest_, dutch), kBram).ok());
  ExpectRefused(When(Create(feest_, dutch + "e"), kBram), "text_too_long");
  ExpectRefused(When(Create(feest_, ""), kBram), "missing_field");
  ExpectRefused(When(Create(feest_, "   "), kBram), "missing_field");
}

TEST_F(TaskTest, TaskTitleRefusesControlCharactersAndBrokenUtf8) {
  ExpectRefused(When(Create(feest_, "flyer\x01maken"), kBram), "invalid_text");
  ExpectRefused(When(Create(feest_, "flyer\nmaken"), kBram), "invalid_text");
  ExpectRefused(When(Create(feest_, "flyer\x7Fmaken"), kBram), "invalid_text");
  ExpectRefused(When(Create(feest_, "flyer \xC3("), kBram), "invalid_text");
}

TEST_F(TaskTest, AHostileButValidTitleIsKeptAsPlainText) {
  const std::string hostile = "<script>alert(1)</script> & \"'; DROP TABLE tasks;--";
  const Decision d = When(Create(feest_, hostile), kBram);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d.value().at(0).event.task_created().title(), hostile);
}

TEST_F(TaskTest, TaskDescriptionIsOptionalMultilineAndAtMost5000Bytes) {
  v1::Command command = Create(feest_, "flyer maken");
  EXPECT_TRUE(When(command, kBram).ok());
  command.mutable_create_task()->set_description("regel een\r\n\tregel twee");
  EXPECT_TRUE(When(command, kBram).ok());
  command.mutable_create_task()->set_description(std::string(kMaxTextBytes, 'a'));
  EXPECT_TRUE(When(command, kBram).ok());
  command.mutable_create_task()->set_description(std::string(kMaxTextBytes + 1, 'a'));
  ExpectRefused(When(command, kBram), "text_too_long");
  command.mutable_create_task()->set_description("bel\x07");
  ExpectRefused(When(command, kBram), "invalid_text");
}

TEST_F(TaskTest, TaskDueDateIsOptionalButMustExist) {
  v1::Command command = Create(feest_, "flyer maken");
  command.mutable_create_task()->set_due_date("2026-02-29");
  ExpectRefused(When(command, kBram), "invalid_date");
  command.mutable_create_task()->set_due_date("2026-13-01");
  ExpectRefused(When(command, kBram), "invalid_date");
  command.mutable_create_task()->set_due_date("01-06-2026");
  ExpectRefused(When(command, kBram), "invalid_date");
  command.mutable_create_task()->set_due_date("2028-02-29");
  EXPECT_TRUE(When(command, kBram).ok());
  command.mutable_create_task()->set_due_date("");
  EXPECT_TRUE(When(command, kBram).ok());
}

TEST_F(TaskTest, CreateTaskChecksTheExpectedVersionOfTheNewStream) {
  v1::Command command = Create(feest_, "flyer maken");
  command.set_expected_version("none");
  EXPECT_TRUE(When(command, kBram).ok());
  command.set_expected_version("0");
  ExpectRefused(When(command, kBram), "wrong_expected_version");
}

// ---- ClaimTask -------------------------------------------------------------------------

TEST_F(TaskTest, AnyWriterClaimsAnOpenTask) {
  const std::string task = CreateTask("flyer maken");
  const Decision d = When(Claim(task), kDewi);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"TaskClaimed"}));
  EXPECT_EQ(d.value()[0].event.task_claimed().task_id(), task);
  EXPECT_EQ(d.value()[0].event.task_claimed().member_id(), kDewi);
  EXPECT_EQ(d.value()[0].stream, "kolenkit/task/" + task);
  EXPECT_TRUE(When(Claim(task), kBram).ok());
  EXPECT_TRUE(When(Claim(task), kCarla).ok());
  EXPECT_TRUE(When(Claim(task), kAnna).ok());
  ExpectRefused(When(Claim(task), kOlaf), "forbidden");
  ExpectRefused(When(Claim(task), "m-stranger"), "not_a_member");

  Do(Claim(task), kDewi);
  EXPECT_EQ(TaskOf(task).claimed_by, kDewi);
}

TEST_F(TaskTest, ATaskIsClaimedByOneMemberAtATime) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  const Decision other = When(Claim(task), kBram);
  ExpectRefused(other, "task_already_claimed");
  const Decision self = When(Claim(task), kDewi);
  ExpectRefused(self, "task_already_claimed");
  EXPECT_NE(self.error().message.find("you"), std::string::npos) << self.error().message;
  EXPECT_NE(self.error().message, other.error().message);
}

TEST_F(TaskTest, ClaimTaskRefusesUnknownDoneAndInactive) {
  ExpectRefused(When(Claim(""), kDewi), "missing_field");
  ExpectRefused(When(Claim("t-onbekend"), kDewi), "not_found");
  const std::string done = CreateTask("flyer maken");
  Do(Complete(done), kBram);
  ExpectRefused(When(Claim(done), kDewi), "task_done");
  const std::string open = CreateTask("spandoek");
  CancelFeest();
  ExpectRefused(When(Claim(open), kDewi), "initiative_not_active");
}

TEST_F(TaskTest, ClaimTaskChecksTheExpectedVersionOfTheTask) {
  const std::string task = CreateTask("flyer maken");  // version 0
  v1::Command claim = Claim(task);
  claim.set_expected_version("0");
  EXPECT_TRUE(When(claim, kDewi).ok());
  claim.set_expected_version("1");
  ExpectRefused(When(claim, kDewi), "wrong_expected_version");
  Do(Claim(task), kDewi);    // version 1
  Do(Release(task), kDewi);  // version 2
  claim.set_expected_version("0");
  ExpectRefused(When(claim, kBram), "wrong_expected_version");
  claim.set_expected_version("2");
  EXPECT_TRUE(When(claim, kBram).ok());
}

// ---- ReleaseTask -----------------------------------------------------------------------

TEST_F(TaskTest, TheHolderReleasesATaskWithAReason) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  const Decision d = When(Release(task, "geen tijd deze week"), kDewi);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"TaskReleased"}));
  const auto& e = d.value()[0].event.task_released();
  EXPECT_EQ(e.task_id(), task);
  EXPECT_EQ(e.member_id(), kDewi);
  EXPECT_EQ(e.reason(), "geen tijd deze week");
  Fold(d, kDewi, "cmd-release");
  EXPECT_TRUE(TaskOf(task).claimed_by.empty());
  EXPECT_TRUE(When(Claim(task), kBram).ok()) << "a released task is open again";
}

TEST_F(TaskTest, ACoordinatorOrAdminReleasesSomeoneElsesTaskOthersDoNot) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  for (const char* who : {kCarla, kAnna}) {
    const Decision d = When(Release(task, "Dewi is verhuisd"), who);
    ASSERT_TRUE(d.ok()) << who << ": " << d.error().message;
    EXPECT_EQ(d.value()[0].event.task_released().member_id(), kDewi) << "the holder is released";
  }
  ExpectRefused(When(Release(task), kBram), "forbidden");  // an organizer, but not the holder
  ExpectRefused(When(Release(task), kOlaf), "forbidden");
  ExpectRefused(When(Release(task), "m-stranger"), "not_a_member");
}

TEST_F(TaskTest, ReleaseTaskRefusesUnclaimedDoneAndUnknownTasks) {
  const std::string task = CreateTask("flyer maken");
  ExpectRefused(When(Release(task), kCarla), "task_not_claimed");
  ExpectRefused(When(Release(task), kDewi), "task_not_claimed");
  Do(Claim(task), kDewi);
  Do(Complete(task), kDewi);
  ExpectRefused(When(Release(task), kDewi), "task_done");
  ExpectRefused(When(Release("t-onbekend"), kCarla), "not_found");
  ExpectRefused(When(Release(""), kCarla), "missing_field");
}

TEST_F(TaskTest, ReleaseReasonIsCheckedText) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  EXPECT_TRUE(When(Release(task, "ziek\nvolgende week weer"), kDewi).ok());
  EXPECT_TRUE(When(Release(task, std::string(kMaxTextBytes, 'a')), kDewi).ok());
  ExpectRefused(When(Release(task, std::string(kMaxTextBytes + 1, 'a')), kDewi), "text_too_long");
  ExpectRefused(When(Release(task, "ziek\x1b[31m"), kDewi), "invalid_text");
}

// ---- CompleteTask ----------------------------------------------------------------------

TEST_F(TaskTest, TheHolderCompletesTheirTask) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  const Decision d = When(Complete(task), kDewi);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"TaskDone"}));
  EXPECT_EQ(d.value()[0].event.task_done().task_id(), task);
  EXPECT_EQ(d.value()[0].event.task_done().member_id(), kDewi);
  Fold(d, kDewi, "cmd-done");
  EXPECT_TRUE(TaskOf(task).done);
  EXPECT_EQ(TaskOf(task).done_by, kDewi);
}

TEST_F(TaskTest, AnOrganizerOrCoordinatorCompletingAClaimedTaskCreditsTheHolder) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  for (const char* who : {kBram, kCarla, kAnna}) {
    const Decision d = When(Complete(task), who);
    ASSERT_TRUE(d.ok()) << who << ": " << d.error().message;
    EXPECT_EQ(d.value()[0].event.task_done().member_id(), kDewi) << who;
  }
}

TEST_F(TaskTest, AnUnclaimedTaskCompletedByAnOrganizerIsDoneByThem) {
  const std::string task = CreateTask("flyer maken");
  EXPECT_EQ(When(Complete(task), kBram).value().at(0).event.task_done().member_id(), kBram);
  EXPECT_EQ(When(Complete(task), kCarla).value().at(0).event.task_done().member_id(), kCarla);
  Do(Complete(task), kBram);
  EXPECT_EQ(TaskOf(task).done_by, kBram);
}

TEST_F(TaskTest, OthersCannotCompleteATask) {
  const std::string task = CreateTask("flyer maken");
  ExpectRefused(When(Complete(task), kDewi), "forbidden");  // unclaimed, not an organizer
  Do(Claim(task), kCarla);
  ExpectRefused(When(Complete(task), kDewi), "forbidden");  // someone else holds it
  ExpectRefused(When(Complete(task), kOlaf), "forbidden");
  ExpectRefused(When(Complete(task), "m-stranger"), "not_a_member");
}

TEST_F(TaskTest, ATaskIsDoneOnce) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);
  Do(Complete(task), kDewi);
  ExpectRefused(When(Complete(task), kDewi), "task_done");
  ExpectRefused(When(Complete(task), kCarla), "task_done");
  ExpectRefused(When(Complete("t-onbekend"), kCarla), "not_found");
}

TEST_F(TaskTest, CompleteTaskChecksTheExpectedVersion) {
  const std::string task = CreateTask("flyer maken");
  Do(Claim(task), kDewi);  // version 1
  v1::Command complete = Complete(task);
  complete.set_expected_version("0");
  ExpectRefused(When(complete, kDewi), "wrong_expected_version");
  complete.set_expected_version("1");
  EXPECT_TRUE(When(complete, kDewi).ok());
}

// ---- RequestLearning and OfferToTeach --------------------------------------------------

TEST_F(TaskTest, AnyWriterAsksToLearnATask) {
  const std::string task = CreateTask("flyer maken");
  const Decision d = When(AskToLearn(task), kDewi);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"LearningRequested"}));
  EXPECT_EQ(d.value()[0].event.learning_requested().task_id(), task);
  EXPECT_EQ(d.value()[0].event.learning_requested().learner_id(), kDewi);
  EXPECT_EQ(d.value()[0].stream, "kolenkit/task/" + task);
  EXPECT_TRUE(When(AskToLearn(task), kCarla).ok());
  ExpectRefused(When(AskToLearn(task), kOlaf), "forbidden");
  ExpectRefused(When(AskToLearn(task), "m-stranger"), "not_a_member");
  ExpectRefused(When(AskToLearn("t-onbekend"), kDewi), "not_found");
}

TEST_F(TaskTest, LearningIsRequestedOnceWhileWaiting) {
  const std::string task = CreateTask("flyer maken");
  Do(AskToLearn(task), kDewi);
  ExpectRefused(When(AskToLearn(task), kDewi), "already_requested");
  Do(AskToLearn(task), kCarla);  // someone else may wait too
  EXPECT_EQ(TaskOf(task).learners_waiting, (std::vector<std::string>{kDewi, kCarla}));
}

TEST_F(TaskTest, NobodyAsksToLearnADoneTask) {
  const std::string task = CreateTask("flyer maken");
  Do(Complete(task), kBram);
  ExpectRefused(When(AskToLearn(task), kDewi), "task_done");
}

TEST_F(TaskTest, AWriterOffersToTeachAWaitingLearner) {
  const std::string task = CreateTask("flyer maken");
  Do(AskToLearn(task), kDewi);
  const Decision d = When(Teach(task, kDewi), kBram);
  ASSERT_TRUE(d.ok()) << d.error().message;
  ASSERT_EQ(TypesOf(d), (Types{"LearningPairFormed"}));
  const auto& e = d.value()[0].event.learning_pair_formed();
  EXPECT_EQ(e.task_id(), task);
  EXPECT_EQ(e.mentor_id(), kBram);
  EXPECT_EQ(e.learner_id(), kDewi);
  EXPECT_TRUE(When(Teach(task, kDewi), kCarla).ok());
  ExpectRefused(When(Teach(task, kDewi), kOlaf), "forbidden");
  ExpectRefused(When(Teach(task, kDewi), "m-stranger"), "not_a_member");

  Fold(d, kBram, "cmd-teach");
  EXPECT_TRUE(TaskOf(task).learners_waiting.empty());
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(TaskOf(task).learning_pairs, (std::vector<Pair>{{kBram, kDewi}}));
  ExpectRefused(When(Teach(task, kDewi), kCarla), "not_found");  // no longer waiting
}

TEST_F(TaskTest, OfferToTeachNeedsAWaitingLearnerWhoIsNotTheMentor) {
  const std::string task = CreateTask("flyer maken");
  ExpectRefused(When(Teach(task, kDewi), kBram), "not_found");  // Dewi did not ask
  ExpectRefused(When(Teach(task, ""), kBram), "missing_field");
  ExpectRefused(When(Teach("t-onbekend", kDewi), kBram), "not_found");
  Do(AskToLearn(task), kDewi);
  ExpectRefused(When(Teach(task, kDewi), kDewi), "invalid_argument");
  ExpectRefused(When(Teach(task, kCarla), kBram), "not_found");  // Carla did not ask
}

TEST_F(TaskTest, ALearnerWhoLeftThePlatformCannotBePaired) {
  const std::string task = CreateTask("flyer maken");
  Do(AskToLearn(task), kDewi);
  v1::Command leave = NewCommand();
  leave.mutable_leave_platform()->set_reason("verhuisd");
  Do(leave, kDewi);
  ExpectRefused(When(Teach(task, kDewi), kBram), "not_a_member");
}

TEST_F(TaskTest, ARequestMadeBeforeTheTaskWasDoneCanStillBeHonoured) {
  const std::string task = CreateTask("flyer maken");
  Do(AskToLearn(task), kDewi);
  Do(Complete(task), kBram);
  EXPECT_TRUE(When(Teach(task, kDewi), kBram).ok());
}

TEST_F(TaskTest, LearningCommandsCheckTheExpectedVersion) {
  const std::string task = CreateTask("flyer maken");  // version 0
  v1::Command ask = AskToLearn(task);
  ask.set_expected_version("3");
  ExpectRefused(When(ask, kDewi), "wrong_expected_version");
  ask.set_expected_version("0");
  Do(ask, kDewi);  // version 1
  v1::Command teach = Teach(task, kDewi);
  teach.set_expected_version("0");
  ExpectRefused(When(teach, kBram), "wrong_expected_version");
  teach.set_expected_version("1");
  EXPECT_TRUE(When(teach, kBram).ok());
}

TEST_F(TaskTest, AnAuditorChangesNoTask) {
  const std::string task = CreateTask("flyer maken");
  Do(AskToLearn(task), kDewi);
  for (const v1::Command& command : {Create(feest_, "flyer maken"), Claim(task), Release(task),
                                     Complete(task), AskToLearn(task), Teach(task, kDewi)}) {
    ExpectRefused(When(command, kOlaf), "forbidden");
  }
  Do(Claim(task), kDewi);
  ExpectRefused(When(Release(task), kOlaf), "forbidden");
  ExpectRefused(When(Complete(task), kOlaf), "forbidden");
}

// ---- Story 4: capability development ---------------------------------------------------

// Bram makes the flyer and shows Dewi how; then Dewi turns it into a banner on her own.
TEST_F(TaskTest, StoryFourBramTeachesDewiToMakeAFlyerAndSheMakesTheBanner) {
  const std::string flyer = CreateTask("flyer maken");
  Do(Claim(flyer), kBram);
  Do(AskToLearn(flyer), kDewi);
  EXPECT_EQ(TaskOf(flyer).learners_waiting, (std::vector<std::string>{kDewi}));
  const Decision paired = Do(Teach(flyer, kDewi), kBram);
  EXPECT_EQ(TypesOf(paired), (Types{"LearningPairFormed"}));
  Do(Complete(flyer), kBram);

  const std::string banner = CreateTask("flyer omzetten naar spandoek");
  Do(Claim(banner), kDewi);
  const Decision done = Do(Complete(banner), kDewi);
  EXPECT_EQ(done.value().at(0).event.task_done().member_id(), kDewi);

  const auto& made_flyer = TaskOf(flyer);
  EXPECT_TRUE(made_flyer.done);
  EXPECT_EQ(made_flyer.done_by, kBram);
  EXPECT_TRUE(made_flyer.learners_waiting.empty());
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(made_flyer.learning_pairs, (std::vector<Pair>{{kBram, kDewi}}));

  const auto& made_banner = TaskOf(banner);
  EXPECT_EQ(made_banner.title, "flyer omzetten naar spandoek");
  EXPECT_EQ(made_banner.initiative_id, feest_);
  EXPECT_TRUE(made_banner.done);
  EXPECT_EQ(made_banner.done_by, kDewi);
  EXPECT_EQ(made_banner.claimed_by, kDewi);
  EXPECT_TRUE(made_banner.learning_pairs.empty());

  // The whole story is in the flyer's stream: created, claimed, asked, paired, done.
  EXPECT_EQ(state_.StreamVersion("kolenkit/task/" + flyer).value_or(0), 4u);
}

}  // namespace
}  // namespace rotonde::commands
