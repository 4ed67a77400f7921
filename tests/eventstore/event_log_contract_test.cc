// The EventLog contract (event_log.h), through the interface only, for every backend: a second
// backend joins by one more entry in Backends() (log_fixture.h) and must pass the same suite.
// The contract under concurrency (many writers, subscribers, the live feed) is in
// concurrency_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "log_fixture.h"
#include "rotonde/base/hex.h"

namespace rotonde::eventstore {
namespace {

NewEvent Proposed(std::string id) {
  return NewEvent{std::move(id), "test.Proposed", "payload", "m-tester", "c-1"};
}

StreamAppend To(std::string stream, std::vector<NewEvent> events,
                ExpectedVersion expected = ExpectedVersion::Any()) {
  return StreamAppend{std::move(stream), expected, std::move(events)};
}

AppendResult Append(EventLog& log, std::vector<StreamAppend> appends, AppendOptions options = {}) {
  return log.AppendAll(std::move(appends), options);
}

std::vector<uint64_t> PositionsOf(EventLog& log, const std::string& platform) {
  std::vector<EventRecord> events;
  EXPECT_TRUE(log.Read(platform, 0, SIZE_MAX, &events).ok());
  std::vector<uint64_t> positions;
  for (const EventRecord& e : events) positions.push_back(e.position());
  return positions;
}

TEST_P(EventLogContract, EachPlatformHasItsOwnGapFreePositionsFromOne) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        Append(*log_, {To("kolenkit/initiative/a", {Proposed("k" + std::to_string(i))})}).ok());
    ASSERT_TRUE(
        Append(*log_, {To("noord/initiative/a", {Proposed("n" + std::to_string(i))})}).ok());
  }
  AppendResult two = Append(*log_, {To("noord/task/t", {Proposed("n3"), Proposed("n4")})});
  ASSERT_TRUE(two.ok()) << two.status.ToString();
  EXPECT_EQ(two.positions, (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(PositionsOf(*log_, "kolenkit"), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(PositionsOf(*log_, "noord"), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
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
  ASSERT_TRUE(Append(*log_, {To("kolenkit/initiative/a", {Proposed("k0"), Proposed("k1")})}).ok());
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
  ASSERT_TRUE(Append(*log_, {To("p/clash/c", {Proposed("c0")})}).ok());
  AppendResult refused =
      Append(*log_, {To("p/initiative/a", {Proposed("a0")}, ExpectedVersion::NoStream()),
                     To("p/clash/c", {Proposed("c1")}, ExpectedVersion::Exact(5))});
  EXPECT_EQ(refused.status.code(), codes::kWrongExpectedVersion);
  EXPECT_EQ(refused.stream_version, std::optional<uint64_t>(0));
  EXPECT_EQ(log_->Head("p").position, 1u);
  EXPECT_EQ(log_->StreamVersion("p/initiative/a").value(), std::nullopt);

  AppendResult two_platforms = Append(
      *log_, {To("p/initiative/a", {Proposed("a0")}), To("q/initiative/a", {Proposed("q0")})});
  EXPECT_EQ(two_platforms.status.code(), codes::kInvalidArgument);
  EXPECT_TRUE(log_->Platforms() == std::vector<std::string>{"p"});

  AppendResult both =
      Append(*log_, {To("p/initiative/a", {Proposed("a0")}, ExpectedVersion::NoStream()),
                     To("p/clash/c", {Proposed("c1")}, ExpectedVersion::Exact(0))});
  ASSERT_TRUE(both.ok()) << both.status.ToString();
  EXPECT_EQ(both.positions, (std::vector<uint64_t>{2, 3}));
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

TEST_P(EventLogContract, AppendAssignsGapFreePositionsAndStreamVersions) {
  auto a =
      log_->Append("kbuurt/initiative/1", ExpectedVersion::NoStream(), {Event("a"), Event("b")});
  ASSERT_TRUE(a.ok()) << a.status.ToString();
  EXPECT_EQ(a.positions, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(a.stream_version, 1u);
  auto b = log_->Append("kbuurt/task/7", ExpectedVersion::Any(), {Event("c")});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.positions, (std::vector<uint64_t>{3}));
  EXPECT_EQ(b.stream_version, 0u);

  auto all = All("kbuurt");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id(), "a");
  EXPECT_EQ(all[1].version(), 1u);
  EXPECT_EQ(all[2].stream(), "kbuurt/task/7");
  EXPECT_EQ(all[2].actor(), "tester");
  EXPECT_EQ(all[2].correlation_id(), "corr");
  EXPECT_GT(all[2].recorded_at().seconds(), 1'700'000'000);
  EXPECT_EQ(log_->Head("kbuurt").position, 3u);
}

TEST_P(EventLogContract, ExpectedVersionNoStream) {
  ASSERT_TRUE(AppendOne("p/s/1", "a", ExpectedVersion::NoStream()).ok());
  auto again = AppendOne("p/s/1", "b", ExpectedVersion::NoStream());
  EXPECT_EQ(again.status.code(), codes::kWrongExpectedVersion);
  EXPECT_EQ(again.stream_version, 0u);
  EXPECT_EQ(log_->Head("p").position, 1u);
}

TEST_P(EventLogContract, ExpectedVersionExactMismatchCarriesCurrentVersionAndWritesNothing) {
  ASSERT_TRUE(
      log_->Append("p/s/1", ExpectedVersion::Any(), {Event("a"), Event("b"), Event("c")}).ok());
  auto stale = AppendOne("p/s/1", "d", ExpectedVersion::Exact(1));
  EXPECT_EQ(stale.status.code(), codes::kWrongExpectedVersion);
  EXPECT_EQ(stale.stream_version, 2u);
  EXPECT_NE(stale.status.message().find("version 2"), std::string::npos) << stale.status.message();
  EXPECT_EQ(log_->Head("p").position, 3u);

  auto missing = AppendOne("p/s/none", "e", ExpectedVersion::Exact(0));
  EXPECT_EQ(missing.status.code(), codes::kWrongExpectedVersion);
  EXPECT_FALSE(missing.stream_version.has_value());

  auto right = AppendOne("p/s/1", "d", ExpectedVersion::Exact(2));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right.stream_version, 3u);
  // The id "d" of the failed append was not consumed by it.
  EXPECT_EQ(right.positions, (std::vector<uint64_t>{4}));
}

TEST_P(EventLogContract, ExpectedVersionAnyAppendsWhateverTheVersion) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  ASSERT_TRUE(AppendOne("p/s/1", "b").ok());
  EXPECT_EQ(*log_->StreamVersion("p/s/1").value(), 1u);
  EXPECT_FALSE(log_->StreamVersion("p/s/2").value().has_value());
}

TEST_P(EventLogContract, RetryOfStoredIdsReturnsOriginalPositionsAndWritesNothing) {
  auto first = log_->Append("p/s/1", ExpectedVersion::NoStream(), {Event("a"), Event("b")});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(AppendOne("p/s/1", "c").ok());
  const HeadInfo before = log_->Head("p");

  // The retry carries the stale expected version of the original call: it still succeeds.
  auto retry = log_->Append("p/s/1", ExpectedVersion::NoStream(), {Event("a"), Event("b")});
  ASSERT_TRUE(retry.ok()) << retry.status.ToString();
  EXPECT_TRUE(retry.idempotent_replay);
  EXPECT_EQ(retry.positions, first.positions);
  EXPECT_EQ(log_->Head("p").position, before.position);
  EXPECT_EQ(log_->Head("p").hash, before.hash);
  EXPECT_EQ(log_->GetStats().idempotent_replays, 1u);
}

TEST_P(EventLogContract, MixedStoredAndNewIdsIsAConflictAndWritesNothing) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto mixed = log_->Append("p/s/1", ExpectedVersion::Any(), {Event("a"), Event("new")});
  EXPECT_EQ(mixed.status.code(), codes::kIdConflict);
  EXPECT_EQ(log_->Head("p").position, 1u);
  // "new" was not written: it can be appended on its own.
  EXPECT_EQ(AppendOne("p/s/1", "new").positions, (std::vector<uint64_t>{2}));
}

TEST_P(EventLogContract, StoredIdForADifferentEventIsAConflict) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto other_stream = AppendOne("p/s/2", "a");
  EXPECT_EQ(other_stream.status.code(), codes::kIdConflict);
  auto other_payload = log_->Append("p/s/1", ExpectedVersion::Any(), {Event("a", "changed")});
  EXPECT_EQ(other_payload.status.code(), codes::kIdConflict);
  EXPECT_EQ(log_->Head("p").position, 1u);
}

TEST_P(EventLogContract, BadInputIsRejectedWithAClearCodeAndWritesNothing) {
  ASSERT_TRUE(AppendOne("p/s/1", "seed").ok());
  struct Case {
    std::string name;
    std::string stream;
    std::vector<NewEvent> events;
    std::string_view code;
  };
  std::vector<Case> cases = {
      {"empty stream", "", {Event("x1")}, codes::kInvalidArgument},
      {"space in stream", "p/s 1", {Event("x2")}, codes::kInvalidArgument},
      {"control char in stream", std::string("p/s\x01"), {Event("x3")}, codes::kInvalidArgument},
      {"non-ASCII stream", "p/straße", {Event("x4")}, codes::kInvalidArgument},
      {"stream too long",
       std::string(kMaxStreamNameBytes + 1, 's'),
       {Event("x5")},
       codes::kInvalidArgument},
      {"no events", "p/s/1", {}, codes::kInvalidArgument},
      {"empty id in the middle",
       "p/s/1",
       {Event("x6"), Event(""), Event("x7")},
       codes::kInvalidArgument},
      {"empty type", "p/s/1", {Event("x8", "p", "")}, codes::kInvalidArgument},
      {"id repeated in batch", "p/s/1", {Event("x9"), Event("x9")}, codes::kInvalidArgument},
      {"id too long",
       "p/s/1",
       {Event(std::string(kMaxEventIdBytes + 1, 'i'))},
       codes::kInvalidArgument},
      {"oversize event",
       "p/s/1",
       {Event("x10"), Event("x11", std::string(kMaxEventBytes, 'z'))},
       codes::kTooLarge},
  };
  for (auto& c : cases) {
    auto result = log_->Append(c.stream, ExpectedVersion::Any(), std::move(c.events));
    EXPECT_EQ(result.status.code(), c.code) << c.name << ": " << result.status.ToString();
    EXPECT_FALSE(result.status.message().empty()) << c.name;
  }
  std::vector<NewEvent> too_many;
  for (size_t i = 0; i <= kMaxEventsPerAppend; ++i)
    too_many.push_back(Event("m" + std::to_string(i)));
  EXPECT_EQ(log_->Append("p/s/1", ExpectedVersion::Any(), std::move(too_many)).status.code(),
            codes::kTooLarge);
  EXPECT_EQ(log_->Head("p").position, 1u);
  EXPECT_EQ(All().size(), 1u);
}

TEST_P(EventLogContract, AnAppendIsAtomicAcrossManyEvents) {
  std::vector<NewEvent> events;
  for (int i = 0; i < 500; ++i) events.push_back(Event("e" + std::to_string(i)));
  ASSERT_TRUE(log_->Append("p/s/1", ExpectedVersion::NoStream(), std::move(events)).ok());
  Reopen();
  std::vector<EventRecord> stream;
  ASSERT_TRUE(log_->ReadStream("p/s/1", 0, SIZE_MAX, &stream).ok());
  ASSERT_EQ(stream.size(), 500u);
  for (uint64_t v = 0; v < 500; ++v) EXPECT_EQ(stream[v].version(), v);
}

TEST_P(EventLogContract, AppendAllIsOneAtomicAppendAcrossStreams) {
  ASSERT_TRUE(AppendOne("p/clash/1", "c0").ok());
  std::vector<StreamAppend> merge = {
      {"p/clash/1", ExpectedVersion::Exact(0), {Event("m1"), Event("m2")}},
      {"p/initiative/a", ExpectedVersion::NoStream(), {Event("m3")}},
      {"p/task/t", ExpectedVersion::Any(), {Event("m4")}},
  };
  auto result = log_->AppendAll(merge);
  ASSERT_TRUE(result.ok()) << result.status.ToString();
  EXPECT_EQ(result.positions, (std::vector<uint64_t>{2, 3, 4, 5}));
  auto all = All();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2].stream(), "p/clash/1");
  EXPECT_EQ(all[2].version(), 2u);
  EXPECT_EQ(all[3].stream(), "p/initiative/a");
  EXPECT_EQ(all[3].version(), 0u);

  // Retried whole: the original positions, nothing written.
  auto retry = log_->AppendAll(merge);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry.idempotent_replay);
  EXPECT_EQ(retry.positions, result.positions);

  // One part's expected version fails: no part is written.
  auto stale = log_->AppendAll({
      {"p/other/1", ExpectedVersion::Any(), {Event("n1")}},
      {"p/initiative/a", ExpectedVersion::NoStream(), {Event("n2")}},
  });
  EXPECT_EQ(stale.status.code(), codes::kWrongExpectedVersion);
  EXPECT_NE(stale.status.message().find("p/initiative/a"), std::string::npos);
  EXPECT_EQ(stale.stream_version, 0u);
  EXPECT_EQ(log_->Head("p").position, 5u);
  EXPECT_FALSE(log_->StreamVersion("p/other/1").value().has_value());

  EXPECT_EQ(log_->AppendAll({{"p/x/1", ExpectedVersion::Any(), {Event("d1")}},
                             {"p/x/1", ExpectedVersion::Any(), {Event("d2")}}})
                .status.code(),
            codes::kInvalidArgument);
  EXPECT_EQ(log_->AppendAll({{"p/x/1", ExpectedVersion::Any(), {Event("e1")}},
                             {"p/x/2", ExpectedVersion::Any(), {Event("e1")}}})
                .status.code(),
            codes::kInvalidArgument);
  EXPECT_EQ(log_->AppendAll({}).status.code(), codes::kInvalidArgument);
  EXPECT_TRUE(log_->Verify("p").ok());
}

TEST_P(EventLogContract, AStartedAppendIsPreparedThenDurable) {
  ASSERT_TRUE(AppendOne("p/task/1", "t0").ok());
  // Three appends, each deciding its expected version from the one before, before any waits
  // for the disk: each sees the prepared ones before it.
  std::vector<std::unique_ptr<PendingAppend>> pending;
  uint64_t version = 0;
  for (int i = 1; i <= 3; ++i) {
    pending.push_back(log_->StartAppendAll(
        {{"p/task/1",
          ExpectedVersion::Exact(version),
          {Event("t" + std::to_string(i) + "a"), Event("t" + std::to_string(i) + "b")}},
         {"p/log/" + std::to_string(i),
          ExpectedVersion::NoStream(),
          {Event("l" + std::to_string(i))}}}));
    const AppendResult& prepared = pending.back()->Prepared();
    ASSERT_TRUE(prepared.ok()) << prepared.status.ToString();
    EXPECT_EQ(prepared.positions.front(), 2u + 3u * (i - 1));
    ASSERT_EQ(pending.back()->records().size(), 3u);
    version = pending.back()->records()[1]->version();
    EXPECT_EQ(version, 2u * i);
  }
  // A conflicting one is refused at once, and for good.
  auto stale = log_->StartAppendAll({{"p/task/1", ExpectedVersion::Exact(0), {Event("x")}}});
  EXPECT_EQ(stale->Prepared().status.code(), codes::kWrongExpectedVersion);
  EXPECT_TRUE(stale->records().empty());
  EXPECT_EQ(stale->Wait().status.code(), codes::kWrongExpectedVersion);

  std::vector<EventRecord> expected;
  for (auto& append : pending) {
    AppendResult durable = append->Wait();
    ASSERT_TRUE(durable.ok()) << durable.status.ToString();
    EXPECT_EQ(durable.positions, append->Prepared().positions);
    for (const auto& record : append->records()) expected.push_back(*record);
  }
  // What was prepared is exactly what is stored.
  auto all = All();
  ASSERT_EQ(all.size(), 10u);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(all[i + 1].SerializeAsString(), expected[i].SerializeAsString()) << i;
  }
  EXPECT_TRUE(log_->Verify("p").ok());

  // A replay prepares as a replay, with no records; bad input and a closed store are
  // refused before queueing.
  auto replay =
      log_->StartAppendAll({{"p/task/1", ExpectedVersion::Any(), {Event("t1a"), Event("t1b")}},
                            {"p/log/1", ExpectedVersion::Any(), {Event("l1")}}});
  EXPECT_TRUE(replay->Prepared().idempotent_replay);
  EXPECT_TRUE(replay->records().empty());
  EXPECT_EQ(replay->Wait().positions, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(log_->StartAppendAll({})->Prepared().status.code(), codes::kInvalidArgument);
  log_->Close();
  auto closed = log_->StartAppendAll({{"p/task/1", ExpectedVersion::Any(), {Event("y")}}});
  EXPECT_EQ(closed->Prepared().status.code(), codes::kClosed);
  EXPECT_EQ(closed->Wait().status.code(), codes::kClosed);
}

TEST_P(EventLogContract, ReadsAreOrderedAndBoundedPerPlatform) {
  for (int i = 0; i < 30; ++i) {
    const std::string platform = i % 3 == 0 ? "oost" : "west";
    ASSERT_TRUE(AppendOne(platform + "/s/" + std::to_string(i % 2), "e" + std::to_string(i)).ok());
  }
  std::vector<EventRecord> page;
  ASSERT_TRUE(log_->Read("west", 10, 5, &page).ok());
  ASSERT_EQ(page.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(page[i].position(), 11 + i);
  for (const auto& e : page) EXPECT_EQ(PlatformOf(e.stream()), "west");
  ASSERT_TRUE(log_->Read("west", 18, 100, &page).ok());
  EXPECT_EQ(page.size(), 2u);
  ASSERT_TRUE(log_->Read("west", 20, 100, &page).ok());
  EXPECT_TRUE(page.empty());

  ASSERT_TRUE(log_->Read("oost", 0, SIZE_MAX, &page).ok());
  ASSERT_EQ(page.size(), 10u);
  for (size_t i = 0; i < page.size(); ++i) {
    EXPECT_EQ(PlatformOf(page[i].stream()), "oost");
    EXPECT_EQ(page[i].position(), i + 1);  // each platform counts from 1, without gaps
  }
  ASSERT_TRUE(log_->Read("oost", 4, 3, &page).ok());
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].position(), 5u);
  // A platform whose name is a prefix of another's does not see the other's events.
  ASSERT_TRUE(log_->Read("oo", 0, SIZE_MAX, &page).ok());
  EXPECT_TRUE(page.empty());
  EXPECT_EQ(log_->Head("oo").position, 0u);
  EXPECT_EQ(log_->Platforms(), (std::vector<std::string>{"oost", "west"}));

  ASSERT_TRUE(log_->ReadStream("west/s/1", 3, 2, &page).ok());
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].version(), 3u);
  EXPECT_EQ(page[1].version(), 4u);
  EXPECT_EQ(page[0].stream(), "west/s/1");
}

TEST_P(EventLogContract, EachPlatformHasItsOwnChainFromAGenesisBoundToItsId) {
  EXPECT_NE(GenesisHash("oost"), GenesisHash("west"));
  EXPECT_EQ(GenesisHash("oost").size(), 32u);
  EXPECT_EQ(log_->Head("oost").hash, GenesisHash("oost"));  // an empty log's head
  for (int i = 0; i < 12; ++i) {
    const std::string platform = i % 2 ? "oost" : "west";
    ASSERT_TRUE(AppendOne(platform + "/s/1", "e" + std::to_string(i)).ok());
  }
  for (const std::string platform : {"oost", "west"}) {
    auto events = All(platform);
    ASSERT_EQ(events.size(), 6u);
    std::string prev = GenesisHash(platform);
    for (const auto& e : events) {
      EXPECT_EQ(e.prev_hash(), prev) << platform << " " << e.position();
      EXPECT_EQ(ComputeEventHash(e), e.hash());
      prev = e.hash();
    }
    EXPECT_EQ(log_->Head(platform).hash, prev);
    EXPECT_EQ(log_->Verify(platform).head.hash, prev);
  }
  // One append writes to one platform.
  auto both = log_->AppendAll({{"oost/s/2", ExpectedVersion::Any(), {Event("x1")}},
                               {"west/s/2", ExpectedVersion::Any(), {Event("x2")}}});
  EXPECT_EQ(both.status.code(), codes::kInvalidArgument);
  EXPECT_EQ(log_->Head("oost").position, 6u);
}

TEST_P(EventLogContract, AnExpectedPositionFencesThePlatformsLog) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  AppendOptions at_one;
  at_one.expected_position = 1;
  auto next =
      log_->AppendAll({{"p/s/2", ExpectedVersion::Any(), {Event("b"), Event("c")}}}, at_one);
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_EQ(next.positions, (std::vector<uint64_t>{2, 3}));
  // The same expectation again is stale now: nothing is written.
  auto stale = log_->AppendAll({{"p/s/2", ExpectedVersion::Any(), {Event("d")}}}, at_one);
  EXPECT_EQ(stale.status.code(), codes::kWrongExpectedVersion);
  EXPECT_NE(stale.status.message().find("position 3"), std::string::npos) << stale.status.message();
  EXPECT_EQ(log_->Head("p").position, 3u);
  // Another platform's position is its own.
  AppendOptions at_zero;
  at_zero.expected_position = 0;
  EXPECT_TRUE(log_->AppendAll({{"q/s/1", ExpectedVersion::Any(), {Event("e")}}}, at_zero).ok());
}

TEST_P(EventLogContract, AnAsyncAppendCompletesByItsCallbackOnceDurable) {
  struct Outcome {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<AppendResult> results;
  } outcome;
  auto done = [&](AppendResult result) {
    std::lock_guard lock(outcome.mu);
    outcome.results.push_back(std::move(result));
    outcome.cv.notify_all();
  };
  for (int i = 0; i < 20; ++i) {
    log_->AppendAsync({{"p/s/" + std::to_string(i % 3),
                        ExpectedVersion::Any(),
                        {Event("a" + std::to_string(i))}}},
                      {}, done);
  }
  log_->AppendAsync({}, {}, done);  // refused: answered at once, still through the callback
  std::unique_lock lock(outcome.mu);
  ASSERT_TRUE(outcome.cv.wait_for(lock, std::chrono::seconds(30),
                                  [&] { return outcome.results.size() == 21; }));
  size_t refused = 0;
  std::vector<uint64_t> positions;
  for (const auto& result : outcome.results) {
    if (!result.ok()) {
      EXPECT_EQ(result.status.code(), codes::kInvalidArgument);
      ++refused;
      continue;
    }
    // Called once durable: what it names can be read.
    EXPECT_LE(result.positions[0], log_->Head("p").position);
    positions.push_back(result.positions[0]);
  }
  EXPECT_EQ(refused, 1u);
  std::sort(positions.begin(), positions.end());
  for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], i + 1);
}

TEST_P(EventLogContract, HashChainLinksEveryEventAndSurvivesReopen) {
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(AppendOne("p/s/" + std::to_string(i % 4), "e" + std::to_string(i)).ok());
  Reopen();
  for (int i = 20; i < 25; ++i)
    ASSERT_TRUE(AppendOne("p/s/" + std::to_string(i % 4), "e" + std::to_string(i)).ok());
  auto all = All();
  ASSERT_EQ(all.size(), 25u);
  std::string prev = GenesisHash("p");
  for (const auto& e : all) {
    EXPECT_EQ(e.prev_hash(), prev) << e.position();
    EXPECT_EQ(e.hash().size(), 32u);
    EXPECT_EQ(ComputeEventHash(e), e.hash()) << e.position();
    prev = e.hash();
  }
  // Versions continue across the reopen, when the stream-version cache is cold.
  EXPECT_EQ(all[24].version(), 6u);
  VerifyReport report = log_->Verify("p");
  EXPECT_TRUE(report.ok()) << report.problem;
  EXPECT_EQ(report.events, 25u);
  EXPECT_EQ(report.head.hash, prev);
  EXPECT_EQ(log_->Head("p").hash, prev);
}

TEST_P(EventLogContract, ImportContinuesTheLogExactly) {
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(AppendOne("p/s/" + std::to_string(i % 3), "e" + std::to_string(i)).ok());
  auto original = All();
  test_support::TempDir other;
  auto target = OpenOther(other);
  ASSERT_NE(target, nullptr);
  auto& copy = *target;
  ASSERT_TRUE(copy.Import("p", {original.begin(), original.begin() + 25}).ok());
  ASSERT_TRUE(copy.Import("p", {original.begin() + 25, original.end()}).ok());
  std::vector<EventRecord> imported;
  ASSERT_TRUE(copy.Read("p", 0, SIZE_MAX, &imported).ok());
  ASSERT_EQ(imported.size(), original.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(imported[i].SerializeAsString(), original[i].SerializeAsString()) << i;
  }
  EXPECT_TRUE(copy.Verify("p").ok());
  // Appends continue the imported chain and versions.
  auto next = copy.Append("p/s/0", ExpectedVersion::Exact(13), {Event("after")});
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_EQ(next.positions, (std::vector<uint64_t>{41}));
}

TEST_P(EventLogContract, ImportRefusesRecordsThatDoNotContinueTheLog) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  auto original = All();
  test_support::TempDir other;
  auto target = OpenOther(other);
  ASSERT_NE(target, nullptr);
  auto& copy = *target;

  auto altered = original;
  altered[3].set_payload("rewritten history");
  EXPECT_EQ(copy.Import("p", altered).code(), codes::kInvalidArgument);
  EXPECT_EQ(copy.Head("p").position, 0u);  // all or nothing

  EXPECT_EQ(copy.Import("p", {original.begin() + 1, original.end()}).code(),
            codes::kInvalidArgument);
  ASSERT_TRUE(copy.Import("p", {original.begin(), original.begin() + 2}).ok());
  EXPECT_EQ(copy.Import("p", {original.begin(), original.begin() + 2}).code(),
            codes::kInvalidArgument);
  EXPECT_EQ(copy.Head("p").position, 2u);
}

TEST_P(EventLogContract, AClosedStoreRefusesWorkClearly) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto subscription = log_->Subscribe("p", 1);
  log_->Close();
  EXPECT_EQ(AppendOne("p/s/1", "b").status.code(), codes::kClosed);
  std::vector<EventRecord> out;
  EXPECT_EQ(log_->Read("p", 0, 10, &out).code(), codes::kClosed);
  EXPECT_EQ(subscription->Next(&out, 10, std::chrono::seconds(5)).code(), codes::kClosed);
  subscription.reset();
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLogContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return backend.param.name;
                         });

}  // namespace
}  // namespace rotonde::eventstore
