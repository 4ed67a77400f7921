// The EventLog contract (event_log.h), through the interface only, for every backend: a second
// backend joins by one more entry in kBackends and must pass the same suite.
#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::eventstore {
namespace {

struct Backend {
  std::string name;
  // Opens the backend's log kept in `dir` (created if missing); fails the test if it cannot.
  std::function<std::unique_ptr<EventLog>(const std::string& dir)> open;
};

const Backend kEmbedded{"rocksdb", [](const std::string& dir) -> std::unique_ptr<EventLog> {
                          auto store = EventStore::Open(dir, Options{});
                          EXPECT_TRUE(store.ok()) << store.status().ToString();
                          return store.ok() ? std::move(store.value()) : nullptr;
                        }};

NewEvent Proposed(std::string id) {
  return NewEvent{std::move(id), "test.Proposed", "payload", "m-tester", "c-1"};
}

StreamAppend To(std::string stream, std::vector<NewEvent> events,
                ExpectedVersion expected = ExpectedVersion::Any()) {
  return StreamAppend{std::move(stream), expected, std::move(events)};
}

class EventLogContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    log_.reset();
    log_ = GetParam().open(dir_.path());
    ASSERT_NE(log_, nullptr);
  }
  AppendResult Append(std::vector<StreamAppend> appends, AppendOptions options = {}) {
    return log_->AppendAll(std::move(appends), options);
  }
  std::vector<uint64_t> PositionsOf(const std::string& platform) {
    std::vector<EventRecord> events;
    EXPECT_TRUE(log_->Read(platform, 0, SIZE_MAX, &events).ok());
    std::vector<uint64_t> positions;
    for (const EventRecord& e : events) positions.push_back(e.position());
    return positions;
  }

  test_support::TempDir dir_;
  std::unique_ptr<EventLog> log_;
};

TEST_P(EventLogContract, EachPlatformHasItsOwnGapFreePositionsFromOne) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Append({To("kolenkit/initiative/a", {Proposed("k" + std::to_string(i))})}).ok());
    ASSERT_TRUE(Append({To("noord/initiative/a", {Proposed("n" + std::to_string(i))})}).ok());
  }
  AppendResult two = Append({To("noord/task/t", {Proposed("n3"), Proposed("n4")})});
  ASSERT_TRUE(two.ok()) << two.status.ToString();
  EXPECT_EQ(two.positions, (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(PositionsOf("kolenkit"), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(PositionsOf("noord"), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(log_->Head("kolenkit").position, 3u);
  EXPECT_EQ(log_->Platforms(), (std::vector<std::string>{"kolenkit", "noord"}));
  std::vector<EventRecord> after;
  ASSERT_TRUE(log_->Read("noord", 3, 1, &after).ok());
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id(), "n3");
  EXPECT_EQ(log_->StreamVersion("noord/task/t").value(), std::optional<uint64_t>(1));
}

TEST_P(EventLogContract, TheChainStartsAtThePlatformsGenesisAndVerifies) {
  // docs/verification.md's worked example: genesis("kolenkit").
  EXPECT_EQ(HexOf(log_->Head("kolenkit").hash),
            "4b579637be6e6b764c23aa125390cba4a2b77696f6bf31df93d4dd12ff70c6ba");
  EXPECT_EQ(log_->Head("kolenkit").position, 0u);
  ASSERT_TRUE(Append({To("kolenkit/initiative/a", {Proposed("k0"), Proposed("k1")})}).ok());
  std::vector<EventRecord> events;
  ASSERT_TRUE(log_->Read("kolenkit", 0, 10, &events).ok());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(HexOf(events[0].prev_hash()),
            "4b579637be6e6b764c23aa125390cba4a2b77696f6bf31df93d4dd12ff70c6ba");
  EXPECT_EQ(events[1].prev_hash(), events[0].hash());
  EXPECT_EQ(log_->Head("kolenkit").hash, events[1].hash());
  VerifyReport report = log_->Verify("kolenkit");
  EXPECT_TRUE(report.ok()) << report.problem;
  EXPECT_EQ(report.events, 2u);
}

TEST_P(EventLogContract, AnAppendOverSeveralStreamsIsAllOrNothing) {
  ASSERT_TRUE(Append({To("p/clash/c", {Proposed("c0")})}).ok());
  AppendResult refused =
      Append({To("p/initiative/a", {Proposed("a0")}, ExpectedVersion::NoStream()),
              To("p/clash/c", {Proposed("c1")}, ExpectedVersion::Exact(5))});
  EXPECT_EQ(refused.status.code(), codes::kWrongExpectedVersion);
  EXPECT_EQ(refused.stream_version, std::optional<uint64_t>(0));
  EXPECT_EQ(log_->Head("p").position, 1u);
  EXPECT_EQ(log_->StreamVersion("p/initiative/a").value(), std::nullopt);

  AppendResult two_platforms =
      Append({To("p/initiative/a", {Proposed("a0")}), To("q/initiative/a", {Proposed("q0")})});
  EXPECT_EQ(two_platforms.status.code(), codes::kInvalidArgument);
  EXPECT_TRUE(log_->Platforms() == std::vector<std::string>{"p"});

  AppendResult both = Append({To("p/initiative/a", {Proposed("a0")}, ExpectedVersion::NoStream()),
                              To("p/clash/c", {Proposed("c1")}, ExpectedVersion::Exact(0))});
  ASSERT_TRUE(both.ok()) << both.status.ToString();
  EXPECT_EQ(both.positions, (std::vector<uint64_t>{2, 3}));
}

TEST_P(EventLogContract, TheExpectedPlatformPositionIsChecked) {
  ASSERT_TRUE(Append({To("p/initiative/a", {Proposed("a0")})}).ok());
  AppendOptions stale;
  stale.expected_position = 0;
  EXPECT_EQ(Append({To("p/initiative/b", {Proposed("b0")})}, stale).status.code(),
            codes::kWrongExpectedVersion);
  AppendOptions current;
  current.expected_position = 1;
  EXPECT_TRUE(Append({To("p/initiative/b", {Proposed("b0")})}, current).ok());
  EXPECT_EQ(log_->Head("p").position, 2u);
}

TEST_P(EventLogContract, ARetryWithTheSameIdsReturnsTheOriginalPositionsAndWritesNothing) {
  ASSERT_TRUE(Append({To("p/initiative/a", {Proposed("a0"), Proposed("a1")})}).ok());
  ASSERT_TRUE(Append({To("p/initiative/b", {Proposed("b0")})}).ok());
  AppendResult retry =
      Append({To("p/initiative/a", {Proposed("a0"), Proposed("a1")}, ExpectedVersion::NoStream())});
  ASSERT_TRUE(retry.ok()) << retry.status.ToString();
  EXPECT_TRUE(retry.idempotent_replay);
  EXPECT_EQ(retry.positions, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(log_->Head("p").position, 3u);
}

TEST_P(EventLogContract, AsyncAppendsCompleteOnceEachAndEveryAcknowledgedOneIsThereAfterReopen) {
  // One thread keeps 64 appends in flight over 20 platforms: none of them waits for the disk.
  constexpr int kAppends = 2000, kInFlight = 64, kPlatforms = 20;
  std::mutex mu;
  std::condition_variable changed;
  int outstanding = 0, completed = 0;
  std::map<std::string, std::set<uint64_t>> acknowledged;
  std::vector<std::string> failures;
  for (int n = 0; n < kAppends; ++n) {
    {
      std::unique_lock lock(mu);
      changed.wait(lock, [&] { return outstanding < kInFlight; });
      ++outstanding;
    }
    const std::string platform = "p" + std::to_string(n % kPlatforms);
    std::vector<StreamAppend> append;
    append.push_back(To(platform + "/initiative/" + std::to_string(n % 7),
                        {Proposed(platform + ":" + std::to_string(n))}));
    log_->AppendAsync(std::move(append), {}, [&, platform](AppendResult result) {
      std::lock_guard lock(mu);
      if (result.ok()) {
        for (uint64_t position : result.positions) acknowledged[platform].insert(position);
      } else {
        failures.push_back(result.status.ToString());
      }
      --outstanding;
      ++completed;
      changed.notify_all();
    });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(60), [&] { return outstanding == 0; }));
  }
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(completed, kAppends);

  Reopen();
  ASSERT_EQ(log_->Platforms().size(), static_cast<size_t>(kPlatforms));
  for (const auto& [platform, positions] : acknowledged) {
    SCOPED_TRACE(platform);
    ASSERT_EQ(positions.size(), static_cast<size_t>(kAppends / kPlatforms));
    EXPECT_EQ(*positions.begin(), 1u);
    EXPECT_EQ(*positions.rbegin(), positions.size());  // 1..N, each once: gap-free
    EXPECT_EQ(log_->Head(platform).position, positions.size());
    EXPECT_TRUE(log_->Verify(platform).ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLogContract, ::testing::Values(kEmbedded),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return backend.param.name;
                         });

}  // namespace
}  // namespace rotonde::eventstore
