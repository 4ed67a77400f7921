// A store in a fresh temp dir, and small builders, for the event store suites.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::eventstore {

inline NewEvent Event(std::string id, std::string payload = "payload",
                      std::string type = "test.Happened") {
  return NewEvent{std::move(id), std::move(type), std::move(payload), "tester", "corr"};
}

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
