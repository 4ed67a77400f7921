// The platform and its members: founding, invites, joining, roles, and who may write.
#include "decider_fixture.h"

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

TEST_F(DeciderTest, LeavingReleasesTheTasksOneHeld) {
  v1::Command propose = NewCommand();
  propose.mutable_propose_initiative()->set_kind(v1::INITIATIVE_KIND_CLEAN_UP);
  propose.mutable_propose_initiative()->set_title("Opschonen");
  propose.mutable_propose_initiative()->mutable_when()->set_start_date("2026-04-11");
  const std::string initiative = Do(propose, kBram)[0].event.initiative_proposed().initiative_id();
  v1::Command task = NewCommand();
  task.mutable_create_task()->set_initiative_id(initiative);
  task.mutable_create_task()->set_title("vuilniszakken halen");
  const std::string id = Do(task, kBram)[0].event.task_created().task_id();
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

}  // namespace
}  // namespace rotonde::commands
