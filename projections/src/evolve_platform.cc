// The platform and its members: founded, invited, joined, left, a role granted, a person
// erased.
#include "evolvers.h"
#include "rotonde/projections/personal_data.h"

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

// What the state holds of the person reads as erased from now on, as a fold of the log
// opened without their key would show it (personal_data.h): the live model need not be
// rebuilt. An erased member is no longer a member; what they did stays theirs.
void Erased(PlatformTables& t, const v1::PersonErased& e) {
  if (MemberState* member = t.members.Find(e.person_id())) {
    member->name = std::string(kErasedName);
    member->active = false;
    member->erased = true;
  }
  for (const auto& [id, proposal] : t.proposals.map()) {
    if (proposal.submitter_id != e.person_id()) continue;
    ProposalState& erased = *t.proposals.Find(id);
    erased.submitter_name = std::string(kErasedName);
    erased.submitter_contact.clear();
    erased.submitter_erased = true;
  }
}

}  // namespace rotonde::projections::platform
