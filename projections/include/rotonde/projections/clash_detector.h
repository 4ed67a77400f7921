// The samenwerkingsrotonde's eye: finds the initiatives a given initiative clashes with.
// A clash is a suggestion to join forces, never a block. Rules, strongest first:
//
//  1. SAME_PLACE_SAME_DAY: their days overlap and they are at the same place (the same
//     named location, or the same place text once normalised). Score 1.
//  2. SAME_DAY: their days overlap. Score 0.5 + 0.5 x text similarity.
//  3. DUPLICATE_CHANNEL: a second running instance of a one-per-neighbourhood thing: two
//     ongoing newsletters; two ongoing action groups for a similar cause; two residents'
//     meetings within 30 days of each other. Score 0.7 + 0.3 x text similarity.
//  4. SAME_WEEK_SIMILAR: they share an ISO week, and have the same kind (other than
//     OTHER) or similar texts (text_similarity.h). Score: the text similarity, at least
//     0.5 for the same kind.
//
// Texts are compared in the platform's SimilarityContext (PlatformState::
// similarity_context): what its merges and dismissals taught, and how common each title term
// is among its initiatives; so the same texts may be similar on one platform and not on
// another, and on one platform after a decision and not before.
//
// Pure: a function of the state and the subject. The subject need not be in the state: the
// deciders check a proposed or updated initiative before its event exists, and emit a
// ClashDetected for each finding in the same decision.
#pragma once

#include <string>
#include <vector>

#include "rotonde/projections/platform_state.h"

namespace rotonde::projections {

// Residents' meetings this close (in days) count as a second big meeting.
inline constexpr int32_t kMeetingChannelDays = 30;

struct ClashFinding {
  std::string other_id;
  v1::ClashRule rule = v1::CLASH_RULE_UNSPECIFIED;
  double score = 0;
  double similarity = 0;
  int32_t day = 0;  // the first shared day, the Monday of the shared week, or the other's start
};

// The active initiatives in `state` that `subject` clashes with, strongest first (then by
// score, then by id). `subject` itself (same id) is skipped; an inactive subject or one
// without valid dates clashes with nothing. The words they share (for explaining a clash)
// are SharedTerms() of their fingerprints, computed by who needs them.
std::vector<ClashFinding> FindClashes(const PlatformState& state, const InitiativeState& subject);

// Whether two places are the same place: equal location ids, or equal normalised text.
bool SamePlace(const v1::Place& a, const v1::Place& b);

}  // namespace rotonde::projections
