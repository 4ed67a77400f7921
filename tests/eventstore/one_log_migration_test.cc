// MigrateOneLogStore on a store that the one-log release wrote itself (testdata/one-log-store,
// see its README): every event lands in its platform's log unchanged but for its position and
// hashes, the old store is not touched, and a damaged old chain is refused before anything is
// written.
#include "rotonde/eventstore/one_log_migration.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "raw_store.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::eventstore {
namespace {

namespace fs = std::filesystem;

// What the one-log release's `rotonde verify` printed for the fixture.
constexpr char kOldHeadHash[] = "917c0cd5781d3f83aeb12c156ca4e5eca1434023c5bdf5e24df1f88a7fc973e3";

// The one-log layout's log key: the position, 8 bytes big-endian.
std::string OldLogKey(uint64_t position) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i, position >>= 8) key[i] = static_cast<char>(position & 0xff);
  return key;
}

// Every file of `dir` by name, with its bytes.
std::map<std::string, std::string> FilesOf(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    files[entry.path().filename().string()] =
        std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

// The old log's records in order, read straight from its RocksDB.
std::vector<EventRecord> OldRecords(const std::string& dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), dir, families, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<EventRecord> records;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != "log") continue;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      records.emplace_back().ParseFromString(it->value().ToString());
    }
  }
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  return records;
}

class OneLogMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(ROTONDE_ONE_LOG_STORE, old_dir_, fs::copy_options::recursive);
    auto opened = EventStore::Open(tmp_.Sub("new"), Options());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  test_support::TempDir tmp_;
  const std::string old_dir_ = tmp_.Sub("old");
  std::unique_ptr<EventStore> store_;
};

TEST_F(OneLogMigrationTest, EveryEventMovesToItsPlatformsLogChangedOnlyInPositionAndHashes) {
  const auto files_before = FilesOf(old_dir_);
  const std::vector<EventRecord> old = OldRecords(old_dir_);
  ASSERT_EQ(old.size(), 300u);

  // Chunks of 7: every platform's log is written by many imports.
  auto report = MigrateOneLogStore(old_dir_, *store_, OneLogMigrationOptions{7});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 300u);
  EXPECT_EQ(report->old_head.position, 300u);
  EXPECT_EQ(HexOf(report->old_head.hash), kOldHeadHash);

  std::map<std::string, std::vector<const EventRecord*>> by_platform;
  for (const EventRecord& record : old)
    by_platform[std::string(PlatformOf(record.stream()))].push_back(&record);
  ASSERT_EQ(report->platforms.size(), 3u);
  ASSERT_EQ(store_->Platforms(),
            std::vector<std::string>({"bosenlommer", "gaasperdam", "kolenkit"}));
  for (const auto& [platform, head] : report->platforms) {
    SCOPED_TRACE(platform);
    const std::vector<const EventRecord*>& expected = by_platform[platform];
    EXPECT_EQ(head.position, expected.size());
    EXPECT_EQ(head.hash, store_->Head(platform).hash);
    std::vector<EventRecord> migrated;
    ASSERT_TRUE(store_->Read(platform, 0, SIZE_MAX, &migrated).ok());
    ASSERT_EQ(migrated.size(), expected.size());
    for (size_t i = 0; i < migrated.size(); ++i) {
      EXPECT_EQ(migrated[i].position(), i + 1);
      // The rest of the event, byte for byte.
      EventRecord was = *expected[i];
      EventRecord is = migrated[i];
      for (EventRecord* r : {&was, &is}) {
        r->clear_position();
        r->clear_prev_hash();
        r->clear_hash();
      }
      EXPECT_EQ(is.SerializeAsString(), was.SerializeAsString()) << "position " << i + 1;
    }
    const VerifyReport verified = store_->Verify(platform);
    EXPECT_TRUE(verified.ok()) << verified.problem;
    EXPECT_EQ(verified.events, expected.size());
  }
  // The shared indexes hold the events and nothing else.
  EXPECT_TRUE(store_->VerifyAll().back().ok());
  // The old store is evidence: not a byte of it changed.
  EXPECT_EQ(FilesOf(old_dir_), files_before);
}

TEST_F(OneLogMigrationTest, OpeningTheOldStoreIsRefusedWithTheWayOutAndChangesNothing) {
  const auto files_before = FilesOf(old_dir_);
  for (const bool read_only : {false, true}) {
    Options options;
    options.read_only = read_only;
    auto opened = EventStore::Open(old_dir_, options);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), codes::kOldFormat) << opened.status().ToString();
    EXPECT_NE(opened.status().message().find("rotonde migrate --from " + old_dir_),
              std::string::npos);
  }
  EXPECT_EQ(FilesOf(old_dir_), files_before);
}

TEST_F(OneLogMigrationTest, ADamagedOldChainIsRefusedBeforeAnythingIsWritten) {
  test_support::EditRawValue(old_dir_, "log", OldLogKey(137), test_support::FlipPayloadByteOf);
  auto report = MigrateOneLogStore(old_dir_, *store_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), codes::kCorruption);
  EXPECT_NE(report.status().message().find("position 137"), std::string::npos)
      << report.status().ToString();
  EXPECT_TRUE(store_->Platforms().empty());
}

TEST_F(OneLogMigrationTest, OnlyAOneLogStoreIsMigratedAndOnlyIntoPlatformsThatAreNew) {
  // A store of the current format.
  auto current = MigrateOneLogStore(tmp_.Sub("new"), *store_);
  EXPECT_EQ(current.status().code(), codes::kInvalidArgument) << current.status().ToString();
  // No store at all.
  EXPECT_EQ(MigrateOneLogStore(tmp_.Sub("nothing"), *store_).status().code(), codes::kNotFound);
  // A target that holds one of the platforms already.
  ASSERT_TRUE(
      store_->Append("kolenkit/x/1", ExpectedVersion::Any(), {NewEvent{"e-1", "T", "p", "a", "c"}})
          .ok());
  auto clash = MigrateOneLogStore(old_dir_, *store_);
  EXPECT_EQ(clash.status().code(), codes::kInvalidArgument) << clash.status().ToString();
  EXPECT_NE(clash.status().message().find("kolenkit"), std::string::npos);
}

}  // namespace
}  // namespace rotonde::eventstore
