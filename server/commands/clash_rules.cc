#include "clash_rules.h"

#include <map>

#include "rotonde/projections/clash_detector.h"
#include "rotonde/projections/dates.h"

namespace rotonde::commands {

using projections::ClashStatus;

void ReevaluateClashes(const v1::Command& command, const projections::PlatformState& state,
                       const projections::InitiativeState& subject, bool material_change,
                       DecisionBuilder& out) {
  std::map<std::string, projections::ClashFinding> holding;
  for (auto& finding : projections::FindClashes(state, subject)) {
    holding.emplace(finding.other_id, std::move(finding));
  }
  // Clashes this initiative already has.
  for (const auto& [id, clash] : state.clashes()) {
    if (!clash.Involves(subject.id)) continue;
    auto it = holding.find(clash.Other(subject.id));
    const bool holds = it != holding.end();
    const bool live =
        clash.status == ClashStatus::kOpen || clash.status == ClashStatus::kMergeProposed;
    if (live && !holds) {
      auto& e = *out.Add(kSystemActor).mutable_clash_resolved();
      e.set_clash_id(id);
      e.set_reason("the initiatives no longer clash");
    } else if (holds && (clash.status == ClashStatus::kResolved ||
                         (clash.status == ClashStatus::kDismissed && material_change))) {
      auto& e = *out.Add(kSystemActor).mutable_clash_reopened();
      e.set_clash_id(id);
      e.set_rule(it->second.rule);
      e.set_score(it->second.score);
    }
    if (holds) holding.erase(it);  // known pair: no new clash
  }
  for (const auto& [other, finding] : holding) {
    auto& e = *out.Add(kSystemActor).mutable_clash_detected();
    e.set_clash_id(NewId(command, "", "c", other));
    // The earlier initiative first: "A plans a braderie; B plans one on the same day".
    e.set_initiative_a(other);
    e.set_initiative_b(subject.id);
    e.set_rule(finding.rule);
    e.set_score(finding.score);
    e.set_date(projections::FormatIsoDate(finding.day));
    const auto* other_initiative = state.Initiative(other);
    for (const auto& term :
         projections::SharedTerms(subject.fingerprint(), other_initiative->fingerprint())) {
      e.add_shared_terms(term);
    }
  }
}

void ResolveClashesOf(const projections::PlatformState& state, std::string_view initiative_id,
                      std::string_view reason, DecisionBuilder& out) {
  for (const auto& [id, clash] : state.clashes()) {
    if (!clash.Involves(initiative_id)) continue;
    if (clash.status != ClashStatus::kOpen && clash.status != ClashStatus::kMergeProposed) continue;
    auto& e = *out.Add(kSystemActor).mutable_clash_resolved();
    e.set_clash_id(id);
    e.set_reason(std::string(reason));
  }
}

}  // namespace rotonde::commands
