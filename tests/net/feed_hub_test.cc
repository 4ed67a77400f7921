// FeedHub over a real event store: flushes paced by their fan-out (a listener that keeps a
// flush's token holds the next flush, up to the longest interval), every event exactly once
// and in order, and the rings' memory bounded per platform and over all platforms.
#include "feed_hub.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Records each notice; keeps the tokens it is told to keep.
class RecordingListener : public FeedListener {
 public:
  void OnFeed(const std::string& platform, FanOutToken token) override {
    std::lock_guard lock(mu_);
    notices_.push_back({platform, Clock::now()});
    if (keep_) kept_.push_back(std::move(token));
    cv_.notify_all();
  }
  void Keep(bool keep) {
    std::lock_guard lock(mu_);
    keep_ = keep;
  }
  // Lets go of every kept token.
  void Release() {
    std::vector<FanOutToken> kept;
    {
      std::lock_guard lock(mu_);
      kept.swap(kept_);
    }
  }
  // Waits (bounded) until `count` notices came; returns how many did.
  size_t WaitFor(size_t count, std::chrono::milliseconds bound) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, bound, [&] { return notices_.size() >= count; });
    return notices_.size();
  }
  Clock::time_point NoticeAt(size_t i) {
    std::lock_guard lock(mu_);
    return notices_.at(i).at;
  }

 private:
  struct Notice {
    std::string platform;
    Clock::time_point at;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Notice> notices_;
  std::vector<FanOutToken> kept_;
  bool keep_ = false;
};

class FeedHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = eventstore::EventStore::Open(dir_.path(), eventstore::Options());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  void Append(const std::string& platform, int count, size_t payload_bytes = 16) {
    for (int i = 0; i < count; ++i) {
      const std::string id = platform + "-e" + std::to_string(next_++);
      auto appended = store_->Append(
          platform + "/initiative/" + id, eventstore::ExpectedVersion::Any(),
          {eventstore::NewEvent{id, "Test", std::string(payload_bytes, 'x'), "m-anna", "c"}});
      ASSERT_TRUE(appended.ok()) << appended.status.ToString();
    }
  }

  // Appends one at a time, each flushed before the next: one batch per event.
  void AppendFlushed(const FeedHub& hub, const std::string& platform, int count,
                     size_t payload_bytes) {
    for (int i = 0; i < count; ++i) {
      Append(platform, 1, payload_bytes);
      const uint64_t head = store_->Head(platform).position;
      for (int wait = 0; wait < 500 && hub.Collect(platform, 0).platform_head < head; ++wait) {
        std::this_thread::sleep_for(2ms);
      }
      ASSERT_EQ(hub.Collect(platform, 0).platform_head, head);
    }
  }

  // The lowest position the hub's ring of `platform` covers.
  uint64_t Floor(const FeedHub& hub, const std::string& platform) {
    uint64_t floor = 0;
    while (!hub.Collect(platform, floor).covered) ++floor;
    return floor;
  }

  // Every event of `platform` after `after`, as the hub's ring holds them.
  std::vector<uint64_t> Positions(const FeedHub& hub, const std::string& platform, uint64_t after) {
    std::vector<uint64_t> positions;
    for (const auto& batch : hub.Collect(platform, after).batches) {
      for (const auto& [position, json] : batch->events) {
        if (position > after) positions.push_back(position);
      }
    }
    return positions;
  }

  test_support::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  int next_ = 0;
};

TEST_F(FeedHubTest, AListenerStillActingOnAFlushHoldsTheNextOneWhichThenCarriesEverything) {
  FeedHub hub(*store_, FeedHub::Options{5ms, 30s});
  auto listener = std::make_shared<RecordingListener>();
  hub.Listen("kolenkit", listener);
  hub.Start();

  listener->Keep(true);
  Append("kolenkit", 1);
  ASSERT_EQ(listener->WaitFor(1, 5s), 1u);
  // While the first flush's fan-out is not over, nothing more is flushed, however long the
  // shortest interval has passed.
  Append("kolenkit", 20);
  EXPECT_EQ(listener->WaitFor(2, 300ms), 1u);

  listener->Keep(false);
  const auto released = Clock::now();
  listener->Release();
  ASSERT_EQ(listener->WaitFor(2, 5s), 2u);
  // The fan-out took at least 300 ms, so the next flush waited as long again after it ended.
  EXPECT_GE(listener->NoticeAt(1) - released, 250ms);
  // And it carries all 20 events, in one frame, each once and in order.
  const auto collected = hub.Collect("kolenkit", 1);
  ASSERT_TRUE(collected.covered);
  ASSERT_EQ(collected.batches.size(), 1u);
  std::vector<uint64_t> expected;
  for (uint64_t p = 2; p <= 21; ++p) expected.push_back(p);
  EXPECT_EQ(Positions(hub, "kolenkit", 1), expected);
  EXPECT_GT(hub.GetStats().fan_out_seconds, 0.25);
  hub.Stop();
}

TEST_F(FeedHubTest, AListenerThatNeverLetsGoDelaysFlushesByTheLongestIntervalAtMost) {
  FeedHub hub(*store_, FeedHub::Options{5ms, 200ms});
  auto listener = std::make_shared<RecordingListener>();
  hub.Listen("kolenkit", listener);
  hub.Start();
  listener->Keep(true);
  Append("kolenkit", 1);
  ASSERT_EQ(listener->WaitFor(1, 5s), 1u);
  Append("kolenkit", 1);
  Append("kolenkit", 1);
  ASSERT_EQ(listener->WaitFor(2, 10s), 2u);
  EXPECT_GE(listener->NoticeAt(1) - listener->NoticeAt(0), 190ms);
  EXPECT_EQ(Positions(hub, "kolenkit", 0), (std::vector<uint64_t>{1, 2, 3}));
  hub.Stop();
}

TEST_F(FeedHubTest, RingsStayWithinTheirBoundAndTheOldestFramesOfAnyPlatformGoFirst) {
  // A few KiB per event (its frame and its own text), one batch each.
  FeedHub::Options options{0ms, 0ms};
  options.ring_bytes_per_platform = 64 << 10;
  options.ring_bytes_total = 80 << 10;
  FeedHub hub(*store_, options);
  hub.Start();

  AppendFlushed(hub, "kolenkit", 200, 1000);  // far past its own bound
  const uint64_t floor = Floor(hub, "kolenkit");
  EXPECT_GT(floor, 0u);  // its oldest were dropped
  EXPECT_LT(floor, 195u);
  EXPECT_LE(hub.GetStats().ring_bytes, 64u << 10);
  // What it kept is every event since its floor, each once and in order.
  std::vector<uint64_t> expected;
  for (uint64_t p = floor + 1; p <= 200; ++p) expected.push_back(p);
  EXPECT_EQ(Positions(hub, "kolenkit", floor), expected);

  // Noord's frames (about a third of the total) push the total past 80 KiB: kolenkit's oldest
  // go, noord keeps its own.
  AppendFlushed(hub, "noord", 8, 1000);
  EXPECT_TRUE(hub.Collect("noord", 0).covered);
  EXPECT_EQ(Positions(hub, "noord", 0).size(), 8u);
  EXPECT_LE(hub.GetStats().ring_bytes, 80u << 10);
  const uint64_t floor_after = Floor(hub, "kolenkit");
  EXPECT_GT(floor_after, floor);
  EXPECT_EQ(Positions(hub, "kolenkit", floor_after).back(), 200u);  // the newest stays
  hub.Stop();
}

}  // namespace
}  // namespace rotonde::net
