// How decisions about initiatives keep the samenwerkingsrotonde up to date: whenever an
// initiative is proposed, changed, cancelled, held or merged, its clashes are re-evaluated
// in the same decision, so clash events are as atomic and replayable as the change itself.
#pragma once

#include <string_view>

#include "decide_support.h"

namespace rotonde::commands {

// Emits the clash events that follow from `subject` as it will be after this command:
// ClashDetected for new pairs; ClashResolved for open (or merge-proposed) clashes that no
// longer hold; ClashReopened for resolved clashes that hold again, and for dismissed ones
// that hold again after a material change (date, place or kind).
void ReevaluateClashes(const v1::Command& command, const projections::PlatformState& state,
                       const projections::InitiativeState& subject, bool material_change,
                       DecisionBuilder& out);

// Resolves every open or merge-proposed clash of an initiative that stops being active.
void ResolveClashesOf(const projections::PlatformState& state, std::string_view initiative_id,
                      std::string_view reason, DecisionBuilder& out);

}  // namespace rotonde::commands
