// What is the PostgreSQL backend's own, beyond the contract suite it passes with every backend
// (log_fixture.h): several servers on one database, connections that are lost, and a server
// that does not answer.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "log_fixture.h"
#include "pg_server.h"
#include "rotonde/eventstore/pg_event_log.h"

namespace rotonde::eventstore {
namespace {

class PgEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = test_support::PgServer::Get(&error);
    ASSERT_NE(server_, nullptr) << error;
    // A database per test, its name within PostgreSQL's 63 bytes.
    name_ =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()).substr(0, 48);
    conninfo_ = server_->Database(name_, &error);
    ASSERT_FALSE(conninfo_.empty()) << error;
  }
  std::unique_ptr<PgEventLog> Open() {
    auto log = PgEventLog::Open(conninfo_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log.value()) : nullptr;
  }

  test_support::PgServer* server_ = nullptr;
  std::string name_, conninfo_;
};

// Waits until `log` shows `platform` at `position` (another server's commit reaches it by
// its notification).
bool HeadReaches(EventLog& log, const std::string& platform, uint64_t position) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (log.Head(platform).position < position) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST_F(PgEventLogTest, AnotherServersAppendsReachSubscribersAndTheFeedInOrder) {
  auto one = Open();
  auto two = Open();
  ASSERT_TRUE(one && two);
  auto subscription = two->Subscribe("p", 0);
  auto feed = two->FollowAll();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        one->Append("p/s/1", ExpectedVersion::Any(), {Event("a" + std::to_string(i))}).ok());
  }
  std::vector<EventRecord> seen, out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (seen.size() < 10 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(subscription->Next(&out, 100, std::chrono::milliseconds(200)).ok());
    seen.insert(seen.end(), out.begin(), out.end());
  }
  ASSERT_EQ(seen.size(), 10u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].position(), i + 1);
  ASSERT_TRUE(feed->Next(&out, 100, std::chrono::seconds(5)).ok());
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.front().position(), 1u);

  // The second server appends after the first: the platform's positions continue, and the
  // first shows the second's events before its own next ones.
  auto next = two->Append("p/s/1", ExpectedVersion::Exact(9), {Event("b0")});
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_EQ(next.positions, (std::vector<uint64_t>{11}));
  ASSERT_TRUE(one->Append("p/s/2", ExpectedVersion::Any(), {Event("a10")}).ok());
  ASSERT_TRUE(HeadReaches(*one, "p", 12));
  std::vector<EventRecord> all;
  ASSERT_TRUE(one->Read("p", 0, SIZE_MAX, &all).ok());
  ASSERT_EQ(all.size(), 12u);
  EXPECT_EQ(all[10].id(), "b0");
  EXPECT_TRUE(one->Verify("p").ok());
  ASSERT_TRUE(HeadReaches(*two, "p", 12));
  EXPECT_EQ(two->Head("p").hash, one->Head("p").hash);
}

TEST_F(PgEventLogTest, ALostConnectionIsMadeAgainByTheNextCall) {
  auto log = Open();
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->Append("p/s/1", ExpectedVersion::Any(), {Event("a")}).ok());
  std::vector<EventRecord> events;
  ASSERT_TRUE(log->Read("p", 0, 10, &events).ok());  // a reader's connection idles in the pool
  auto subscription = log->Subscribe("p", 1);

  std::string error;
  ASSERT_TRUE(server_->DropConnections(name_, &error)) << error;
  // Every connection is gone; none of them had a commit in flight, so nothing is in doubt.
  auto after = log->Append("p/s/1", ExpectedVersion::Exact(0), {Event("b")});
  ASSERT_TRUE(after.ok()) << after.status.ToString();
  EXPECT_EQ(after.positions, (std::vector<uint64_t>{2}));
  ASSERT_TRUE(log->Read("p", 0, 10, &events).ok());
  EXPECT_EQ(events.size(), 2u);
  EXPECT_EQ(log->StreamVersion("p/s/1").value(), std::optional<uint64_t>(1));
  ASSERT_TRUE(subscription->Next(&events, 10, std::chrono::seconds(5)).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id(), "b");

  // Another server's append still reaches this one: its listener connected again.
  auto other = Open();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->Append("p/s/1", ExpectedVersion::Exact(1), {Event("c")}).ok());
  EXPECT_TRUE(HeadReaches(*log, "p", 3));
  EXPECT_TRUE(log->Verify("p").ok());
}

TEST_F(PgEventLogTest, AnAppendPostgreSQLDoesNotAnswerFailsUnavailableWithinTheWriteTimeout) {
  PgOptions options;
  options.write_timeout = std::chrono::milliseconds(500);
  auto opened = PgEventLog::Open(conninfo_, options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  PgEventLog& log = **opened;
  ASSERT_TRUE(log.Append("p/s/1", ExpectedVersion::Any(), {Event("a")}).ok());

  // Another session holds the platform's head row, as a commit waiting for a synchronous
  // standby that is gone would: the next group waits for it, and gets no answer.
  PGconn* holder = PQconnectdb(conninfo_.c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK) << PQerrorMessage(holder);
  auto run = [&](const char* sql) {
    PGresult* result = PQexec(holder, sql);
    const bool ok =
        PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    PQclear(result);
    return ok;
  };
  ASSERT_TRUE(run("BEGIN"));
  ASSERT_TRUE(run("SELECT 1 FROM rotonde.heads WHERE platform = 'p' FOR UPDATE"));
  const auto started = std::chrono::steady_clock::now();
  auto held = log.Append("p/s/1", ExpectedVersion::Exact(0), {Event("b")});
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(held.status.code(), codes::kUnavailable) << held.status.ToString();
  EXPECT_LT(waited, std::chrono::seconds(5)) << "the append waited for the held row";
  ASSERT_TRUE(run("ROLLBACK"));
  PQfinish(holder);

  // Nothing of it stands, and the next append connects again and goes through.
  auto after = log.Append("p/s/1", ExpectedVersion::Exact(0), {Event("b")});
  ASSERT_TRUE(after.ok()) << after.status.ToString();
  EXPECT_EQ(after.positions, (std::vector<uint64_t>{2}));
  EXPECT_TRUE(log.Verify("p").ok());
}

TEST_F(PgEventLogTest, AnIdTwoServersAppendAtOnceIsStoredOnceAndTheirOtherAppendsStand) {
  auto one = Open();
  auto two = Open();
  ASSERT_TRUE(one && two);
  constexpr int kRounds = 40;
  std::atomic<int> stored{0}, conflicts{0}, others{0};
  std::vector<std::string> failures;
  std::mutex mu;
  auto writer = [&](EventLog& log, const std::string& platform) {
    for (int i = 0; i < kRounds; ++i) {
      // The raced id, and alongside it (likely in the same group) an append of its own.
      std::atomic<int> answered{0};
      log.AppendAsync(
          {{platform + "/s/raced", ExpectedVersion::Any(), {Event("raced-" + std::to_string(i))}}},
          {}, [&](AppendResult result) {
            if (result.ok()) {
              ++stored;
            } else if (result.status.code() == codes::kIdConflict) {
              ++conflicts;
            } else {
              std::lock_guard lock(mu);
              failures.push_back(result.status.ToString());
            }
            ++answered;
          });
      auto own = log.Append(platform + "/s/own", ExpectedVersion::Any(),
                            {Event(platform + "-own-" + std::to_string(i))});
      if (own.ok()) {
        ++others;
      } else {
        std::lock_guard lock(mu);
        failures.push_back(own.status.ToString());
      }
      while (answered.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  std::thread a([&] { writer(*one, "oost"); });
  std::thread b([&] { writer(*two, "west"); });
  a.join();
  b.join();
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(stored.load(), kRounds);
  EXPECT_EQ(conflicts.load(), kRounds);
  EXPECT_EQ(others.load(), 2 * kRounds);
  ASSERT_TRUE(HeadReaches(*one, "west", 1));
  for (const std::string platform : {"oost", "west"}) {
    EXPECT_TRUE(one->Verify(platform).ok()) << platform;
  }
}

}  // namespace
}  // namespace rotonde::eventstore
