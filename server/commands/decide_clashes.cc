// The samenwerkingsrotonde's decisions: dismiss a clash, propose to join forces, accept or
// decline. A merge needs a yes from an organizer of each side: the platform connects people
// but never imposes the connection.
#include "clash_rules.h"
#include "decide_support.h"
#include "deciders.h"

namespace rotonde::commands::clashes {

using projections::ClashState;
using projections::ClashStatus;
using projections::PlatformState;

// The sides (initiative ids) of `clash` the actor organizes.
std::vector<std::string> SidesOf(const PlatformState& state, const ClashState& clash,
                                 const std::string& actor) {
  std::vector<std::string> sides;
  for (const std::string* id : {&clash.initiative_a, &clash.initiative_b}) {
    const auto* initiative = state.Initiative(*id);
    if (initiative != nullptr && initiative->IsOrganizer(actor)) sides.push_back(*id);
  }
  return sides;
}

Check FindClash(const PlatformState& state, const CommandContext& context, const std::string& id,
                const ClashState** out) {
  if (auto r = RequireWriter(state, context)) return r;
  *out = state.Clash(id);
  if (*out == nullptr) return Refuse("not_found", "no clash " + id);
  return std::nullopt;
}

bool IsCoordinator(const PlatformState& state, const CommandContext& context) {
  const v1::Role role = state.RoleOf(context.actor_id);
  return role == v1::ROLE_COORDINATOR || role == v1::ROLE_ADMIN;
}

// The events of a merge both sides agreed to: the absorbed initiative's tasks and budget
// lines move, its other clashes are resolved.
void Merge(const PlatformState& state, const ClashState& clash, const std::string& surviving,
           DecisionBuilder& out) {
  const std::string& absorbed = clash.Other(surviving);
  auto& merged = *out.Add().mutable_initiatives_merged();
  merged.set_clash_id(clash.id);
  merged.set_surviving_initiative_id(surviving);
  merged.set_absorbed_initiative_id(absorbed);
  for (const auto& [id, task] : state.tasks()) {
    if (task.initiative_id != absorbed) continue;
    auto& moved = *out.Add().mutable_task_moved();
    moved.set_task_id(id);
    moved.set_from_initiative_id(absorbed);
    moved.set_to_initiative_id(surviving);
  }
  for (const auto& [id, line] : state.budget().spending) {
    if (line.initiative_id != absorbed) continue;
    auto& moved = *out.Add().mutable_spending_moved();
    moved.set_spending_id(id);
    moved.set_from_initiative_id(absorbed);
    moved.set_to_initiative_id(surviving);
  }
  for (const auto& [id, other] : state.clashes()) {
    if (id == clash.id || !other.Involves(absorbed)) continue;
    if (other.status != ClashStatus::kOpen && other.status != ClashStatus::kMergeProposed) continue;
    auto& resolved = *out.Add(kSystemActor).mutable_clash_resolved();
    resolved.set_clash_id(id);
    resolved.set_reason("merged into " + surviving);
  }
}

Decision Dismiss(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.dismiss_clash();
  const ClashState* clash = nullptr;
  if (auto r = FindClash(state, context, c.clash_id(), &clash)) return *r;
  if (SidesOf(state, *clash, context.actor_id).empty() && !IsCoordinator(state, context)) {
    return Refuse("forbidden",
                  "only organizers of either initiative (or a coordinator) can dismiss this");
  }
  if (clash->status != ClashStatus::kOpen && clash->status != ClashStatus::kMergeProposed) {
    return Refuse("clash_not_open", "this clash is no longer open");
  }
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, true, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_clash_dismissed();
  e.set_clash_id(clash->id);
  e.set_reason(c.reason());
  return std::move(out).Done();
}

Decision Propose(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.propose_merge();
  const ClashState* clash = nullptr;
  if (auto r = FindClash(state, context, c.clash_id(), &clash)) return *r;
  const auto sides = SidesOf(state, *clash, context.actor_id);
  if (sides.empty() && !IsCoordinator(state, context)) {
    return Refuse("forbidden",
                  "only organizers of either initiative (or a coordinator) can propose this");
  }
  if (clash->status != ClashStatus::kOpen) {
    return Refuse("clash_not_open", "a merge can be proposed for an open clash only");
  }
  if (!clash->Involves(c.surviving_initiative_id())) {
    return Refuse("invalid_argument", "the surviving initiative must be one of the two");
  }
  for (const std::string* id : {&clash->initiative_a, &clash->initiative_b}) {
    const auto* initiative = state.Initiative(*id);
    if (initiative == nullptr || !initiative->active()) {
      return Refuse("initiative_not_active", "initiative " + *id + " is no longer active");
    }
  }
  if (auto r = CheckText("note", c.note(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_merge_proposed();
  e.set_clash_id(clash->id);
  e.set_surviving_initiative_id(c.surviving_initiative_id());
  e.set_note(c.note());
  // Proposing is saying yes for the sides one organizes.
  for (const auto& side : sides) {
    auto& yes = *out.Add().mutable_merge_accepted();
    yes.set_clash_id(clash->id);
    yes.set_initiative_id(side);
  }
  if (sides.size() == 2) Merge(state, *clash, c.surviving_initiative_id(), out);
  return std::move(out).Done();
}

Decision Accept(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const ClashState* clash = nullptr;
  if (auto r = FindClash(state, context, command.accept_merge().clash_id(), &clash)) return *r;
  if (clash->status != ClashStatus::kMergeProposed) {
    return Refuse("merge_not_proposed", "nobody has proposed to join forces on this clash");
  }
  std::vector<std::string> new_sides;
  for (const auto& side : SidesOf(state, *clash, context.actor_id)) {
    if (!clash->accepted_sides.count(side)) new_sides.push_back(side);
  }
  if (new_sides.empty()) {
    return SidesOf(state, *clash, context.actor_id).empty()
               ? Refuse("forbidden",
                        "only an organizer of one of the initiatives can say yes for it")
               : Refuse("already_accepted", "your side has said yes already");
  }
  DecisionBuilder out(context);
  for (const auto& side : new_sides) {
    auto& yes = *out.Add().mutable_merge_accepted();
    yes.set_clash_id(clash->id);
    yes.set_initiative_id(side);
  }
  if (clash->accepted_sides.size() + new_sides.size() == 2)
    Merge(state, *clash, clash->surviving, out);
  return std::move(out).Done();
}

Decision Decline(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.decline_merge();
  const ClashState* clash = nullptr;
  if (auto r = FindClash(state, context, c.clash_id(), &clash)) return *r;
  if (clash->status != ClashStatus::kMergeProposed) {
    return Refuse("merge_not_proposed", "nobody has proposed to join forces on this clash");
  }
  const auto sides = SidesOf(state, *clash, context.actor_id);
  if (sides.empty())
    return Refuse("forbidden", "only an organizer of one of the initiatives can decline");
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_merge_declined();
  e.set_clash_id(clash->id);
  e.set_initiative_id(sides.front());
  e.set_reason(c.reason());
  return std::move(out).Done();
}

}  // namespace rotonde::commands::clashes
