// Many writers and live subscribers at once: no gap, no duplicate, no lost update.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "log_fixture.h"

namespace rotonde::eventstore {
namespace {

TEST_P(EventLogContract, SixtyFourWritersOnOverlappingStreamsLeaveGapFreePositionsAndVersions) {
  constexpr int kThreads = 64;
  constexpr int kAppendsPerThread = 40;
  std::vector<std::vector<std::pair<std::string, uint64_t>>> acknowledged(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        // Eight streams in two partitions, shared by all threads; every third append has two
        // events.
        const std::string stream = (t % 2 ? "noord/s/" : "zuid/s/") + std::to_string((t + i) % 4);
        std::vector<NewEvent> events = {Event("t" + std::to_string(t) + "-" + std::to_string(i))};
        if (i % 3 == 0) events.push_back(Event(events[0].id + "b"));
        auto ids = events;
        // A quarter of the writers start their appends (prepared in their own thread, into
        // the same groups as the queued ones).
        AppendResult result;
        if (t % 4 == 3) {
          auto pending = log_->StartAppendAll({{stream, ExpectedVersion::Any(), events}});
          ASSERT_TRUE(pending->Prepared().ok()) << pending->Prepared().status.ToString();
          result = pending->Wait();
          EXPECT_EQ(result.positions, pending->Prepared().positions);
        } else {
          result = log_->Append(stream, ExpectedVersion::Any(), std::move(events));
        }
        ASSERT_TRUE(result.ok()) << result.status.ToString();
        ASSERT_EQ(result.positions.size(), ids.size());
        for (size_t k = 0; k < ids.size(); ++k)
          acknowledged[t].emplace_back(ids[k].id, result.positions[k]);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::map<std::string, uint64_t> id_at;
  std::map<std::string, uint64_t> next_version;
  size_t stored = 0;
  for (const std::string platform : {"noord", "zuid"}) {
    auto all = All(platform);
    for (size_t i = 0; i < all.size(); ++i) {
      ASSERT_EQ(all[i].position(), i + 1) << platform;
      ASSERT_TRUE(id_at.emplace(all[i].id(), all[i].position()).second)
          << "duplicate id " << all[i].id();
      ASSERT_EQ(all[i].version(), next_version[all[i].stream()]++) << all[i].stream();
    }
    stored += all.size();
    EXPECT_TRUE(log_->Verify(platform).ok());
  }
  size_t expected_events = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (auto& [id, position] : acknowledged[t]) {
      ASSERT_EQ(id_at[id], position) << id;
      ++expected_events;
    }
  }
  EXPECT_EQ(stored, expected_events);
  // Concurrency was gathered into groups: fewer durable writes than appends.
  Stats stats = log_->GetStats();
  EXPECT_EQ(stats.appends, static_cast<uint64_t>(kThreads * kAppendsPerThread));
  EXPECT_LT(stats.groups_written, stats.appends);
}

TEST_P(EventLogContract, OptimisticWritersNeverLoseAnUpdate) {
  // Each writer reads the version, appends with Exact(version), and retries on conflict:
  // the classic read-modify-write. Every success must land as its own version.
  constexpr int kThreads = 16;
  constexpr int kIncrements = 25;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        for (;;) {
          auto version = log_->StreamVersion("p/counter/1");
          ASSERT_TRUE(version.ok());
          const ExpectedVersion expected = version.value()
                                               ? ExpectedVersion::Exact(*version.value())
                                               : ExpectedVersion::NoStream();
          auto result = log_->Append("p/counter/1", expected,
                                     {Event("c" + std::to_string(t) + "-" + std::to_string(i))});
          if (result.ok()) break;
          ASSERT_EQ(result.status.code(), codes::kWrongExpectedVersion) << result.status.ToString();
          ++conflicts;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(*log_->StreamVersion("p/counter/1").value(), uint64_t{kThreads * kIncrements - 1});
  EXPECT_EQ(log_->Head("p").position, uint64_t{kThreads * kIncrements});
  EXPECT_EQ(log_->GetStats().rejected_appends, static_cast<uint64_t>(conflicts.load()));
}

// Appends `count` events from `writers` threads, half to "oost" and half to "west", then
// returns.
void AppendConcurrently(EventLog& store, int writers, int count, const std::string& prefix) {
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = next++; i < count; i = next++) {
        const std::string platform = i % 2 ? "oost" : "west";
        auto result = store.Append(platform + "/s/" + std::to_string(w), ExpectedVersion::Any(),
                                   {Event(prefix + std::to_string(i))});
        ASSERT_TRUE(result.ok()) << result.status.ToString();
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

// Reads a subscription until it has delivered `expected` events (or a generous deadline).
std::vector<EventRecord> Drain(Subscription& subscription, size_t expected, size_t batch,
                               bool slow = false) {
  std::vector<EventRecord> seen, out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (seen.size() < expected && std::chrono::steady_clock::now() < deadline) {
    Status s = subscription.Next(&out, batch, std::chrono::milliseconds(200));
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) break;
    seen.insert(seen.end(), out.begin(), out.end());
    // A consumer slower than the writers: it must fall behind the in-memory window and
    // catch up from disk without losing its place.
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return seen;
}

void ExpectExactly(const std::vector<EventRecord>& seen, uint64_t after, uint64_t last) {
  ASSERT_EQ(seen.size(), last - after);
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].position(), after + 1 + i);
}

TEST_P(EventLogContract, SubscriberFromPDuringConcurrentAppendsSeesExactlyTheRestOnce) {
  AppendConcurrently(*log_, 4, 600, "before-");  // 300 for each platform
  const uint64_t p = 120;
  auto subscription = log_->Subscribe("oost", p);
  std::vector<EventRecord> seen;
  std::thread reader([&] { seen = Drain(*subscription, 300 - p + 1000, 64); });
  AppendConcurrently(*log_, 16, 2000, "during-");
  reader.join();
  ExpectExactly(seen, p, 1300);
  for (const auto& e : seen) ASSERT_EQ(PlatformOf(e.stream()), "oost");
  EXPECT_EQ(subscription->position(), 1300u);
}

TEST_P(EventLogContract, SlowSubscriberFallsBehindTheMemoryWindowAndCatchesUpFromDisk) {
  Reopen(/*recent_events=*/64);
  AppendConcurrently(*log_, 2, 200, "before-");
  auto subscription = log_->Subscribe("west", 50);
  std::vector<EventRecord> seen;
  std::thread reader([&] { seen = Drain(*subscription, 50 + 1500, 16, /*slow=*/true); });
  AppendConcurrently(*log_, 16, 3000, "during-");
  reader.join();
  ExpectExactly(seen, 50, 1600);
}

TEST_P(EventLogContract, TheLiveFeedBringsEveryPlatformsEventsAndSaysWhenItFellBehind) {
  Reopen(/*recent_events=*/32);
  AppendConcurrently(*log_, 2, 100, "before-");  // before the feed: not in it
  auto feed = log_->FollowAll();
  std::map<std::string, uint64_t> last;  // per platform, the last position seen
  size_t seen = 0, behind = 0;
  std::thread reader([&] {
    std::vector<EventRecord> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    // The writers first get 200 events ahead, far past the 32 the store keeps in memory: the
    // feed must fall behind however fast this reader would be (a race it could win on a
    // loaded machine, where the writers are slow).
    while (log_->Head("oost").position + log_->Head("west").position < 100 + 200 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    while (seen < 1000 && std::chrono::steady_clock::now() < deadline) {
      Status s = feed->Next(&out, 7, std::chrono::milliseconds(200));
      if (s.code() == codes::kOutOfRange) {
        // As the contract says: resync each platform from its log, then go on.
        ++behind;
        for (const std::string platform : {"oost", "west"}) {
          std::vector<EventRecord> missed;
          const uint64_t from = last.count(platform) ? last[platform] : 50;
          ASSERT_TRUE(log_->Read(platform, from, SIZE_MAX, &missed).ok());
          uint64_t expected = from;
          for (const auto& e : missed) {
            ASSERT_EQ(e.position(), ++expected) << platform;
            last[platform] = e.position();
            ++seen;
          }
        }
        continue;
      }
      ASSERT_TRUE(s.ok()) << s.ToString();
      for (const auto& e : out) {
        const std::string platform(PlatformOf(e.stream()));
        const uint64_t before = last.count(platform) ? last[platform] : 50;
        if (e.position() <= before) continue;             // seen already through a resync
        ASSERT_EQ(e.position(), before + 1) << platform;  // in each platform's order, no gap
        last[platform] = e.position();
        ++seen;
      }
      // Slower than the writers at first, so it falls behind the small window.
      if (seen < 200) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });
  AppendConcurrently(*log_, 8, 1000, "during-");
  reader.join();
  EXPECT_EQ(seen, 1000u);
  EXPECT_EQ(last["oost"], 550u);
  EXPECT_EQ(last["west"], 550u);
  EXPECT_GE(behind, 1u);
}

TEST_P(EventLogContract, NextTimesOutQuietlyWhenNothingHappens) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto subscription = log_->Subscribe("p", 1);
  std::vector<EventRecord> out;
  ASSERT_TRUE(subscription->Next(&out, 10, std::chrono::milliseconds(20)).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(subscription->position(), 1u);
}

}  // namespace
}  // namespace rotonde::eventstore
