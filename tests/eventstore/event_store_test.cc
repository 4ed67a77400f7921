// What is the embedded store's own (its files, indexes, options), on a real RocksDB in a temp
// dir. The contract every backend keeps is event_log_contract_test.cc's.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "raw_store.h"
#include "rotonde/base/hex.h"
#include "store_fixture.h"

namespace rotonde::eventstore {
namespace {

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

TEST_F(StoreTest, StatsSayWhatTheStoreHoldsInMemory) {
  const Stats empty = store_->GetStats();
  EXPECT_EQ(empty.recent_events, 0u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(AppendOne("p/s/1", "e" + std::to_string(i)).ok());
  const Stats after = store_->GetStats();
  EXPECT_EQ(after.recent_events, 3u);  // every committed event, for live readers
  EXPECT_GT(after.memtable_bytes, empty.memtable_bytes);
  EXPECT_LE(after.block_cache_bytes, uint64_t{64} << 20);
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
