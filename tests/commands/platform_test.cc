// The platform and its members: founding, invites, joining, roles, and who may write.
#include "decider_fixture.h"
#include "rotonde/projections/personal_data.h"

namespace rotonde::commands {
namespace {

TEST_F(DeciderTest, TheFixturePlatformHasItsMembersAndRoles) {
  EXPECT_TRUE(state_.founded());
  EXPECT_EQ(state_.name(), "Buurtplatform Kolenkitbuurt");
  EXPECT_EQ(state_.RoleOf(kAnna), v1::ROLE_ADMIN);
  EXPECT_EQ(state_.RoleOf(kCarla), v1::ROLE_COORDINATOR);
  EXPECT_EQ(state_.RoleOf(kBram), v1::ROLE_MEMBER);
  EXPECT_EQ(state_.RoleOf(kOlaf), v1::ROLE_AUDITOR);
  EXPECT_EQ(state_.Member(kDewi)->name, "Dewi Santoso");
}

TEST_F(DeciderTest, APlatformIsFoundedOnce) {
  v1::Command again = NewCommand();
  again.mutable_found_platform()->set_platform_id(kPlatform);
  again.mutable_found_platform()->set_name("Nog een");
  again.mutable_found_platform()->set_neighbourhood("Kolenkit");
  again.mutable_found_platform()->set_founder_name("Iemand");
  ExpectRefused(When(again, "m-someone"), "platform_exists");
}

TEST_F(DeciderTest, FoundingNeedsANameAndTheRightPlatform) {
  projections::PlatformState empty;
  v1::Command found = NewCommand();
  auto& f = *found.mutable_found_platform();
  f.set_platform_id("elders");
  f.set_name("Buurtplatform");
  f.set_neighbourhood("Noord");
  f.set_founder_name("Anna");
  ExpectRefused(Decide(found, {kPlatform, kAnna}, empty), "invalid_argument");
  f.set_platform_id(kPlatform);
  f.set_name("  ");
  ExpectRefused(Decide(found, {kPlatform, kAnna}, empty), "missing_field");
  f.set_name("Buurtplatform");
  const Decision ok = Decide(found, {kPlatform, kAnna}, empty);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(TypesOf(ok), (Types{"PlatformFounded"}));
  EXPECT_EQ(ok.value()[0].stream, "kolenkit/platform");
  EXPECT_EQ(ok.value()[0].event.platform_founded().founder_id(), kAnna);
}

TEST_F(DeciderTest, CoordinatorsInviteMembersButOnlyAdminsInviteAdminsAndAuditors) {
  v1::Command invite = NewCommand();
  invite.mutable_invite_member()->set_role(v1::ROLE_MEMBER);
  EXPECT_TRUE(When(invite, kCarla).ok());
  ExpectRefused(When(invite, kBram), "forbidden");
  ExpectRefused(When(invite, kOlaf), "forbidden");
  ExpectRefused(When(invite, "m-stranger"), "not_a_member");
  invite.mutable_invite_member()->set_role(v1::ROLE_AUDITOR);
  ExpectRefused(When(invite, kCarla), "forbidden");
  EXPECT_TRUE(When(invite, kAnna).ok());
  invite.mutable_invite_member()->set_role(static_cast<v1::Role>(42));
  ExpectRefused(When(invite, kAnna), "invalid_role");
}

TEST_F(DeciderTest, AnInviteWorksOnce) {
  v1::Command invite = NewCommand();
  invite.mutable_invite_member()->set_role(v1::ROLE_MEMBER);
  const std::string id = Do(invite, kCarla)[0].event.member_invited().invite_id();
  v1::Command join = NewCommand();
  join.mutable_join_platform()->set_invite_id(id);
  join.mutable_join_platform()->set_display_name("Fatima El Amrani");
  const Decision joined = Do(join, "m-fatima");
  EXPECT_EQ(joined.value()[0].event.member_joined().role(), v1::ROLE_MEMBER);
  ExpectRefused(When(join, "m-gerrit"), "invite_used");
  join.mutable_join_platform()->set_invite_id("inv-unknown");
  ExpectRefused(When(join, "m-gerrit"), "invite_not_found");
}

TEST_F(DeciderTest, OnlyAdminsGrantRolesAndTheLastAdminStays) {
  v1::Command grant = NewCommand();
  grant.mutable_grant_role()->set_member_id(kBram);
  grant.mutable_grant_role()->set_role(v1::ROLE_COORDINATOR);
  ExpectRefused(When(grant, kCarla), "forbidden");
  Do(grant, kAnna);
  EXPECT_EQ(state_.RoleOf(kBram), v1::ROLE_COORDINATOR);

  v1::Command demote = NewCommand();
  demote.mutable_grant_role()->set_member_id(kAnna);
  demote.mutable_grant_role()->set_role(v1::ROLE_MEMBER);
  ExpectRefused(When(demote, kAnna), "last_admin");
  v1::Command leave = NewCommand();
  leave.mutable_leave_platform();
  ExpectRefused(When(leave, kAnna), "last_admin");
  Do(leave, kDewi);
  EXPECT_EQ(state_.RoleOf(kDewi), v1::ROLE_UNSPECIFIED);
}

class MembersTest : public DeciderTest {
 protected:
  // Bram proposes a clean-up with one task; the task's id, and the initiative's in *initiative.
  std::string CleanUpWithATask(std::string* initiative);
};

std::string MembersTest::CleanUpWithATask(std::string* initiative) {
  v1::Command propose = NewCommand();
  propose.mutable_propose_initiative()->set_kind(v1::INITIATIVE_KIND_CLEAN_UP);
  propose.mutable_propose_initiative()->set_title("Opschonen");
  propose.mutable_propose_initiative()->mutable_when()->set_start_date("2026-04-11");
  *initiative = Do(propose, kBram)[0].event.initiative_proposed().initiative_id();
  v1::Command task = NewCommand();
  task.mutable_create_task()->set_initiative_id(*initiative);
  task.mutable_create_task()->set_title("vuilniszakken halen");
  return Do(task, kBram)[0].event.task_created().task_id();
}

TEST_F(MembersTest, LeavingReleasesTheTasksOneHeld) {
  std::string initiative;
  const std::string id = CleanUpWithATask(&initiative);
  v1::Command claim = NewCommand();
  claim.mutable_claim_task()->set_task_id(id);
  Do(claim, kDewi);
  v1::Command leave = NewCommand();
  leave.mutable_leave_platform()->set_reason("verhuisd");
  const Decision left = Do(leave, kDewi);
  EXPECT_EQ(TypesOf(left), (Types{"MemberLeft", "TaskReleased"}));
  EXPECT_TRUE(state_.Task(id)->claimed_by.empty());
}

TEST_F(DeciderTest, AnUnknownCommandOrMissingCommandIdIsRefused) {
  v1::Command nothing = NewCommand();
  ExpectRefused(When(nothing, kAnna), "unknown_command");
  v1::Command no_id;
  no_id.mutable_join_initiative()->set_initiative_id("i-x");
  ExpectRefused(When(no_id, kAnna), "missing_field");
}

v1::Command Erase(v1::Command command, const std::string& person) {
  command.mutable_erase_person()->set_person_id(person);
  return command;
}

TEST_F(MembersTest, AnAdminErasesAMemberWhoseTasksGoBackAndWhoseNameReadsAsErased) {
  std::string initiative;
  const std::string id = CleanUpWithATask(&initiative);
  v1::Command claim = NewCommand();
  claim.mutable_claim_task()->set_task_id(id);
  Do(claim, kBram);

  const Decision erased = When(Erase(NewCommand(), kBram), kAnna);
  ASSERT_TRUE(erased.ok());
  EXPECT_EQ(TypesOf(erased), (Types{"TaskReleased", "PersonErased"}));
  const v1::DomainEvent event = EventsOf(erased, "PersonErased").at(0);
  EXPECT_EQ(event.person_erased().person_id(), kBram);
  EXPECT_EQ(event.person_erased().erased_by(), kAnna);
  // The release carries no reason: nothing personal is sealed under a key about to go.
  EXPECT_TRUE(EventsOf(erased, "TaskReleased").at(0).task_released().reason().empty());

  Fold(erased, kAnna, "erase");
  const projections::MemberState* bram = state_.Member(kBram);
  ASSERT_NE(bram, nullptr);
  EXPECT_EQ(bram->name, projections::kErasedName);
  EXPECT_TRUE(bram->erased);
  EXPECT_EQ(state_.RoleOf(kBram), v1::ROLE_UNSPECIFIED);
  EXPECT_TRUE(state_.Task(id)->claimed_by.empty());
  // What he did stays his: he still organizes the initiative, which coordinators can take over.
  EXPECT_TRUE(state_.Initiative(initiative)->IsOrganizer(kBram));
  ExpectRefused(When(Erase(NewCommand(), kBram), kAnna), "already_erased");
}

TEST_F(DeciderTest, OnlyAnAdminErasesAnotherAndTheLastAdminStays) {
  ExpectRefused(When(Erase(NewCommand(), kBram), kCarla), "forbidden");
  ExpectRefused(When(Erase(NewCommand(), kBram), kOlaf), "forbidden");
  ExpectRefused(When(Erase(NewCommand(), kAnna), kAnna), "last_admin");
  ExpectRefused(When(Erase(NewCommand(), "m-nobody"), kAnna), "not_found");
  // A member erases themself (empty: the actor).
  v1::Command self = NewCommand();
  self.mutable_erase_person();
  const Decision own = When(self, kDewi);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(EventsOf(own, "PersonErased").at(0).person_erased().person_id(), kDewi);
}

TEST_F(DeciderTest, AResidentWhoSentAProposalIsAPersonToEraseWithTheirNameAndContact) {
  v1::Command submit = NewCommand();
  submit.mutable_submit_proposal()->set_title("Meer groen op het plein");
  submit.mutable_submit_proposal()->set_submitter_name("Fatima El Idrissi");
  submit.mutable_submit_proposal()->set_submitter_contact("fatima@example.org");
  const v1::DomainEvent sent = Do(submit, "")[0].event;
  const std::string resident = sent.proposal_submitted().submitter_id();
  EXPECT_EQ(resident, "resident-" + sent.proposal_submitted().proposal_id());
  EXPECT_EQ(projections::SubjectOf(sent), resident);

  // The resident through their link (as themself), or an admin; nobody else.
  ExpectRefused(When(Erase(NewCommand(), resident), kCarla), "forbidden");
  ExpectRefused(When(Erase(NewCommand(), resident), "resident-other"), "not_a_member");
  const Decision erased = When(Erase(NewCommand(), resident), resident);
  ASSERT_TRUE(erased.ok());
  Fold(erased, resident, "erase");
  const projections::ProposalState* proposal =
      state_.Proposal(sent.proposal_submitted().proposal_id());
  EXPECT_EQ(proposal->submitter_name, projections::kErasedName);
  EXPECT_TRUE(proposal->submitter_contact.empty());
  EXPECT_TRUE(proposal->submitter_erased);
  EXPECT_EQ(proposal->title, "Meer groen op het plein");  // the proposal itself stays
  ExpectRefused(When(Erase(NewCommand(), resident), kAnna), "already_erased");
}

}  // namespace
}  // namespace rotonde::commands
