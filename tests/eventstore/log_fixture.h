// The backends of the event log (event_log.h) and a fixture that runs a suite against each:
// the contract suites (event_log_contract_test.cc, concurrency_test.cc) are TEST_Ps of
// EventLogContract, so a second backend joins by one more entry in Backends() and must
// pass them all.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "pg_server.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/eventstore/pg_event_log.h"
#include "temp_dir.h"

namespace rotonde::eventstore {

inline NewEvent Event(std::string id, std::string payload = "payload",
                      std::string type = "test.Happened") {
  return NewEvent{std::move(id), std::move(type), std::move(payload), "tester", "corr"};
}

struct Backend {
  std::string name;
  // Opens the backend's log kept in `dir` (created if missing), keeping at most
  // `recent_events` recent events at hand for live readers (0: its default), so a test can
  // make a reader fall behind them. Null (and the test failed) if it cannot.
  std::function<std::unique_ptr<EventLog>(const std::string& dir, size_t recent_events)> open;
};

// The backend's name in the test's name and messages.
inline void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

inline std::vector<Backend> Backends() {
  return {Backend{"rocksdb",
                  [](const std::string& dir, size_t recent_events) {
                    Options options;
                    if (recent_events > 0) options.recent_events_cache = recent_events;
                    auto store = EventStore::Open(dir, options);
                    EXPECT_TRUE(store.ok()) << store.status().ToString();
                    return store.ok() ? std::unique_ptr<EventLog>(std::move(store.value()))
                                      : std::unique_ptr<EventLog>();
                  }},
          // A database of its own per dir, on the test process's throwaway server: Reopen()
          // on the same dir opens the same database.
          Backend{"postgresql", [](const std::string& dir, size_t recent_events) {
                    std::string error;
                    test_support::PgServer* server = test_support::PgServer::Get(&error);
                    if (server == nullptr) {
                      ADD_FAILURE() << error;
                      return std::unique_ptr<EventLog>();
                    }
                    std::string name = std::filesystem::path(dir).filename().string();
                    for (char& c : name) {
                      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                    }
                    const std::string conninfo = server->Database(name, &error);
                    if (conninfo.empty()) {
                      ADD_FAILURE() << error;
                      return std::unique_ptr<EventLog>();
                    }
                    PgOptions options;
                    if (recent_events > 0) options.recent_events_cache = recent_events;
                    auto log = PgEventLog::Open(conninfo, options);
                    EXPECT_TRUE(log.ok()) << log.status().ToString();
                    return log.ok() ? std::unique_ptr<EventLog>(std::move(log.value()))
                                    : std::unique_ptr<EventLog>();
                  }}};
}

class EventLogContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { Reopen(); }
  // Closes the log and opens it again from what it stored.
  void Reopen(size_t recent_events = 0) {
    log_.reset();
    log_ = GetParam().open(dir_.path(), recent_events);
    ASSERT_NE(log_, nullptr);
  }
  // Another, empty log of the same backend.
  std::unique_ptr<EventLog> OpenOther(const test_support::TempDir& dir) {
    return GetParam().open(dir.path(), 0);
  }

  // Every event of `platform`'s log.
  std::vector<EventRecord> All(const std::string& platform = "p") {
    std::vector<EventRecord> out;
    Status s = log_->Read(platform, 0, SIZE_MAX, &out);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  AppendResult AppendOne(const std::string& stream, const std::string& id,
                         ExpectedVersion expected = ExpectedVersion::Any()) {
    return log_->Append(stream, expected, {Event(id)});
  }

  test_support::TempDir dir_;
  std::unique_ptr<EventLog> log_;
};

}  // namespace rotonde::eventstore
