// A failing disk: the WAL's writes or fsyncs fail on demand (a RocksDB file system that
// wraps the real one). An append whose write or fsync failed is never acknowledged, the
// store refuses every later append, reads never show the failed events, and a restart on a
// healthy disk finds every acknowledged event with the chain intact.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/env.h>

#include "faulty_disk.h"
#include "store_fixture.h"

namespace rotonde::eventstore {
namespace {

class DiskFaultTest : public StoreTest {
 protected:
  void SetUp() override {
    env_ = test_support::NewFaultyEnv(&faults_);
    Options options;
    options.env = env_.get();
    Reopen(options);
  }

  // Appends `count` events, each acknowledged.
  void AppendAcknowledged(int count) {
    for (int i = 0; i < count; ++i) {
      const std::string id = "ok-" + std::to_string(acknowledged_.size());
      auto result = AppendOne("platform/s", id);
      ASSERT_TRUE(result.ok()) << result.status.ToString();
      acknowledged_.push_back(id);
    }
  }

  // After the failure: nothing more is taken, reads stop at the last acknowledged event, and
  // a restart on a healthy disk finds every acknowledged event.
  void ExpectStoppedAndRecoverable(uint64_t head_before) {
    auto later = AppendOne("platform/s", "after-the-failure");
    EXPECT_EQ(later.status.code(), codes::kIOError) << later.status.ToString();
    EXPECT_EQ(store_->Head("platform").position, head_before);
    EXPECT_EQ(All("platform").size(), head_before);

    store_.reset();
    Reopen();  // the default, healthy environment
    const std::vector<EventRecord> events = All("platform");
    ASSERT_GE(events.size(), acknowledged_.size());
    for (size_t i = 0; i < acknowledged_.size(); ++i) {
      EXPECT_EQ(events[i].id(), acknowledged_[i]);
      EXPECT_EQ(events[i].position(), i + 1);
    }
    // The failed append may have reached the disk or not; nothing after it did.
    for (size_t i = acknowledged_.size(); i < events.size(); ++i) {
      EXPECT_NE(events[i].id(), "after-the-failure");
    }
    EXPECT_TRUE(store_->Verify("platform").ok());
    auto fresh = AppendOne("platform/s", "after-the-restart");
    EXPECT_TRUE(fresh.ok()) << fresh.status.ToString();
  }

  // With `fault` on, one append fails with `what` in its message and is not acknowledged;
  // then the fault is cleared (a healthy disk again does not make the store trust it).
  void ExpectAFaultStopsTheStore(std::atomic<bool>& fault, const std::string& what) {
    AppendAcknowledged(5);
    fault = true;
    auto failed = AppendOne("platform/s", "fails");
    EXPECT_EQ(failed.status.code(), codes::kIOError);
    EXPECT_NE(failed.status.message().find(what), std::string::npos) << failed.status.ToString();
    EXPECT_TRUE(failed.positions.empty());
    fault = false;
    ExpectStoppedAndRecoverable(5);
  }

  test_support::DiskFaults faults_;
  std::unique_ptr<rocksdb::Env> env_;
  std::vector<std::string> acknowledged_;
};

TEST_F(DiskFaultTest, AFailedFsyncIsNotAcknowledgedAndStopsEveryLaterAppend) {
  ExpectAFaultStopsTheStore(faults_.fail_wal_syncs, "syncing the log");
}

TEST_F(DiskFaultTest, AFailedWriteIsNotAcknowledgedAndStopsEveryLaterAppend) {
  ExpectAFaultStopsTheStore(faults_.fail_wal_writes, "writing a group");
}

// A retry of an append whose fsync is failing must not be answered with its positions: the
// retry's group writes nothing, but its answer stands only if the first one's sync does.
TEST_F(DiskFaultTest, ARetryOfAnAppendWhoseFsyncFailsIsNotAcknowledged) {
  AppendAcknowledged(3);
  faults_.sync_delay_ms = 300;
  faults_.fail_wal_syncs = true;
  AppendResult first;
  std::thread original([&] { first = AppendOne("platform/s", "retried"); });
  // The first append's group is written and its fsync under way (failing, slowly) when the
  // retry comes.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  AppendResult retry = AppendOne("platform/s", "retried");
  original.join();
  EXPECT_EQ(first.status.code(), codes::kIOError) << first.status.ToString();
  EXPECT_EQ(retry.status.code(), codes::kIOError) << retry.status.ToString();
  EXPECT_FALSE(retry.idempotent_replay && retry.ok());
  faults_.fail_wal_syncs = false;
  ExpectStoppedAndRecoverable(3);
}

TEST_F(DiskFaultTest, UnderConcurrentAppendsNoAppendIsAcknowledgedAfterTheFailure) {
  AppendAcknowledged(3);
  // Writers append until the fsyncs fail; every acknowledged append must be found after a
  // restart, and no acknowledged position may lie beyond the head at the failure.
  constexpr int kWriters = 16;
  std::vector<std::vector<std::pair<std::string, uint64_t>>> acked(kWriters);
  std::atomic<int> appends{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 2000; ++i) {
        const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto result = AppendOne("platform/w" + std::to_string(w), id);
        appends.fetch_add(1);
        if (!result.ok()) {
          EXPECT_EQ(result.status.code(), codes::kIOError) << result.status.ToString();
          return;
        }
        acked[w].emplace_back(id, result.positions.at(0));
      }
    });
  }
  while (appends.load() < 200) std::this_thread::yield();
  faults_.fail_wal_syncs = true;
  for (auto& t : writers) t.join();
  const uint64_t head_at_failure = store_->Head("platform").position;
  faults_.fail_wal_syncs = false;

  store_.reset();
  Reopen();
  const std::vector<EventRecord> events = All("platform");
  ASSERT_GE(events.size(), head_at_failure);
  for (const auto& writer : acked) {
    for (const auto& [id, position] : writer) {
      ASSERT_LE(position, head_at_failure) << id;
      EXPECT_EQ(events[position - 1].id(), id);
    }
  }
  EXPECT_TRUE(store_->Verify("platform").ok());
}

}  // namespace
}  // namespace rotonde::eventstore
