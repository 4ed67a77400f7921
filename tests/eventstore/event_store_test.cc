// The event store's contracts, one by one, on a real RocksDB in a temp dir.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "raw_store.h"
#include "rotonde/base/hex.h"
#include "store_fixture.h"

namespace rotonde::eventstore {
namespace {

TEST_F(StoreTest, AppendAssignsGapFreePositionsAndStreamVersions) {
  auto a =
      store_->Append("kbuurt/initiative/1", ExpectedVersion::NoStream(), {Event("a"), Event("b")});
  ASSERT_TRUE(a.ok()) << a.status.ToString();
  EXPECT_EQ(a.positions, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(a.stream_version, 1u);
  auto b = store_->Append("kbuurt/task/7", ExpectedVersion::Any(), {Event("c")});
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
  EXPECT_EQ(store_->Head("kbuurt").position, 3u);
}

TEST_F(StoreTest, ExpectedVersionNoStream) {
  ASSERT_TRUE(AppendOne("p/s/1", "a", ExpectedVersion::NoStream()).ok());
  auto again = AppendOne("p/s/1", "b", ExpectedVersion::NoStream());
  EXPECT_EQ(again.status.code(), codes::kWrongExpectedVersion);
  EXPECT_EQ(again.stream_version, 0u);
  EXPECT_EQ(store_->Head("p").position, 1u);
}

TEST_F(StoreTest, ExpectedVersionExactMismatchCarriesCurrentVersionAndWritesNothing) {
  ASSERT_TRUE(
      store_->Append("p/s/1", ExpectedVersion::Any(), {Event("a"), Event("b"), Event("c")}).ok());
  auto stale = AppendOne("p/s/1", "d", ExpectedVersion::Exact(1));
  EXPECT_EQ(stale.status.code(), codes::kWrongExpectedVersion);
  EXPECT_EQ(stale.stream_version, 2u);
  EXPECT_NE(stale.status.message().find("version 2"), std::string::npos) << stale.status.message();
  EXPECT_EQ(store_->Head("p").position, 3u);

  auto missing = AppendOne("p/s/none", "e", ExpectedVersion::Exact(0));
  EXPECT_EQ(missing.status.code(), codes::kWrongExpectedVersion);
  EXPECT_FALSE(missing.stream_version.has_value());

  auto right = AppendOne("p/s/1", "d", ExpectedVersion::Exact(2));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right.stream_version, 3u);
  // The id "d" of the failed append was not consumed by it.
  EXPECT_EQ(right.positions, (std::vector<uint64_t>{4}));
}

TEST_F(StoreTest, ExpectedVersionAnyAppendsWhateverTheVersion) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  ASSERT_TRUE(AppendOne("p/s/1", "b").ok());
  EXPECT_EQ(*store_->StreamVersion("p/s/1").value(), 1u);
  EXPECT_FALSE(store_->StreamVersion("p/s/2").value().has_value());
}

TEST(ExpectedVersionTest, ParsesTheThreeFormsAndRejectsOthers) {
  EXPECT_EQ(ExpectedVersion::Parse("any")->kind(), ExpectedVersion::Kind::kAny);
  EXPECT_EQ(ExpectedVersion::Parse("no_stream")->kind(), ExpectedVersion::Kind::kNoStream);
  auto exact = ExpectedVersion::Parse("42");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->kind(), ExpectedVersion::Kind::kExact);
  EXPECT_EQ(exact->version(), 42u);
  for (const char* bad : {"", "-1", "4x", "ANY", "nostream", "99999999999999999999999"}) {
    auto parsed = ExpectedVersion::Parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), codes::kInvalidArgument) << bad;
  }
}

TEST_F(StoreTest, RetryOfStoredIdsReturnsOriginalPositionsAndWritesNothing) {
  auto first = store_->Append("p/s/1", ExpectedVersion::NoStream(), {Event("a"), Event("b")});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(AppendOne("p/s/1", "c").ok());
  const HeadInfo before = store_->Head("p");

  // The retry carries the stale expected version of the original call: it still succeeds.
  auto retry = store_->Append("p/s/1", ExpectedVersion::NoStream(), {Event("a"), Event("b")});
  ASSERT_TRUE(retry.ok()) << retry.status.ToString();
  EXPECT_TRUE(retry.idempotent_replay);
  EXPECT_EQ(retry.positions, first.positions);
  EXPECT_EQ(store_->Head("p").position, before.position);
  EXPECT_EQ(store_->Head("p").hash, before.hash);
  EXPECT_EQ(store_->GetStats().idempotent_replays, 1u);
}

TEST_F(StoreTest, StatsSayWhatTheStoreHoldsInMemory) {
  const Stats empty = store_->GetStats();
  EXPECT_EQ(empty.recent_events, 0u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  const Stats after = store_->GetStats();
  EXPECT_EQ(after.recent_events, 3u);  // every committed event, for live readers
  EXPECT_GT(after.memtable_bytes, empty.memtable_bytes);
  EXPECT_LE(after.block_cache_bytes, uint64_t{64} << 20);
}

TEST_F(StoreTest, MixedStoredAndNewIdsIsAConflictAndWritesNothing) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto mixed = store_->Append("p/s/1", ExpectedVersion::Any(), {Event("a"), Event("new")});
  EXPECT_EQ(mixed.status.code(), codes::kIdConflict);
  EXPECT_EQ(store_->Head("p").position, 1u);
  // "new" was not written: it can be appended on its own.
  EXPECT_EQ(AppendOne("p/s/1", "new").positions, (std::vector<uint64_t>{2}));
}

TEST_F(StoreTest, StoredIdForADifferentEventIsAConflict) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto other_stream = AppendOne("p/s/2", "a");
  EXPECT_EQ(other_stream.status.code(), codes::kIdConflict);
  auto other_payload = store_->Append("p/s/1", ExpectedVersion::Any(), {Event("a", "changed")});
  EXPECT_EQ(other_payload.status.code(), codes::kIdConflict);
  EXPECT_EQ(store_->Head("p").position, 1u);
}

TEST_F(StoreTest, BadInputIsRejectedWithAClearCodeAndWritesNothing) {
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
    auto result = store_->Append(c.stream, ExpectedVersion::Any(), std::move(c.events));
    EXPECT_EQ(result.status.code(), c.code) << c.name << ": " << result.status.ToString();
    EXPECT_FALSE(result.status.message().empty()) << c.name;
  }
  std::vector<NewEvent> too_many;
  for (size_t i = 0; i <= kMaxEventsPerAppend; ++i)
    too_many.push_back(Event("m" + std::to_string(i)));
  EXPECT_EQ(store_->Append("p/s/1", ExpectedVersion::Any(), std::move(too_many)).status.code(),
            codes::kTooLarge);
  EXPECT_EQ(store_->Head("p").position, 1u);
  EXPECT_EQ(All().size(), 1u);
}

TEST_F(StoreTest, AnAppendIsAtomicAcrossManyEvents) {
  std::vector<NewEvent> events;
  for (int i = 0; i < 500; ++i) events.push_back(Event("e" + std::to_string(i)));
  ASSERT_TRUE(store_->Append("p/s/1", ExpectedVersion::NoStream(), std::move(events)).ok());
  Reopen();
  std::vector<EventRecord> stream;
  ASSERT_TRUE(store_->ReadStream("p/s/1", 0, SIZE_MAX, &stream).ok());
  ASSERT_EQ(stream.size(), 500u);
  for (uint64_t v = 0; v < 500; ++v) EXPECT_EQ(stream[v].version(), v);
}

TEST_F(StoreTest, AppendAllIsOneAtomicAppendAcrossStreams) {
  ASSERT_TRUE(AppendOne("p/clash/1", "c0").ok());
  std::vector<StreamAppend> merge = {
      {"p/clash/1", ExpectedVersion::Exact(0), {Event("m1"), Event("m2")}},
      {"p/initiative/a", ExpectedVersion::NoStream(), {Event("m3")}},
      {"p/task/t", ExpectedVersion::Any(), {Event("m4")}},
  };
  auto result = store_->AppendAll(merge);
  ASSERT_TRUE(result.ok()) << result.status.ToString();
  EXPECT_EQ(result.positions, (std::vector<uint64_t>{2, 3, 4, 5}));
  auto all = All();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[2].stream(), "p/clash/1");
  EXPECT_EQ(all[2].version(), 2u);
  EXPECT_EQ(all[3].stream(), "p/initiative/a");
  EXPECT_EQ(all[3].version(), 0u);

  // Retried whole: the original positions, nothing written.
  auto retry = store_->AppendAll(merge);
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry.idempotent_replay);
  EXPECT_EQ(retry.positions, result.positions);

  // One part's expected version fails: no part is written.
  auto stale = store_->AppendAll({
      {"p/other/1", ExpectedVersion::Any(), {Event("n1")}},
      {"p/initiative/a", ExpectedVersion::NoStream(), {Event("n2")}},
  });
  EXPECT_EQ(stale.status.code(), codes::kWrongExpectedVersion);
  EXPECT_NE(stale.status.message().find("p/initiative/a"), std::string::npos);
  EXPECT_EQ(stale.stream_version, 0u);
  EXPECT_EQ(store_->Head("p").position, 5u);
  EXPECT_FALSE(store_->StreamVersion("p/other/1").value().has_value());

  EXPECT_EQ(store_
                ->AppendAll({{"p/x/1", ExpectedVersion::Any(), {Event("d1")}},
                             {"p/x/1", ExpectedVersion::Any(), {Event("d2")}}})
                .status.code(),
            codes::kInvalidArgument);
  EXPECT_EQ(store_
                ->AppendAll({{"p/x/1", ExpectedVersion::Any(), {Event("e1")}},
                             {"p/x/2", ExpectedVersion::Any(), {Event("e1")}}})
                .status.code(),
            codes::kInvalidArgument);
  EXPECT_EQ(store_->AppendAll({}).status.code(), codes::kInvalidArgument);
  EXPECT_TRUE(store_->Verify("p").ok());
}

TEST_F(StoreTest, AStartedAppendIsPreparedThenDurable) {
  ASSERT_TRUE(AppendOne("p/task/1", "t0").ok());
  // Three appends, each deciding its expected version from the one before, before any waits
  // for the disk: each sees the prepared ones before it.
  std::vector<std::unique_ptr<PendingAppend>> pending;
  uint64_t version = 0;
  for (int i = 1; i <= 3; ++i) {
    pending.push_back(store_->StartAppendAll(
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
  auto stale = store_->StartAppendAll({{"p/task/1", ExpectedVersion::Exact(0), {Event("x")}}});
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
  EXPECT_TRUE(store_->Verify("p").ok());

  // A replay prepares as a replay, with no records; bad input and a closed store are
  // refused before queueing.
  auto replay =
      store_->StartAppendAll({{"p/task/1", ExpectedVersion::Any(), {Event("t1a"), Event("t1b")}},
                              {"p/log/1", ExpectedVersion::Any(), {Event("l1")}}});
  EXPECT_TRUE(replay->Prepared().idempotent_replay);
  EXPECT_TRUE(replay->records().empty());
  EXPECT_EQ(replay->Wait().positions, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(store_->StartAppendAll({})->Prepared().status.code(), codes::kInvalidArgument);
  store_->Close();
  auto closed = store_->StartAppendAll({{"p/task/1", ExpectedVersion::Any(), {Event("y")}}});
  EXPECT_EQ(closed->Prepared().status.code(), codes::kClosed);
  EXPECT_EQ(closed->Wait().status.code(), codes::kClosed);
}

TEST_F(StoreTest, ReadsAreOrderedAndBoundedPerPlatform) {
  for (int i = 0; i < 30; ++i) {
    const std::string platform = i % 3 == 0 ? "oost" : "west";
    ASSERT_TRUE(AppendOne(platform + "/s/" + std::to_string(i % 2), "e" + std::to_string(i)).ok());
  }
  std::vector<EventRecord> page;
  ASSERT_TRUE(store_->Read("west", 10, 5, &page).ok());
  ASSERT_EQ(page.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(page[i].position(), 11 + i);
  for (const auto& e : page) EXPECT_EQ(PlatformOf(e.stream()), "west");
  ASSERT_TRUE(store_->Read("west", 18, 100, &page).ok());
  EXPECT_EQ(page.size(), 2u);
  ASSERT_TRUE(store_->Read("west", 20, 100, &page).ok());
  EXPECT_TRUE(page.empty());

  ASSERT_TRUE(store_->Read("oost", 0, SIZE_MAX, &page).ok());
  ASSERT_EQ(page.size(), 10u);
  for (size_t i = 0; i < page.size(); ++i) {
    EXPECT_EQ(PlatformOf(page[i].stream()), "oost");
    EXPECT_EQ(page[i].position(), i + 1);  // each platform counts from 1, without gaps
  }
  ASSERT_TRUE(store_->Read("oost", 4, 3, &page).ok());
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].position(), 5u);
  // A platform whose name is a prefix of another's does not see the other's events.
  ASSERT_TRUE(store_->Read("oo", 0, SIZE_MAX, &page).ok());
  EXPECT_TRUE(page.empty());
  EXPECT_EQ(store_->Head("oo").position, 0u);
  EXPECT_EQ(store_->Platforms(), (std::vector<std::string>{"oost", "west"}));

  ASSERT_TRUE(store_->ReadStream("west/s/1", 3, 2, &page).ok());
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].version(), 3u);
  EXPECT_EQ(page[1].version(), 4u);
  EXPECT_EQ(page[0].stream(), "west/s/1");
}

// The worked example of docs/verification.md, computed there from the rule alone.
TEST(ChainRule, TheDocumentedExampleHashesAsDocumented) {
  EXPECT_EQ(HexOf(GenesisHash("kolenkit")),
            "4b579637be6e6b764c23aa125390cba4a2b77696f6bf31df93d4dd12ff70c6ba");
  EventRecord record;
  record.set_id("e-1");
  record.set_stream("kolenkit/initiative/i-1");
  record.set_position(1);
  record.set_type("T");
  record.set_actor("m-anna");
  record.set_correlation_id("c-1");
  record.set_payload("hallo");
  EXPECT_EQ(HexOf(EventBody(record)),
            "0a03652d3112176b6f6c656e6b69742f696e69746961746976652f692d3120012a01543a066d2d616e6e"
            "614203632d314a0568616c6c6f");
  record.set_prev_hash(GenesisHash("kolenkit"));
  EXPECT_EQ(HexOf(ComputeEventHash(record)),
            "376c37e29423ae04f3efe6cfc4bf85ca7347116b0478a8d27729ee219a6aff96");
}

TEST_F(StoreTest, EachPlatformHasItsOwnChainFromAGenesisBoundToItsId) {
  EXPECT_NE(GenesisHash("oost"), GenesisHash("west"));
  EXPECT_EQ(GenesisHash("oost").size(), 32u);
  EXPECT_EQ(store_->Head("oost").hash, GenesisHash("oost"));  // an empty log's head
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
    EXPECT_EQ(store_->Head(platform).hash, prev);
    EXPECT_EQ(store_->Verify(platform).head.hash, prev);
  }
  // One append writes to one platform.
  auto both = store_->AppendAll({{"oost/s/2", ExpectedVersion::Any(), {Event("x1")}},
                                 {"west/s/2", ExpectedVersion::Any(), {Event("x2")}}});
  EXPECT_EQ(both.status.code(), codes::kInvalidArgument);
  EXPECT_EQ(store_->Head("oost").position, 6u);
}

TEST_F(StoreTest, AnExpectedPositionFencesThePlatformsLog) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  AppendOptions at_one;
  at_one.expected_position = 1;
  auto next =
      store_->AppendAll({{"p/s/2", ExpectedVersion::Any(), {Event("b"), Event("c")}}}, at_one);
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_EQ(next.positions, (std::vector<uint64_t>{2, 3}));
  // The same expectation again is stale now: nothing is written.
  auto stale = store_->AppendAll({{"p/s/2", ExpectedVersion::Any(), {Event("d")}}}, at_one);
  EXPECT_EQ(stale.status.code(), codes::kWrongExpectedVersion);
  EXPECT_NE(stale.status.message().find("position 3"), std::string::npos) << stale.status.message();
  EXPECT_EQ(store_->Head("p").position, 3u);
  // Another platform's position is its own.
  AppendOptions at_zero;
  at_zero.expected_position = 0;
  EXPECT_TRUE(store_->AppendAll({{"q/s/1", ExpectedVersion::Any(), {Event("e")}}}, at_zero).ok());
}

TEST_F(StoreTest, AnAsyncAppendCompletesByItsCallbackOnceDurable) {
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
    store_->AppendAsync({{"p/s/" + std::to_string(i % 3),
                          ExpectedVersion::Any(),
                          {Event("a" + std::to_string(i))}}},
                        {}, done);
  }
  store_->AppendAsync({}, {}, done);  // refused: answered at once, still through the callback
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
    EXPECT_LE(result.positions[0], store_->Head("p").position);
    positions.push_back(result.positions[0]);
  }
  EXPECT_EQ(refused, 1u);
  std::sort(positions.begin(), positions.end());
  for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], i + 1);
}

TEST_F(StoreTest, HashChainLinksEveryEventAndSurvivesReopen) {
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
  VerifyReport report = store_->Verify("p");
  EXPECT_TRUE(report.ok()) << report.problem;
  EXPECT_EQ(report.events, 25u);
  EXPECT_EQ(report.head.hash, prev);
  EXPECT_EQ(store_->Head("p").hash, prev);
}

TEST_F(StoreTest, StoredBytesAreTheBodyThenBothHashesAsTheVerificationRuleSays) {
  ASSERT_TRUE(
      store_->Append("p/s/1", ExpectedVersion::Any(), {Event("a", "bytes\x00\xff", "t")}).ok());
  const EventRecord event = All().at(0);
  store_.reset();
  std::string stored;
  test_support::EditStoredEvent(dir_.path(), "p", 1, [&](std::string& bytes) { stored = bytes; });
  EventRecord parsed;
  ASSERT_TRUE(parsed.ParseFromString(stored));
  EXPECT_EQ(parsed.SerializeAsString(), stored);  // canonical: fields in number order
  // docs/verification.md: the stored record is body ‖ 0x52 0x20 prev ‖ 0x7A 0x20 hash.
  const std::string body = EventBody(event);
  ASSERT_EQ(stored.size(), body.size() + 68);
  EXPECT_EQ(stored.substr(0, body.size()), body);
  EXPECT_EQ(stored.substr(body.size(), 2), std::string("\x52\x20"));
  EXPECT_EQ(stored.substr(body.size() + 2, 32), GenesisHash("p"));
  EXPECT_EQ(stored.substr(body.size() + 34, 2), std::string("\x7a\x20"));
  EXPECT_EQ(stored.substr(body.size() + 36), event.hash());
}

TEST_F(StoreTest, VerifyNamesTheFirstAlteredEvent) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  store_.reset();
  test_support::FlipPayloadByte(dir_.path(), "p", 17);
  test_support::FlipPayloadByte(dir_.path(), "p", 31);
  Options no_tail_check;
  no_tail_check.tail_check_events = 0;
  Reopen(no_tail_check);
  VerifyReport report = store_->Verify("p");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_position, 17u);
  EXPECT_NE(report.problem.find("hash"), std::string::npos) << report.problem;
}

TEST_F(StoreTest, VerifyFindsALostIndexEntry) {
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(AppendOne("p/s/" + std::to_string(i % 3), "e" + std::to_string(i)).ok());
  store_.reset();
  test_support::DeleteRawKey(dir_.path(), "ids", "e12");
  Reopen();
  VerifyReport report = store_->Verify("p");
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status.ok()) << report.status.ToString();
  EXPECT_EQ(report.first_bad_position, 13u);
  EXPECT_NE(report.problem.find("id index entry is missing"), std::string::npos) << report.problem;
}

TEST_F(StoreTest, VerifyFindsAMissingStreamEntryAndAStrayIdEntry) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  store_.reset();
  const std::string version_4("\0\0\0\0\0\0\0\x04", 8);
  test_support::DeleteRawKey(dir_.path(), "streams", std::string("p/s/1\0", 6) + version_4);
  Reopen();
  VerifyReport report = store_->Verify("p");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_position, 5u);
  EXPECT_NE(report.problem.find("stream index entry is missing"), std::string::npos)
      << report.problem;

  test_support::TempDir other;
  auto fresh = EventStore::Open(other.path(), Options());
  ASSERT_TRUE(fresh.ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(fresh.value()
                    ->Append("p/s/1", ExpectedVersion::Any(), {Event("e" + std::to_string(i))})
                    .ok());
  }
  fresh.value().reset();
  // An id that no event has, pointing at an event that has its own id: the platform's walk
  // cannot see it, the store's shared indexes can.
  test_support::PutRawKey(other.path(), "ids", "ghost",
                          std::string("p\0", 2) + std::string("\0\0\0\0\0\0\0\x05", 8));
  auto reopened = EventStore::Open(other.path(), Options());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE(reopened.value()->Verify("p").ok());
  const std::vector<VerifyReport> all = reopened.value()->VerifyAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(all[0].ok());
  ASSERT_FALSE(all[1].ok());
  EXPECT_EQ(all[1].platform, "");
  EXPECT_NE(all[1].problem.find("ids index holds 11 entries for 10 events"), std::string::npos)
      << all[1].problem;
}

TEST_F(StoreTest, AFlippedByteFailsItsPlatformsVerifyAndLeavesTheOthersGreen) {
  for (int i = 0; i < 30; ++i) {
    const std::string platform = std::vector<std::string>{"noord", "oost", "zuid"}[i % 3];
    ASSERT_TRUE(AppendOne(platform + "/s/1", "e" + std::to_string(i)).ok());
  }
  store_.reset();
  test_support::FlipPayloadByte(dir_.path(), "oost", 7);
  Options no_tail_check;
  no_tail_check.tail_check_events = 0;
  Reopen(no_tail_check);
  EXPECT_TRUE(store_->Verify("noord").ok());
  EXPECT_TRUE(store_->Verify("zuid").ok());
  const VerifyReport oost = store_->Verify("oost");
  ASSERT_FALSE(oost.ok());
  EXPECT_EQ(oost.first_bad_position, 7u);
  const std::vector<VerifyReport> all = store_->VerifyAll();
  ASSERT_EQ(all.size(), 2u);  // noord, then oost, which stops the walk
  EXPECT_TRUE(all[0].ok());
  EXPECT_EQ(all[1].platform, "oost");
  EXPECT_FALSE(all[1].ok());
}

TEST_F(StoreTest, OpenRefusesAStoreWhoseTailIsBroken) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  store_.reset();
  test_support::FlipPayloadByte(dir_.path(), "p", 9);
  auto opened = EventStore::Open(dir_.path(), Options());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), codes::kCorruption);
  EXPECT_NE(opened.status().message().find("p is broken at position 9"), std::string::npos)
      << opened.status().message();
}

TEST_F(StoreTest, OpenRefusesAStoreOfTheOneLogFormatAndNamesTheMigration) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  store_.reset();
  test_support::PutRawKey(dir_.path(), "default", "format", "rotonde-eventstore-1");
  auto opened = EventStore::Open(dir_.path(), Options());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), codes::kOldFormat);
  EXPECT_NE(opened.status().message().find("rotonde migrate --from"), std::string::npos)
      << opened.status().message();
}

TEST_F(StoreTest, ImportContinuesTheLogExactly) {
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(AppendOne("p/s/" + std::to_string(i % 3), "e" + std::to_string(i)).ok());
  auto original = All();
  test_support::TempDir other;
  auto target = EventStore::Open(other.path(), Options());
  ASSERT_TRUE(target.ok());
  auto& copy = *target.value();
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

TEST_F(StoreTest, ImportRefusesRecordsThatDoNotContinueTheLog) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  auto original = All();
  test_support::TempDir other;
  auto target = EventStore::Open(other.path(), Options());
  ASSERT_TRUE(target.ok());
  auto& copy = *target.value();

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

TEST_F(StoreTest, AClosedStoreRefusesWorkClearly) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  auto subscription = store_->Subscribe("p", 1);
  store_->Close();
  EXPECT_EQ(AppendOne("p/s/1", "b").status.code(), codes::kClosed);
  std::vector<EventRecord> out;
  EXPECT_EQ(store_->Read("p", 0, 10, &out).code(), codes::kClosed);
  EXPECT_EQ(subscription->Next(&out, 10, std::chrono::seconds(5)).code(), codes::kClosed);
  subscription.reset();
}

TEST_F(StoreTest, OpeningWithoutCreateNamesTheMissingStore) {
  Options options;
  options.create_if_missing = false;
  auto opened = EventStore::Open(dir_.Sub("nothing-here"), options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), codes::kNotFound);
  EXPECT_NE(opened.status().message().find("nothing-here"), std::string::npos);
}

TEST_F(StoreTest, ReadOnlyStoreReadsButDoesNotWrite) {
  ASSERT_TRUE(AppendOne("p/s/1", "a").ok());
  store_.reset();
  Options read_only;
  read_only.read_only = true;
  Reopen(read_only);
  EXPECT_EQ(All().size(), 1u);
  EXPECT_EQ(AppendOne("p/s/1", "b").status.code(), codes::kInvalidArgument);
}

}  // namespace
}  // namespace rotonde::eventstore
