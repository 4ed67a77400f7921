// `rotonde demo`: the demo neighbourhood, written through the real rules into a new store,
// verifies, is refused on a store that holds events, and folds into a platform that looks
// lived in: every role, months of dates, the seed stories and open clashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "cli_harness.h"
#include "command_service.h"
#include "demo_data.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/dates.h"

namespace rotonde::cli_test {
namespace {

using projections::ClashStatus;
using projections::InitiativeStatus;
using projections::PlatformState;
using projections::SpendingStatus;

// Writes the demo into a new store in `dir` through the library; returns its summary.
demo::DemoSummary WriteDemoInto(const std::string& dir) {
  auto store = OpenStore(dir);
  demo::DemoSummary summary;
  const Status written = demo::WriteDemo(*store, &summary);
  EXPECT_TRUE(written.ok()) << written.ToString();
  return summary;
}

TEST(Demo, WritesAPlatformThatVerifies) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  const CliResult run = RunCli({"demo", "--data", dir});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const auto events = ReadEverything(dir);
  EXPECT_NE(run.out.find("events written:  " + std::to_string(events.size()) + " "),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("open clashes:    "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("m-anna"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Anna de Vries"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("auditor"), std::string::npos) << run.out;

  const CliResult verify = RunCli({"verify", "--data", dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Every event is a decided domain event of the demo platform, caused by a demo command.
  for (const auto& e : events) {
    EXPECT_EQ(e.stream().rfind("kolenkit/", 0), 0u) << e.stream();
    EXPECT_EQ(e.correlation_id().rfind("demo-", 0), 0u) << e.correlation_id();
    EXPECT_EQ(e.id().rfind("kolenkit:demo-", 0), 0u) << e.id();
  }
}

TEST(Demo, RefusesAStoreThatHoldsEventsAndChangesNothing) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  ASSERT_EQ(RunCli({"demo", "--data", dir}).exit_code, 0);
  const auto before = ReadEverything(dir);
  const CliResult again = RunCli({"demo", "--data", dir});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_EQ(again.out, "");
  const auto after = ReadEverything(dir);
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after.back().hash(), before.back().hash());
}

TEST(Demo, ExplainsItselfAndRefusesBadUsage) {
  const CliResult help = RunCli({"demo", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: rotonde demo --data DIR"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("exit codes:"), std::string::npos) << help.out;

  const CliResult missing = RunCli({"demo"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--data"), std::string::npos) << missing.err;
  EXPECT_EQ(RunCli({"demo", "--data"}).exit_code, 2);
  EXPECT_EQ(RunCli({"demo", "--data", "/tmp", "stray"}).exit_code, 2);

  const CliResult top = RunCli({"--help"});
  EXPECT_NE(top.out.find("  demo    "), std::string::npos) << top.out;
}

TEST(Demo, WriteDemoRefusesAStoreThatHoldsEvents) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  {
    auto store = OpenStore(dir);
    Populate(*store, 5);
    demo::DemoSummary summary;
    const Status written = demo::WriteDemo(*store, &summary);
    EXPECT_EQ(written.code(), codes::kInvalidArgument) << written.ToString();
    EXPECT_EQ(summary.commands, 0u);
  }
  EXPECT_EQ(ReadEverything(dir).size(), 5u);
}

// A command the demo cannot get through stops it, naming the command and the code.
TEST(Demo, StopsAtTheFirstCommandThatFailsAndNamesIt) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  OpenStore(dir);  // an empty store, then opened read-only: every append fails
  eventstore::Options read_only;
  read_only.read_only = true;
  auto store = eventstore::EventStore::Open(dir, read_only);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  demo::DemoSummary summary;
  const Status written = demo::WriteDemo(**store, &summary);
  EXPECT_EQ(written.code(), codes::kIOError) << written.ToString();
  EXPECT_EQ(summary.commands, 1u);
  EXPECT_EQ(summary.failed_command_id, "demo-0001");
  EXPECT_EQ(summary.failed_command, "FoundPlatform as m-anna");
  EXPECT_EQ(summary.refusal_code, "unavailable");
  EXPECT_EQ(written.message().rfind("demo command demo-0001 (FoundPlatform as m-anna) failed: ", 0),
            0u)
      << written.message();
  EXPECT_EQ(summary.events_written, 0u);
}

// The same demo every time: only recorded_at, and the hashes that cover it, differ.
TEST(Demo, IsTheSameEveryTimeApartFromRecordedAt) {
  const TempDir tmp;
  WriteDemoInto(tmp.Sub("one"));
  WriteDemoInto(tmp.Sub("two"));
  const auto one = ReadEverything(tmp.Sub("one"));
  const auto two = ReadEverything(tmp.Sub("two"));
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) {
    SCOPED_TRACE(one[i].id());
    EXPECT_EQ(one[i].id(), two[i].id());
    EXPECT_EQ(one[i].stream(), two[i].stream());
    EXPECT_EQ(one[i].version(), two[i].version());
    EXPECT_EQ(one[i].position(), two[i].position());
    EXPECT_EQ(one[i].type(), two[i].type());
    EXPECT_EQ(one[i].actor(), two[i].actor());
    EXPECT_EQ(one[i].correlation_id(), two[i].correlation_id());
    EXPECT_EQ(one[i].payload(), two[i].payload());
  }
}

class DemoStateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // All allocated first, so that a failure below fails the tests instead of crashing them.
    tmp_ = new TempDir();
    summary_ = new demo::DemoSummary();
    state_ = new PlatformState();
    auto store = OpenStore(tmp_->Sub("store"));
    const Status written = demo::WriteDemo(*store, summary_);
    ASSERT_TRUE(written.ok()) << written.ToString();
    // A fresh service folds the platform from the log, as a restarted server would.
    app::CommandService service(*store);
    ASSERT_TRUE(service
                    .Read(demo::kDemoPlatform,
                          [](const projections::PlatformModel& m) { *state_ = m.state(); })
                    .ok());
  }
  static void TearDownTestSuite() {
    delete state_;
    delete summary_;
    delete tmp_;
  }
  const PlatformState& state() const { return *state_; }
  const projections::ClashState* ClashOf(const std::string& a, const std::string& b) const {
    return state().ClashBetween(a, b);
  }

  static TempDir* tmp_;
  static demo::DemoSummary* summary_;
  static PlatformState* state_;
};

TempDir* DemoStateTest::tmp_ = nullptr;
demo::DemoSummary* DemoStateTest::summary_ = nullptr;
PlatformState* DemoStateTest::state_ = nullptr;

TEST_F(DemoStateTest, SpansThreeMonthsOfDates) {
  std::vector<int32_t> days;
  auto add = [&](const std::string& date) {
    if (auto day = projections::ParseIsoDate(date)) days.push_back(*day);
  };
  for (const auto& [id, i] : state().initiatives()) {
    add(i.when.start_date());
    add(i.when.end_date());
  }
  for (const auto& [id, m] : state().meetings()) {
    if (m.held) add(m.date);
  }
  for (const auto& e : state().budget().expenses) add(e.date);
  ASSERT_FALSE(days.empty());
  const auto [first, last] = std::minmax_element(days.begin(), days.end());
  EXPECT_EQ(projections::FormatIsoDate(*first), "2026-03-01");
  EXPECT_GE(*last - *first, 90);
  // Initiatives are planned beyond the history, into June.
  EXPECT_GE(projections::FormatIsoDate(*last), "2026-06-01");
}

TEST_F(DemoStateTest, HasMembersInEveryRole) {
  EXPECT_EQ(state().platform_id(), "kolenkit");
  EXPECT_EQ(state().name(), "Buurtplatform Kolenkitbuurt");
  EXPECT_EQ(state().neighbourhood(), "Kolenkitbuurt");
  std::map<v1::Role, int> roles;
  int left = 0;
  for (const auto& [id, m] : state().members()) {
    EXPECT_EQ(id.rfind("m-", 0), 0u) << id;
    if (m.active) ++roles[m.role];
    left += !m.active;
  }
  EXPECT_GE(roles[v1::ROLE_ADMIN], 1);
  EXPECT_LE(roles[v1::ROLE_ADMIN], 2);
  EXPECT_EQ(roles[v1::ROLE_COORDINATOR], 2);
  EXPECT_EQ(roles[v1::ROLE_AUDITOR], 1);
  EXPECT_GE(roles[v1::ROLE_MEMBER], 8);
  EXPECT_EQ(left, 1);
  EXPECT_EQ(state().RoleOf("m-anna"), v1::ROLE_ADMIN);
  EXPECT_EQ(state().RoleOf("m-olaf"), v1::ROLE_AUDITOR);
  // An invite still waiting for someone to use it.
  EXPECT_TRUE(std::any_of(state().invites().begin(), state().invites().end(),
                          [](const auto& entry) { return !entry.second.used; }));
  EXPECT_EQ(summary_->members.size(), state().members().size());
}

TEST_F(DemoStateTest, HasInitiativesInEveryStateOfLife) {
  std::map<InitiativeStatus, int> by_status;
  std::set<v1::InitiativeKind> kinds;
  int with_co_organizers = 0;
  for (const auto& [id, i] : state().initiatives()) {
    ++by_status[i.status];
    kinds.insert(i.kind);
    with_co_organizers += i.organizers.size() > 1;
    if (i.status == InitiativeStatus::kHeld) {
      EXPECT_GT(i.participants, 0) << id;
    }
  }
  EXPECT_GE(state().initiatives().size(), 15u);
  EXPECT_EQ(summary_->initiatives, state().initiatives().size());
  EXPECT_GE(by_status[InitiativeStatus::kHeld], 5);
  EXPECT_EQ(by_status[InitiativeStatus::kCancelled], 1);
  EXPECT_GE(by_status[InitiativeStatus::kMerged], 3);
  EXPECT_GE(by_status[InitiativeStatus::kActive], 5);
  EXPECT_EQ(kinds.size(), 8u) << "every kind of initiative";
  EXPECT_GE(with_co_organizers, 5);
}

TEST_F(DemoStateTest, TheRotondeShowsMergedDismissedAndOpenClashes) {
  std::map<ClashStatus, int> by_status;
  bool dismissed_on_purpose = false;
  for (const auto& [id, c] : state().clashes()) {
    ++by_status[c.status];
    if (c.status == ClashStatus::kDismissed) {
      dismissed_on_purpose =
          dismissed_on_purpose || c.dismiss_reason.rfind("Bewust apart:", 0) == 0;
    }
  }
  EXPECT_GE(by_status[ClashStatus::kOpen], 2);
  EXPECT_EQ(summary_->open_clashes, static_cast<size_t>(by_status[ClashStatus::kOpen]));
  EXPECT_GE(by_status[ClashStatus::kDismissed], 1);
  EXPECT_TRUE(dismissed_on_purpose);
  EXPECT_GE(by_status[ClashStatus::kMerged], 2);

  // Story 1: two braderieën on one Saturday, one braderie now, with both organizers.
  const auto* braderie = state().Initiative("i-braderie-kolenkitplein");
  ASSERT_NE(braderie, nullptr);
  EXPECT_EQ(braderie->absorbed, std::vector<std::string>{"i-braderie-bos-en-lommerweg"});
  EXPECT_EQ(braderie->organizers.size(), 2u);
  // Story 2: three give-aways in one week, one under the canopy of the metro station.
  const auto* giveaway = state().Initiative("i-kledingweggeefactie");
  ASSERT_NE(giveaway, nullptr);
  EXPECT_EQ(giveaway->absorbed.size(), 2u);
  EXPECT_EQ(giveaway->place.text(), "Onder de luifel van metrostation Kolenkit");
  EXPECT_EQ(giveaway->status, InitiativeStatus::kHeld);
  // Story 3: one buurtkrant is enough.
  const auto* krant = state().Initiative("i-nieuwsbrief-kolenkitflats");
  ASSERT_NE(krant, nullptr);
  EXPECT_EQ(krant->merged_into, "i-buurtkrant");
  const auto* meetings = ClashOf("i-bewonersavond-groen", "i-bewonersavond-portiekflats");
  ASSERT_NE(meetings, nullptr);
  EXPECT_EQ(meetings->rule, v1::CLASH_RULE_DUPLICATE_CHANNEL);
  EXPECT_EQ(meetings->status, ClashStatus::kOpen);
}

TEST_F(DemoStateTest, TasksGrowCapabilityAndShowWhoCarriesTooMuch) {
  std::map<std::string, int> open_claims;
  int done = 0;
  std::set<std::string> paired;
  for (const auto& [id, t] : state().tasks()) {
    if (!t.claimed_by.empty() && !t.done) ++open_claims[t.claimed_by];
    done += t.done;
    if (!t.learning_pairs.empty()) paired.insert(t.title);
  }
  EXPECT_GE(done, 10);
  // Story 4: someone shows a neighbour how to make the flyer and turn it into a banner.
  EXPECT_TRUE(paired.count("Flyer maken"));
  EXPECT_TRUE(paired.count("Flyer omzetten naar spandoek"));
  // One volunteer holds far more open tasks than anyone else.
  std::vector<int> loads;
  for (const auto& [member, count] : open_claims) loads.push_back(count);
  std::sort(loads.rbegin(), loads.rend());
  ASSERT_GE(loads.size(), 4u);
  EXPECT_GE(loads[0], 4);
  EXPECT_GE(loads[0], 2 * loads[1]);
  // Open tasks nobody holds (one released by its holder, one freed when a member left).
  const auto* podium = state().Task("t-zomer-podium");
  ASSERT_NE(podium, nullptr);
  EXPECT_TRUE(podium->claimed_by.empty());
  EXPECT_FALSE(podium->done);
}

TEST_F(DemoStateTest, TheCouncilReviewsItsActions) {
  const auto* raad = state().Meeting("mt-raad-voorjaar-2026");
  ASSERT_NE(raad, nullptr);
  EXPECT_TRUE(raad->held);
  EXPECT_TRUE(raad->hybrid);
  EXPECT_GE(raad->agenda.size(), 3u);
  EXPECT_FALSE(raad->minutes.empty());
  EXPECT_GE(raad->decisions.size(), 2u);
  std::set<v1::NotDoneReason> reasons;
  int done = 0;
  int open = 0;
  int extra_done = 0;
  for (const auto& a : raad->actions) {
    EXPECT_FALSE(a.owner_id.empty());
    EXPECT_FALSE(a.due_date.empty());
    done += a.outcome == v1::ACTION_OUTCOME_DONE;
    open += a.outcome == v1::ACTION_OUTCOME_OPEN;
    extra_done += a.added_during_period && a.outcome == v1::ACTION_OUTCOME_DONE;
    if (a.outcome == v1::ACTION_OUTCOME_NOT_DONE) {
      reasons.insert(a.reason);
      EXPECT_FALSE(a.explanation.empty()) << a.id;
    }
  }
  EXPECT_GE(done, 2);
  EXPECT_GE(open, 1);
  EXPECT_EQ(extra_done, 1);
  EXPECT_TRUE(reasons.count(v1::NOT_DONE_REASON_NOT_DELIVERED));
  EXPECT_TRUE(reasons.count(v1::NOT_DONE_REASON_CAPACITY_LOST));
  // The next council is planned, not yet held.
  const auto* najaar = state().Meeting("mt-raad-najaar-2026");
  ASSERT_NE(najaar, nullptr);
  EXPECT_FALSE(najaar->held);
}

TEST_F(DemoStateTest, TheBudgetIsAccountedFor) {
  const auto& budget = state().budget();
  EXPECT_EQ(budget.allocations.size(), 2u);
  EXPECT_EQ(budget.allocated_cents, 575'000);
  EXPECT_EQ(budget.overhead_cap_percent, 8);
  EXPECT_LE(budget.approved_overhead_cents * 100, budget.allocated_cents * 8);
  EXPECT_GE(budget.balance_cents(), 0);
  EXPECT_LE(budget.approved_cents, budget.allocated_cents);
  std::map<SpendingStatus, int> by_status;
  for (const auto& [id, line] : budget.spending) {
    ++by_status[line.status];
    EXPECT_LE(line.spent_cents, line.amount_cents) << id;
    if (line.status != SpendingStatus::kProposed) {
      EXPECT_GT(line.votes_for + line.votes_against + line.votes_abstained, 0) << id;
    }
  }
  EXPECT_GE(by_status[SpendingStatus::kApproved], 10);
  EXPECT_GE(by_status[SpendingStatus::kRejected], 1);
  EXPECT_GE(by_status[SpendingStatus::kProposed], 1);
  EXPECT_GE(budget.expenses.size(), 10u);
  for (const auto& e : budget.expenses) EXPECT_FALSE(e.receipt_reference.empty()) << e.id;
  EXPECT_EQ(summary_->balance_cents, budget.balance_cents());
}

TEST_F(DemoStateTest, ResidentsProposalsAreHeard) {
  std::map<projections::ProposalStatus, int> by_status;
  for (const auto& [id, p] : state().proposals()) ++by_status[p.status];
  EXPECT_EQ(by_status[projections::ProposalStatus::kAdopted], 1);
  EXPECT_EQ(by_status[projections::ProposalStatus::kOpen], 1);
  EXPECT_EQ(by_status[projections::ProposalStatus::kDeclined], 1);
  // Story 7: from the form, by a resident who is not a member, discussed, then adopted.
  const auto* groen = state().Proposal("p-meer-groen");
  ASSERT_NE(groen, nullptr);
  EXPECT_TRUE(groen->submitted_by.empty());
  EXPECT_GE(groen->notes.size(), 1u);
  ASSERT_NE(state().Initiative(groen->initiative_id), nullptr);
  EXPECT_EQ(state().Initiative(groen->initiative_id)->status, InitiativeStatus::kHeld);
}

}  // namespace
}  // namespace rotonde::cli_test
