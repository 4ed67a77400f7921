// The platform and its members: founding, invites, joining, leaving, erasure, roles.
#include <algorithm>

#include "decide_support.h"
#include "deciders.h"

namespace rotonde::commands::platform {

using projections::MemberState;
using projections::PlatformState;

bool ValidRole(v1::Role role) {
  return role == v1::ROLE_MEMBER || role == v1::ROLE_COORDINATOR || role == v1::ROLE_AUDITOR ||
         role == v1::ROLE_ADMIN;
}

int ActiveAdmins(const PlatformState& state) {
  int admins = 0;
  for (const auto& [id, member] : state.members())
    admins += member.active && member.role == v1::ROLE_ADMIN;
  return admins;
}

Decision Found(const v1::Command& command, const CommandContext& context,
               const PlatformState& state) {
  const auto& c = command.found_platform();
  if (state.founded()) return Refuse("platform_exists", "this platform exists already");
  if (c.platform_id() != context.platform) {
    return Refuse("invalid_argument", "platform_id must be the platform the command is sent to");
  }
  if (auto r = CheckId("platform_id", c.platform_id())) return *r;
  if (auto r = CheckText("name", c.name(), kMaxNameBytes, true)) return *r;
  if (auto r = CheckText("neighbourhood", c.neighbourhood(), kMaxNameBytes, true)) return *r;
  if (auto r = CheckText("founder_name", c.founder_name(), kMaxNameBytes, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_platform_founded();
  e.set_platform_id(c.platform_id());
  e.set_name(c.name());
  e.set_neighbourhood(c.neighbourhood());
  e.set_founder_id(context.actor_id.empty() ? NewId(command, "", "m", "founder")
                                            : context.actor_id);
  e.set_founder_name(c.founder_name());
  return std::move(out).Done();
}

Decision Invite(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const auto& c = command.invite_member();
  if (auto r =
          RequireRole(state, context, {v1::ROLE_COORDINATOR, v1::ROLE_ADMIN}, "invite members")) {
    return *r;
  }
  if (!ValidRole(c.role()))
    return Refuse("invalid_role", "an invite is for a member, coordinator, auditor or admin");
  const bool admin_only = c.role() == v1::ROLE_ADMIN || c.role() == v1::ROLE_AUDITOR;
  if (admin_only && state.RoleOf(context.actor_id) != v1::ROLE_ADMIN) {
    return Refuse("forbidden", "only an admin can invite admins and auditors");
  }
  if (auto r = CheckOptionalId("invite_id", c.invite_id())) return *r;
  if (auto r = CheckText("note", c.note(), kMaxTextBytes, false)) return *r;
  const std::string id = NewId(command, c.invite_id(), "inv");
  if (state.invites().count(id))
    return Refuse("already_exists", "invite " + id + " exists already");
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_member_invited();
  e.set_invite_id(id);
  e.set_role(c.role());
  e.set_invited_by(context.actor_id);
  e.set_note(c.note());
  return std::move(out).Done();
}

Decision Join(const v1::Command& command, const CommandContext& context,
              const PlatformState& state) {
  const auto& c = command.join_platform();
  if (auto r = RequireFounded(state)) return *r;
  if (auto r = CheckId("actor", context.actor_id)) return *r;
  auto invite = state.invites().find(c.invite_id());
  if (invite == state.invites().end())
    return Refuse("invite_not_found", "this invite does not exist");
  if (invite->second.used) return Refuse("invite_used", "this invite has been used already");
  if (state.RoleOf(context.actor_id) != v1::ROLE_UNSPECIFIED) {
    return Refuse("already_member", "you are a member of this platform already");
  }
  if (auto r = CheckText("display_name", c.display_name(), kMaxNameBytes, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_member_joined();
  e.set_member_id(context.actor_id);
  e.set_display_name(c.display_name());
  e.set_role(invite->second.role);
  e.set_invite_id(c.invite_id());
  return std::move(out).Done();
}

Decision Leave(const v1::Command& command, const CommandContext& context,
               const PlatformState& state) {
  const auto& c = command.leave_platform();
  const std::string member = c.member_id().empty() ? context.actor_id : c.member_id();
  if (member == context.actor_id) {
    if (auto r = RequireRole(
            state, context,
            {v1::ROLE_MEMBER, v1::ROLE_COORDINATOR, v1::ROLE_AUDITOR, v1::ROLE_ADMIN}, "leave")) {
      return *r;
    }
  } else if (auto r = RequireRole(state, context, {v1::ROLE_COORDINATOR, v1::ROLE_ADMIN},
                                  "remove another member")) {
    return *r;
  }
  if (state.RoleOf(member) == v1::ROLE_UNSPECIFIED) return Refuse("not_found", "no such member");
  if (state.RoleOf(member) == v1::ROLE_ADMIN && ActiveAdmins(state) == 1) {
    return Refuse("last_admin", "the last admin cannot leave: make someone else admin first");
  }
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_member_left();
  e.set_member_id(member);
  e.set_reason(c.reason());
  // What they had claimed goes back to the others.
  for (const auto& [id, task] : state.tasks()) {
    if (task.done || task.claimed_by != member) continue;
    auto& released = *out.Add().mutable_task_released();
    released.set_task_id(id);
    released.set_member_id(member);
    released.set_reason("left the platform");
  }
  return std::move(out).Done();
}

Decision Erase(const v1::Command& command, const CommandContext& context,
               const PlatformState& state) {
  const auto& c = command.erase_person();
  if (auto r = RequireFounded(state)) return *r;
  const std::string person = c.person_id().empty() ? context.actor_id : c.person_id();
  const bool resident =
      std::any_of(state.proposals().begin(), state.proposals().end(), [&](const auto& entry) {
        return entry.second.submitter_id == person && entry.second.submitted_by.empty();
      });
  if (person == context.actor_id && resident) {
    // A resident erasing themself, through their proposal's status link.
  } else if (person == context.actor_id) {
    if (auto r = RequireRole(
            state, context,
            {v1::ROLE_MEMBER, v1::ROLE_COORDINATOR, v1::ROLE_AUDITOR, v1::ROLE_ADMIN}, "erase")) {
      return *r;
    }
  } else if (auto r = RequireRole(state, context, {v1::ROLE_ADMIN}, "erase another person")) {
    return *r;
  }
  // A member (present or gone), or a resident who sent a proposal.
  const MemberState* member = state.Member(person);
  bool known = member != nullptr;
  bool erased = member != nullptr && member->erased;
  for (const auto& [id, proposal] : state.proposals()) {
    if (proposal.submitter_id != person) continue;
    known = true;
    erased = erased || proposal.submitter_erased;
  }
  if (!known) return Refuse("not_found", "no such person on this platform");
  if (erased) return Refuse("already_erased", "this person's data was erased already");
  if (state.RoleOf(person) == v1::ROLE_ADMIN && ActiveAdmins(state) == 1) {
    return Refuse("last_admin", "the last admin cannot be erased: make someone else admin first");
  }
  DecisionBuilder out(context);
  // What they had claimed goes back to the others, as when a member leaves.
  for (const auto& [id, task] : state.tasks()) {
    if (task.done || task.claimed_by != person) continue;
    auto& released = *out.Add().mutable_task_released();
    released.set_task_id(id);
    released.set_member_id(person);
  }
  auto& e = *out.Add().mutable_person_erased();
  e.set_person_id(person);
  e.set_erased_by(context.actor_id);
  return std::move(out).Done();
}

Decision Grant(const v1::Command& command, const CommandContext& context,
               const PlatformState& state) {
  const auto& c = command.grant_role();
  if (auto r = RequireRole(state, context, {v1::ROLE_ADMIN}, "grant roles")) return *r;
  if (!ValidRole(c.role()))
    return Refuse("invalid_role", "a role is member, coordinator, auditor or admin");
  const v1::Role current = state.RoleOf(c.member_id());
  if (current == v1::ROLE_UNSPECIFIED) return Refuse("not_found", "no such member");
  if (current == v1::ROLE_ADMIN && c.role() != v1::ROLE_ADMIN && ActiveAdmins(state) == 1) {
    return Refuse("last_admin", "the last admin cannot be given another role");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_role_granted();
  e.set_member_id(c.member_id());
  e.set_role(c.role());
  e.set_granted_by(context.actor_id);
  return std::move(out).Done();
}

}  // namespace rotonde::commands::platform
