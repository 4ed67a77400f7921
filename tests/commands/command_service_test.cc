// The command service on a real event store: decide, append atomically, fold; retries and
// refusals change nothing; a restart rebuilds the same state.
#include <gtest/gtest.h>

#include <thread>

#include "command_service.h"
#include "rotonde/projections/snapshot.h"
#include "temp_dir.h"

namespace rotonde::commands {
namespace {

class CommandServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = eventstore::EventStore::Open(dir_.path(), eventstore::Options());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    service_ = std::make_unique<CommandService>(*store_);
  }

  v1::Command Found(const std::string& platform) {
    v1::Command c;
    c.set_command_id("found-" + platform);
    auto& f = *c.mutable_found_platform();
    f.set_platform_id(platform);
    f.set_name("Buurtplatform " + platform);
    f.set_neighbourhood(platform);
    f.set_founder_name("Anna de Vries");
    return c;
  }
  v1::Command Propose(const std::string& id, const std::string& title, const std::string& date) {
    v1::Command c;
    c.set_command_id(id);
    auto& p = *c.mutable_propose_initiative();
    p.set_kind(v1::INITIATIVE_KIND_STREET_MARKET);
    p.set_title(title);
    p.mutable_when()->set_start_date(date);
    return c;
  }
  std::vector<eventstore::EventRecord> Log() {
    std::vector<eventstore::EventRecord> out;
    EXPECT_TRUE(store_->ReadAll(0, SIZE_MAX, &out).ok());
    return out;
  }

  test_support::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<CommandService> service_;
};

TEST_F(CommandServiceTest, DecidedEventsAreStoredWithTheirStreamsTypesAndCause) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Propose("c1", "Braderie", "2026-06-14")).ok());
  const CommandOutcome second =
      service_->Handle("kolenkit", "m-anna", Propose("c2", "Rommelmarkt", "2026-06-14"));
  ASSERT_TRUE(second.ok()) << second.error->message;
  EXPECT_EQ(second.first_position, 3u);
  EXPECT_EQ(second.last_position, 4u);  // the initiative and the clash it has

  const auto log = Log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].stream(), "kolenkit/platform");
  EXPECT_EQ(log[0].type(), "PlatformFounded");
  EXPECT_EQ(log[2].type(), "InitiativeProposed");
  EXPECT_EQ(log[2].id(), "kolenkit:c2:0");
  EXPECT_EQ(log[2].correlation_id(), "c2");
  EXPECT_EQ(log[2].actor(), "m-anna");
  EXPECT_EQ(log[3].type(), "ClashDetected");
  EXPECT_EQ(log[3].actor(), "system");
  EXPECT_EQ(log[3].stream().rfind("kolenkit/clash/", 0), 0u);
  v1::DomainEvent payload;
  ASSERT_TRUE(payload.ParseFromString(log[3].payload()));
  EXPECT_EQ(payload.clash_detected().rule(), v1::CLASH_RULE_SAME_DAY);
}

TEST_F(CommandServiceTest, ARepeatedCommandIdReturnsTheFirstOutcomeAndWritesNothing) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  const CommandOutcome first =
      service_->Handle("kolenkit", "m-anna", Propose("c1", "Braderie", "2026-06-14"));
  // The retry carries other content (a client bug, or a replayed form): still the first outcome.
  const CommandOutcome again =
      service_->Handle("kolenkit", "m-anna", Propose("c1", "Iets anders", "2026-07-01"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.repeated);
  EXPECT_EQ(again.first_position, first.first_position);
  EXPECT_EQ(store_->Head().position, 2u);
}

TEST_F(CommandServiceTest, ARefusedCommandChangesNothing) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  const auto head = store_->Head();
  const CommandOutcome refused =
      service_->Handle("kolenkit", "m-anna", Propose("c1", "Feest", "2026-02-30"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->code, "invalid_date");
  EXPECT_EQ(store_->Head().position, head.position);
  EXPECT_EQ(store_->Head().hash, head.hash);
  const CommandOutcome stranger =
      service_->Handle("kolenkit", "m-nobody", Propose("c2", "Feest", "2026-06-30"));
  EXPECT_EQ(stranger.error->code, "not_a_member");
  const CommandOutcome elsewhere =
      service_->Handle("elders", "m-anna", Propose("c3", "Feest", "2026-06-30"));
  EXPECT_EQ(elsewhere.error->code, "platform_not_found");
  EXPECT_EQ(store_->Head().position, head.position);
}

TEST_F(CommandServiceTest, AMergeIsOneAtomicAppendAcrossStreams) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Propose("c1", "Braderie", "2026-06-14")).ok());
  ASSERT_TRUE(
      service_->Handle("kolenkit", "m-anna", Propose("c2", "Rommelmarkt", "2026-06-14")).ok());
  std::string clash;
  ASSERT_TRUE(service_
                  ->Read("kolenkit",
                         [&](const projections::PlatformModel& m) {
                           const auto& s = m.state();
                           clash = s.clashes().begin()->first;
                         })
                  .ok());
  v1::Command merge;
  merge.set_command_id("c3");
  merge.mutable_propose_merge()->set_clash_id(clash);
  std::string survivor;
  ASSERT_TRUE(service_
                  ->Read("kolenkit",
                         [&](const projections::PlatformModel& m) {
                           const auto& s = m.state();
                           survivor = s.clashes().begin()->second.initiative_a;
                         })
                  .ok());
  merge.mutable_propose_merge()->set_surviving_initiative_id(survivor);
  const CommandOutcome merged =
      service_->Handle("kolenkit", "m-anna", merge);  // Anna organizes both
  ASSERT_TRUE(merged.ok()) << merged.error->message;
  EXPECT_EQ(merged.last_position - merged.first_position + 1, 4u);
  const auto log = Log();
  EXPECT_EQ(log.back().type(), "InitiativesMerged");
  EXPECT_TRUE(store_->Verify().ok());
}

TEST_F(CommandServiceTest, ARestartedServiceRebuildsTheSameState) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(service_
                    ->Handle("kolenkit", "m-anna",
                             Propose("p" + std::to_string(i), "Markt " + std::to_string(i),
                                     "2026-06-" + std::string(i % 28 < 9 ? "0" : "") +
                                         std::to_string(i % 28 + 1)))
                    .ok());
  }
  auto summary = [](CommandService& service) {
    std::string out;
    EXPECT_TRUE(service
                    .Read("kolenkit",
                          [&](const projections::PlatformModel& m) {
                            const auto& s = m.state();
                            out = std::to_string(s.position()) + "/" +
                                  std::to_string(s.initiatives().size()) + "/" +
                                  std::to_string(s.clashes().size());
                            for (const auto& [id, clash] : s.clashes())
                              out += "," + id + ":" + clash.initiative_a;
                          })
                    .ok());
    return out;
  };
  const std::string live = summary(*service_);
  CommandService restarted(*store_);
  EXPECT_EQ(summary(restarted), live);
}

TEST_F(CommandServiceTest, AStartFromCheckpointsFoldsOnlyWhatCameAfter) {
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  {
    CommandService service(*store_, checkpoints.value().get());
    for (const std::string p : {"noord", "zuid"}) {
      ASSERT_TRUE(service.Handle(p, "m-anna", Found(p)).ok());
      for (int i = 0; i < 40; ++i) {
        ASSERT_TRUE(service
                        .Handle(p, "m-anna",
                                Propose(p + std::to_string(i), "Markt",
                                        "2026-09-1" + std::to_string(i % 10)))
                        .ok());
      }
    }
    ASSERT_TRUE(service.SaveCheckpoints().ok());
    // After the checkpoints: more events, and a platform founded since.
    ASSERT_TRUE(service.Handle("noord", "m-anna", Propose("later", "Feest", "2026-10-01")).ok());
    ASSERT_TRUE(service.Handle("west", "m-anna", Found("west")).ok());
  }
  CommandService restarted(*store_, checkpoints.value().get());
  auto report = restarted.LoadAll();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->platforms, 3u);
  EXPECT_EQ(report->from_checkpoint, 2u);
  EXPECT_LE(report->events_folded, 3u);  // "later" (+ its clashes) and west's founding

  CommandService from_scratch(*store_);
  for (const std::string p : {"noord", "zuid", "west"}) {
    std::string restored, rebuilt;
    ASSERT_TRUE(restarted
                    .Read(p,
                          [&](const projections::PlatformModel& m) {
                            restored = projections::ModelSnapshots::Bytes(m);
                          })
                    .ok());
    ASSERT_TRUE(from_scratch
                    .Read(p,
                          [&](const projections::PlatformModel& m) {
                            rebuilt = projections::ModelSnapshots::Bytes(m);
                          })
                    .ok());
    EXPECT_EQ(restored, rebuilt) << p;
  }
}

TEST_F(CommandServiceTest, PlatformsAreHandledInParallel) {
  const std::vector<std::string> platforms = {"noord", "oost", "zuid", "west"};
  for (const auto& p : platforms) ASSERT_TRUE(service_->Handle(p, "m-anna", Found(p)).ok());
  std::vector<std::thread> threads;
  for (const auto& p : platforms) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < 25; ++i) {
        const auto outcome = service_->Handle(
            p, "m-anna",
            Propose(p + std::to_string(i), "Markt", "2026-09-0" + std::to_string(1 + i % 9)));
        ASSERT_TRUE(outcome.ok()) << outcome.error->message;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& p : platforms) {
    std::vector<eventstore::EventRecord> events;
    ASSERT_TRUE(store_->ReadPartition(p, 0, SIZE_MAX, &events).ok());
    size_t proposed = 0;
    for (const auto& e : events) proposed += e.type() == "InitiativeProposed";
    EXPECT_EQ(proposed, 25u) << p;
  }
  EXPECT_TRUE(store_->Verify().ok());
}

}  // namespace
}  // namespace rotonde::commands
