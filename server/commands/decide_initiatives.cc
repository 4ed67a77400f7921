// Initiatives: propose (adopting a resident's proposal, if it names one), update, join,
// cancel, mark held. Each change of an initiative is checked for clashes in the same decision.
#include <algorithm>

#include "clash_rules.h"
#include "decide_support.h"
#include "deciders.h"
#include "rotonde/projections/dates.h"

namespace rotonde::commands::initiatives {

using projections::InitiativeState;
using projections::PlatformState;
using projections::ProposalState;

constexpr const char* kTimeZone = "Europe/Amsterdam";

bool ValidKind(v1::InitiativeKind kind) {
  return kind >= v1::INITIATIVE_KIND_STREET_MARKET && kind <= v1::INITIATIVE_KIND_OTHER;
}

// The checks proposing and updating share; on success `when` is normalised (time zone set).
Check CheckInitiative(v1::InitiativeKind kind, const std::string& title,
                      const std::string& description, v1::When* when, const v1::Place& place) {
  if (!ValidKind(kind)) return Refuse("invalid_kind", "choose what kind of initiative this is");
  if (auto r = CheckText("title", title, kMaxTitleBytes, true)) return r;
  if (auto r = CheckText("description", description, kMaxTextBytes, false, true)) return r;
  if (auto r = CheckDate("when.start_date", when->start_date(), true)) return r;
  if (auto r = CheckDate("when.end_date", when->end_date(), false)) return r;
  if (auto r = CheckTime("when.start_time", when->start_time())) return r;
  if (auto r = CheckTime("when.end_time", when->end_time())) return r;
  if (when->ongoing() && !when->end_date().empty()) {
    return Refuse("invalid_date", "an ongoing initiative has a start date and no end date");
  }
  const auto days = projections::DaysOf(*when);
  if (!days.valid) return Refuse("invalid_date", "the end date is before the start date");
  if (!days.ongoing && days.last - days.first + 1 > projections::kMaxInitiativeDays) {
    return Refuse("invalid_date", "an initiative spans at most " +
                                      std::to_string(projections::kMaxInitiativeDays) + " days");
  }
  if (!when->time_zone().empty() && when->time_zone() != kTimeZone) {
    return Refuse("invalid_time", "times are in Europe/Amsterdam");
  }
  if (!when->start_time().empty() || !when->end_time().empty()) when->set_time_zone(kTimeZone);
  if (auto r = CheckText("place.text", place.text(), kMaxTitleBytes, false)) return r;
  if (!place.location_id().empty()) {
    if (auto r = CheckId("place.location_id", place.location_id())) return r;
  }
  return std::nullopt;
}

// An organizer of the initiative, or a coordinator or admin, may change it.
Check RequireOrganizer(const PlatformState& state, const CommandContext& context,
                       const InitiativeState& initiative) {
  if (auto r = RequireWriter(state, context)) return r;
  const v1::Role role = state.RoleOf(context.actor_id);
  if (initiative.IsOrganizer(context.actor_id) || role == v1::ROLE_COORDINATOR ||
      role == v1::ROLE_ADMIN) {
    return std::nullopt;
  }
  return Refuse("forbidden", "only its organizers (or a coordinator) can change this initiative");
}

// The initiative, active; or the refusal.
Check FindActive(const PlatformState& state, const std::string& id, const InitiativeState** out) {
  *out = state.Initiative(id);
  if (*out == nullptr) return Refuse("not_found", "no initiative " + id);
  if ((*out)->status == projections::InitiativeStatus::kMerged) {
    return Refuse("initiative_not_active",
                  "this initiative was merged into " + (*out)->merged_into);
  }
  if (!(*out)->active()) {
    return Refuse("initiative_not_active", "this initiative was cancelled or has been held");
  }
  return std::nullopt;
}

Decision Propose(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.propose_initiative();
  if (auto r = RequireWriter(state, context)) return *r;
  v1::When when = c.when();
  if (auto r = CheckInitiative(c.kind(), c.title(), c.description(), &when, c.place())) return *r;
  if (auto r = CheckOptionalId("initiative_id", c.initiative_id())) return *r;
  const std::string id = NewId(command, c.initiative_id(), "i");
  if (state.Initiative(id)) return Refuse("already_exists", "initiative " + id + " exists already");
  std::vector<std::string> organizers = {context.actor_id};
  for (const auto& co : c.co_organizer_ids()) {
    const v1::Role role = state.RoleOf(co);
    if (role == v1::ROLE_UNSPECIFIED || role == v1::ROLE_AUDITOR) {
      return Refuse("not_a_member", "co-organizer " + co + " is not a member who can organize");
    }
    if (std::find(organizers.begin(), organizers.end(), co) == organizers.end()) {
      organizers.push_back(co);
    }
  }
  if (!c.proposal_id().empty()) {
    const ProposalState* proposal = nullptr;
    if (auto r = proposals::HandleProposal(state, context, c.proposal_id(),
                                           "turn a resident's proposal into an initiative", true,
                                           &proposal)) {
      return *r;
    }
  }
  if (auto r = CheckExpectedVersion(
          command, state, projections::EntityStream(context.platform, "initiative", id))) {
    return *r;
  }

  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_initiative_proposed();
  e.set_initiative_id(id);
  e.set_kind(c.kind());
  e.set_title(c.title());
  e.set_description(c.description());
  *e.mutable_when() = when;
  *e.mutable_place() = c.place();
  for (const auto& organizer : organizers) e.add_organizer_ids(organizer);
  e.set_proposal_id(c.proposal_id());
  if (!c.proposal_id().empty()) {
    auto& adopted = *out.Add().mutable_proposal_adopted();
    adopted.set_proposal_id(c.proposal_id());
    adopted.set_initiative_id(id);
  }
  InitiativeState subject;
  subject.id = id;
  subject.kind = c.kind();
  subject.when = when;
  subject.place = c.place();
  subject.days = projections::DaysOf(when);
  subject.title = c.title();
  subject.description = c.description();
  subject.ResetFingerprint();
  ReevaluateClashes(command, state, subject, true, out);
  return std::move(out).Done();
}

Decision Update(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const auto& c = command.update_initiative();
  const InitiativeState* initiative = nullptr;
  if (auto r = RequireFounded(state)) return *r;
  if (auto r = FindActive(state, c.initiative_id(), &initiative)) return *r;
  if (auto r = RequireOrganizer(state, context, *initiative)) return *r;
  if (auto r = CheckExpectedVersion(
          command, state,
          projections::EntityStream(context.platform, "initiative", initiative->id))) {
    return *r;
  }
  v1::When when = c.when();
  if (auto r = CheckInitiative(c.kind(), c.title(), c.description(), &when, c.place())) return *r;

  std::vector<std::string> changed;
  auto same = [](const google::protobuf::Message& a, const google::protobuf::Message& b) {
    return a.SerializeAsString() == b.SerializeAsString();
  };
  if (c.kind() != initiative->kind) changed.push_back("kind");
  if (c.title() != initiative->title) changed.push_back("title");
  if (c.description() != initiative->description) changed.push_back("description");
  if (!same(when, initiative->when)) changed.push_back("when");
  if (!same(c.place(), initiative->place)) changed.push_back("place");
  if (changed.empty()) return Refuse("nothing_changed", "the initiative already reads like this");

  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_initiative_updated();
  e.set_initiative_id(initiative->id);
  e.set_kind(c.kind());
  e.set_title(c.title());
  e.set_description(c.description());
  *e.mutable_when() = when;
  *e.mutable_place() = c.place();
  for (const auto& field : changed) e.add_changed(field);

  InitiativeState subject = *initiative;
  subject.kind = c.kind();
  subject.when = when;
  subject.place = c.place();
  subject.days = projections::DaysOf(when);
  subject.title = c.title();
  subject.description = c.description();
  subject.ResetFingerprint();
  const bool material = std::any_of(changed.begin(), changed.end(), [](const std::string& f) {
    return f == "kind" || f == "when" || f == "place";
  });
  ReevaluateClashes(command, state, subject, material, out);
  return std::move(out).Done();
}

Decision Join(const v1::Command& command, const CommandContext& context,
              const PlatformState& state) {
  const InitiativeState* initiative = nullptr;
  if (auto r = RequireWriter(state, context)) return *r;
  if (auto r = FindActive(state, command.join_initiative().initiative_id(), &initiative)) return *r;
  if (initiative->IsOrganizer(context.actor_id)) {
    return Refuse("already_organizer", "you organize this initiative already");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_initiative_joined();
  e.set_initiative_id(initiative->id);
  e.set_member_id(context.actor_id);
  return std::move(out).Done();
}

Decision Cancel(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const auto& c = command.cancel_initiative();
  const InitiativeState* initiative = nullptr;
  if (auto r = RequireFounded(state)) return *r;
  if (auto r = FindActive(state, c.initiative_id(), &initiative)) return *r;
  if (auto r = RequireOrganizer(state, context, *initiative)) return *r;
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_initiative_cancelled();
  e.set_initiative_id(initiative->id);
  e.set_reason(c.reason());
  ResolveClashesOf(state, initiative->id, "one of the initiatives was cancelled", out);
  budget::CloseLinesOfCancelled(state, initiative->id, out);
  return std::move(out).Done();
}

Decision Held(const v1::Command& command, const CommandContext& context,
              const PlatformState& state) {
  const auto& c = command.mark_initiative_held();
  const InitiativeState* initiative = nullptr;
  if (auto r = RequireFounded(state)) return *r;
  if (auto r = FindActive(state, c.initiative_id(), &initiative)) return *r;
  if (auto r = RequireOrganizer(state, context, *initiative)) return *r;
  if (c.participants() < 0 || c.participants() > 1'000'000) {
    return Refuse("invalid_argument", "participants must be between 0 and 1000000");
  }
  if (auto r = CheckText("notes", c.notes(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_initiative_held();
  e.set_initiative_id(initiative->id);
  e.set_participants(c.participants());
  e.set_notes(c.notes());
  ResolveClashesOf(state, initiative->id, "one of the initiatives has been held", out);
  return std::move(out).Done();
}

}  // namespace rotonde::commands::initiatives
