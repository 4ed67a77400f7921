// The deciders, one per command, by area; one file per area (decide_<area>.cc), mirroring
// the evolvers of projections/src/evolve_<area>.cc. decide.cc routes each command to its
// decider in one exhaustive switch. Internal to the commands room; callers use decide.h.
#pragma once

#include <string>
#include <string_view>

#include "decide_support.h"

namespace rotonde::commands {

// The type every decider has; `Decider Found;` declares the function Found.
using Decider = Decision(const v1::Command& command, const CommandContext& context,
                         const projections::PlatformState& state);

namespace platform {
Decider Found, Invite, Join, Leave, Erase, Grant;
}  // namespace platform

namespace initiatives {
Decider Propose, Update, Join, Cancel, Held;
}  // namespace initiatives

namespace proposals {
Decider Submit, Discuss, Decline;
// A coordinator handles the proposal `id` (to discuss, decline or adopt it): nullopt and
// *out, or the refusal. With `must_be_open`, one adopted or declined already is refused.
Check HandleProposal(const projections::PlatformState& state, const CommandContext& context,
                     const std::string& id, std::string_view what, bool must_be_open,
                     const projections::ProposalState** out);
}  // namespace proposals

namespace tasks {
Decider Create, Claim, Release, Complete, RequestLearning, OfferToTeach;
}  // namespace tasks

namespace meetings {
Decider Schedule, AddAgendaItem, RecordMinutes, RecordDecision, AddActionItem, AssignAction,
    MarkActionDone, MarkActionNotDone, MarkHeld;
}  // namespace meetings

namespace budget {
Decider Allocate, SetCap, Propose, DecideLine, Expense, Close;
// The events that close every approved line of `initiative_id` because it was cancelled.
void CloseLinesOfCancelled(const projections::PlatformState& state,
                           const std::string& initiative_id, DecisionBuilder& out);
}  // namespace budget

namespace clashes {
Decider Dismiss, Propose, Accept, Decline;
}  // namespace clashes

}  // namespace rotonde::commands
