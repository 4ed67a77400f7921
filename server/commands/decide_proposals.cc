// Residents' proposals (verbetervoorstellen): anyone submits one, members through the app
// and residents without an account through the public form; coordinators discuss and
// decline them, or adopt one by proposing the initiative it becomes (initiatives::Propose).
#include "decide_support.h"
#include "deciders.h"

namespace rotonde::commands::proposals {

using projections::PlatformState;
using projections::ProposalState;
using projections::ProposalStatus;

// Residents' proposals are handled by coordinators: the proposal `id`, or the refusal. With
// `must_be_open`, one adopted or declined already is refused too.
Check HandleProposal(const PlatformState& state, const CommandContext& context,
                     const std::string& id, std::string_view what, bool must_be_open,
                     const ProposalState** out) {
  if (auto r = RequireRole(state, context, {v1::ROLE_COORDINATOR, v1::ROLE_ADMIN}, what)) return r;
  *out = state.Proposal(id);
  if (*out == nullptr) return Refuse("not_found", "no proposal " + id);
  const bool closed =
      (*out)->status == ProposalStatus::kAdopted || (*out)->status == ProposalStatus::kDeclined;
  if (must_be_open && closed) {
    return Refuse("proposal_closed", "this proposal was adopted or declined already");
  }
  return std::nullopt;
}

Decision Submit(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const auto& c = command.submit_proposal();
  if (auto r = RequireFounded(state)) return *r;
  // Residents who are not members may submit through the public form (no actor).
  const v1::Role role = state.RoleOf(context.actor_id);
  if (role == v1::ROLE_AUDITOR)
    return Refuse("forbidden", "auditors read everything and write nothing");
  const bool member = role != v1::ROLE_UNSPECIFIED;
  if (auto r = CheckText("title", c.title(), kMaxTitleBytes, true)) return *r;
  if (auto r = CheckText("description", c.description(), kMaxTextBytes, false, true)) return *r;
  if (auto r = CheckText("submitter_name", c.submitter_name(), kMaxNameBytes, !member)) return *r;
  if (auto r = CheckText("submitter_contact", c.submitter_contact(), kMaxTitleBytes, false))
    return *r;
  if (auto r = CheckOptionalId("proposal_id", c.proposal_id())) return *r;
  const std::string id = NewId(command, c.proposal_id(), "p");
  if (state.Proposal(id)) return Refuse("already_exists", "proposal " + id + " exists already");
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_proposal_submitted();
  e.set_proposal_id(id);
  e.set_title(c.title());
  e.set_description(c.description());
  e.set_submitter_name(c.submitter_name().empty() && member ? state.Member(context.actor_id)->name
                                                            : c.submitter_name());
  e.set_submitter_contact(c.submitter_contact());
  if (member) e.set_submitted_by(context.actor_id);
  e.set_submitter_id(member ? context.actor_id : "resident-" + id);
  return std::move(out).Done();
}

Decision Discuss(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.record_proposal_discussion();
  const ProposalState* proposal = nullptr;
  if (auto r = HandleProposal(state, context, c.proposal_id(), "record a discussion of a proposal",
                              false, &proposal)) {
    return *r;
  }
  if (auto r = CheckText("notes", c.notes(), kMaxTextBytes, true, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_proposal_discussed();
  e.set_proposal_id(proposal->id);
  e.set_notes(c.notes());
  return std::move(out).Done();
}

Decision Decline(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.decline_proposal();
  const ProposalState* proposal = nullptr;
  if (auto r =
          HandleProposal(state, context, c.proposal_id(), "decline a proposal", true, &proposal)) {
    return *r;
  }
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, true, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_proposal_declined();
  e.set_proposal_id(proposal->id);
  e.set_reason(c.reason());
  return std::move(out).Done();
}

}  // namespace rotonde::commands::proposals
