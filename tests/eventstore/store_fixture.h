// The embedded store (EventStore) in a fresh temp dir, for the suites of what is its own:
// its options, its files on disk, its indexes. The contract is log_fixture.h's.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "log_fixture.h"
#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::eventstore {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(Options options = {}) {
    store_.reset();
    auto opened = EventStore::Open(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  // Every event of `platform`'s log.
  std::vector<EventRecord> All(const std::string& platform = "p") {
    std::vector<EventRecord> out;
    Status s = store_->Read(platform, 0, SIZE_MAX, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }

  AppendResult AppendOne(const std::string& stream, const std::string& id,
                         ExpectedVersion expected = ExpectedVersion::Any()) {
    return store_->Append(stream, expected, {Event(id)});
  }

  test_support::TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace rotonde::eventstore
