// The event log in a replicated PostgreSQL (scripts/cluster: etcd and three Patroni nodes in
// synchronous_mode_strict) while machines fail under a steady stream of commands:
//
//   1. the synchronous standby is killed: commands go on being accepted once Patroni names
//      the other standby synchronous; then the killed node is started again and rejoins;
//   2. the leader is killed (its Patroni and its PostgreSQL, kill -9, as losing the machine):
//      commands in flight answer 503 `unavailable` within a bound, never hang; the same
//      `rotonde serve` reconnects by itself to the promoted standby; the time from the kill to
//      the first accepted command is printed (docs/operations.md, "Replication");
//   3. `rotonde serve` itself is killed with SIGKILL and started again on the same data
//      directory and URL.
//
// Each command is retried with its own command id until it is acknowledged (a retry of one
// whose commit landed, though its answer was lost, must find it and not append it twice).
// Afterwards every acknowledged command's events are in the log exactly once, at the
// positions its answer named; the platform's chain verifies; and two WebSocket subscribers,
// one on the server taking the commands and one on a second server on the same database (fed
// only by PostgreSQL's notifications, so by its LISTEN connection, which must follow the
// failover too), each saw positions 1..head, no gap, no duplicate.
//
// Needs patroni and etcd (scripts/setup installs them): without them the test fails, saying
// so. Every wait is bounded; the cluster is stopped and its directory removed at the end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "clients.h"
#include "rotonde/eventstore/pg_event_log.h"
#include "temp_dir.h"

#ifndef ROTONDE_BINARY
#error "ROTONDE_BINARY must name the rotonde executable (see tests/cluster/CMakeLists.txt)"
#endif
#ifndef ROTONDE_CLUSTER_SCRIPT
#error "ROTONDE_CLUSTER_SCRIPT must name scripts/cluster (see tests/cluster/CMakeLists.txt)"
#endif

namespace rotonde::test_support {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kPlatform[] = "kolenkit";
// No request may take longer: a command in flight during a failover answers by then.
constexpr seconds kRequestBound{20};
// How long a command is retried with its id before the test gives up on it.
constexpr seconds kRetryBound{60};
// Commands accepted in each phase before the next failure.
constexpr int kPerPhase = 25;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

bool PortFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return free;
}

// The first of `count` consecutive ports free on 127.0.0.1 just now (scripts/cluster takes
// 8 from ROTONDE_CLUSTER_PORT on), from the range below Linux's ephemeral ports.
int FreePortBlock(int count) {
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> pick(20000, 32000);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int base = pick(random);
    bool all = true;
    for (int i = 0; i < count && all; ++i) all = PortFree(base + i);
    if (all) return base;
  }
  return 0;
}

// scripts/cluster on a directory of its own and ports of its own, stopped (and the directory
// removed) by the destructor.
class Cluster {
 public:
  ~Cluster() {
    if (dir_.empty()) return;
    std::string ignored;
    static_cast<void>(Run("stop", seconds(60), &ignored));
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // False (with *error) if patroni, etcd or PostgreSQL 15 are missing, or it does not start.
  bool Start(std::string* url, std::string* error) {
    for (const char* tool :
         {"/usr/bin/patroni", "/usr/bin/etcd", "/usr/lib/postgresql/15/bin/postgres"}) {
      if (!std::filesystem::exists(tool)) {
        *error = std::string(tool) +
                 " is missing: the failover test needs Debian's patroni, etcd-server and "
                 "postgresql-15 (scripts/setup installs them)";
        return false;
      }
    }
    // Under /tmp itself, not a private temp dir: the nodes run as the user postgres.
    std::string pattern = "/tmp/rotonde-cluster-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      *error = "cannot make a directory for the cluster";
      return false;
    }
    dir_ = pattern;
    const int base = FreePortBlock(8);
    if (base == 0) {
      *error = "no 8 consecutive free ports on 127.0.0.1";
      return false;
    }
    ::setenv("ROTONDE_CLUSTER_DIR", dir_.c_str(), 1);
    ::setenv("ROTONDE_CLUSTER_PORT", std::to_string(base).c_str(), 1);
    std::string out;
    if (!Run("start", seconds(150), &out)) {
      *error = "scripts/cluster start failed: " + out;
      return false;
    }
    *url = out.substr(0, out.find('\n'));
    return url->starts_with("postgresql://");
  }

  // Runs `scripts/cluster verb`; *out gets its stdout, or on failure its stderr too.
  bool Run(const std::string& verb, Clock::duration bound, std::string* out) {
    ChildProcess script;
    std::string error;
    if (!script.Start("/bin/bash", {ROTONDE_CLUSTER_SCRIPT, verb}, &error)) {
      *out = error;
      return false;
    }
    const auto status = script.Wait(bound);
    if (!status) script.Signal(SIGKILL);
    *out = script.Stdout();
    if (status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) return true;
    *out += "\n(" + DescribeStatus(status) + ") " + script.Stderr();
    return false;
  }

  // The node a kill verb printed.
  std::string Kill(const std::string& verb) {
    std::string out;
    EXPECT_TRUE(Run(verb, seconds(30), &out)) << verb << ": " << out;
    return out.substr(0, out.find('\n'));
  }

 private:
  std::string dir_;
};

uint64_t Number(const json::value& value) {
  if (value.is_int64()) return static_cast<uint64_t>(value.as_int64());
  if (value.is_uint64()) return value.as_uint64();
  if (value.is_string()) return std::stoull(std::string(value.as_string()));
  return 0;
}

// A command with its own id: an initiative proposed, or a resident's proposal (whose name is
// personal data, so sealed: a retry decides it again with other bytes, and must still find
// the first).
std::string CommandBody(const std::string& id, int n) {
  json::object command{{"commandId", id}};
  if (n % 2 == 0) {
    const int day = 1 + n % 28, month = 1 + (n / 28) % 12;
    char date[16];
    std::snprintf(date, sizeof date, "2027-%02d-%02d", month, day);
    command["proposeInitiative"] =
        json::object{{"kind", "INITIATIVE_KIND_STREET_MARKET"},
                     {"title", "Buurtmarkt " + id},
                     {"when", json::object{{"startDate", date}}},
                     {"place", json::object{{"text", "Bos en Lommerplein"}}}};
  } else {
    command["submitProposal"] = json::object{{"title", "Idee " + id},
                                             {"description", "Een bankje bij de speeltuin."},
                                             {"submitterName", "Bram"}};
  }
  return json::serialize(command);
}

struct Ack {
  std::string id;
  uint64_t first = 0, last = 0;
  bool repeated = false;
  int attempts = 0;
  Clock::time_point sent;      // the last attempt's
  Clock::time_point answered;  // its 200
};

// Threads sending commands to the server at `port` (which may change: a restarted server),
// each retrying its command with the same id until acknowledged. 503 `unavailable` and no
// answer (the server killed) are retried; anything else is unexpected.
class Senders {
 public:
  Senders(std::atomic<uint16_t>& port, std::string token, int threads)
      : port_(port), token_(std::move(token)) {
    for (int t = 0; t < threads; ++t) threads_.emplace_back([this, t] { Send(t); });
  }
  ~Senders() { Join(); }

  void Join() {
    stop_ = true;
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  // While set, a request without an answer is retried (the server was killed); otherwise
  // it is a failure: a running server answers, if only 503.
  void ServerDown(bool down) { server_down_ = down; }
  int acked() const { return acked_count_; }
  std::vector<Ack> acks() {
    std::lock_guard lock(mu_);
    return acks_;
  }
  // The first acknowledgement of a command first sent at or after `since`.
  std::optional<Clock::time_point> FirstAnsweredSentAfter(Clock::time_point since) {
    std::lock_guard lock(mu_);
    std::optional<Clock::time_point> first;
    for (const Ack& ack : acks_) {
      if (ack.sent >= since && (!first || ack.answered < *first)) first = ack.answered;
    }
    return first;
  }
  int unavailable() const { return unavailable_; }
  // The body of the last 503 answer, which says why.
  std::string last_unavailable() const {
    std::lock_guard lock(mu_);
    return last_unavailable_;
  }
  int no_answer() const { return no_answer_; }
  Clock::duration slowest() {
    std::lock_guard lock(mu_);
    return slowest_;
  }
  std::vector<std::string> problems() {
    std::lock_guard lock(mu_);
    return problems_;
  }

 private:
  void Send(int thread) {
    for (int n = 0; !stop_; ++n) {
      const std::string id = "fo-" + std::to_string(thread) + "-" + std::to_string(n);
      const std::string body = CommandBody(id, n);
      const auto given_up = Clock::now() + kRetryBound;
      for (int attempt = 1;; ++attempt) {
        const auto sent = Clock::now();
        const bool down_before = server_down_;
        HttpReply reply =
            Http(port_.load(), "POST", std::string("/api/v1/platforms/") + kPlatform + "/commands",
                 body, {{"Authorization", "Bearer " + token_}});
        const auto answered = Clock::now();
        const bool server_down = down_before || server_down_;  // at either end of the request
        {
          std::lock_guard lock(mu_);
          slowest_ = std::max(slowest_, answered - sent);
        }
        if (reply.status == 200) {
          const json::value answer = reply.Json();
          Ack ack{id, 0, 0, false, attempt, sent, answered};
          if (answer.is_object()) {
            const json::object& o = answer.as_object();
            if (o.contains("firstPosition")) ack.first = Number(o.at("firstPosition"));
            if (o.contains("lastPosition")) ack.last = Number(o.at("lastPosition"));
            if (o.contains("repeated")) ack.repeated = o.at("repeated").as_bool();
          }
          std::lock_guard lock(mu_);
          acks_.push_back(ack);
          ++acked_count_;
          break;
        }
        if (reply.status == 503 && reply.Code() == "unavailable") {
          ++unavailable_;
          std::lock_guard lock(mu_);
          last_unavailable_ = reply.body;
        } else if (reply.status == 0 && server_down) {
          ++no_answer_;  // the server is gone: the command is retried on the next one
        } else {
          Problem(id + ": " + std::to_string(reply.status) + " " + reply.body);
          break;
        }
        if (Clock::now() > given_up) {
          Problem(id + ": not acknowledged in " + std::to_string(kRetryBound.count()) +
                  " s of retries; last answer " + std::to_string(reply.status) + " " + reply.body);
          break;
        }
        std::this_thread::sleep_for(milliseconds(50));
      }
    }
  }
  void Problem(std::string what) {
    std::lock_guard lock(mu_);
    problems_.push_back(std::move(what));
  }

  std::atomic<uint16_t>& port_;
  const std::string token_;
  std::atomic<bool> stop_{false}, server_down_{false};
  std::atomic<int> acked_count_{0}, unavailable_{0}, no_answer_{0};
  std::string last_unavailable_;  // guarded by mu_
  mutable std::mutex mu_;
  std::vector<Ack> acks_;
  std::vector<std::string> problems_;
  Clock::duration slowest_{};
  std::vector<std::thread> threads_;
};

// A WebSocket subscriber of the platform from position 0, recording every event position it
// is sent; when the connection drops (a killed server) it connects again to `port` and
// resumes after the last position it saw.
class Subscriber {
 public:
  Subscriber(std::atomic<uint16_t>& port, std::string token)
      : port_(port), token_(std::move(token)), thread_([this] { Run(); }) {}
  ~Subscriber() {
    RequestStop();
    Stop();
  }
  // Asks the thread to stop (within a read's timeout); Stop() waits for it.
  void RequestStop() { stop_ = true; }
  void Stop() {
    RequestStop();
    if (thread_.joinable()) thread_.join();
  }
  uint64_t last() const { return last_; }
  // Connections the server closed (a killed server), and subscriptions made again after a
  // quiet spell (a read that timed out leaves the client's stream unusable).
  int dropped() const { return dropped_; }
  int quiet() const { return quiet_; }
  std::vector<uint64_t> positions() {
    std::lock_guard lock(mu_);
    return positions_;
  }
  std::vector<std::string> problems() {
    std::lock_guard lock(mu_);
    return problems_;
  }

 private:
  void Run() {
    while (!stop_) {
      WsClient ws;
      if (!ws.Connect(port_.load(), token_) ||
          !ws.Send({{"type", "subscribe"},
                    {"id", "s"},
                    {"platform", kPlatform},
                    {"from", static_cast<int64_t>(last_.load())}})) {
        std::this_thread::sleep_for(milliseconds(200));
        continue;
      }
      while (!stop_) {
        auto message = ws.Read(seconds(2));
        if (!message) {
          // Closed by the server, or read for 2 s in vain.
          ++(ws.close_error().empty() ? quiet_ : dropped_);
          break;
        }
        const std::string type(message->at("type").as_string());
        if (type == "error") {
          std::lock_guard lock(mu_);
          problems_.push_back(json::serialize(*message));
        }
        if (type != "events") continue;
        std::lock_guard lock(mu_);
        for (const json::value& event : message->at("events").as_array()) {
          const uint64_t position = Number(event.at("position"));
          positions_.push_back(position);
          last_ = std::max(last_.load(), position);
        }
      }
    }
  }

  std::atomic<uint16_t>& port_;
  const std::string token_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> last_{0};
  std::atomic<int> dropped_{0}, quiet_{0};
  std::mutex mu_;
  std::vector<uint64_t> positions_;
  std::vector<std::string> problems_;
  std::thread thread_;
};

// `rotonde serve` on `dir` with the log at `url`.
uint16_t Serve(ChildProcess& child, const std::string& dir, const std::string& url,
               std::string* error) {
  // Leases outlast the failover (as the default does), so the writing server keeps its
  // platform through it and the reading one never takes it.
  return child.StartServe(ROTONDE_BINARY, dir, {"--store", url, "--demo", "--lease-ms", "60000"},
                          error);
}

// Positions 1..head each once, in the order received.
std::string CheckPositions(const std::vector<uint64_t>& seen, uint64_t head) {
  std::set<uint64_t> unique;
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!unique.insert(seen[i]).second) return "position " + std::to_string(seen[i]) + " twice";
    if (i > 0 && seen[i] != seen[i - 1] + 1) {
      return "position " + std::to_string(seen[i]) + " after " + std::to_string(seen[i - 1]);
    }
  }
  if (seen.empty() || seen.front() != 1 || seen.back() != head) {
    return "saw " + std::to_string(seen.size()) + " positions, " +
           (seen.empty() ? std::string("none")
                         : std::to_string(seen.front()) + ".." + std::to_string(seen.back())) +
           ", not 1.." + std::to_string(head);
  }
  return "";
}

TEST(ClusterTest, FailoverLosesNothingAcknowledgedAndInFlightCommandsAnswerUnavailable) {
  const auto test_start = Clock::now();
  Cluster cluster;
  std::string url, error;
  ASSERT_TRUE(cluster.Start(&url, &error)) << error;
  std::cout << "cluster up in " << Seconds(Clock::now() - test_start) << " s" << std::endl;

  TempDir temp;
  // The server taking the commands, and a second one on the same database that only serves
  // a subscriber: what it shows comes through PostgreSQL's notifications.
  auto writer = std::make_unique<ChildProcess>();
  ChildProcess reader;
  std::atomic<uint16_t> writer_port{Serve(*writer, temp.Sub("writer"), url, &error)};
  ASSERT_NE(writer_port.load(), 0) << error;
  std::atomic<uint16_t> reader_port{Serve(reader, temp.Sub("reader"), url, &error)};
  ASSERT_NE(reader_port.load(), 0) << error;
  const std::string token = SignIn(writer_port, "anna");
  const std::string reader_token = SignIn(reader_port, "anna");
  ASSERT_FALSE(token.empty());
  ASSERT_FALSE(reader_token.empty());

  Subscriber on_writer(writer_port, token);
  Subscriber on_reader(reader_port, reader_token);
  Senders senders(writer_port, token, 2);
  auto accepted_more = [&](int more, Clock::duration bound) {
    const int from = senders.acked();
    return WaitFor([&] { return senders.acked() >= from + more; }, bound);
  };
  ASSERT_TRUE(accepted_more(kPerPhase, seconds(30))) << "no commands accepted at first";

  // 1. The synchronous standby lost: after a pause for Patroni to name the other standby
  // synchronous, commands are accepted again.
  {
    const auto killed = Clock::now();
    const std::string node = cluster.Kill("kill-standby");
    const auto done = Clock::now();
    ASSERT_TRUE(accepted_more(kPerPhase, seconds(30)))
        << "commands were not accepted within 30 s after the standby " << node << " was killed";
    const auto first = senders.FirstAnsweredSentAfter(done);
    std::cout << "synchronous standby " << node << " killed: first command accepted after "
              << (first ? Seconds(*first - killed) : -1.0) << " s" << std::endl;
    std::string out;
    ASSERT_TRUE(cluster.Run("start", seconds(120), &out)) << "rejoin of " << node << ": " << out;
    std::cout << node << " rejoined " << Seconds(Clock::now() - killed) << " s after its kill"
              << std::endl;
  }

  // 2. The leader lost: the same server follows the promoted standby by itself.
  double failover = -1;
  {
    const int unavailable_before = senders.unavailable();
    const auto killed = Clock::now();
    const std::string node = cluster.Kill("kill-leader");
    const auto done = Clock::now();
    ASSERT_TRUE(
        WaitFor([&] { return senders.FirstAnsweredSentAfter(done).has_value(); }, seconds(90)))
        << "no command accepted within 90 s after the leader " << node << " was killed; "
        << senders.unavailable() << " answered 503, the last: " << senders.last_unavailable()
        << "\n"
        << writer->Stderr();
    failover = Seconds(*senders.FirstAnsweredSentAfter(done) - killed);
    std::cout << "FAILOVER: leader " << node << " killed; first command accepted after " << failover
              << " s (" << senders.unavailable() << " answers 503 so far)" << std::endl;
    // Commands sent while there was no leader were answered, with 503.
    EXPECT_GT(senders.unavailable(), unavailable_before);
    ASSERT_TRUE(accepted_more(kPerPhase, seconds(30)));
  }

  // 3. The server itself killed, and started again on the same directory and database.
  {
    senders.ServerDown(true);
    ASSERT_EQ(::kill(writer->pid(), SIGKILL), 0);
    const auto status = writer->Wait(seconds(30));
    ASSERT_TRUE(status && WIFSIGNALED(*status)) << DescribeStatus(status);
    const auto killed = Clock::now();
    writer = std::make_unique<ChildProcess>();
    const uint16_t again = Serve(*writer, temp.Sub("writer"), url, &error);
    ASSERT_NE(again, 0) << error;
    writer_port = again;
    ASSERT_TRUE(accepted_more(kPerPhase, seconds(30))) << "no commands after the restart";
    senders.ServerDown(false);
    std::cout << "rotonde serve killed and started again: commands accepted after "
              << Seconds(Clock::now() - killed) << " s" << std::endl;
  }

  senders.Join();  // each thread's last command is retried until acknowledged
  std::cout << senders.acked() << " commands acknowledged, " << senders.unavailable()
            << " answers 503 unavailable, " << senders.no_answer()
            << " requests unanswered (the server killed); slowest request "
            << Seconds(senders.slowest()) << " s" << std::endl;
  for (const std::string& problem : senders.problems()) ADD_FAILURE() << problem;
  EXPECT_LT(senders.slowest(), kRequestBound) << "a request hung";

  // Every acknowledged command's events, exactly once, where its answer said.
  auto log = eventstore::PgEventLog::Open(url);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::map<std::string, std::vector<uint64_t>> by_command;
  uint64_t head = 0;
  {
    std::vector<eventstore::EventRecord> page;
    for (uint64_t after = 0;;) {
      ASSERT_TRUE((*log)->Read(kPlatform, after, 4096, &page).ok());
      if (page.empty()) break;
      for (const auto& record : page)
        by_command[record.correlation_id()].push_back(record.position());
      after = head = page.back().position();
    }
  }
  int retried = 0, repeated = 0;
  for (const Ack& ack : senders.acks()) {
    retried += ack.attempts > 1;
    repeated += ack.repeated;
    std::vector<uint64_t> expected;
    for (uint64_t p = ack.first; p <= ack.last && ack.first > 0; ++p) expected.push_back(p);
    EXPECT_FALSE(expected.empty()) << ack.id << " was acknowledged without positions";
    EXPECT_EQ(by_command[ack.id], expected) << ack.id << " (" << ack.attempts << " attempts)";
  }
  std::cout << retried << " acknowledged commands needed retries, " << repeated
            << " of them had been stored before their answer was lost" << std::endl;
  const eventstore::VerifyReport report = (*log)->Verify(kPlatform);
  EXPECT_TRUE(report.ok()) << report.status.ToString() << " at "
                           << report.first_bad_position.value_or(0) << ": " << report.problem;
  EXPECT_EQ(report.events, head);
  HttpReply verified =
      Http(writer_port, "GET", std::string("/api/v1/platforms/") + kPlatform + "/verify", {},
           {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_TRUE(verified.Json().at("ok").as_bool()) << verified.body;
  EXPECT_EQ(Number(verified.Json().at("events")), head) << verified.body;

  // Both subscribers saw the whole log, each position once.
  for (Subscriber* subscriber : {&on_writer, &on_reader}) {
    EXPECT_TRUE(WaitFor([&] { return subscriber->last() >= head; }, seconds(20)))
        << (subscriber == &on_writer ? "the writing server's" : "the other server's")
        << " subscriber is at " << subscriber->last() << " of " << head;
    subscriber->RequestStop();
  }
  for (Subscriber* subscriber : {&on_writer, &on_reader}) {
    const char* which = subscriber == &on_writer ? "the writing server's" : "the other server's";
    subscriber->Stop();
    EXPECT_EQ(CheckPositions(subscriber->positions(), head), "") << which << " subscriber";
    for (const std::string& problem : subscriber->problems()) {
      ADD_FAILURE() << which << " subscriber: " << problem;
    }
  }
  std::cout << "log head " << head << ", verified; the subscribers' connections were closed by "
            << "the server " << on_writer.dropped() << " and " << on_reader.dropped()
            << " times; failover " << failover << " s; whole test "
            << Seconds(Clock::now() - test_start) << " s" << std::endl;

  writer->Signal(SIGTERM);
  reader.Signal(SIGTERM);
  EXPECT_TRUE(writer->Wait(seconds(30)).has_value());
  EXPECT_TRUE(reader.Wait(seconds(30)).has_value());
}

}  // namespace
}  // namespace rotonde::test_support
