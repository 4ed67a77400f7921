// What is the PostgreSQL backend's own, beyond the contract suite it passes with every backend
// (log_fixture.h): several servers on one database, connections that are lost, a server
// that does not answer, and the leases that let one server alone append to a platform.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "log_fixture.h"
#include "pg_server.h"
#include "rotonde/eventstore/pg_directory.h"
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
  std::unique_ptr<PgEventLog> Open(const std::string& holder = {},
                                   std::chrono::milliseconds lease = std::chrono::seconds(10)) {
    PgOptions options;
    options.holder = holder;
    options.lease_time = lease;
    auto log = PgEventLog::Open(conninfo_, options);
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

// ---- Leases --------------------------------------------------------------------------------

constexpr auto kLease = std::chrono::milliseconds(900);

// Waits until `log`'s view of `platform` satisfies `want` (a renewal tick brings it).
bool LeaseBecomes(const PgEventLog& log, const std::string& platform,
                  const std::function<bool(const PlatformLease&)>& want,
                  std::chrono::seconds within = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (!want(log.LeaseOf(platform))) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Runs `sql` on the database at `conninfo`; "" on success, else why not.
std::string Sql(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
                          ? ""
                          : std::string(PQerrorMessage(conn));
  PQclear(result);
  PQfinish(conn);
  return error;
}

TEST_F(PgEventLogTest, OfTwoHoldersOneServesAPlatformAndTheOthersAppendsWriteNothing) {
  auto one = Open("one", kLease);
  auto two = Open("two", kLease);
  ASSERT_TRUE(one && two);
  // A platform founded by a server starts with its lease.
  ASSERT_TRUE(one->Append("p/s/1", ExpectedVersion::Any(), {Event("a0"), Event("a1")}).ok());
  EXPECT_TRUE(one->LeaseOf("p").served_here);
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& lease) {
    return !lease.served_here && lease.holder == "one";
  }));
  ASSERT_TRUE(HeadReaches(*two, "p", 2));
  const HeadInfo before = two->Head("p");

  auto refused = two->Append("p/s/1", ExpectedVersion::Any(), {Event("b0")});
  EXPECT_EQ(refused.status.code(), codes::kUnavailable) << refused.status.ToString();
  EXPECT_NE(refused.status.message().find("another server serves platform p (one)"),
            std::string::npos)
      << refused.status.ToString();
  // The same from a group of several platforms: only p's append is refused.
  std::atomic<int> answered{0};
  AppendResult other_result;
  two->AppendAsync({{"q/s/1", ExpectedVersion::Any(), {Event("q0")}}}, {},
                   [&](AppendResult result) {
                     other_result = std::move(result);
                     ++answered;
                   });
  auto again = two->Append("p/s/2", ExpectedVersion::Any(), {Event("b1")});
  EXPECT_EQ(again.status.code(), codes::kUnavailable);
  while (answered.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(other_result.ok()) << other_result.status.ToString();
  EXPECT_TRUE(two->LeaseOf("q").served_here);

  // Nothing of the refused appends is stored, by either server's reading.
  auto log = Open();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Head("p").position, before.position);
  EXPECT_EQ(log->Head("p").hash, before.hash);
  EXPECT_FALSE(log->StreamVersion("p/s/2").value().has_value());
  std::vector<EventRecord> all;
  ASSERT_TRUE(log->Read("p", 0, SIZE_MAX, &all).ok());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(log->Verify("p").ok());
  // Holding leases lasts: the holder keeps appending across many renewals.
  std::this_thread::sleep_for(3 * kLease);
  EXPECT_TRUE(one->LeaseOf("p").served_here);
  EXPECT_TRUE(one->Append("p/s/1", ExpectedVersion::Exact(1), {Event("a2")}).ok());
}

TEST_F(PgEventLogTest, AClosedHoldersPlatformPassesToTheOtherWhichContinuesTheChain) {
  auto one = Open("one", kLease);
  auto two = Open("two", kLease);
  ASSERT_TRUE(one && two);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        one->Append("p/s/1", ExpectedVersion::Any(), {Event("a" + std::to_string(i))}).ok());
  }
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& l) { return l.holder == "one"; }));
  one->Close();
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& l) { return l.served_here; }));
  // Taken only once it showed the whole log: the next append continues it at once.
  EXPECT_EQ(two->Head("p").position, 5u);
  auto next = two->Append("p/s/1", ExpectedVersion::Exact(4), {Event("b0")});
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_EQ(next.positions, (std::vector<uint64_t>{6}));
  const VerifyReport report = two->Verify("p");
  EXPECT_TRUE(report.ok()) << report.problem;
  EXPECT_EQ(report.events, 6u);
}

TEST_F(PgEventLogTest, AHolderThatStopsRenewingLosesItsPlatformsAfterTheLease) {
  auto one = Open("one", kLease);
  auto two = Open("two", kLease);
  ASSERT_TRUE(one && two);
  ASSERT_TRUE(one->Append("p/s/1", ExpectedVersion::Any(), {Event("a0")}).ok());
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& l) { return l.holder == "one"; }));
  const auto paused = std::chrono::steady_clock::now();
  one->TEST_PauseRenewal(true);
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& l) { return l.served_here; }));
  // Not before the lease ran out by PostgreSQL's clock.
  EXPECT_GE(std::chrono::steady_clock::now() - paused, kLease / 2);
  EXPECT_FALSE(one->LeaseOf("p").served_here);  // its own clock ended it too
  auto next = two->Append("p/s/1", ExpectedVersion::Exact(0), {Event("b0")});
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_TRUE(two->Verify("p").ok());
}

TEST_F(PgEventLogTest, AStaleHolderWhoseLeaseWasTakenCannotWrite) {
  auto one = Open("one", kLease);
  auto two = Open("two", kLease);
  ASSERT_TRUE(one && two);
  ASSERT_TRUE(one->Append("p/s/1", ExpectedVersion::Any(), {Event("a0")}).ok());
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& l) { return l.holder == "one"; }));
  one->TEST_PauseRenewal(true);
  ASSERT_TRUE(LeaseBecomes(*two, "p", [](const PlatformLease& l) { return l.served_here; }));
  ASSERT_TRUE(two->Append("p/s/1", ExpectedVersion::Exact(0), {Event("b0")}).ok());
  const HeadInfo head = two->Head("p");

  // The stale one still has the term it claimed: the head row's fence refuses it.
  auto stale = one->Append("p/s/1", ExpectedVersion::Any(), {Event("a1")});
  EXPECT_EQ(stale.status.code(), codes::kUnavailable) << stale.status.ToString();
  EXPECT_NE(stale.status.message().find("(two)"), std::string::npos) << stale.status.ToString();
  auto log = Open();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->Head("p").position, head.position);
  EXPECT_EQ(log->Head("p").hash, head.hash);
  // Resumed, its renewal finds the lease lost and does not take it back from a live holder.
  one->TEST_PauseRenewal(false);
  std::this_thread::sleep_for(kLease);
  EXPECT_FALSE(one->LeaseOf("p").served_here);
  EXPECT_EQ(one->LeaseOf("p").holder, "two");
  EXPECT_TRUE(two->LeaseOf("p").served_here);
}

TEST_F(PgEventLogTest, ASchemaFromBeforeLeasesGainsTheirColumnsAndItsPlatformsAreClaimed) {
  // The tables as a server before leases made them.
  ASSERT_EQ(Sql(conninfo_,
                "CREATE SCHEMA rotonde; "
                "CREATE TABLE rotonde.heads (platform text COLLATE \"C\" PRIMARY KEY, "
                "position bigint NOT NULL, hash bytea NOT NULL); "
                "CREATE TABLE rotonde.events (platform text COLLATE \"C\" NOT NULL, "
                "position bigint NOT NULL, stream text COLLATE \"C\" NOT NULL, "
                "version bigint NOT NULL, id text COLLATE \"C\" NOT NULL UNIQUE, "
                "record bytea NOT NULL, PRIMARY KEY (platform, position), "
                "UNIQUE (stream, version)); "
                "CREATE TABLE rotonde.streams (stream text COLLATE \"C\" PRIMARY KEY, "
                "version bigint NOT NULL);"),
            "");
  {
    auto plain = Open();
    ASSERT_TRUE(plain);
    ASSERT_TRUE(plain->Append("p/s/1", ExpectedVersion::Any(), {Event("a0")}).ok());
    EXPECT_TRUE(plain->LeaseOf("p").served_here);  // without a holder, every platform
  }
  auto one = Open("one", kLease);
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->LeaseOf("p").served_here);  // claimed as it opened
  ASSERT_TRUE(one->Append("p/s/1", ExpectedVersion::Exact(0), {Event("a1")}).ok());
  EXPECT_TRUE(one->Verify("p").ok());
}

// ---- Placing platforms across clusters (pg_directory.h) --------------------------------------

// Every event of `platform` on `log`, by id, and whether it verifies with that head.
std::map<std::string, EventRecord> EventsById(EventLog& log, const std::string& platform) {
  std::vector<EventRecord> all;
  EXPECT_TRUE(log.Read(platform, 0, SIZE_MAX, &all).ok());
  std::map<std::string, EventRecord> by_id;
  for (EventRecord& record : all) {
    EXPECT_TRUE(by_id.emplace(record.id(), record).second) << "twice: " << record.id();
  }
  return by_id;
}

TEST_F(PgEventLogTest, AMovedPlatformKeepsItsLogByteForByteAndNothingIsAppendedDuringTheMove) {
  std::string error;
  const std::string target_conninfo = server_->Database(name_.substr(0, 40) + "_target", &error);
  ASSERT_FALSE(target_conninfo.empty()) << error;
  auto directory = PgDirectory::Open(conninfo_);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  ASSERT_TRUE((*directory)->AddCluster("second", target_conninfo).ok());
  EXPECT_EQ((*directory)->AddCluster("home", target_conninfo).code(), codes::kInvalidArgument);
  EXPECT_EQ((*directory)->Lookup("p")->cluster, "home");

  auto home = Open("home-1", kLease);
  ASSERT_TRUE(home);
  for (int i = 0; i < 300; ++i) {
    const std::string stream = "p/s/" + std::to_string(i % 7);
    ASSERT_TRUE(
        home->Append(stream, ExpectedVersion::Any(), {Event("a" + std::to_string(i))}).ok());
  }
  ASSERT_TRUE(home->Append("q/s/1", ExpectedVersion::Any(), {Event("q0")}).ok());
  const std::map<std::string, EventRecord> before = EventsById(*home, "p");

  // Appends go on while the platform moves: each is stored (before the freeze) or refused
  // unavailable, never lost or stored twice.
  std::atomic<bool> moving{true};
  std::vector<std::string> acked;
  int refused = 0;
  std::string unexpected;
  std::thread appender([&] {
    for (int i = 0; moving.load(); ++i) {
      const std::string id = "during-" + std::to_string(i);
      auto result = home->Append("p/s/during", ExpectedVersion::Any(), {Event(id)});
      if (result.ok()) {
        acked.push_back(id);
      } else if (result.status.code() == codes::kUnavailable) {
        ++refused;
      } else if (unexpected.empty()) {
        unexpected = result.status.ToString();
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  MoveReport report;
  Status moved = (*directory)->MovePlatform("p", "second", &report);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  moving.store(false);
  appender.join();
  ASSERT_TRUE(moved.ok()) << moved.ToString();
  EXPECT_TRUE(unexpected.empty()) << unexpected;
  EXPECT_GT(refused, 0) << "no append met the frozen platform";
  EXPECT_EQ(report.from, "home");
  EXPECT_EQ(report.to, "second");
  EXPECT_EQ(report.events, report.position);
  EXPECT_EQ(report.position, before.size() + acked.size());
  EXPECT_EQ((*directory)->Lookup("p")->cluster, "second");
  EXPECT_FALSE((*directory)->Lookup("p")->frozen);

  // The target holds the same log: the same records, the same head, a chain that verifies.
  PgOptions on_target;
  on_target.holder = "second-1";
  on_target.lease_time = kLease;
  auto target = PgEventLog::Open(target_conninfo, on_target);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  const VerifyReport verified = (*target)->Verify("p");
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.head.position, report.position);
  EXPECT_EQ(verified.head.hash, report.hash);
  const std::map<std::string, EventRecord> copied = EventsById(**target, "p");
  EXPECT_EQ(copied.size(), report.position);
  for (const auto& [id, record] : before) {
    auto it = copied.find(id);
    ASSERT_NE(it, copied.end()) << id;
    EXPECT_EQ(it->second.SerializeAsString(), record.SerializeAsString()) << id;
  }
  for (const std::string& id : acked) EXPECT_TRUE(copied.contains(id)) << id;
  // Its servers take it and continue the chain; the source refuses it for good.
  ASSERT_TRUE(LeaseBecomes(**target, "p", [](const PlatformLease& l) { return l.served_here; }));
  auto next = (*target)->Append("p/s/0", ExpectedVersion::Any(), {Event("after")});
  ASSERT_TRUE(next.ok()) << next.status.ToString();
  EXPECT_EQ(next.positions, (std::vector<uint64_t>{report.position + 1}));
  EXPECT_TRUE((*target)->Verify("p").ok());
  auto stale = home->Append("p/s/0", ExpectedVersion::Any(), {Event("stale")});
  EXPECT_EQ(stale.status.code(), codes::kUnavailable) << stale.status.ToString();
  auto fresh = Open();
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->Platforms(), std::vector<std::string>{"q"});  // p's events are gone
  EXPECT_TRUE(fresh->Verify("q").ok());

  // And back home: the head row the move left there takes the log again.
  (*target)->Close();
  ASSERT_TRUE((*directory)->MovePlatform("p", "home", &report).ok());
  EXPECT_EQ(report.position, copied.size() + 1);
  auto back = Open();
  ASSERT_TRUE(back);
  EXPECT_EQ(back->Head("p").position, report.position);
  EXPECT_TRUE(back->Verify("p").ok());
  EXPECT_EQ((*directory)->MovePlatform("p", "home", &report).code(), codes::kInvalidArgument);
  EXPECT_EQ((*directory)->MovePlatform("p", "nowhere", &report).code(), codes::kNotFound);
}

}  // namespace
}  // namespace rotonde::eventstore
