// The buurtbudget: allocations in, the overhead cap, spending lines proposed and decided,
// expenses recorded against approved lines, lines moved (by a merge), lines closed. Approving a
// line commits its whole amount; expenses spend it; closing it releases what it did not spend.
#include "evolvers.h"

namespace rotonde::projections::budget {

void Allocated(PlatformTables& t, const v1::BudgetAllocated& e) {
  t.budget.allocations.push_back({e.allocation_id(), e.source(), e.amount_cents(), e.period()});
  t.budget.allocated_cents += e.amount_cents();
}

void OverheadCapSet(PlatformTables& t, const v1::OverheadCapSet& e) {
  t.budget.overhead_cap_percent = e.percent();
}

void SpendingProposed(PlatformTables& t, const v1::EventRecord& record,
                      const v1::SpendingProposed& e) {
  SpendingState line;
  line.id = e.spending_id();
  line.initiative_id = e.initiative_id();
  line.amount_cents = e.amount_cents();
  line.purpose = e.purpose();
  line.overhead = e.overhead();
  line.proposed_by = record.actor();
  t.budget.spending[line.id] = std::move(line);
}

void SpendingDecided(PlatformTables& t, const v1::SpendingDecided& e) {
  BudgetState& b = t.budget;
  auto it = b.spending.find(e.spending_id());
  if (it == b.spending.end() || it->second.status != SpendingStatus::kProposed) return;
  SpendingState& line = it->second;
  line.status = e.approved() ? SpendingStatus::kApproved : SpendingStatus::kRejected;
  line.decided_by = e.decided_by();
  line.votes_for = e.votes_for();
  line.votes_against = e.votes_against();
  line.votes_abstained = e.votes_abstained();
  line.note = e.note();
  if (e.approved()) {
    line.approved = true;
    b.approved_cents += line.amount_cents;
    if (line.overhead) b.approved_overhead_cents += line.amount_cents;
  }
}

void ExpenseRecorded(PlatformTables& t, const v1::ExpenseRecorded& e) {
  BudgetState& b = t.budget;
  auto line = b.spending.find(e.spending_id());
  if (line == b.spending.end()) return;
  b.expenses.push_back({e.expense_id(), e.spending_id(), e.amount_cents(), e.receipt_reference(),
                        e.paid_to(), e.date()});
  b.spent_cents += e.amount_cents();
  line->second.spent_cents += e.amount_cents();
}

void SpendingMoved(PlatformTables& t, const v1::SpendingMoved& e) {
  auto it = t.budget.spending.find(e.spending_id());
  if (it != t.budget.spending.end()) it->second.initiative_id = e.to_initiative_id();
}

void SpendingClosed(PlatformTables& t, const v1::SpendingClosed& e) {
  BudgetState& b = t.budget;
  auto it = b.spending.find(e.spending_id());
  if (it == b.spending.end()) return;
  SpendingState& line = it->second;
  if (line.status != SpendingStatus::kProposed && line.status != SpendingStatus::kApproved) return;
  line.status = SpendingStatus::kClosed;
  line.released_cents = e.released_cents();
  line.close_reason = e.reason();
  line.closed_by_cancellation = e.initiative_cancelled();
  b.approved_cents -= e.released_cents();
  if (line.overhead) b.approved_overhead_cents -= e.released_cents();
}

}  // namespace rotonde::projections::budget
