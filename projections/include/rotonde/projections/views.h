// The read models: pure functions of a PlatformModel, each giving the view message the API
// serves (proto/rotonde/v1/views.proto). Deterministic: the same model always gives the
// same view, so a view as of a log position is this function on a model folded up to it.
#pragma once

#include <optional>

#include <functional>
#include <string>
#include <string_view>

#include "rotonde/projections/platform_model.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde::projections {

// A volunteer holding more open tasks than this is flagged: volunteers burn out.
inline constexpr int kOverloadedTasks = 3;

v1::BoardView BuildBoard(const PlatformModel& model);
// Days from `from` to `to` (ISO dates, inclusive, at most 366 days) with what is on them.
v1::CalendarView BuildCalendar(const PlatformModel& model, int32_t from_day, int32_t to_day);
// `today` (a day number, dates.h): time passes without events. A clash still open whose
// days are all before it is closed as "past"; a task not done whose due date is before it
// is overdue. nullopt: as the log alone says.
v1::ClashesView BuildClashes(const PlatformModel& model,
                             std::optional<int32_t> today = std::nullopt);
v1::TasksView BuildTasks(const PlatformModel& model, std::optional<int32_t> today = std::nullopt);
v1::MeetingsView BuildMeetings(const PlatformModel& model);
v1::BudgetView BuildBudget(const PlatformModel& model);
// `period`: an allocation period and expense year ("2026"), or "" for everything.
v1::AccountabilityReport BuildAccountabilityReport(const PlatformModel& model,
                                                   std::string_view period);
v1::MembersView BuildMembers(const PlatformModel& model);
// The residents' proposals, waiting ones first (views.proto, ProposalsView).
v1::ProposalsView BuildProposals(const PlatformModel& model);
// The entity's history, newest last, at most `limit` entries ending at the newest. `event_at`
// reads the log's event at a position (false if it cannot): the model keeps positions only.
v1::HistoryView BuildHistory(const PlatformModel& model, std::string_view entity_stream,
                             const std::function<bool(uint64_t, v1::EventRecord*)>& event_at,
                             size_t limit = 500);
v1::FiguresView BuildFigures(const PlatformModel& model);

// One entity as its view message (also what snapshots store of it).
v1::SpendingSummary SummarizeSpending(const SpendingState& line);
v1::ExpenseSummary SummarizeExpense(const ExpenseState& expense);
v1::AllocationSummary SummarizeAllocation(const BudgetState::Allocation& allocation);
v1::ActionItemSummary SummarizeAction(const ActionItemState& action);
// The status of a spending line from its view name ("proposed", "approved", "rejected").
SpendingStatus SpendingStatusFromName(std::string_view name);

// The clash's reason in plain Dutch and English, e.g. "Twee braderieën op zaterdag 14 juni"
// / "Two street markets on Saturday 14 June".
std::string ClashReasonNl(const PlatformState& state, const ClashState& clash);
std::string ClashReasonEn(const PlatformState& state, const ClashState& clash);

}  // namespace rotonde::projections
