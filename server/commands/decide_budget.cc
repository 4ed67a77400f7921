// The buurtbudget: allocations in, an overhead cap, spending proposed by residents and
// decided together (recorded with the tally), expenses recorded with a receipt reference.
//
// Money is committed when a line is approved (its whole amount) and spent as expenses are
// recorded against it; closing a line (or cancelling its initiative) releases what it did
// not spend. The rules keep three things true at every moment, so the
// accountability report never has to explain a hole:
//   - approved <= allocated: nothing is approved beyond the uncommitted money, so the
//     balance (allocated - spent) can never go below zero;
//   - per line, spent <= approved amount: no expense above what residents approved;
//   - approved overhead <= cap% of allocated, when a cap is set.
// All arithmetic is in integer cents; nothing here is floating point.
#include <algorithm>

#include "decide_support.h"
#include "deciders.h"

namespace rotonde::commands::budget {

using projections::BudgetState;
using projections::InitiativeStatus;
using projections::PlatformState;
using projections::SpendingState;
using projections::SpendingStatus;

// The most votes one option of a tally can have: far above any residents' meeting, and low
// enough that a report may add the three counts in an int32.
constexpr int32_t kMaxVotes = 1'000'000;

// floor(percent% of cents), exact in integers: with cents = 100q + r, percent * q cannot
// overflow (percent <= 100 makes it at most cents) and percent * r is below 10'000.
int64_t PercentOf(int64_t cents, int32_t percent) {
  return (cents / 100) * percent + (cents % 100) * percent / 100;
}

std::string Euro(int64_t cents) {
  const int64_t rest = cents % 100;
  return "EUR " + std::to_string(cents / 100) + (rest < 10 ? ".0" : ".") + std::to_string(rest);
}

// Who may manage the money: coordinators and admins (members propose, auditors read).
Check RequireTreasurer(const PlatformState& state, const CommandContext& context,
                       std::string_view what) {
  return RequireRole(state, context, {v1::ROLE_COORDINATOR, v1::ROLE_ADMIN}, what);
}

// Every budget command may name the version of the budget stream it was based on.
Check CheckBudgetVersion(const v1::Command& command, const PlatformState& state,
                         const CommandContext& context) {
  return CheckExpectedVersion(command, state,
                              projections::EntityStream(context.platform, "budget", ""));
}

// The event closing `line`: what it was approved and did not spend is released.
void AddClosed(const SpendingState& line, std::string_view reason, bool initiative_cancelled,
               DecisionBuilder& out) {
  auto& e = *out.Add().mutable_spending_closed();
  e.set_spending_id(line.id);
  e.set_reason(std::string(reason));
  e.set_released_cents(
      line.status == SpendingStatus::kApproved ? line.amount_cents - line.spent_cents : 0);
  e.set_initiative_cancelled(initiative_cancelled);
}

// The spending line `id`, or the refusal.
Check FindLine(const BudgetState& budget, const std::string& id, const SpendingState** out) {
  if (auto r = CheckId("spending_id", id)) return r;
  const auto it = budget.spending.find(id);
  if (it == budget.spending.end()) return Refuse("not_found", "no spending line " + id);
  *out = &it->second;
  return std::nullopt;
}

Decision Allocate(const v1::Command& command, const CommandContext& context,
                  const PlatformState& state) {
  const auto& c = command.allocate_budget();
  if (auto r = RequireTreasurer(state, context, "allocate budget")) return *r;
  if (auto r = CheckOptionalId("allocation_id", c.allocation_id())) return *r;
  if (auto r = CheckText("source", c.source(), kMaxTitleBytes, true)) return *r;
  if (auto r = CheckAmount("amount_cents", c.amount_cents())) return *r;
  if (auto r = CheckText("period", c.period(), kMaxNameBytes, false)) return *r;
  if (auto r = CheckBudgetVersion(command, state, context)) return *r;
  const std::string id = NewId(command, c.allocation_id(), "al");
  const auto& allocations = state.budget().allocations;
  if (std::any_of(allocations.begin(), allocations.end(),
                  [&](const BudgetState::Allocation& a) { return a.id == id; })) {
    return Refuse("already_exists", "allocation " + id + " exists already");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_budget_allocated();
  e.set_allocation_id(id);
  e.set_source(c.source());
  e.set_amount_cents(c.amount_cents());
  e.set_period(c.period());
  return std::move(out).Done();
}

Decision SetCap(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const int32_t percent = command.set_overhead_cap().percent();
  if (auto r = RequireTreasurer(state, context, "set the overhead cap")) return *r;
  if (percent < 0 || percent > 100) {
    return Refuse("invalid_argument", "the overhead cap is a percentage from 0 to 100");
  }
  if (auto r = CheckBudgetVersion(command, state, context)) return *r;
  const BudgetState& budget = state.budget();
  // Approved overhead stays approved, so a cap below it would be broken the moment it is set.
  const int64_t allowed = PercentOf(budget.allocated_cents, percent);
  if (budget.approved_overhead_cents > allowed) {
    return Refuse("overhead_cap_exceeded",
                  "approved overhead is " + Euro(budget.approved_overhead_cents) + ", more than " +
                      std::to_string(percent) + "% of the allocations (" + Euro(allowed) + ")");
  }
  DecisionBuilder out(context);
  out.Add().mutable_overhead_cap_set()->set_percent(percent);
  return std::move(out).Done();
}

Decision Propose(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.propose_spending();
  if (auto r = RequireWriter(state, context)) return *r;
  if (auto r = CheckOptionalId("spending_id", c.spending_id())) return *r;
  if (auto r = CheckText("purpose", c.purpose(), kMaxTitleBytes, true)) return *r;
  if (auto r = CheckAmount("amount_cents", c.amount_cents())) return *r;
  if (c.overhead()) {
    // Overhead (administration, accountability) serves the whole platform, and the cap is
    // only meaningful if overhead cannot hide under an initiative or the reverse.
    if (!c.initiative_id().empty()) {
      return Refuse("invalid_argument", "an overhead line belongs to no initiative");
    }
  } else {
    if (auto r = CheckId("initiative_id", c.initiative_id())) return *r;
    const auto* initiative = state.Initiative(c.initiative_id());
    if (initiative == nullptr) return Refuse("not_found", "no initiative " + c.initiative_id());
    if (initiative->status == InitiativeStatus::kMerged) {
      return Refuse("initiative_not_active",
                    "this initiative was merged into " + initiative->merged_into);
    }
    if (!initiative->active()) {
      return Refuse("initiative_not_active", "this initiative was cancelled or has been held");
    }
  }
  if (auto r = CheckBudgetVersion(command, state, context)) return *r;
  const std::string id = NewId(command, c.spending_id(), "sp");
  if (state.budget().spending.count(id) != 0) {
    return Refuse("already_exists", "spending line " + id + " exists already");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_spending_proposed();
  e.set_spending_id(id);
  e.set_initiative_id(c.initiative_id());
  e.set_amount_cents(c.amount_cents());
  e.set_purpose(c.purpose());
  e.set_overhead(c.overhead());
  return std::move(out).Done();
}

// The checks approving a line must pass; rejecting needs none of them.
Check CheckApproval(const PlatformState& state, const SpendingState& line) {
  const BudgetState& budget = state.budget();
  if (!line.overhead) {
    // Approved money stays committed and nothing releases it, so committing it to an
    // initiative that will not happen would lock it away from every other one.
    const auto* initiative = state.Initiative(line.initiative_id);
    if (initiative != nullptr && initiative->status == InitiativeStatus::kCancelled) {
      return Refuse("initiative_not_active", "initiative " + line.initiative_id +
                                                 " was cancelled: reject this line instead");
    }
  }
  if (line.amount_cents > budget.uncommitted_cents()) {
    return Refuse("insufficient_funds", "this line asks " + Euro(line.amount_cents) + " and only " +
                                            Euro(budget.uncommitted_cents()) +
                                            " is not yet committed");
  }
  if (line.overhead && budget.overhead_cap_percent >= 0) {
    const int64_t allowed = PercentOf(budget.allocated_cents, budget.overhead_cap_percent);
    // Both terms are at most the allocations, so the sum cannot overflow.
    if (budget.approved_overhead_cents + line.amount_cents > allowed) {
      return Refuse("overhead_cap_exceeded",
                    "overhead may take at most " + std::to_string(budget.overhead_cap_percent) +
                        "% of the allocations (" + Euro(allowed) + "); " +
                        Euro(budget.approved_overhead_cents) + " is approved already");
    }
  }
  return std::nullopt;
}

Decision DecideLine(const v1::Command& command, const CommandContext& context,
                    const PlatformState& state) {
  const auto& c = command.decide_spending();
  if (auto r = RequireTreasurer(state, context, "record a spending decision")) return *r;
  for (const int32_t votes : {c.votes_for(), c.votes_against(), c.votes_abstained()}) {
    if (votes < 0 || votes > kMaxVotes) {
      return Refuse("invalid_argument", "votes are counted from 0 to " + std::to_string(kMaxVotes));
    }
  }
  if (auto r = CheckText("note", c.note(), kMaxTextBytes, false, true)) return *r;
  const SpendingState* line = nullptr;
  if (auto r = FindLine(state.budget(), c.spending_id(), &line)) return *r;
  if (auto r = CheckBudgetVersion(command, state, context)) return *r;
  if (line->status != SpendingStatus::kProposed) {
    return Refuse("spending_already_decided", "spending line " + line->id + " was " +
                                                  projections::SpendingStatusName(line->status) +
                                                  " already");
  }
  if (c.approved()) {
    if (auto r = CheckApproval(state, *line)) return *r;
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_spending_decided();
  e.set_spending_id(line->id);
  e.set_approved(c.approved());
  e.set_decided_by(context.actor_id);
  e.set_votes_for(c.votes_for());
  e.set_votes_against(c.votes_against());
  e.set_votes_abstained(c.votes_abstained());
  e.set_note(c.note());
  return std::move(out).Done();
}

Decision Expense(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.record_expense();
  if (auto r = RequireTreasurer(state, context, "record an expense")) return *r;
  if (auto r = CheckOptionalId("expense_id", c.expense_id())) return *r;
  if (auto r = CheckAmount("amount_cents", c.amount_cents())) return *r;
  if (auto r = CheckText("receipt_reference", c.receipt_reference(), kMaxNameBytes, true)) {
    return *r;
  }
  if (auto r = CheckText("paid_to", c.paid_to(), kMaxNameBytes, false)) return *r;
  if (auto r = CheckDate("date", c.date(), true)) return *r;
  const SpendingState* line = nullptr;
  if (auto r = FindLine(state.budget(), c.spending_id(), &line)) return *r;
  if (auto r = CheckBudgetVersion(command, state, context)) return *r;
  if (line->status != SpendingStatus::kApproved) {
    return Refuse("spending_not_approved",
                  "expenses are recorded against approved spending lines only");
  }
  // spent_cents <= amount_cents holds for every line, so the subtraction is never negative.
  const int64_t remaining = line->amount_cents - line->spent_cents;
  if (c.amount_cents() > remaining) {
    return Refuse("expense_exceeds_approval",
                  "this expense is " + Euro(c.amount_cents()) + " and only " + Euro(remaining) +
                      " of the approved " + Euro(line->amount_cents) + " is left on the line");
  }
  const std::string id = NewId(command, c.expense_id(), "ex");
  const auto& expenses = state.budget().expenses;
  if (std::any_of(expenses.begin(), expenses.end(),
                  [&](const projections::ExpenseState& x) { return x.id == id; })) {
    return Refuse("already_exists", "expense " + id + " exists already");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_expense_recorded();
  e.set_expense_id(id);
  e.set_spending_id(line->id);
  e.set_amount_cents(c.amount_cents());
  e.set_receipt_reference(c.receipt_reference());
  e.set_paid_to(c.paid_to());
  e.set_date(c.date());
  return std::move(out).Done();
}

Decision Close(const v1::Command& command, const CommandContext& context,
               const PlatformState& state) {
  const auto& c = command.close_spending();
  if (auto r = RequireTreasurer(state, context, "close a spending line")) return *r;
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, false, true)) return *r;
  const SpendingState* line = nullptr;
  if (auto r = FindLine(state.budget(), c.spending_id(), &line)) return *r;
  if (auto r = CheckBudgetVersion(command, state, context)) return *r;
  if (line->status != SpendingStatus::kProposed && line->status != SpendingStatus::kApproved) {
    return Refuse("spending_not_open", "spending line " + line->id + " was " +
                                           projections::SpendingStatusName(line->status) +
                                           " already");
  }
  DecisionBuilder out(context);
  AddClosed(*line, c.reason(), false, out);
  return std::move(out).Done();
}

void CloseLinesOfCancelled(const PlatformState& state, const std::string& initiative_id,
                           DecisionBuilder& out) {
  // Approved lines hold money; lines still proposed hold none, and stay for the
  // coordinators to reject with the tally (approving them is refused: the initiative is
  // not active).
  for (const auto& [id, line] : state.budget().spending) {
    if (line.initiative_id == initiative_id && line.status == SpendingStatus::kApproved) {
      AddClosed(line, "", true, out);
    }
  }
}

}  // namespace rotonde::commands::budget
