// The platform and its members: founded, invited, joined, left, a role granted.
#include "evolvers.h"

namespace rotonde::projections::platform {

void Founded(PlatformTables& t, const v1::PlatformFounded& e) {
  t.platform_id = e.platform_id();
  t.name = e.name();
  t.neighbourhood = e.neighbourhood();
  t.members[e.founder_id()] = MemberState{e.founder_id(), e.founder_name(), v1::ROLE_ADMIN, true};
}

void Invited(PlatformTables& t, const v1::MemberInvited& e) {
  t.invites[e.invite_id()] = InviteState{e.invite_id(), e.role(), e.invited_by(), false};
}

void Joined(PlatformTables& t, const v1::MemberJoined& e) {
  t.members[e.member_id()] = MemberState{e.member_id(), e.display_name(), e.role(), true};
  if (InviteState* invite = t.invites.Find(e.invite_id())) invite->used = true;
}

void Left(PlatformTables& t, const v1::MemberLeft& e) {
  if (MemberState* member = t.members.Find(e.member_id())) member->active = false;
}

void Granted(PlatformTables& t, const v1::RoleGranted& e) {
  if (MemberState* member = t.members.Find(e.member_id())) member->role = e.role();
}

}  // namespace rotonde::projections::platform
