// Clashes: detected (by the decision that changed an initiative), resolved, dismissed,
// reopened; a merge proposed, accepted by each side or declined; and the initiatives merged,
// where the absorbed one's organizers join the survivor and it keeps a pointer to it. A
// merge and a dismissal also teach the platform's text comparison (PlatformTables::learned).
#include "evolvers.h"

namespace rotonde::projections::clashes {
namespace {

// Learns from a decision about two initiatives: the title terms only one of them has name
// the same activity (`same`: they were merged) or keep plans apart (the clash was dismissed).
void LearnFrom(PlatformTables& t, std::string_view a, std::string_view b, bool same) {
  const InitiativeState* first = t.initiatives.Find(a);
  const InitiativeState* second = t.initiatives.Find(b);
  if (first == nullptr || second == nullptr) return;
  const auto [only_first, only_second] =
      DistinctTitleTerms(first->fingerprint(), second->fingerprint());
  t.learned.Learn(only_first, only_second, same);
}

}  // namespace

void Detected(PlatformTables& t, const v1::EventRecord& record, const v1::ClashDetected& e) {
  ClashState clash;
  clash.id = e.clash_id();
  clash.initiative_a = e.initiative_a();
  clash.initiative_b = e.initiative_b();
  clash.rule = e.rule();
  clash.score = e.score();
  clash.date = e.date();
  clash.shared_terms.assign(e.shared_terms().begin(), e.shared_terms().end());
  clash.detected_at = record.position();
  t.clash_by_pair[PairKey(clash.initiative_a, clash.initiative_b)] = clash.id;
  t.clashes[clash.id] = std::move(clash);
}

void Resolved(PlatformTables& t, const v1::ClashResolved& e) {
  ClashState* clash = t.clashes.Find(e.clash_id());
  if (clash == nullptr) return;
  clash->status = ClashStatus::kResolved;
  clash->resolve_reason = e.reason();
}

void Dismissed(PlatformTables& t, const v1::ClashDismissed& e) {
  ClashState* clash = t.clashes.Find(e.clash_id());
  if (clash == nullptr) return;
  clash->status = ClashStatus::kDismissed;
  clash->dismiss_reason = e.reason();
  // "Bewust apart" with a reason: the organizers say these are different plans.
  if (!e.reason().empty()) LearnFrom(t, clash->initiative_a, clash->initiative_b, false);
}

void Reopened(PlatformTables& t, const v1::ClashReopened& e) {
  ClashState* clash = t.clashes.Find(e.clash_id());
  if (clash == nullptr) return;
  clash->status = ClashStatus::kOpen;
  clash->rule = e.rule();
  clash->score = e.score();
  clash->accepted_sides.clear();
  clash->surviving.clear();
}

void MergeProposed(PlatformTables& t, const v1::EventRecord& record, const v1::MergeProposed& e) {
  ClashState* clash = t.clashes.Find(e.clash_id());
  if (clash == nullptr) return;
  clash->status = ClashStatus::kMergeProposed;
  clash->surviving = e.surviving_initiative_id();
  clash->proposed_by = record.actor();
  clash->accepted_sides.clear();
  clash->decline_reason.clear();
}

void MergeAccepted(PlatformTables& t, const v1::MergeAccepted& e) {
  if (ClashState* clash = t.clashes.Find(e.clash_id())) {
    clash->accepted_sides.insert(e.initiative_id());
  }
}

void MergeDeclined(PlatformTables& t, const v1::MergeDeclined& e) {
  ClashState* clash = t.clashes.Find(e.clash_id());
  if (clash == nullptr) return;
  clash->status = ClashStatus::kOpen;
  clash->decline_reason = e.reason();
  clash->accepted_sides.clear();
  clash->surviving.clear();
}

void Merged(PlatformTables& t, const v1::InitiativesMerged& e) {
  if (ClashState* clash = t.clashes.Find(e.clash_id())) clash->status = ClashStatus::kMerged;
  InitiativeState* surviving = t.initiatives.Find(e.surviving_initiative_id());
  InitiativeState* absorbed = t.initiatives.Find(e.absorbed_initiative_id());
  if (surviving == nullptr || absorbed == nullptr) return;
  // Accepted by both sides: the two titles name one activity.
  LearnFrom(t, surviving->id, absorbed->id, true);
  for (const auto& organizer : absorbed->organizers) {
    if (!surviving->IsOrganizer(organizer)) surviving->organizers.push_back(organizer);
  }
  surviving->absorbed.push_back(absorbed->id);
  t.UnindexInitiative(*absorbed);
  absorbed->status = InitiativeStatus::kMerged;
  absorbed->merged_into = surviving->id;
}

}  // namespace rotonde::projections::clashes
