// The read models on a real history, and story 8: a platform shows its results (residents
// involved, initiatives held, forces joined, capability grown, money accounted for).
#include <gtest/gtest.h>

#include "decider_fixture.h"
#include "rotonde/projections/dates.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/projections/views.h"

namespace rotonde::commands {
namespace {

class ViewsTest : public DeciderTest {
 protected:
  // Folds everything decided so far into a model, as the read side would.
  projections::PlatformModel Model() {
    projections::PlatformModel model;
    for (const auto& record : records_) model.Apply(record);
    return model;
  }
  std::vector<PlannedEvent> Record(v1::Command command, const std::string& actor) {
    std::vector<PlannedEvent> d = Do(command, actor);
    // Keep the stored form of what was just folded, for the model.
    uint64_t position = next_position_ - d.size();
    for (const auto& planned : d) {
      v1::EventRecord r;
      r.set_stream(planned.stream);
      r.set_position(position++);
      r.set_type(EventTypeName(planned.event));
      r.set_actor(planned.actor.empty() ? actor : planned.actor);
      r.set_correlation_id(command.command_id());
      r.set_payload(planned.event.SerializeAsString());
      records_.push_back(r);
    }
    return d;
  }
  std::string Propose(const std::string& actor, v1::InitiativeKind kind, const std::string& title,
                      const std::string& date) {
    v1::Command c = NewCommand();
    c.mutable_propose_initiative()->set_kind(kind);
    c.mutable_propose_initiative()->set_title(title);
    c.mutable_propose_initiative()->mutable_when()->set_start_date(date);
    return Record(c, actor)[0].event.initiative_proposed().initiative_id();
  }
  std::vector<v1::EventRecord> records_;
};

TEST_F(ViewsTest, StoryEightThePlatformShowsItsResults) {
  const std::string a = Propose(kBram, v1::INITIATIVE_KIND_STREET_MARKET, "Braderie", "2026-06-13");
  const std::string b =
      Propose(kDewi, v1::INITIATIVE_KIND_STREET_MARKET, "Rommelmarkt", "2026-06-13");
  const std::string clash = state_.ClashBetween(a, b)->id;
  v1::Command merge = NewCommand();
  merge.mutable_propose_merge()->set_clash_id(clash);
  merge.mutable_propose_merge()->set_surviving_initiative_id(a);
  Record(merge, kBram);
  v1::Command accept = NewCommand();
  accept.mutable_accept_merge()->set_clash_id(clash);
  Record(accept, kDewi);
  v1::Command held = NewCommand();
  held.mutable_mark_initiative_held()->set_initiative_id(a);
  held.mutable_mark_initiative_held()->set_participants(230);
  Record(held, kBram);

  const auto model = Model();
  const v1::FiguresView figures = projections::BuildFigures(model);
  EXPECT_EQ(figures.initiatives_held(), 1);
  EXPECT_EQ(figures.joined_forces(), 1);
  EXPECT_EQ(figures.clashes_detected(), 1);
  // Only the founding and joins of the fixture are not in `records_`; members come from them.
  EXPECT_EQ(figures.residents_involved(), figures.members() + 230);

  const v1::ClashesView clashes = projections::BuildClashes(model);
  ASSERT_EQ(clashes.closed_size(), 1);
  EXPECT_EQ(clashes.closed(0).status(), "merged");
  EXPECT_EQ(clashes.closed(0).reason_nl(), "Twee braderieën op zaterdag 13 juni");
  EXPECT_EQ(clashes.closed(0).reason_en(), "Two street markets on Saturday 13 June");

  const v1::BoardView board = projections::BuildBoard(model);
  ASSERT_EQ(board.initiatives_size(), 2);
  EXPECT_EQ(board.initiatives(0).status(), "held");
  EXPECT_EQ(board.initiatives(0).organizer_ids_size(), 2);
  EXPECT_EQ(board.initiatives(1).merged_into(), a);

  const auto history = model.History("kolenkit/initiative/" + a);
  EXPECT_EQ(history.size(), 7u);  // proposed, clash, merge proposed, accepted twice, merged, held
}

// The accountability report shows what closing a line released, per initiative and in all.
TEST_F(ViewsTest, TheReportShowsWhatClosedLinesReleased) {
  const std::string a = Propose(kBram, v1::INITIATIVE_KIND_STREET_MARKET, "Braderie", "2026-06-13");
  v1::Command allocate = NewCommand();
  allocate.mutable_allocate_budget()->set_source("Stadsdeel");
  allocate.mutable_allocate_budget()->set_amount_cents(100'000);
  allocate.mutable_allocate_budget()->set_period("2026");
  Record(allocate, kCarla);
  v1::Command ask = NewCommand();
  ask.mutable_propose_spending()->set_initiative_id(a);
  ask.mutable_propose_spending()->set_amount_cents(30'000);
  ask.mutable_propose_spending()->set_purpose("Kramen");
  const std::string line = Record(ask, kBram).at(0).event.spending_proposed().spending_id();
  v1::Command decide = NewCommand();
  decide.mutable_decide_spending()->set_spending_id(line);
  decide.mutable_decide_spending()->set_approved(true);
  Record(decide, kCarla);
  v1::Command spend = NewCommand();
  spend.mutable_record_expense()->set_spending_id(line);
  spend.mutable_record_expense()->set_amount_cents(12'000);
  spend.mutable_record_expense()->set_receipt_reference("bon 1");
  spend.mutable_record_expense()->set_date("2026-06-14");
  Record(spend, kCarla);
  v1::Command close = NewCommand();
  close.mutable_close_spending()->set_spending_id(line);
  Record(close, kCarla);

  const v1::AccountabilityReport report = projections::BuildAccountabilityReport(Model(), "2026");
  EXPECT_EQ(report.approved_cents(), 12'000);
  EXPECT_EQ(report.released_cents(), 18'000);
  ASSERT_EQ(report.per_initiative_size(), 1);
  EXPECT_EQ(report.per_initiative(0).initiative_id(), a);
  EXPECT_EQ(report.per_initiative(0).approved_cents(), 12'000);
  EXPECT_EQ(report.per_initiative(0).spent_cents(), 12'000);
  EXPECT_EQ(report.per_initiative(0).released_cents(), 18'000);
}

// Time passes without events: the views take the day as a parameter.
TEST_F(ViewsTest, AClashWhoseDaysHavePassedIsPastAndATaskPastItsDueDateIsOverdue) {
  const std::string a = Propose(kBram, v1::INITIATIVE_KIND_STREET_MARKET, "Braderie", "2026-06-13");
  Propose(kDewi, v1::INITIATIVE_KIND_STREET_MARKET, "Rommelmarkt", "2026-06-13");
  v1::Command task = NewCommand();
  task.mutable_create_task()->set_initiative_id(a);
  task.mutable_create_task()->set_title("Kramen tellen");
  task.mutable_create_task()->set_due_date("2026-06-10");
  Record(task, kBram);
  const auto model = Model();
  const auto day = [](const char* date) { return *projections::ParseIsoDate(date); };

  // On the day itself, and without a today, the clash is open and the task on time.
  for (const std::optional<int32_t> today :
       {std::optional<int32_t>(), std::optional(day("2026-06-13"))}) {
    const v1::ClashesView clashes = projections::BuildClashes(model, today);
    ASSERT_EQ(clashes.open_size(), 1);
    EXPECT_EQ(clashes.closed_size(), 0);
  }
  EXPECT_FALSE(projections::BuildTasks(model, day("2026-06-10")).tasks(0).overdue());
  EXPECT_FALSE(projections::BuildTasks(model).tasks(0).overdue());
  // The day after: held is held, and the task is late.
  const v1::ClashesView later = projections::BuildClashes(model, day("2026-06-14"));
  EXPECT_EQ(later.open_size(), 0);
  ASSERT_EQ(later.closed_size(), 1);
  EXPECT_EQ(later.closed(0).status(), "past");
  EXPECT_TRUE(projections::BuildTasks(model, day("2026-06-11")).tasks(0).overdue());
}

}  // namespace
}  // namespace rotonde::commands
