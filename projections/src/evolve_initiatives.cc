// Initiatives: proposed, updated, joined, cancelled, held. The day and kind indexes follow
// every change of an initiative's dates or status (PlatformTables' invariant), and the count
// of title terms every change of a title.
#include "evolvers.h"

namespace rotonde::projections::initiatives {
namespace {

// Adds `delta` (+1 or -1) to the count of each of the title's terms. A term not yet counted
// is added only while the table has room; a count that falls to zero frees its place. Costs
// one reading of the title (ContentTerms), a few microseconds.
void CountTitleTerms(PlatformTables& t, std::string_view title, int delta) {
  std::vector<std::string> terms = ContentTerms(title);
  if (terms.size() > TextFingerprint::kMaxTitleTerms) terms.resize(TextFingerprint::kMaxTitleTerms);
  for (const std::string& term : terms) {
    const uint64_t hash = TermHash(term);
    auto it = t.term_initiatives.find(hash);
    if (delta > 0) {
      if (it != t.term_initiatives.end()) {
        ++it->second;
      } else if (t.term_initiatives.size() < kMaxPlatformTerms) {
        t.term_initiatives.emplace(hash, 1);
      }
    } else if (it != t.term_initiatives.end() && --it->second == 0) {
      t.term_initiatives.erase(it);
    }
  }
}

}  // namespace

void Proposed(PlatformTables& t, const v1::EventRecord& record, const v1::InitiativeProposed& e) {
  InitiativeState initiative;
  initiative.id = e.initiative_id();
  initiative.kind = e.kind();
  initiative.title = e.title();
  initiative.description = e.description();
  initiative.when = e.when();
  initiative.place = e.place();
  initiative.days = DaysOf(e.when());
  initiative.organizers.assign(e.organizer_ids().begin(), e.organizer_ids().end());
  initiative.proposal_id = e.proposal_id();
  initiative.proposed_at = record.position();
  InitiativeState& stored = t.initiatives[initiative.id];
  t.UnindexInitiative(stored);  // a repeated id replaces (never decided, but stay consistent)
  if (stored.id.empty()) {
    ++t.counted_initiatives;
  } else {
    CountTitleTerms(t, stored.title, -1);
  }
  CountTitleTerms(t, initiative.title, +1);
  stored = std::move(initiative);
  t.IndexInitiative(stored);
}

void Updated(PlatformTables& t, const v1::InitiativeUpdated& e) {
  InitiativeState* initiative = t.initiatives.Find(e.initiative_id());
  if (initiative == nullptr) return;
  t.UnindexInitiative(*initiative);
  if (initiative->title != e.title()) {
    CountTitleTerms(t, initiative->title, -1);
    CountTitleTerms(t, e.title(), +1);
  }
  initiative->kind = e.kind();
  initiative->title = e.title();
  initiative->description = e.description();
  initiative->when = e.when();
  initiative->place = e.place();
  initiative->days = DaysOf(e.when());
  initiative->ResetFingerprint();
  t.IndexInitiative(*initiative);
}

void Joined(PlatformTables& t, const v1::InitiativeJoined& e) {
  InitiativeState* initiative = t.initiatives.Find(e.initiative_id());
  if (initiative != nullptr && !initiative->IsOrganizer(e.member_id())) {
    initiative->organizers.push_back(e.member_id());
  }
}

void Cancelled(PlatformTables& t, const v1::InitiativeCancelled& e) {
  InitiativeState* initiative = t.initiatives.Find(e.initiative_id());
  if (initiative == nullptr) return;
  t.UnindexInitiative(*initiative);
  initiative->status = InitiativeStatus::kCancelled;
}

void Held(PlatformTables& t, const v1::InitiativeHeld& e) {
  InitiativeState* initiative = t.initiatives.Find(e.initiative_id());
  if (initiative == nullptr) return;
  t.UnindexInitiative(*initiative);
  initiative->status = InitiativeStatus::kHeld;
  initiative->participants = e.participants();
}

}  // namespace rotonde::projections::initiatives
