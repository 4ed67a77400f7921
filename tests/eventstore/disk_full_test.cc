// A full disk, for real: the store on a small tmpfs of its own, filled by a file beside it
// until its writes fail with ENOSPC. Appends are then refused with `unavailable` (at once,
// never hanging), nothing acknowledged is lost, reads go on, and once the filler is deleted
// appends are taken again by the same open store, with no restart. A restart afterwards
// finds every acknowledged event with the chains intact.
//
// Needs root to mount the tmpfs (SmallDisk); fails, never skips, without it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "log_fixture.h"
#include "rotonde/eventstore/event_store.h"
#include "small_disk.h"

namespace rotonde::eventstore {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr uint64_t kDiskBytes = 16 << 20;
constexpr char kFiller[] = "filler";
// Every wait for the store to take appends again is bounded by this (generous: the store
// tries every 50 ms here).
constexpr seconds kResumeBound{60};

// A payload LZ4 cannot shrink, so the disk fills at the rate events are appended.
std::string Incompressible(size_t bytes, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string out(bytes, '\0');
  for (char& c : out) c = static_cast<char>('!' + random() % 90);
  return out;
}

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    disk_ = std::make_unique<test_support::SmallDisk>(kDiskBytes);
    ASSERT_TRUE(disk_->mounted()) << disk_->error();
    Open();
  }
  void TearDown() override {
    store_.reset();  // before the disk goes
    disk_.reset();
  }

  void Open() {
    store_.reset();
    Options options;
    options.disk_full_retry_interval = milliseconds(50);
    options.resume_min_free_bytes = 256 << 10;
    auto opened = EventStore::Open(disk_->Sub("store"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  AppendResult AppendBig(const std::string& stream, const std::string& id) {
    return store_->Append(stream, ExpectedVersion::Any(),
                          {Event(id, Incompressible(4096, std::hash<std::string>{}(id)))});
  }

  // Appends to `stream` until an append fails; every acknowledged id goes into `acked`.
  // Returns the failure.
  AppendResult AppendUntilRefused(const std::string& stream, const std::string& prefix,
                                  std::vector<std::string>* acked) {
    for (int i = 0; i < 100'000; ++i) {
      const std::string id = prefix + std::to_string(i);
      AppendResult result = AppendBig(stream, id);
      if (!result.ok()) return result;
      acked->push_back(id);
    }
    ADD_FAILURE() << "the disk never filled";
    return {};
  }

  // Retries an append of `id` until the store takes it (or kResumeBound passes).
  AppendResult AppendOnceResumed(const std::string& stream, const std::string& id) {
    const auto deadline = Clock::now() + kResumeBound;
    AppendResult result;
    do {
      result = AppendBig(stream, id);
      if (result.ok()) return result;
      EXPECT_EQ(result.status.code(), codes::kUnavailable) << result.status.ToString();
      std::this_thread::sleep_for(milliseconds(20));
    } while (Clock::now() < deadline);
    return result;
  }

  // Every event of `platform`, in order, and that its chain verifies.
  std::vector<EventRecord> All(const std::string& platform) {
    std::vector<EventRecord> out;
    Status s = store_->Read(platform, 0, SIZE_MAX, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].position(), i + 1);
    VerifyReport report = store_->Verify(platform);
    EXPECT_TRUE(report.ok()) << report.status.ToString() << " " << report.problem;
    return out;
  }

  // The ids of `acked`, in order, are among `platform`'s events in the same order.
  void ExpectStoredInOrder(const std::string& platform, const std::vector<std::string>& acked) {
    std::map<std::string, uint64_t> position;
    for (const EventRecord& event : All(platform)) position[event.id()] = event.position();
    uint64_t last = 0;
    for (const std::string& id : acked) {
      auto it = position.find(id);
      ASSERT_NE(it, position.end()) << "acknowledged " << id << " is not in " << platform;
      EXPECT_GT(it->second, last) << id;
      last = it->second;
    }
  }

  std::unique_ptr<test_support::SmallDisk> disk_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(DiskFullTest, AppendsAreRefusedAsUnavailableWhileFullAndTakenAgainOnceSpaceIsFreed) {
  std::vector<std::string> acked;
  for (int i = 0; i < 20; ++i) {
    const std::string id = "before-" + std::to_string(i);
    ASSERT_TRUE(AppendBig("p/s", id).ok());
    acked.push_back(id);
  }
  ASSERT_GT(disk_->Fill(kFiller, 1 << 20), 0u);

  AppendResult refused = AppendUntilRefused("p/s", "filling-", &acked);
  EXPECT_EQ(refused.status.code(), codes::kUnavailable) << refused.status.ToString();
  EXPECT_NE(refused.status.message().find("disk is full"), std::string::npos)
      << refused.status.ToString();
  EXPECT_TRUE(refused.positions.empty());
  EXPECT_EQ(store_->GetStats().disk_full, 1u);

  // Still full: every append is refused at once, with the same code, whatever its platform.
  for (int i = 0; i < 10; ++i) {
    AppendResult again = AppendBig(i % 2 ? "p/s" : "q/s", "while-full-" + std::to_string(i));
    EXPECT_EQ(again.status.code(), codes::kUnavailable) << again.status.ToString();
  }
  // Reads go on: every acknowledged event, up to the head, verified.
  const uint64_t head = store_->Head("p").position;
  EXPECT_GE(head, acked.size());
  EXPECT_EQ(All("p").size(), head);
  ExpectStoredInOrder("p", acked);
  std::vector<EventRecord> stream;
  EXPECT_TRUE(store_->ReadStream("p/s", 0, 5, &stream).ok());
  EXPECT_EQ(stream.size(), 5u);

  disk_->Remove(kFiller);
  AppendResult resumed = AppendOnceResumed("p/s", "after-space-freed");
  ASSERT_TRUE(resumed.ok()) << resumed.status.ToString();
  acked.push_back("after-space-freed");
  EXPECT_EQ(store_->GetStats().disk_full, 0u);
  EXPECT_GE(store_->GetStats().disk_full_episodes, 1u);
  ASSERT_TRUE(AppendBig("q/s", "another-platform").ok());
  ExpectStoredInOrder("p", acked);

  // A restart on the same disk finds it all.
  ASSERT_NO_FATAL_FAILURE(Open());
  ExpectStoredInOrder("p", acked);
  ExpectStoredInOrder("q", {"another-platform"});
  for (const VerifyReport& report : store_->VerifyAll()) {
    EXPECT_TRUE(report.ok()) << report.platform << ": " << report.problem;
  }
}

// Right after opening, and right after a resume, RocksDB's memtables are empty: a WAL write
// failing then must not leave the store unable to write for good.
TEST_F(DiskFullTest, AFullDiskRightAfterOpeningAndRightAfterAResumeIsSurvived) {
  ASSERT_TRUE(AppendBig("p/s", "first").ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_GT(disk_->Fill(kFiller, 0), 0u);
  AppendResult refused = AppendBig("p/s", "on-a-full-disk");
  EXPECT_EQ(refused.status.code(), codes::kUnavailable) << refused.status.ToString();
  EXPECT_EQ(All("p").size(), 1u);
  disk_->Remove(kFiller);
  // Resumed with nothing appended since: the memtables hold nothing the store wrote.
  const auto deadline = Clock::now() + kResumeBound;
  while (store_->GetStats().disk_full != 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(store_->GetStats().disk_full, 0u) << "the store did not resume";
  ASSERT_GT(disk_->Fill(kFiller, 0), 0u);
  refused = AppendBig("p/s", "full-again");
  EXPECT_EQ(refused.status.code(), codes::kUnavailable) << refused.status.ToString();
  disk_->Remove(kFiller);
  AppendResult resumed = AppendOnceResumed("p/s", "after");
  ASSERT_TRUE(resumed.ok()) << resumed.status.ToString();
  ASSERT_TRUE(AppendBig("p/s", "after-2").ok());
  ExpectStoredInOrder("p", {"first", "after", "after-2"});
  ASSERT_NO_FATAL_FAILURE(Open());
  ExpectStoredInOrder("p", {"first", "after", "after-2"});
}

// Writers on several platforms append all along while the disk fills and is freed, three
// times over: each sees only acknowledgements and `unavailable`, every acknowledged event is
// found in its order (also after a restart), and the store takes appends after each episode.
TEST_F(DiskFullTest, UnderConcurrentWritersRepeatedFullDisksLoseNothingAcknowledged) {
  constexpr int kWriters = 8;
  std::vector<std::vector<std::string>> acked(kWriters);
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0}, unexpected{0};
  std::atomic<int> since_refusal{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      const std::string stream = "w" + std::to_string(w % 4) + "/s" + std::to_string(w);
      for (int i = 0; !stop; ++i) {
        const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
        AppendResult result = AppendBig(stream, id);
        if (result.ok()) {
          acked[static_cast<size_t>(w)].push_back(id);
          since_refusal++;
        } else if (result.status.code() == codes::kUnavailable) {
          refused++;
          since_refusal = 0;
          std::this_thread::sleep_for(milliseconds(5));
        } else {
          unexpected++;
          ADD_FAILURE() << id << ": " << result.status.ToString();
          return;
        }
      }
    });
  }
  auto wait_for = [](auto condition) {
    const auto deadline = Clock::now() + kResumeBound;
    while (!condition() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
    return condition();
  };
  for (int cycle = 0; cycle < 3 && unexpected == 0; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    const int refused_before = refused;
    disk_->Fill(kFiller, 512 << 10);
    EXPECT_TRUE(wait_for([&] { return refused > refused_before + kWriters; }))
        << "appends were not refused on a full disk";
    EXPECT_EQ(store_->GetStats().disk_full, 1u);
    disk_->Remove(kFiller);
    EXPECT_TRUE(wait_for([&] { return since_refusal > 50; }))
        << "appends were not taken again after space was freed";
  }
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(unexpected, 0);
  for (int w = 0; w < kWriters; ++w) {
    // Each writer's stream is one of four platforms; its own ids are in its order.
    ExpectStoredInOrder("w" + std::to_string(w % 4), acked[static_cast<size_t>(w)]);
  }
  ASSERT_NO_FATAL_FAILURE(Open());
  for (int w = 0; w < kWriters; ++w) {
    ExpectStoredInOrder("w" + std::to_string(w % 4), acked[static_cast<size_t>(w)]);
  }
  for (const VerifyReport& report : store_->VerifyAll()) {
    EXPECT_TRUE(report.ok()) << report.platform << ": " << report.problem;
  }
}

}  // namespace
}  // namespace rotonde::eventstore
