// The command service on a real event store: decide, append atomically, fold; retries and
// refusals change nothing; a restart rebuilds the same state.
#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "command_service.h"
#include "faulty_disk.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/snapshot.h"
#include "temp_dir.h"

namespace rotonde::app {
namespace {

class CommandServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    eventstore::Options options;
    options.env = env_.get();
    auto opened = eventstore::EventStore::Open(dir_.path(), options);
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
  // Proposes `count` initiatives one by one; after each, records the live model's bytes at
  // its position.
  void ProposeRecordingLiveModels(CommandService& service, int count,
                                  std::map<uint64_t, std::string>* live) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(service
                      .Handle("kolenkit", "m-anna",
                              Propose("p" + std::to_string(i), i % 2 ? "Braderie" : "Rommelmarkt",
                                      "2026-09-0" + std::to_string(1 + i % 9)))
                      .ok());
      ASSERT_TRUE(service
                      .Read("kolenkit",
                            [&](const projections::PlatformModel& m) {
                              (*live)[m.position()] = projections::ModelSnapshots::Bytes(m);
                            })
                      .ok());
    }
  }
  // Every event of the platform's log.
  std::vector<eventstore::EventRecord> Log(const std::string& platform = "kolenkit") {
    std::vector<eventstore::EventRecord> out;
    EXPECT_TRUE(store_->Read(platform, 0, SIZE_MAX, &out).ok());
    return out;
  }

  test_support::TempDir dir_;
  // The real disk, which a test may stall (faults_.HoldSyncs()).
  test_support::DiskFaults faults_;
  std::unique_ptr<rocksdb::Env> env_ = test_support::NewFaultyEnv(&faults_);
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<CommandService> service_;
};

TEST_F(CommandServiceTest, DecidedEventsAreStoredWithTheirStreamsTypesAndCause) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Propose("c1", "Braderie", "2026-06-14")).ok());
  const CommandOutcome second =
      service_->Handle("kolenkit", "m-anna", Propose("c2", "Rommelmarkt", "2026-06-14"));
  ASSERT_TRUE(second.ok()) << second.status.message();
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
  EXPECT_EQ(store_->Head("kolenkit").position, 2u);
}

TEST_F(CommandServiceTest, ARefusedCommandChangesNothing) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  const auto head = store_->Head("kolenkit");
  const CommandOutcome refused =
      service_->Handle("kolenkit", "m-anna", Propose("c1", "Feest", "2026-02-30"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status.code(), "invalid_date");
  EXPECT_EQ(store_->Head("kolenkit").position, head.position);
  EXPECT_EQ(store_->Head("kolenkit").hash, head.hash);
  const CommandOutcome stranger =
      service_->Handle("kolenkit", "m-nobody", Propose("c2", "Feest", "2026-06-30"));
  EXPECT_EQ(stranger.status.code(), "not_a_member");
  const CommandOutcome elsewhere =
      service_->Handle("elders", "m-anna", Propose("c3", "Feest", "2026-06-30"));
  EXPECT_EQ(elsewhere.status.code(), "platform_not_found");
  EXPECT_EQ(store_->Head("kolenkit").position, head.position);
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
  ASSERT_TRUE(merged.ok()) << merged.status.message();
  EXPECT_EQ(merged.last_position - merged.first_position + 1, 4u);
  const auto log = Log();
  EXPECT_EQ(log.back().type(), "InitiativesMerged");
  EXPECT_TRUE(store_->Verify("kolenkit").ok());
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

TEST_F(CommandServiceTest, AFirstStartFoldsEveryPlatformFromItsOwnLog) {
  // Three platforms whose events interleave in time, and a log that is no platform.
  const std::vector<std::string> platforms = {"noord", "zuid", "west"};
  for (const auto& p : platforms) ASSERT_TRUE(service_->Handle(p, "m-anna", Found(p)).ok());
  for (int i = 0; i < 25; ++i) {
    for (const auto& p : platforms) {
      ASSERT_TRUE(service_
                      ->Handle(p, "m-anna",
                               Propose(p + std::to_string(i), i % 2 ? "Braderie" : "Buurtfeest",
                                       "2026-09-1" + std::to_string(i % 10)))
                      .ok());
    }
    if (i % 5 == 0) {
      auto appended = store_->Append("sample/stream", eventstore::ExpectedVersion::Any(),
                                     {eventstore::NewEvent{"sample-" + std::to_string(i), "Sampled",
                                                           "not a domain event", "bench", ""}});
      ASSERT_TRUE(appended.ok());
    }
  }
  uint64_t events = 0;
  for (const auto& p : platforms) events += store_->Head(p).position;
  auto bytes = [](CommandService& service, const std::string& p) {
    std::string out;
    EXPECT_TRUE(service
                    .Read(p,
                          [&](const projections::PlatformModel& m) {
                            out = projections::ModelSnapshots::Bytes(m);
                          })
                    .ok());
    return out;
  };
  // On one thread and on several: platforms are independent folds.
  for (const unsigned threads : {1u, 4u}) {
    CommandService loaded(*store_);
    loaded.SetLoadThreads(threads);
    auto report = loaded.LoadAll();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->platforms, 3u) << threads;
    EXPECT_EQ(report->events_folded, events) << threads;  // the samples are no platform's
    EXPECT_EQ(loaded.Platforms(), (std::vector<std::string>{"noord", "west", "zuid"}));
    for (const auto& p : platforms) EXPECT_EQ(bytes(loaded, p), bytes(*service_, p)) << p;
  }
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
        ASSERT_TRUE(outcome.ok()) << outcome.status.message();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& p : platforms) {
    std::vector<eventstore::EventRecord> events;
    ASSERT_TRUE(store_->Read(p, 0, SIZE_MAX, &events).ok());
    size_t proposed = 0;
    for (const auto& e : events) proposed += e.type() == "InitiativeProposed";
    EXPECT_EQ(proposed, 25u) << p;
  }
  for (const eventstore::VerifyReport& report : store_->VerifyAll()) {
    EXPECT_TRUE(report.ok()) << report.platform << ": " << report.problem;
  }
  EXPECT_EQ(store_->Platforms(), std::vector<std::string>({"noord", "oost", "west", "zuid"}));
}

// Commands of one platform arriving together are handled in batches: each decided against
// what its predecessors decided (prepared, not yet durable), all answered once durable.
TEST_F(CommandServiceTest, CommandsArrivingTogetherAreDecidedOneAfterAnother) {
  // About a dozen proposals a day: enough clashes to depend on the order of decisions.
  auto DayOfMay = [](int n) {
    const int day = 1 + n % 28;
    return std::string("2026-05-") + (day < 10 ? "0" : "") + std::to_string(day);
  };
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  constexpr int kThreads = 16, kEach = 20;
  std::vector<std::vector<CommandOutcome>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        // Every thread also sends the same command id: it is handled once.
        const v1::Command command =
            i == kEach / 2 ? Propose("shared", "Braderie", "2026-05-02")
                           : Propose("t" + std::to_string(t) + "-" + std::to_string(i),
                                     "Markt " + std::to_string(t), DayOfMay(t * kEach + i));
        outcomes[t].push_back(service_->Handle("kolenkit", "m-anna", command));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<uint64_t> firsts;
  int shared_fresh = 0;
  std::optional<uint64_t> shared_position;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      const CommandOutcome& outcome = outcomes[t][i];
      ASSERT_TRUE(outcome.ok()) << outcome.status.message();
      if (i == kEach / 2) {
        shared_fresh += !outcome.repeated;
        if (shared_position) {
          EXPECT_EQ(outcome.first_position, *shared_position);
        }
        shared_position = outcome.first_position;
      } else {
        EXPECT_TRUE(firsts.insert(outcome.first_position).second);
      }
    }
  }
  EXPECT_EQ(shared_fresh, 1);
  // The clashes among the proposals of a day were decided against everything before them: the live
  // model equals one rebuilt from the log, byte for byte.
  std::string live, rebuilt;
  ASSERT_TRUE(service_
                  ->Read("kolenkit",
                         [&](const projections::PlatformModel& m) {
                           live = projections::ModelSnapshots::Bytes(m);
                           EXPECT_EQ(m.state().initiatives().size(),
                                     static_cast<size_t>(kThreads * (kEach - 1) + 1));
                           EXPECT_EQ(m.position(), store_->Head("kolenkit").position);
                         })
                  .ok());
  CommandService from_log(*store_);
  ASSERT_TRUE(from_log
                  .Read("kolenkit",
                        [&](const projections::PlatformModel& m) {
                          rebuilt = projections::ModelSnapshots::Bytes(m);
                        })
                  .ok());
  EXPECT_EQ(live, rebuilt);
  EXPECT_TRUE(store_->Verify("kolenkit").ok());
}

// While a batch is being handled, Submit only queues; the queued commands are the next
// batch, handled by the same thread or, with a spawn, wherever the server says.
// With a spawn (a server's pool), no thread waits for the disk: Submit's caller decides and
// starts the batch and returns; the store's completion has the batch finished where spawned,
// and commands that came meanwhile are handled as the next batch, spawned too.
TEST_F(CommandServiceTest, WithASpawnNoThreadWaitsForTheDiskAndBatchesAreFinishedWhereSpawned) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::function<void()>> spawned;  // pushed from the store's threads too
  auto spawn = [&](std::function<void()> work) {
    std::lock_guard lock(mu);
    spawned.push_back(std::move(work));
    changed.notify_all();
  };
  service_->SetSpawn(spawn);
  service_->SetFinishSpawn(spawn);
  // Runs the next spawned task, waiting (at most 30 s) for one to be spawned.
  auto run_spawned = [&] {
    std::function<void()> work;
    {
      std::unique_lock lock(mu);
      if (!changed.wait_for(lock, std::chrono::seconds(30), [&] { return !spawned.empty(); })) {
        return false;
      }
      work = std::move(spawned.front());
      spawned.pop_front();
    }
    work();
    return true;
  };
  std::vector<CommandOutcome> answered;  // guarded by mu
  auto answer = [&](CommandOutcome outcome) {
    std::lock_guard lock(mu);
    answered.push_back(std::move(outcome));
  };
  auto answers = [&] {
    std::lock_guard lock(mu);
    return answered.size();
  };

  // The disk stalls: Submit still returns, its batch decided and started, unanswered (a
  // thread waiting for the disk would never come back here).
  faults_.HoldSyncs();
  auto submitted = std::async(std::launch::async, [&] {
    service_->Submit("kolenkit", "m-anna", Propose("a", "Braderie", "2026-07-04"), answer);
  });
  ASSERT_EQ(submitted.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(answers(), 0u);
  // Queued behind the batch in flight, which holds the platform until it is durable.
  for (const char* id : {"b", "c"}) {
    service_->Submit("kolenkit", "m-anna", Propose(id, "Rommelmarkt", "2026-07-04"), answer);
  }
  EXPECT_EQ(answers(), 0u);
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(spawned.empty());
  }
  faults_.ReleaseSyncs();
  // The first batch is finished where spawned, which hands "b" and "c" on as the next batch.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (answers() < 3 && std::chrono::steady_clock::now() < deadline) ASSERT_TRUE(run_spawned());
  ASSERT_EQ(answers(), 3u);
  for (const auto& outcome : answered) EXPECT_TRUE(outcome.ok()) << outcome.status.message();
  EXPECT_EQ(answered[1].first_position, answered[0].last_position + 1);
  EXPECT_EQ(answered[2].first_position, answered[1].last_position + 1);
  EXPECT_EQ(store_->Head("kolenkit").position, answered[2].last_position);
  ASSERT_TRUE(service_
                  ->Read("kolenkit",
                         [&](const projections::PlatformModel& model) {
                           EXPECT_EQ(model.position(), answered[2].last_position);
                         })
                  .ok());
  // A caller of Handle still waits for its own answer, finished where spawned.
  std::thread handled([&] {
    EXPECT_TRUE(service_->Handle("kolenkit", "m-anna", Propose("d", "Markt", "2026-07-11")).ok());
  });
  handled.join();
  std::lock_guard lock(mu);
  EXPECT_TRUE(spawned.empty());
}

// A thread pool as a server's: tasks run in order on its threads.
class Pool {
 public:
  explicit Pool(int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this] {
        for (;;) {
          std::function<void()> work;
          {
            std::unique_lock lock(mu_);
            ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;
            work = std::move(tasks_.front());
            tasks_.pop_front();
          }
          work();
        }
      });
    }
  }
  ~Pool() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }
  void Post(std::function<void()> work) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(work));
    }
    ready_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// A server's pool: its threads may all be callers of Handle, waiting; then a spawned batch
// queued behind them would never run. Waiting callers lead instead, so everything finishes.
TEST_F(CommandServiceTest, CallersOfHandleFillingThePoolNeverWaitForASpawnedBatch) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  Pool pool(2);
  service_->SetSpawn([&](std::function<void()> work) { pool.Post(std::move(work)); });

  constexpr int kEach = 60;
  std::atomic<int> answered{0};
  for (int t = 0; t < 2; ++t) {
    pool.Post([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const auto outcome = service_->Handle(
            "kolenkit", "m-anna",
            Propose("sync" + std::to_string(t) + "-" + std::to_string(i), "Markt", "2026-08-01"));
        EXPECT_TRUE(outcome.ok());
        answered++;
      }
    });
  }
  std::thread submitter([&] {
    for (int i = 0; i < 2 * kEach; ++i) {
      service_->Submit("kolenkit", "m-anna",
                       Propose("async" + std::to_string(i), "Markt", "2026-08-02"),
                       [&](CommandOutcome outcome) {
                         EXPECT_TRUE(outcome.ok());
                         answered++;
                       });
    }
  });
  submitter.join();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (answered < 4 * kEach && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(answered.load(), 4 * kEach);
  service_->SetSpawn(nullptr);
}

// A server's workers may all be waiting for a platform whose batch is on its way to the
// disk (reading its views, say). That batch is finished elsewhere, so they are not waiting
// for themselves: here the pool's one thread reads while the disk stalls.
TEST_F(CommandServiceTest, ABatchInFlightIsFinishedWhileEveryWorkerWaitsForItsPlatform) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  Pool workers(1);
  service_->SetSpawn([&](std::function<void()> work) { workers.Post(std::move(work)); });
  std::promise<CommandOutcome> answer;
  faults_.HoldSyncs();
  service_->Submit("kolenkit", "m-anna", Propose("a", "Braderie", "2026-07-04"),
                   [&](CommandOutcome outcome) { answer.set_value(std::move(outcome)); });
  std::promise<uint64_t> read;
  workers.Post([&] {
    EXPECT_TRUE(service_
                    ->Read("kolenkit",
                           [&](const projections::PlatformModel& model) {
                             read.set_value(model.position());
                           })
                    .ok());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the read is waiting
  faults_.ReleaseSyncs();
  auto answered = answer.get_future();
  auto position = read.get_future();
  if (answered.wait_for(std::chrono::seconds(30)) != std::future_status::ready ||
      position.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    // The worker would wait forever and the pool never join: stop here, loudly.
    ADD_FAILURE() << "the batch in flight was never finished";
    std::_Exit(1);
  }
  const CommandOutcome outcome = answered.get();
  ASSERT_TRUE(outcome.ok()) << outcome.status.message();
  // The read waited for the batch: it saw its events, durable.
  EXPECT_EQ(position.get(), outcome.last_position);
  service_->SetSpawn(nullptr);
}

// Roles are answered from a table republished as membership changes, and a service that
// has not loaded the platform yet loads it to answer.
TEST_F(CommandServiceTest, RolesFollowJoiningGrantingAndLeaving) {
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  auto role = [&](CommandService& service, const std::string& member) {
    auto answer = service.RoleOf("kolenkit", member);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? answer.value() : v1::ROLE_UNSPECIFIED;
  };
  EXPECT_EQ(role(*service_, "m-anna"), v1::ROLE_ADMIN);
  EXPECT_EQ(role(*service_, "m-bram"), v1::ROLE_UNSPECIFIED);

  v1::Command invite;
  invite.set_command_id("invite-bram");
  invite.mutable_invite_member()->set_invite_id("inv-bram");
  invite.mutable_invite_member()->set_role(v1::ROLE_MEMBER);
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", invite).ok());
  v1::Command join;
  join.set_command_id("join-bram");
  join.mutable_join_platform()->set_invite_id("inv-bram");
  join.mutable_join_platform()->set_display_name("Bram");
  const CommandOutcome joined = service_->Handle("kolenkit", "m-bram", join);
  ASSERT_TRUE(joined.ok()) << joined.status.message();
  EXPECT_EQ(role(*service_, "m-bram"), v1::ROLE_MEMBER);

  v1::Command grant;
  grant.set_command_id("grant-bram");
  grant.mutable_grant_role()->set_member_id("m-bram");
  grant.mutable_grant_role()->set_role(v1::ROLE_COORDINATOR);
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", grant).ok());
  EXPECT_EQ(role(*service_, "m-bram"), v1::ROLE_COORDINATOR);

  CommandService restarted(*store_);
  EXPECT_EQ(role(restarted, "m-bram"), v1::ROLE_COORDINATOR);
  EXPECT_EQ(role(restarted, "m-anna"), v1::ROLE_ADMIN);

  v1::Command leave;
  leave.set_command_id("leave-bram");
  leave.mutable_leave_platform()->set_member_id("m-bram");
  ASSERT_TRUE(service_->Handle("kolenkit", "m-bram", leave).ok());
  EXPECT_EQ(role(*service_, "m-bram"), v1::ROLE_UNSPECIFIED);
  // The other service learns of it as it catches up (any read or command does that).
  ASSERT_TRUE(restarted.Read("kolenkit", [](const projections::PlatformModel&) {}).ok());
  EXPECT_EQ(role(restarted, "m-bram"), v1::ROLE_UNSPECIFIED);
}

// A checkpoint that falls due while commands are handled is folded from the log, away from
// the platform's model: it must equal the live model at the same position, byte for byte.
TEST_F(CommandServiceTest, ACheckpointDueDuringCommandsIsFoldedFromTheLogAndEqualsTheLiveModel) {
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  CommandService service(*store_, checkpoints.value().get());
  service.SetCheckpointEvery(25);
  service.SetCheckpointMinInterval(std::chrono::seconds(0));
  ASSERT_TRUE(service.Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  std::map<uint64_t, std::string> live;
  ProposeRecordingLiveModels(service, 40, &live);
  // Without a spawn the checkpoint is folded on the calling thread once its batch is
  // answered, so it is there now: at least one was due (the log has far more than 25 events).
  auto saved = checkpoints.value()->Load("kolenkit");
  ASSERT_TRUE(saved.has_value());
  EXPECT_GE(saved->position(), 25u);
  ASSERT_TRUE(live.contains(saved->position()));
  EXPECT_EQ(projections::ModelSnapshots::Bytes(*saved), live[saved->position()]);
}

// A server folds checkpoints on a thread of its own (SetCheckpointSpawn): the fold waits
// there, one at a time per platform, and folds up to the log's head when it runs.
TEST_F(CommandServiceTest, ACheckpointDueDuringCommandsIsFoldedWhereTheCheckpointSpawnSays) {
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  CommandService service(*store_, checkpoints.value().get());
  service.SetCheckpointEvery(25);
  service.SetCheckpointMinInterval(std::chrono::seconds(0));
  std::vector<std::function<void()>> deferred;
  service.SetCheckpointSpawn(
      [&](std::function<void()> fold) { deferred.push_back(std::move(fold)); });
  ASSERT_TRUE(service.Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  std::map<uint64_t, std::string> live;
  ProposeRecordingLiveModels(service, 40, &live);
  EXPECT_FALSE(checkpoints.value()->Load("kolenkit").has_value());
  ASSERT_EQ(deferred.size(), 1u);  // more fell due, but one fold of a platform at a time
  deferred.front()();
  auto saved = checkpoints.value()->Load("kolenkit");
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->position(), live.rbegin()->first);
  EXPECT_EQ(projections::ModelSnapshots::Bytes(*saved), live.rbegin()->second);
}

// While serving, a platform is checkpointed at most once per minimum interval, counted from
// its load: a busy platform does not pay for its whole model every few seconds. But ten
// times the events make one due at once, which bounds a restart's fold.
TEST_F(CommandServiceTest, ACheckpointWaitsForTheMinimumIntervalUntilTenTimesTheEvents) {
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  CommandService service(*store_, checkpoints.value().get());
  service.SetCheckpointEvery(25);
  service.SetCheckpointMinInterval(std::chrono::hours(1));
  size_t folds = 0;
  uint64_t due_at = 0;
  service.SetCheckpointSpawn([&](std::function<void()> fold) {
    if (folds++ == 0) due_at = store_->Head("kolenkit").position;
    fold();
  });
  ASSERT_TRUE(service.Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  const uint64_t loaded_at = store_->Head("kolenkit").position;
  for (int i = 0; folds == 0 && i < 400; ++i) {
    ASSERT_TRUE(
        service
            .Handle("kolenkit", "m-anna", Propose("p" + std::to_string(i), "Markt", "2026-09-01"))
            .ok());
    if (store_->Head("kolenkit").position < loaded_at + 250) {
      ASSERT_EQ(folds, 0u) << "a checkpoint within the interval at "
                           << store_->Head("kolenkit").position;
    }
  }
  ASSERT_EQ(folds, 1u);
  EXPECT_GE(due_at, loaded_at + 250);
  EXPECT_LT(due_at, loaded_at + 250 + 25);  // at the first batch past ten times the events
  ASSERT_TRUE(checkpoints.value()->Load("kolenkit").has_value());
  EXPECT_EQ(checkpoints.value()->Load("kolenkit")->position(), due_at);
}

TEST_F(CommandServiceTest, ACheckpointIsTakenOnceTheMinimumIntervalHasPassed) {
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  CommandService service(*store_, checkpoints.value().get());
  service.SetCheckpointEvery(25);
  constexpr auto kInterval = std::chrono::milliseconds(200);
  service.SetCheckpointMinInterval(kInterval);
  size_t folds = 0;
  uint64_t folded_at = 0;  // the head when the checkpoint was folded
  service.SetCheckpointSpawn([&](std::function<void()> fold) {
    ++folds;
    folded_at = store_->Head("kolenkit").position;
    fold();
  });
  const auto loaded = std::chrono::steady_clock::now();
  ASSERT_TRUE(service.Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  const uint64_t loaded_at = store_->Head("kolenkit").position;
  int i = 0;
  auto propose = [&] {
    return service
        .Handle("kolenkit", "m-anna", Propose("p" + std::to_string(i++), "Markt", "2026-09-01"))
        .ok();
  };
  while (store_->Head("kolenkit").position < loaded_at + 30) ASSERT_TRUE(propose());
  // Enough events, but (unless this machine took the whole interval for them) too soon.
  if (std::chrono::steady_clock::now() - loaded < kInterval) {
    EXPECT_EQ(folds, 0u);
  }
  std::this_thread::sleep_for(kInterval);
  ASSERT_TRUE(propose());
  EXPECT_EQ(folds, 1u);
  auto saved = checkpoints.value()->Load("kolenkit");
  ASSERT_TRUE(saved.has_value());
  // At the last command, or earlier when this machine took the whole interval for the first
  // 30 events (then the last one came too few events after it for another).
  EXPECT_EQ(saved->position(), folded_at);
  EXPECT_GE(saved->position(), loaded_at + 25);
}

// A checkpoint ahead of the log (the log restored from an older backup) is never folded
// forward: the checkpoint due next is folded from the log alone, and replaces it.
TEST_F(CommandServiceTest, ACheckpointAheadOfTheLogIsReplacedByOneFoldedFromTheLog) {
  {
    // Another, longer history of the same platform left its checkpoint behind.
    auto earlier = CheckpointStore::Open(dir_.Sub("checkpoints"));
    ASSERT_TRUE(earlier.ok());
    test_support::TempDir other_dir;
    auto other = eventstore::EventStore::Open(other_dir.path(), eventstore::Options());
    ASSERT_TRUE(other.ok());
    CommandService longer(*other.value(), earlier.value().get());
    ASSERT_TRUE(longer.Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(longer
                      .Handle("kolenkit", "m-anna",
                              Propose("old" + std::to_string(i), "Markt", "2026-08-01"))
                      .ok());
    }
    ASSERT_TRUE(longer.SaveCheckpoints().ok());
  }
  // A server started later on this (shorter) log, with those checkpoints.
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_GT(checkpoints.value()->Load("kolenkit")->position(), 100u);
  CommandService service(*store_, checkpoints.value().get());
  service.SetCheckpointEvery(25);
  service.SetCheckpointMinInterval(std::chrono::seconds(0));
  ASSERT_TRUE(service.Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(
        service
            .Handle("kolenkit", "m-anna", Propose("p" + std::to_string(i), "Feest", "2026-09-01"))
            .ok());
  }
  auto saved = checkpoints.value()->Load("kolenkit");
  ASSERT_TRUE(saved.has_value());
  EXPECT_LE(saved->position(), store_->Head("kolenkit").position);
  // It is this log's platform, folded up to its position: 30 initiatives, not the 60 of the
  // other history.
  projections::PlatformModel folded;
  for (const auto& record : Log()) {
    if (record.position() <= saved->position()) folded.Apply(record);
  }
  EXPECT_EQ(projections::ModelSnapshots::Bytes(*saved), projections::ModelSnapshots::Bytes(folded));
  EXPECT_LE(saved->state().initiatives().size(), 30u);
}

// Checkpoints are saved away from the platform's lock, so two may finish out of order: the
// older never replaces the newer.
TEST_F(CommandServiceTest, AnOlderCheckpointNeverReplacesANewerOne) {
  auto checkpoints = CheckpointStore::Open(dir_.Sub("checkpoints"));
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Found("kolenkit")).ok());
  v1::PlatformSnapshot older, newer;
  ASSERT_TRUE(service_
                  ->Read("kolenkit",
                         [&](const projections::PlatformModel& m) {
                           older = projections::ModelSnapshots::Take(m);
                         })
                  .ok());
  ASSERT_TRUE(service_->Handle("kolenkit", "m-anna", Propose("p", "Markt", "2026-09-05")).ok());
  ASSERT_TRUE(service_
                  ->Read("kolenkit",
                         [&](const projections::PlatformModel& m) {
                           newer = projections::ModelSnapshots::Take(m);
                         })
                  .ok());
  ASSERT_LT(older.position(), newer.position());
  ASSERT_TRUE(checkpoints.value()->SaveTaken("kolenkit", newer).ok());
  ASSERT_TRUE(checkpoints.value()->SaveTaken("kolenkit", older).ok());
  auto loaded = checkpoints.value()->Load("kolenkit");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->position(), newer.position());
}

}  // namespace
}  // namespace rotonde::app
