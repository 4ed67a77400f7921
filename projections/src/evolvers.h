// The evolvers, one per event, by area; one file per area (evolve_<area>.cc), mirroring the
// deciders of server/commands/decide_<area>.cc. Evolve (evolve.cc) routes each event to its
// evolver in one exhaustive switch. Each folds one event into the tables and never fails: a
// fact it cannot place (an unknown id) changes nothing.
#pragma once

#include "platform_tables.h"
#include "rotonde/v1/event.pb.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::projections {

// Folds one event of the platform (after its stream's version and command are noted).
void Evolve(PlatformTables& t, const v1::EventRecord& record, const v1::DomainEvent& event);

namespace platform {
void Founded(PlatformTables& t, const v1::PlatformFounded& e);
void Invited(PlatformTables& t, const v1::MemberInvited& e);
void Joined(PlatformTables& t, const v1::MemberJoined& e);
void Left(PlatformTables& t, const v1::MemberLeft& e);
void Granted(PlatformTables& t, const v1::RoleGranted& e);
void Erased(PlatformTables& t, const v1::PersonErased& e);
}  // namespace platform

namespace initiatives {
void Proposed(PlatformTables& t, const v1::EventRecord& record, const v1::InitiativeProposed& e);
void Updated(PlatformTables& t, const v1::InitiativeUpdated& e);
void Joined(PlatformTables& t, const v1::InitiativeJoined& e);
void Cancelled(PlatformTables& t, const v1::InitiativeCancelled& e);
void Held(PlatformTables& t, const v1::InitiativeHeld& e);
}  // namespace initiatives

namespace proposals {
void Submitted(PlatformTables& t, const v1::EventRecord& record, const v1::ProposalSubmitted& e);
void Discussed(PlatformTables& t, const v1::ProposalDiscussed& e);
void Adopted(PlatformTables& t, const v1::ProposalAdopted& e);
void Declined(PlatformTables& t, const v1::ProposalDeclined& e);
}  // namespace proposals

namespace tasks {
void Created(PlatformTables& t, const v1::TaskCreated& e);
void Claimed(PlatformTables& t, const v1::TaskClaimed& e);
void Released(PlatformTables& t, const v1::TaskReleased& e);
void Done(PlatformTables& t, const v1::TaskDone& e);
void LearningRequested(PlatformTables& t, const v1::LearningRequested& e);
void LearningPairFormed(PlatformTables& t, const v1::LearningPairFormed& e);
void Moved(PlatformTables& t, const v1::TaskMoved& e);
}  // namespace tasks

namespace meetings {
void Scheduled(PlatformTables& t, const v1::MeetingScheduled& e);
void AgendaItemAdded(PlatformTables& t, const v1::AgendaItemAdded& e);
void MinutesRecorded(PlatformTables& t, const v1::MinutesRecorded& e);
void DecisionRecorded(PlatformTables& t, const v1::DecisionRecorded& e);
void ActionItemAdded(PlatformTables& t, const v1::ActionItemAdded& e);
void ActionItemDone(PlatformTables& t, const v1::ActionItemDone& e);
void ActionItemNotDone(PlatformTables& t, const v1::ActionItemNotDone& e);
void Held(PlatformTables& t, const v1::MeetingHeld& e);
void ActionItemAssigned(PlatformTables& t, const v1::ActionItemAssigned& e);
}  // namespace meetings

namespace budget {
void Allocated(PlatformTables& t, const v1::BudgetAllocated& e);
void OverheadCapSet(PlatformTables& t, const v1::OverheadCapSet& e);
void SpendingProposed(PlatformTables& t, const v1::EventRecord& record,
                      const v1::SpendingProposed& e);
void SpendingDecided(PlatformTables& t, const v1::SpendingDecided& e);
void ExpenseRecorded(PlatformTables& t, const v1::ExpenseRecorded& e);
void SpendingMoved(PlatformTables& t, const v1::SpendingMoved& e);
void SpendingClosed(PlatformTables& t, const v1::SpendingClosed& e);
}  // namespace budget

namespace clashes {
void Detected(PlatformTables& t, const v1::EventRecord& record, const v1::ClashDetected& e);
void Resolved(PlatformTables& t, const v1::ClashResolved& e);
void Dismissed(PlatformTables& t, const v1::ClashDismissed& e);
void Reopened(PlatformTables& t, const v1::ClashReopened& e);
void MergeProposed(PlatformTables& t, const v1::EventRecord& record, const v1::MergeProposed& e);
void MergeAccepted(PlatformTables& t, const v1::MergeAccepted& e);
void MergeDeclined(PlatformTables& t, const v1::MergeDeclined& e);
void Merged(PlatformTables& t, const v1::InitiativesMerged& e);
}  // namespace clashes

}  // namespace rotonde::projections
