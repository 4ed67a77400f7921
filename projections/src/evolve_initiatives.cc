// Initiatives: proposed, updated, joined, cancelled, held. The day and kind indexes follow
// every change of an initiative's dates or status (PlatformTables' invariant).
#include "evolvers.h"

namespace rotonde::projections::initiatives {

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
  stored = std::move(initiative);
  t.IndexInitiative(stored);
}

void Updated(PlatformTables& t, const v1::InitiativeUpdated& e) {
  InitiativeState* initiative = t.initiatives.Find(e.initiative_id());
  if (initiative == nullptr) return;
  t.UnindexInitiative(*initiative);
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
