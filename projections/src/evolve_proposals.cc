// Residents' proposals: submitted, discussed, adopted (an initiative was proposed from one),
// declined.
#include "evolvers.h"

namespace rotonde::projections::proposals {

void Submitted(PlatformTables& t, const v1::EventRecord& record, const v1::ProposalSubmitted& e) {
  ProposalState proposal;
  proposal.id = e.proposal_id();
  proposal.title = e.title();
  proposal.description = e.description();
  proposal.submitter_name = e.submitter_name();
  proposal.submitter_contact = e.submitter_contact();
  proposal.submitted_by = e.submitted_by();
  proposal.submitter_id = e.submitter_id();
  proposal.submitted_at = record.recorded_at().seconds();
  t.proposals[proposal.id] = std::move(proposal);
}

void Discussed(PlatformTables& t, const v1::ProposalDiscussed& e) {
  ProposalState* proposal = t.proposals.Find(e.proposal_id());
  if (proposal == nullptr) return;
  proposal->notes.push_back(e.notes());
  if (proposal->status == ProposalStatus::kOpen) proposal->status = ProposalStatus::kDiscussed;
}

void Adopted(PlatformTables& t, const v1::ProposalAdopted& e) {
  ProposalState* proposal = t.proposals.Find(e.proposal_id());
  if (proposal == nullptr) return;
  proposal->status = ProposalStatus::kAdopted;
  proposal->initiative_id = e.initiative_id();
}

void Declined(PlatformTables& t, const v1::ProposalDeclined& e) {
  ProposalState* proposal = t.proposals.Find(e.proposal_id());
  if (proposal == nullptr) return;
  proposal->status = ProposalStatus::kDeclined;
  proposal->decline_reason = e.reason();
}

}  // namespace rotonde::projections::proposals
