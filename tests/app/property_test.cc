// Property tests over long random histories on a real store: no rule is ever violated, and
// the read side is a pure fold: live == rebuilt from position 0 == restored from a
// checkpoint and caught up == replayed as of an earlier position, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

#include "command_service.h"
#include "random_commands.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/dates.h"
#include "rotonde/projections/snapshot.h"
#include "rotonde/projections/views.h"
#include "temp_dir.h"

namespace rotonde::app {
namespace {

using projections::ModelSnapshots;
using projections::PlatformModel;
using projections::PlatformState;

// Every rule that must hold whatever happened.
void ExpectInvariants(const PlatformState& s, const std::string& after) {
  const auto& b = s.budget();
  ASSERT_GE(b.balance_cents(), 0) << after;
  ASSERT_GE(b.uncommitted_cents(), 0) << after;
  int64_t approved = 0, spent = 0;
  for (const auto& [id, line] : b.spending) {
    // What a line holds: all of an approved one, what a closed one spent, else nothing.
    ASSERT_LE(line.committed_cents(), line.amount_cents) << "line " << id << " " << after;
    ASSERT_LE(line.spent_cents, line.committed_cents()) << "line " << id << " " << after;
    approved += line.committed_cents();
    spent += line.spent_cents;
  }
  ASSERT_EQ(approved, b.approved_cents) << after;
  ASSERT_EQ(spent, b.spent_cents) << after;
  if (b.overhead_cap_percent >= 0) {
    ASSERT_LE(b.approved_overhead_cents * 100, b.allocated_cents * b.overhead_cap_percent) << after;
  }
  for (const auto& [id, i] : s.initiatives()) {
    if (i.status == projections::InitiativeStatus::kMerged) {
      const auto* into = s.Initiative(i.merged_into);
      ASSERT_NE(into, nullptr) << id << " " << after;
      ASSERT_NE(into->id, id);
      ASSERT_NE(std::find(into->absorbed.begin(), into->absorbed.end(), id), into->absorbed.end())
          << after;
      for (const auto& organizer : i.organizers) ASSERT_TRUE(into->IsOrganizer(organizer)) << after;
    }
    ASSERT_FALSE(i.organizers.empty()) << id << " " << after;
  }
  for (const auto& [id, c] : s.clashes()) {
    const bool live = c.status == projections::ClashStatus::kOpen ||
                      c.status == projections::ClashStatus::kMergeProposed;
    if (!live) continue;
    ASSERT_TRUE(s.Initiative(c.initiative_a)->active()) << "clash " << id << " " << after;
    ASSERT_TRUE(s.Initiative(c.initiative_b)->active()) << "clash " << id << " " << after;
  }
  for (const auto& [id, t] : s.tasks()) {
    ASSERT_NE(s.Initiative(t.initiative_id), nullptr) << "task " << id << " " << after;
    ASSERT_NE(s.Initiative(t.initiative_id)->status, projections::InitiativeStatus::kMerged)
        << "task " << id << " stayed with a merged initiative " << after;
  }
}

// Folds the platform's events with positions <= upto from the store.
PlatformModel FoldFromStore(const eventstore::EventStore& store, const std::string& platform,
                            uint64_t after, uint64_t upto, PlatformModel model = {}) {
  std::vector<eventstore::EventRecord> events;
  EXPECT_TRUE(store.Read(platform, after, SIZE_MAX, &events).ok());
  for (const auto& e : events) {
    if (e.position() <= upto) model.Apply(e);
  }
  return model;
}

std::string AllViews(const PlatformModel& model) {
  std::string bytes;
  bytes += projections::BuildBoard(model).SerializeAsString();
  bytes += projections::BuildCalendar(model, *projections::ParseIsoDate("2026-03-01"),
                                      *projections::ParseIsoDate("2026-07-31"))
               .SerializeAsString();
  bytes += projections::BuildClashes(model).SerializeAsString();
  bytes += projections::BuildTasks(model).SerializeAsString();
  bytes += projections::BuildMeetings(model).SerializeAsString();
  bytes += projections::BuildBudget(model).SerializeAsString();
  bytes += projections::BuildAccountabilityReport(model, "2026").SerializeAsString();
  bytes += projections::BuildMembers(model).SerializeAsString();
  bytes += projections::BuildFigures(model).SerializeAsString();
  return bytes;
}

TEST(PropertyTest, RandomHistoriesKeepEveryRuleAndFoldDeterministically) {
  const char* env = std::getenv("ROTONDE_PROPERTY_COMMANDS");
  const int commands = env ? std::atoi(env) : 3000;
  test_support::TempDir dir;
  auto opened = eventstore::EventStore::Open(dir.path(), eventstore::Options());
  ASSERT_TRUE(opened.ok());
  eventstore::EventStore& store = *opened.value();
  CommandService service(store);
  test_support::RandomCommands random(20261122, "kolenkit");

  std::string checkpoint_bytes;  // the live model's snapshot halfway
  uint64_t checkpoint_position = 0;
  int accepted = 0;
  std::map<std::string, int> refusals;
  for (int n = 0; n < commands; ++n) {
    std::pair<v1::Command, std::string> next;
    ASSERT_TRUE(
        service.Read("kolenkit", [&](const PlatformModel& m) { next = random.Next(m.state()); })
            .ok());
    const CommandOutcome outcome = service.Handle("kolenkit", next.second, next.first);
    if (outcome.ok()) {
      ++accepted;
    } else {
      ASSERT_NE(outcome.status.code(), "unavailable") << outcome.status.message();
      ASSERT_NE(outcome.status.code(), "not_implemented") << next.first.ShortDebugString();
      ++refusals[std::string(outcome.status.code())];
    }
    ASSERT_TRUE(service
                    .Read("kolenkit",
                          [&](const PlatformModel& m) {
                            ExpectInvariants(m.state(), "after " + next.first.ShortDebugString());
                            if (n == commands / 2) {
                              checkpoint_bytes = ModelSnapshots::Take(m).SerializeAsString();
                              checkpoint_position = m.position();
                            }
                          })
                    .ok());
    if (::testing::Test::HasFatalFailure()) return;
  }
  std::string live_snapshot, live_views;
  uint64_t head = 0;
  ASSERT_TRUE(service
                  .Read("kolenkit",
                        [&](const PlatformModel& m) {
                          live_snapshot = ModelSnapshots::Bytes(m);
                          live_views = AllViews(m);
                          head = m.position();
                        })
                  .ok());
  // A history worth testing: most commands accepted, every area reached.
  EXPECT_GT(accepted, commands / 2);
  std::cout << "property test: " << commands << " commands, " << accepted << " accepted, " << head
            << " events; refusals:";
  for (const auto& [code, count] : refusals) std::cout << " " << code << "=" << count;
  std::cout << "\n";

  const PlatformModel rebuilt = FoldFromStore(store, "kolenkit", 0, UINT64_MAX);
  EXPECT_EQ(ModelSnapshots::Bytes(rebuilt), live_snapshot) << "rebuilt from 0 differs from live";
  EXPECT_EQ(AllViews(rebuilt), live_views);

  v1::PlatformSnapshot checkpoint;
  ASSERT_TRUE(checkpoint.ParseFromString(checkpoint_bytes));
  auto restored = ModelSnapshots::Restore(checkpoint);
  ASSERT_TRUE(restored.has_value());
  const PlatformModel caught_up =
      FoldFromStore(store, "kolenkit", checkpoint_position, UINT64_MAX, std::move(*restored));
  EXPECT_EQ(ModelSnapshots::Bytes(caught_up), live_snapshot) << "checkpoint + catch-up differs";
  EXPECT_EQ(AllViews(caught_up), live_views);

  // As of the halfway position, replay equals what the live model was then.
  const PlatformModel as_of = FoldFromStore(store, "kolenkit", 0, checkpoint_position);
  EXPECT_EQ(ModelSnapshots::Take(as_of).SerializeAsString(), checkpoint_bytes);
}

}  // namespace
}  // namespace rotonde::app
