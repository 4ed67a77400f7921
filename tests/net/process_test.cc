// `rotonde serve` as a real separate process on a loopback port: killed with SIGKILL while
// commands pour in (nothing acknowledged may be lost, and the restarted server must answer
// what a fold from scratch gives), stopped with SIGTERM (WebSockets see 1001, exit 0), its
// disk filled up (503 unavailable, reads go on, commands resume once space is freed), a bad
// --listen refused, --log-format json keeping every log line one JSON object, and the event
// log kept in PostgreSQL with --store.
//
// Every wait is bounded and every child is reaped, also when an assertion fails.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "auth_store.h"
#include "child_process.h"
#include "clients.h"
#include "command_service.h"
#include "demo_data.h"
#include "demo_data_dir.h"
#include "notification_store.h"
#include "pg_server.h"
#include "proto_json.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/eventstore/pg_directory.h"
#include "rotonde/eventstore/pg_event_log.h"
#include "small_disk.h"
#include "smtp_sink.h"
#include "temp_dir.h"
#include "view_catalog.h"

#ifndef ROTONDE_BINARY
#error "ROTONDE_BINARY must name the rotonde executable (see tests/net/CMakeLists.txt)"
#endif

namespace rotonde::test_support {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr seconds kExitTimeout{30};

// A `rotonde` child process (child_process.h).
class Child : public ChildProcess {
 public:
  // Starts ROTONDE_BINARY with `args` (argv[1..]).
  bool Start(const std::vector<std::string>& args, std::string* error) {
    return ChildProcess::Start(ROTONDE_BINARY, args, error);
  }
  uint16_t StartServe(const std::string& dir, const std::vector<std::string>& more,
                      std::string* error) {
    return ChildProcess::StartServe(ROTONDE_BINARY, dir, more, error);
  }
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

HttpReply Get(uint16_t port, const std::string& target, const std::string& token) {
  return Http(port, "GET", target, {}, {{"Authorization", "Bearer " + token}});
}

// Clients sending submitProposal commands as fast as they can on threads of their own, each
// recording the command ids answered 200. No answer (a killed or stopped server) and 503
// "unavailable" (a draining server) are counted as not acknowledged; any other answer is kept
// as unexpected.
class CommandSenders {
 public:
  CommandSenders(uint16_t port, std::string token, std::string prefix, int threads)
      : port_(port), token_(std::move(token)), prefix_(std::move(prefix)), acked_(threads) {
    for (int t = 0; t < threads; ++t) threads_.emplace_back([this, t] { Send(t); });
  }
  ~CommandSenders() { Join(); }

  void Join() {
    stop_ = true;
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  int acked() const { return acked_count_; }
  // After Join().
  std::vector<std::string> AckedIds() const {
    std::vector<std::string> all;
    for (const auto& ids : acked_) all.insert(all.end(), ids.begin(), ids.end());
    return all;
  }
  int unavailable() const { return unavailable_; }
  int unexpected() const { return unexpected_; }
  std::string first_unexpected() {
    std::lock_guard lock(mu_);
    return first_unexpected_;
  }

 private:
  void Send(int thread) {
    const std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token_}};
    for (int n = 0; !stop_; ++n) {
      const std::string id = prefix_ + "-" + std::to_string(thread) + "-" + std::to_string(n);
      const std::string body = R"({"commandId":")" + id + R"(","submitProposal":{"title":"Idee )" +
                               std::to_string(n) +
                               R"(","description":"Een bankje bij de speeltuin aan het )"
                               R"(Kolenkitplein.","submitterName":"Bram"}})";
      HttpReply reply = Http(port_, "POST", "/api/v1/platforms/kolenkit/commands", body, headers);
      if (reply.status == 200) {
        acked_[static_cast<size_t>(thread)].push_back(id);
        acked_count_++;
      } else if (reply.status == 0) {
        // No answer: the server is gone or going; not acknowledged, so nothing is promised.
        std::this_thread::sleep_for(milliseconds(2));
      } else if (reply.status == 503 && reply.Code() == "unavailable") {
        unavailable_++;
        std::this_thread::sleep_for(milliseconds(2));
      } else {
        std::lock_guard lock(mu_);
        if (unexpected_++ == 0) {
          first_unexpected_ = id + ": " + std::to_string(reply.status) + " " + reply.body;
        }
      }
    }
  }

  const uint16_t port_;
  const std::string token_;
  const std::string prefix_;
  std::vector<std::vector<std::string>> acked_;  // one per thread, touched by it alone
  std::atomic<int> acked_count_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> unavailable_{0};
  std::atomic<int> unexpected_{0};
  std::mutex mu_;
  std::string first_unexpected_;
  std::vector<std::thread> threads_;
};

// The correlation ids (command ids) of every kolenkit event in the store at `dir`, and whether
// the whole log verifies.
void ReadCommandIds(const std::string& dir, std::set<std::string>* ids) {
  eventstore::Options options;
  options.create_if_missing = false;
  auto store = eventstore::EventStore::Open(dir, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<eventstore::EventRecord> page;
  for (uint64_t after = 0;;) {
    ASSERT_TRUE((*store)->Read(demo::kDemoPlatform, after, 4096, &page).ok());
    for (const auto& record : page) ids->insert(record.correlation_id());
    if (page.empty()) break;
    after = page.back().position();
  }
  for (const eventstore::VerifyReport& report : (*store)->VerifyAll()) {
    EXPECT_TRUE(report.ok()) << report.platform << ": " << report.status.ToString()
                             << " first bad position " << report.first_bad_position.value_or(0)
                             << ": " << report.problem;
  }
}

// Every acknowledged command id has its events in the store at `dir`. With a non-empty
// `drained_prefix` (the senders' ids after a SIGTERM), also the converse: a draining server
// answers every command it handled, so none of those ids is stored without its 200.
void ExpectAllAcknowledgedStored(const std::string& dir, const std::vector<std::string>& acked,
                                 const std::string& drained_prefix = {}) {
  std::set<std::string> stored;
  ASSERT_NO_FATAL_FAILURE(ReadCommandIds(dir, &stored));
  int missing = 0;
  std::string first_missing;
  for (const auto& id : acked) {
    if (stored.count(id) == 0 && missing++ == 0) first_missing = id;
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged commands, e.g. "
                        << first_missing;
  if (drained_prefix.empty()) return;
  const std::set<std::string> answered(acked.begin(), acked.end());
  int unanswered = 0;
  std::string first_unanswered;
  for (const auto& id : stored) {
    if (id.rfind(drained_prefix, 0) == 0 && answered.count(id) == 0 && unanswered++ == 0) {
      first_unanswered = id;
    }
  }
  EXPECT_EQ(unanswered, 0) << "commands stored but never answered during the drain, e.g. "
                           << first_unanswered << " (" << acked.size() << " answered 200)";
}

// `view` of kolenkit folded from the log alone (no checkpoints), as JSON, with its position.
// The day both the served views and the rebuilt ones take as today (clashes and tasks
// depend on it).
constexpr char kViewDay[] = "2026-05-31";

json::value ViewFromScratch(const std::string& dir, const std::string& view, uint64_t* position) {
  eventstore::Options options;
  options.create_if_missing = false;
  auto store = eventstore::EventStore::Open(dir, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  app::CommandService service(**store);
  std::string text;
  Status read = service.Read(demo::kDemoPlatform, [&](const projections::PlatformModel& model) {
    auto event_at = [&](uint64_t at, v1::EventRecord* record) {
      std::vector<eventstore::EventRecord> one;
      if (at == 0 || !(*store)->Read(demo::kDemoPlatform, at - 1, 1, &one).ok() || one.empty())
        return false;
      *record = std::move(one[0]);
      return true;
    };
    app::ViewParams params;
    params.today = kViewDay;
    auto message = app::BuildView(view, params, model, event_at);
    EXPECT_TRUE(message.ok()) << view << ": " << message.status().ToString();
    if (message.ok()) text = wire::MessageJson(**message);
    *position = model.position();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return value;
}

// "" if `a` and `b` are equal, else where they first differ ("board.initiatives[3].title:
// \"x\" vs \"y\""), so a mismatch of two large views reads in one line.
std::string FirstDifference(const json::value& a, const json::value& b, const std::string& path) {
  if (a == b) return {};
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.as_object()) {
      const json::value* other = b.as_object().if_contains(key);
      if (other == nullptr) return path + "." + std::string(key) + ": only in the first";
      if (auto d = FirstDifference(value, *other, path + "." + std::string(key)); !d.empty()) {
        return d;
      }
    }
    return path + ": keys only in the second";
  }
  if (a.is_array() && b.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if (auto d = FirstDifference(x[i], y[i], at); !d.empty()) return d;
    }
    return path + ": " + std::to_string(x.size()) + " vs " + std::to_string(y.size()) + " elements";
  }
  return path + ": " + json::serialize(a).substr(0, 200) + " vs " +
         json::serialize(b).substr(0, 200);
}

int CrashCycles() {
  const char* value = std::getenv("ROTONDE_CRASH_CYCLES");
  const int cycles = value != nullptr ? std::atoi(value) : 0;
  return cycles > 0 ? std::min(cycles, 100) : 3;
}

// Whether connecting to the port is refused (no process listens there).
bool ConnectionRefused(uint16_t port) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return ec == boost::asio::error::connection_refused;
}

TEST(ProcessTest, KillNineUnderConcurrentCommandLoseNothingAcknowledged) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  const int cycles = CrashCycles();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    std::vector<std::string> acked;
    {
      Child child;
      std::string error;
      const uint16_t port = child.StartServe(dir, {}, &error);
      ASSERT_NE(port, 0) << error;
      const std::string token = SignIn(port, "bram");
      ASSERT_FALSE(token.empty());

      CommandSenders senders(port, token, "k" + std::to_string(cycle), 8);
      // Kill after ~1.5 s with some hundreds acknowledged, while the senders still send.
      const auto started = Clock::now();
      while ((Clock::now() - started < milliseconds(1500) || senders.acked() < 200) &&
             Clock::now() - started < seconds(120) && senders.unexpected() == 0) {
        std::this_thread::sleep_for(milliseconds(10));
      }
      const int acked_before_kill = senders.acked();
      ASSERT_EQ(::kill(child.pid(), SIGKILL), 0);
      senders.Join();
      const auto status = child.Wait(kExitTimeout);
      ASSERT_TRUE(status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
          << DescribeStatus(status);
      EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
      EXPECT_EQ(senders.unavailable(), 0) << "503 unavailable from a server not draining";
      ASSERT_GE(acked_before_kill, 200) << "too few commands acknowledged in 120 s";
      acked = senders.AckedIds();
    }
    ExpectAllAcknowledgedStored(dir, acked);

    // The restarted server (checkpoints, then the log's tail) answers what a fold of the
    // whole log from scratch gives.
    std::map<std::string, json::value> served;
    std::map<std::string, uint64_t> served_at;
    {
      Child child;
      std::string error;
      const uint16_t port = child.StartServe(dir, {}, &error);
      ASSERT_NE(port, 0) << error;
      const std::string token = SignIn(port, "bram");
      ASSERT_FALSE(token.empty());
      for (const std::string view : {"board", "clashes"}) {
        HttpReply reply =
            Get(port, "/api/v1/platforms/kolenkit/views/" + view + "?today=" + kViewDay, token);
        ASSERT_EQ(reply.status, 200) << view << ": " << reply.body;
        const json::value body = reply.Json();
        ASSERT_TRUE(body.is_object() && body.as_object().contains("view")) << reply.body;
        served[view] = body.at("view");
        served_at[view] = body.at("position").to_number<uint64_t>();
      }
      child.Signal(SIGTERM);
      const auto status = child.Wait(kExitTimeout);
      ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
          << DescribeStatus(status) << "\nstderr: " << child.Stderr();
    }
    for (const auto& [view, value] : served) {
      uint64_t position = 0;
      const json::value rebuilt = ViewFromScratch(dir, view, &position);
      EXPECT_EQ(served_at[view], position) << view;
      EXPECT_EQ(FirstDifference(value, rebuilt, view), "");
    }
  }
}

TEST(ProcessTest, SigtermDrainsAndExitsZero) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  Child child;
  std::string error;
  const uint16_t port = child.StartServe(dir, {}, &error);
  ASSERT_NE(port, 0) << error;
  const std::string token = SignIn(port, "bram");
  ASSERT_FALSE(token.empty());

  WsClient ws;
  ASSERT_TRUE(ws.Connect(port, token, 0, &error)) << error;
  ASSERT_TRUE(ws.Send({{"type", "subscribe"}, {"id", "s1"}, {"platform", "kolenkit"}}));
  ASSERT_TRUE(ws.ReadUntil("caught_up", seconds(30))) << "closed " << ws.close_code();

  std::vector<std::string> acked;
  {
    // Several senders, so SIGTERM finds commands in flight: each must be answered.
    CommandSenders senders(port, token, "t", 8);
    const auto started = Clock::now();
    while (senders.acked() < 20 && Clock::now() - started < seconds(60)) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    ASSERT_GE(senders.acked(), 20) << senders.first_unexpected();
    ASSERT_EQ(::kill(child.pid(), SIGTERM), 0);

    // The WebSocket gets the live events, then a close frame with 1001 (going away).
    const auto deadline = Clock::now() + kExitTimeout;
    while (!ws.closed() && Clock::now() < deadline) {
      ws.Read(std::max(milliseconds(1),
                       std::chrono::duration_cast<milliseconds>(deadline - Clock::now())));
    }
    EXPECT_TRUE(ws.closed());
    EXPECT_EQ(ws.close_code(), 1001);

    const auto status = child.Wait(kExitTimeout);
    senders.Join();
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << DescribeStatus(status) << "\nstderr: " << child.Stderr();
    // Draining may refuse requests (no connection, or 503 unavailable), nothing else.
    EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
    acked = senders.AckedIds();
  }
  EXPECT_TRUE(ConnectionRefused(port)) << "/readyz still reachable on port " << port;
  EXPECT_EQ(Http(port, "GET", "/readyz").status, 0);
  ExpectAllAcknowledgedStored(dir, acked, "t-");
}

// A TCP connection to the server made by hand: bytes in and out, every wait bounded.
class RawClient {
 public:
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Connect(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return fd_ >= 0 &&
           ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  bool Send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until `received` holds `count` bytes, the peer closes (false) or the timeout passes.
  bool ReadAtLeast(size_t count, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (received.size() < count) {
      if (!ReadSome(deadline)) return false;
    }
    return true;
  }
  // Reads until `received` contains `text`.
  bool ReadUntil(const std::string& text, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (received.find(text) == std::string::npos) {
      if (!ReadSome(deadline)) return false;
    }
    return true;
  }
  // Reads until the peer closes the connection (true) or the timeout passes (false).
  bool ReadUntilClosed(Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    while (ReadSome(deadline)) {
    }
    return closed;
  }

  std::string received;
  bool closed = false;

 private:
  bool ReadSome(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || closed) return false;
    pollfd polled{fd_, POLLIN, 0};
    if (::poll(&polled, 1, static_cast<int>(left)) <= 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed = true;  // an orderly close or a reset
      return false;
    }
    received.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
};

// A client's close frame (RFC 6455 5.5.1): FIN and opcode 8, masked, with `code`.
std::string MaskedCloseFrame(uint16_t code) {
  const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string frame = {'\x88', static_cast<char>(0x80 | 2)};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  frame.push_back(static_cast<char>((code >> 8) ^ mask[0]));
  frame.push_back(static_cast<char>((code & 0xff) ^ mask[1]));
  return frame;
}

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The drain's bound, whatever the clients do, is 2 s; asserted with room for a loaded machine
// (the measured figure is printed).
constexpr milliseconds kDrainBound{5000};

TEST(ProcessTest, SigtermWithNoClientExitsAtOnce) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  Child child;
  std::string error;
  const uint16_t port = child.StartServe(dir, {}, &error);
  ASSERT_NE(port, 0) << error;
  ASSERT_EQ(Http(port, "GET", "/readyz").status, 200);
  const auto signalled = Clock::now();
  child.Signal(SIGTERM);
  const auto status = child.Wait(kExitTimeout);
  const double ms = MillisecondsSince(signalled);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << DescribeStatus(status) << "\nstderr: " << child.Stderr();
  std::cout << "SIGTERM to exit, no client: " << ms << " ms" << std::endl;
  RecordProperty("drain_ms", std::to_string(static_cast<int>(ms)));
  EXPECT_LT(ms, kDrainBound.count());
}

// A WebSocket client that answers the server's close frame but never closes its side of the
// TCP connection, and a request whose last bytes arrive while the server drains: the request
// is answered, the WebSocket is cut at the drain's bound, and the server exits 0 within it.
TEST(ProcessTest, SigtermExitsWithinTheBoundWhateverTheClientsDo) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  Child child;
  std::string error;
  const uint16_t port = child.StartServe(dir, {}, &error);
  ASSERT_NE(port, 0) << error;
  const std::string token = SignIn(port, "bram");
  ASSERT_FALSE(token.empty());
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";

  RawClient ws;
  ASSERT_TRUE(ws.Connect(port));
  ASSERT_TRUE(ws.Send("GET /api/v1/ws HTTP/1.1\r\n" + host +
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
                      token + "\r\n\r\n"));
  ASSERT_TRUE(ws.ReadUntil("\r\n\r\n", seconds(30))) << ws.received;
  ASSERT_EQ(ws.received.rfind("HTTP/1.1 101", 0), 0u) << ws.received;
  ws.received.erase(0, ws.received.find("\r\n\r\n") + 4);

  // A request all but its last CRLF.
  RawClient reader;
  ASSERT_TRUE(reader.Connect(port));
  ASSERT_TRUE(reader.Send("GET /api/v1/platforms/kolenkit/views/board HTTP/1.1\r\n" + host +
                          "Authorization: Bearer " + token + "\r\n"));

  const auto signalled = Clock::now();
  child.Signal(SIGTERM);
  // The close frame: 1001, going away. The client answers it, and keeps its socket open.
  ASSERT_TRUE(ws.ReadAtLeast(4, kExitTimeout)) << "no close frame";
  EXPECT_EQ(static_cast<unsigned char>(ws.received[0]), 0x88) << "not a close frame";
  const unsigned code = (static_cast<unsigned char>(ws.received[2]) << 8) |
                        static_cast<unsigned char>(ws.received[3]);
  EXPECT_EQ(code, 1001u);
  ASSERT_TRUE(ws.Send(MaskedCloseFrame(1001)));

  // The request's end arrives while the server drains: it is answered, and the connection
  // closed after it.
  ASSERT_TRUE(reader.Send("\r\n"));
  ASSERT_TRUE(reader.ReadUntilClosed(kExitTimeout));
  EXPECT_EQ(reader.received.rfind("HTTP/1.1 200", 0), 0u) << reader.received.substr(0, 300);
  EXPECT_NE(reader.received.find("\"position\""), std::string::npos);

  // The server cuts the WebSocket at the bound and exits.
  const auto status = child.Wait(kExitTimeout);
  const double ms = MillisecondsSince(signalled);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << DescribeStatus(status) << "\nstderr: " << child.Stderr();
  std::cout << "SIGTERM to exit, a WebSocket client that never closes: " << ms << " ms"
            << std::endl;
  RecordProperty("drain_ms", std::to_string(static_cast<int>(ms)));
  EXPECT_LT(ms, kDrainBound.count());
  EXPECT_TRUE(ws.ReadUntilClosed(seconds(5))) << "the WebSocket's connection was not closed";
  EXPECT_TRUE(ConnectionRefused(port));
}

// Runs `rotonde` with `args` to its end; its exit status, stdout and stderr.
struct CliRun {
  std::optional<int> status;
  std::string out, err;
  bool ok() const { return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0; }
  int exit_code() const { return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1; }
};

CliRun RunRotonde(const std::vector<std::string>& args) {
  Child child;
  std::string error;
  CliRun run;
  if (!child.Start(args, &error)) {
    run.err = error;
    return run;
  }
  run.status = child.Wait(seconds(300));
  run.out = child.Stdout();
  run.err = child.Stderr();
  return run;
}

// kolenkit's head as the server's /verify gives it: "position hash".
std::string ServedHead(uint16_t port, const std::string& token) {
  HttpReply reply = Get(port, "/api/v1/platforms/kolenkit/verify", token);
  EXPECT_EQ(reply.status, 200) << reply.body;
  if (reply.status != 200) return {};
  const json::value head = reply.Json().at("head");
  return std::to_string(head.at("position").to_number<uint64_t>()) + " " +
         std::string(head.at("hash").as_string());
}

// kolenkit's head in a backup's manifest: "position hash".
std::string ManifestHead(const std::string& backups, int number) {
  std::ifstream in(backups + "/backup-" + std::to_string(number) + "/manifest.json");
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const json::value manifest = json::parse(text.str(), ec);
  EXPECT_FALSE(ec) << text.str();
  if (ec) return {};
  const json::value head = manifest.at("heads").at("kolenkit");
  return std::to_string(head.at("position").to_number<uint64_t>()) + " " +
         std::string(head.at("hash").as_string());
}

uint64_t PositionOf(const std::string& head) { return std::stoull(head.substr(0, head.find(' '))); }
std::string HashOf(const std::string& head) { return head.substr(head.find(' ') + 1); }

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Backups of a served data directory while commands pour in, an incremental one after more
// commands, and restores of both: each restored directory verifies, holds the head its
// backup recorded (the served head, when nothing was written meanwhile), and serves again
// with its accounts, signing key and signed checkpoints.
TEST(ProcessTest, BackupsWhileServingRestoreToTheSameHeads) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  const std::string backups = temp.Sub("backups");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  std::string quiet_head;
  {
    Child child;
    std::string error;
    const uint16_t port = child.StartServe(dir, {}, &error);
    ASSERT_NE(port, 0) << error;
    const std::string bram = SignIn(port, "bram");
    const std::string anna = SignIn(port, "anna");
    ASSERT_FALSE(bram.empty());
    // A signed checkpoint, so the notes hold one.
    ASSERT_EQ(Get(port, "/api/v1/platforms/kolenkit/checkpoint", anna).status, 200);
    {
      // The first backup while commands are written.
      CommandSenders senders(port, bram, "b1", 4);
      const auto started = Clock::now();
      while (senders.acked() < 50 && Clock::now() - started < seconds(60)) {
        std::this_thread::sleep_for(milliseconds(5));
      }
      const CliRun first = RunRotonde({"backup", "--data", dir, "--to", backups});
      ASSERT_TRUE(first.ok()) << first.exit_code() << ": " << first.err;
      EXPECT_NE(first.out.find("ok: backup 1 in "), std::string::npos) << first.out;
      // Writing goes on after it.
      const int after_backup = senders.acked();
      while (senders.acked() < after_backup + 50 && Clock::now() - started < seconds(120)) {
        std::this_thread::sleep_for(milliseconds(5));
      }
      senders.Join();
      EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
      EXPECT_EQ(senders.unavailable(), 0);
    }
    // The second, incremental, with nothing written meanwhile: the served head exactly.
    quiet_head = ServedHead(port, anna);
    const CliRun second = RunRotonde({"backup", "--data", dir, "--to", backups});
    ASSERT_TRUE(second.ok()) << second.exit_code() << ": " << second.err;
    EXPECT_NE(second.out.find("platform kolenkit: head position " +
                              std::to_string(PositionOf(quiet_head)) + ", head hash " +
                              HashOf(quiet_head)),
              std::string::npos)
        << second.out;
    EXPECT_EQ(ManifestHead(backups, 2), quiet_head);
    EXPECT_LT(PositionOf(ManifestHead(backups, 1)), PositionOf(quiet_head));

    child.Signal(SIGTERM);
    const auto status = child.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << DescribeStatus(status);
  }
  // Incremental: the second backup shares the first one's table files.
  EXPECT_TRUE(std::filesystem::exists(backups + "/log/meta/1"));
  EXPECT_TRUE(std::filesystem::exists(backups + "/log/meta/2"));

  // A restore wants a new directory.
  const std::string occupied = temp.Sub("occupied");
  std::filesystem::create_directories(occupied);
  std::ofstream(occupied + "/file") << "x";
  const CliRun refused = RunRotonde({"restore", "--from", backups, "--to", occupied});
  EXPECT_EQ(refused.exit_code(), 2) << refused.err;
  EXPECT_EQ(refused.err.rfind("rotonde: restore: target_not_empty: ", 0), 0u) << refused.err;

  // The first backup: every event up to the head it recorded, and it verifies.
  const std::string restored_first = temp.Sub("restored-1");
  const CliRun first =
      RunRotonde({"restore", "--from", backups, "--to", restored_first, "--backup", "1"});
  ASSERT_TRUE(first.ok()) << first.exit_code() << ": " << first.err;
  EXPECT_TRUE(RunRotonde({"verify", "--data", restored_first}).ok());

  // The second: the served head, exactly.
  const std::string restored = temp.Sub("restored");
  const CliRun second = RunRotonde({"restore", "--from", backups, "--to", restored});
  ASSERT_TRUE(second.ok()) << second.exit_code() << ": " << second.err;
  const CliRun verify = RunRotonde({"verify", "--data", restored});
  ASSERT_TRUE(verify.ok()) << verify.err;
  EXPECT_NE(verify.out.find("platform kolenkit: " + std::to_string(PositionOf(quiet_head)) +
                            " events verified, head hash " + HashOf(quiet_head)),
            std::string::npos)
      << verify.out;
  EXPECT_EQ(FileBytes(restored + "/signing-key"), FileBytes(dir + "/signing-key"));

  // The copy serves: its accounts sign in, its signing key and notes sign its head.
  Child child;
  std::string error;
  const uint16_t port = child.StartServe(restored, {}, &error);
  ASSERT_NE(port, 0) << error;
  const std::string anna = SignIn(port, "anna");
  ASSERT_FALSE(anna.empty());
  EXPECT_EQ(ServedHead(port, anna), quiet_head);
  HttpReply checkpoint = Get(port, "/api/v1/platforms/kolenkit/checkpoint", anna);
  EXPECT_EQ(checkpoint.status, 200) << checkpoint.body;
  child.Signal(SIGTERM);
  const auto status = child.Wait(kExitTimeout);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeStatus(status);

  // Without a server the backup opens the databases itself.
  const CliRun offline = RunRotonde({"backup", "--data", dir, "--to", backups});
  ASSERT_TRUE(offline.ok()) << offline.exit_code() << ": " << offline.err;
  EXPECT_NE(offline.out.find("ok: backup 3 in "), std::string::npos) << offline.out;
  EXPECT_EQ(ManifestHead(backups, 3), quiet_head);
}

std::string ProposalCommand(const std::string& id) {
  return R"({"commandId":")" + id +
         R"(","submitProposal":{"title":"Een bankje","description":"Bij de speeltuin.",)"
         R"("submitterName":"Bram"}})";
}

// The disk under --data fills up while commands pour in (a small tmpfs of its own, filled by
// a file beside the data): commands are answered 503 unavailable over HTTP and `unavailable`
// over the WebSocket, never a crash or a hang; reads answer 200; once the filler is deleted
// commands succeed again with no restart; and after a kill -9 every acknowledged command is
// in the log, and the restarted server takes commands.
TEST(ProcessTest, AFullDiskAnswersUnavailableReadsGoOnAndCommandsResumeOnceSpaceIsFreed) {
  SmallDisk disk(64 << 20);
  ASSERT_TRUE(disk.mounted()) << disk.error();
  const std::string dir = disk.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  std::vector<std::string> acked;
  {
    Child child;
    std::string error;
    const uint16_t port = child.StartServe(dir, {}, &error);
    ASSERT_NE(port, 0) << error;
    const std::string token = SignIn(port, "bram");
    ASSERT_FALSE(token.empty());
    const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
    WsClient ws;
    ASSERT_TRUE(ws.Connect(port, token, 0, &error)) << error;

    ASSERT_GT(disk.Fill("filler", 1 << 20), 0u);
    CommandSenders senders(port, token, "f", 4);
    // Full: the senders get 503 unavailable (and nothing else: CommandSenders keeps any
    // other answer as unexpected).
    ASSERT_TRUE(WaitFor([&] { return senders.unavailable() >= 20 || senders.unexpected() > 0; },
                        seconds(120)))
        << "no 503 within 120 s; " << senders.acked() << " acknowledged, " << disk.FreeBytes()
        << " bytes free";
    ASSERT_EQ(senders.unexpected(), 0) << senders.first_unexpected();

    HttpReply refused = Http(port, "POST", "/api/v1/platforms/kolenkit/commands",
                             ProposalCommand("while-full-http"), auth);
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.Code(), "unavailable") << refused.body;
    ASSERT_TRUE(ws.SendText(R"({"type":"command","id":"c1","platform":"kolenkit","command":)" +
                            ProposalCommand("while-full-ws") + "}"));
    auto answer = ws.ReadUntil("error", seconds(60));
    ASSERT_TRUE(answer) << "no answer over the WebSocket; closed " << ws.close_code();
    EXPECT_EQ(json::value_to<std::string>(answer->at("code")), "unavailable")
        << json::serialize(*answer);
    EXPECT_EQ(json::value_to<std::string>(answer->at("id")), "c1");

    // Reads go on.
    for (const std::string target :
         {"/api/v1/platforms/kolenkit/views/board", "/api/v1/platforms/kolenkit/events?from=0",
          "/api/v1/session", "/api/v1/platforms"}) {
      HttpReply read = Get(port, target, token);
      EXPECT_EQ(read.status, 200) << target << ": " << read.body.substr(0, 300);
    }
    EXPECT_EQ(Http(port, "GET", "/healthz").status, 200);
    ASSERT_TRUE(ws.Send({{"type", "subscribe"}, {"id", "s1"}, {"platform", "kolenkit"}}));
    EXPECT_TRUE(ws.ReadUntil("caught_up", seconds(60))) << "closed " << ws.close_code();

    // Space freed: commands are taken again, by the same server.
    disk.Remove("filler");
    const int acked_when_freed = senders.acked();
    EXPECT_TRUE(WaitFor([&] { return senders.acked() >= acked_when_freed + 50; }, seconds(120)))
        << "commands were not taken again within 120 s after space was freed; "
        << senders.unavailable() << " answered 503";
    ASSERT_TRUE(ws.SendText(R"({"type":"command","id":"c2","platform":"kolenkit","command":)" +
                            ProposalCommand("after-freed-ws") + "}"));
    auto result = ws.ReadUntil("result", seconds(60));
    EXPECT_TRUE(result) << "closed " << ws.close_code();
    if (result) acked.push_back("after-freed-ws");

    ASSERT_EQ(::kill(child.pid(), SIGKILL), 0);
    senders.Join();
    const auto status = child.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
        << DescribeStatus(status) << "\nstderr: " << child.Stderr();
    EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
    const std::vector<std::string> sent = senders.AckedIds();
    acked.insert(acked.end(), sent.begin(), sent.end());
  }
  ExpectAllAcknowledgedStored(dir, acked);

  Child child;
  std::string error;
  const uint16_t port = child.StartServe(dir, {}, &error);
  ASSERT_NE(port, 0) << error;
  const std::string token = SignIn(port, "bram");
  HttpReply taken = Http(port, "POST", "/api/v1/platforms/kolenkit/commands",
                         ProposalCommand("after-restart"), {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(taken.status, 200) << taken.body;
}

TEST(ProcessTest, WithAStoreTheLogIsInPostgreSQLAndTheRestInTheDataDirectory) {
  std::string error;
  PgServer* postgres = PgServer::Get(&error);
  ASSERT_NE(postgres, nullptr) << error;
  ASSERT_FALSE(postgres->Database("serve_store", &error).empty()) << error;
  const std::string url = postgres->Url("serve_store");
  TempDir temp;
  const std::string dir = temp.Sub("data");
  int acked = 0;
  {
    Child child;
    const uint16_t port = child.StartServe(dir, {"--store", url, "--demo"}, &error);
    ASSERT_NE(port, 0) << error << child.Stderr();
    const std::string token = SignIn(port, "bram");
    ASSERT_FALSE(token.empty());
    CommandSenders senders(port, token, "pg", 2);
    const auto started = Clock::now();
    while (senders.acked() < 10 && Clock::now() - started < seconds(60)) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    senders.Join();
    acked = senders.acked();
    ASSERT_GE(acked, 10) << senders.first_unexpected();
    ASSERT_EQ(::kill(child.pid(), SIGTERM), 0);
    const auto status = child.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << DescribeStatus(status) << child.Stderr();
  }
  // The log is in the database, whole; the data directory holds no event store.
  EXPECT_FALSE(std::filesystem::exists(dir + "/CURRENT"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/auth"));
  {
    auto log = eventstore::PgEventLog::Open(url);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->Platforms(), std::vector<std::string>{"kolenkit"});
    const eventstore::VerifyReport report = (*log)->Verify("kolenkit");
    EXPECT_TRUE(report.ok()) << report.status.ToString() << " " << report.problem;
    EXPECT_GT(report.events, static_cast<uint64_t>(acked));
  }
  // Started again on the same database, it serves what it had.
  Child again;
  const uint16_t port = again.StartServe(dir, {"--store", url}, &error);
  ASSERT_NE(port, 0) << error << again.Stderr();
  EXPECT_FALSE(SignIn(port, "bram").empty());
  ASSERT_EQ(::kill(again.pid(), SIGTERM), 0);
  const auto status = again.Wait(kExitTimeout);
  EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeStatus(status);
}

// The correlation ids of every kolenkit event in the PostgreSQL log at `url`, each once, and
// whether the log verifies.
void ReadCommandIdsFromDatabase(const std::string& url, std::multiset<std::string>* ids) {
  auto log = eventstore::PgEventLog::Open(url);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::vector<eventstore::EventRecord> all;
  ASSERT_TRUE((*log)->Read(demo::kDemoPlatform, 0, SIZE_MAX, &all).ok());
  std::set<std::string> event_ids;
  for (const auto& record : all) {
    EXPECT_TRUE(event_ids.insert(record.id()).second) << "twice: " << record.id();
    if (record.id().ends_with(":0")) ids->insert(record.correlation_id());
  }
  const eventstore::VerifyReport report = (*log)->Verify(demo::kDemoPlatform);
  EXPECT_TRUE(report.ok()) << report.status.ToString() << " " << report.problem;
}

// Two servers on one database: the one that founded kolenkit takes its commands, the other
// answers them 503 unavailable (naming the first, with a Retry-After) but serves reads.
// Killed with SIGKILL, the first hands the platform to the second once its lease ran out;
// nothing acknowledged by either is lost or stored twice, and the chain verifies.
TEST(ProcessTest, TwoServersOnOneStoreTheOtherTakesAKilledServersPlatformAfterItsLease) {
  std::string error;
  PgServer* postgres = PgServer::Get(&error);
  ASSERT_NE(postgres, nullptr) << error;
  ASSERT_FALSE(postgres->Database("serve_leases", &error).empty()) << error;
  const std::string url = postgres->Url("serve_leases");
  constexpr int kLeaseMs = 1500;
  TempDir temp;
  auto flags = [&](const std::string& id) {
    return std::vector<std::string>{
        "--store", url, "--demo", "--server-id", id, "--lease-ms", std::to_string(kLeaseMs)};
  };
  Child first, second;
  const uint16_t first_port = first.StartServe(temp.Sub("a"), flags("server-a"), &error);
  ASSERT_NE(first_port, 0) << error;
  const uint16_t second_port = second.StartServe(temp.Sub("b"), flags("server-b"), &error);
  ASSERT_NE(second_port, 0) << error;
  // The accounts are each server's own (DIR/auth): the demo's on both.
  const std::string first_token = SignIn(first_port, "bram");
  const std::string second_token = SignIn(second_port, "bram");
  ASSERT_FALSE(first_token.empty() || second_token.empty());
  const std::map<std::string, std::string> on_second = {
      {"Authorization", "Bearer " + second_token}};

  HttpReply refused = Http(second_port, "POST", "/api/v1/platforms/kolenkit/commands",
                           ProposalCommand("early"), on_second);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.Code(), "unavailable");
  EXPECT_NE(refused.body.find("server-a"), std::string::npos) << refused.body;
  EXPECT_FALSE(refused.headers["retry-after"].empty());
  HttpReply read = Get(second_port, "/api/v1/platforms/kolenkit/views/board", second_token);
  EXPECT_EQ(read.status, 200) << read.body;

  std::vector<std::string> acked;
  {
    CommandSenders senders(first_port, first_token, "first", 4);
    const auto started = Clock::now();
    while (senders.acked() < 100 && Clock::now() - started < seconds(60) &&
           senders.unexpected() == 0) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    ASSERT_EQ(::kill(first.pid(), SIGKILL), 0);
    senders.Join();
    const auto status = first.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFSIGNALED(*status)) << DescribeStatus(status);
    EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
    EXPECT_EQ(senders.unavailable(), 0);
    ASSERT_GE(senders.acked(), 100);
    acked = senders.AckedIds();
  }
  const auto killed = Clock::now();
  // The second server takes kolenkit once the lease ran out: not before, and within a few
  // renewals after.
  int tries = 0;
  HttpReply taken;
  do {
    taken = Http(second_port, "POST", "/api/v1/platforms/kolenkit/commands",
                 ProposalCommand("taken-" + std::to_string(tries++)), on_second);
    if (taken.status == 503) std::this_thread::sleep_for(milliseconds(50));
  } while (taken.status == 503 && Clock::now() - killed < seconds(30));
  ASSERT_EQ(taken.status, 200) << taken.body;
  const auto handed_over = Clock::now() - killed;
  EXPECT_LE(handed_over, milliseconds(3 * kLeaseMs)) << "the lease ran out long ago";
  acked.push_back("taken-" + std::to_string(tries - 1));
  {
    CommandSenders senders(second_port, second_token, "second", 4);
    const auto started = Clock::now();
    while (senders.acked() < 50 && Clock::now() - started < seconds(60) &&
           senders.unexpected() == 0) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    senders.Join();
    EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
    EXPECT_EQ(senders.unavailable(), 0);
    const auto ids = senders.AckedIds();
    acked.insert(acked.end(), ids.begin(), ids.end());
  }
  second.Signal(SIGTERM);
  const auto status = second.Wait(kExitTimeout);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << DescribeStatus(status) << second.Stderr();

  std::multiset<std::string> stored;
  ASSERT_NO_FATAL_FAILURE(ReadCommandIdsFromDatabase(url, &stored));
  int missing = 0, twice = 0;
  for (const auto& id : acked) {
    missing += stored.count(id) == 0 ? 1 : 0;
    twice += stored.count(id) > 1 ? 1 : 0;
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged";
  EXPECT_EQ(twice, 0);
  EXPECT_EQ(stored.count("early"), 0u) << "a refused command was stored";
}

// A platform placed across two clusters (two databases): frozen in the directory, its
// server answers its commands 503 with a retry hint; `rotonde admin move-platform` moves it
// while commands pour in, the server left behind answers them 503 naming the new cluster, and
// a server of that cluster takes them, continuing the log from the position it had. Nothing
// acknowledged is lost or stored twice, and the chain verifies.
TEST(ProcessTest, AMovedPlatformIsServedInItsNewClusterFromThePositionItHad) {
  std::string error;
  PgServer* postgres = PgServer::Get(&error);
  ASSERT_NE(postgres, nullptr) << error;
  const std::string home_conninfo = postgres->Database("placing_home", &error);
  ASSERT_FALSE(home_conninfo.empty()) << error;
  ASSERT_FALSE(postgres->Database("placing_second", &error).empty()) << error;
  const std::string home = postgres->Url("placing_home");
  const std::string second = postgres->Url("placing_second");
  TempDir temp;
  const std::vector<std::string> lease = {"--lease-ms", "1500"};

  Child first;
  std::vector<std::string> first_flags = {"--store", home, "--demo", "--server-id", "home-a"};
  first_flags.insert(first_flags.end(), lease.begin(), lease.end());
  const uint16_t first_port = first.StartServe(temp.Sub("a"), first_flags, &error);
  ASSERT_NE(first_port, 0) << error;
  const std::string first_token = SignIn(first_port, "bram");
  ASSERT_FALSE(first_token.empty());
  const CliRun added = RunRotonde({"admin", "add-cluster", "second", second, "--store", home});
  ASSERT_TRUE(added.ok()) << added.err;

  // Frozen (as a move begins), commands wait: 503, with when to ask again.
  auto directory = eventstore::PgDirectory::Open(home_conninfo);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  const std::map<std::string, std::string> on_first = {{"Authorization", "Bearer " + first_token}};
  ASSERT_TRUE((*directory)->Freeze("kolenkit").ok());
  std::this_thread::sleep_for(milliseconds(1200));  // the server reads the directory again
  HttpReply frozen = Http(first_port, "POST", "/api/v1/platforms/kolenkit/commands",
                          ProposalCommand("while-frozen"), on_first);
  EXPECT_EQ(frozen.status, 503) << frozen.body;
  EXPECT_EQ(frozen.Code(), "unavailable");
  EXPECT_NE(frozen.body.find("being moved"), std::string::npos) << frozen.body;
  EXPECT_EQ(frozen.headers["retry-after"], "2");
  const CliRun unfrozen_run =
      RunRotonde({"admin", "unfreeze-platform", "kolenkit", "--store", home});
  ASSERT_TRUE(unfrozen_run.ok()) << unfrozen_run.err;
  EXPECT_NE(unfrozen_run.out.find("served in cluster home again"), std::string::npos)
      << unfrozen_run.out;
  HttpReply thawed;
  const auto unfrozen = Clock::now();
  do {
    thawed = Http(first_port, "POST", "/api/v1/platforms/kolenkit/commands",
                  ProposalCommand("after-frozen"), on_first);
    if (thawed.status == 503) std::this_thread::sleep_for(milliseconds(50));
  } while (thawed.status == 503 && Clock::now() - unfrozen < seconds(20));
  EXPECT_EQ(thawed.status, 200) << thawed.body;
  const CliRun there =
      RunRotonde({"admin", "move-platform", "kolenkit", "--to", "home", "--store", home});
  EXPECT_EQ(there.exit_code(), 2) << there.err;  // it is there already

  std::vector<std::string> acked = {"after-frozen"};
  uint64_t moved_head = 0;
  {
    CommandSenders senders(first_port, first_token, "before", 2);
    const auto started = Clock::now();
    while (senders.acked() < 50 && Clock::now() - started < seconds(60)) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    const CliRun moved =
        RunRotonde({"admin", "move-platform", "kolenkit", "--to", "second", "--store", home});
    ASSERT_TRUE(moved.ok()) << moved.err;
    const std::string& out = moved.out;
    const size_t at = out.find(" events copied, head ");
    ASSERT_NE(at, std::string::npos) << out;
    moved_head = std::strtoull(out.c_str() + at + 21, nullptr, 10);
    EXPECT_NE(out.find("on both sides"), std::string::npos) << out;
    // Once the directory is read again, the server left behind sends clients on.
    std::this_thread::sleep_for(milliseconds(1200));
    senders.Join();
    EXPECT_EQ(senders.unexpected(), 0) << senders.first_unexpected();
    acked = senders.AckedIds();
  }
  HttpReply elsewhere = Http(first_port, "POST", "/api/v1/platforms/kolenkit/commands",
                             ProposalCommand("left-behind"), on_first);
  EXPECT_EQ(elsewhere.status, 503) << elsewhere.body;
  EXPECT_NE(elsewhere.body.find("cluster second"), std::string::npos) << elsewhere.body;
  EXPECT_FALSE(elsewhere.headers["retry-after"].empty());

  // A server of the second cluster (its accounts are its own: the demo's, as the log there
  // holds the demo platform now) takes the commands, from the position the move kept.
  Child target;
  std::vector<std::string> target_flags = {"--store",     home,       "--cluster", "second",
                                           "--server-id", "second-b", "--demo"};
  target_flags.insert(target_flags.end(), lease.begin(), lease.end());
  const uint16_t target_port = target.StartServe(temp.Sub("b"), target_flags, &error);
  ASSERT_NE(target_port, 0) << error;
  const std::string target_token = SignIn(target_port, "bram");
  ASSERT_FALSE(target_token.empty());
  HttpReply taken;
  const auto asked = Clock::now();
  do {
    taken = Http(target_port, "POST", "/api/v1/platforms/kolenkit/commands",
                 ProposalCommand("in-second"), {{"Authorization", "Bearer " + target_token}});
    if (taken.status == 503) std::this_thread::sleep_for(milliseconds(50));
  } while (taken.status == 503 && Clock::now() - asked < seconds(20));
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.Json().at("firstPosition").to_number<uint64_t>(), moved_head + 1) << taken.body;
  acked.push_back("in-second");
  target.Signal(SIGTERM);
  first.Signal(SIGTERM);
  for (Child* child : {&target, &first}) {
    const auto status = child->Wait(kExitTimeout);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << DescribeStatus(status) << child->Stderr();
  }

  std::multiset<std::string> stored;
  ASSERT_NO_FATAL_FAILURE(ReadCommandIdsFromDatabase(second, &stored));
  for (const auto& id : acked) EXPECT_EQ(stored.count(id), 1u) << id;
  EXPECT_EQ(stored.count("left-behind"), 0u);
  EXPECT_EQ(stored.count("while-frozen"), 0u);
  auto source = eventstore::PgEventLog::Open(home_conninfo);
  ASSERT_TRUE(source.ok());
  EXPECT_TRUE((*source)->Platforms().empty()) << "the source still holds the platform";
}

TEST(ProcessTest, ServeRefusesABadListenAddress) {
  TempDir temp;
  for (const std::string listen : {"nonsense", "127.0.0.1:port", "127.0.0.1:70000"}) {
    SCOPED_TRACE("--listen " + listen);
    Child child;
    std::string error;
    ASSERT_TRUE(
        child.Start({"serve", "--data", temp.path(), "--listen", listen, "--web", ""}, &error))
        << error;
    const auto status = child.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFEXITED(*status)) << DescribeStatus(status);
    EXPECT_EQ(WEXITSTATUS(*status), 2);
    const std::string err = child.Stderr();
    const auto lines = Lines(err);
    ASSERT_EQ(lines.size(), 1u) << err;
    EXPECT_EQ(lines[0].rfind("rotonde: ", 0), 0u) << lines[0];
    EXPECT_EQ(child.Stdout().find("listening on"), std::string::npos);
  }
}

TEST(ProcessTest, ServeMakesItsSigningKeyOnceAndAdminPrintsWhatTheCheckpointsCarry) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  std::string public_key;
  {
    Child child;
    std::string error;
    const uint16_t port = child.StartServe(dir, {"--server-name", "buurt.example"}, &error);
    ASSERT_NE(port, 0) << error;
    HttpReply checkpoint = Http(port, "GET", "/api/v1/platforms/kolenkit/checkpoint", {},
                                {{"Authorization", "Bearer " + SignIn(port, "olaf")}});
    ASSERT_EQ(checkpoint.status, 200) << checkpoint.body;
    EXPECT_EQ(checkpoint.Json().at("origin"), "buurt.example/kolenkit");
    public_key = std::string(checkpoint.Json().at("publicKey").as_string());
    child.Signal(SIGTERM);
    const auto status = child.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << DescribeStatus(status);
  }
  struct stat info {};
  ASSERT_EQ(::stat((dir + "/signing-key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  {
    Child admin;
    std::string error;
    ASSERT_TRUE(admin.Start({"admin", "public-key", "--data", dir}, &error)) << error;
    const auto status = admin.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << admin.Stderr();
    EXPECT_EQ(admin.Stdout(), public_key + "\n");
  }
  {
    // A key keeps the name it was made with.
    Child renamed;
    std::string error;
    ASSERT_TRUE(renamed.Start({"serve", "--data", dir, "--listen", "127.0.0.1:0", "--web", "",
                               "--server-name", "elders.example"},
                              &error))
        << error;
    const auto status = renamed.Wait(kExitTimeout);
    ASSERT_TRUE(status && WIFEXITED(*status)) << DescribeStatus(status);
    EXPECT_EQ(WEXITSTATUS(*status), 2);
    EXPECT_NE(renamed.Stderr().find("named \"buurt.example\""), std::string::npos)
        << renamed.Stderr();
  }
}

TEST(ProcessTest, JsonLogFormatWritesEveryLogLineAsOneObject) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  Child child;
  std::string error;
  const uint16_t port = child.StartServe(dir, {"--log-format", "json"}, &error);
  ASSERT_NE(port, 0) << error;
  EXPECT_EQ(Http(port, "GET", "/healthz").status, 200);
  child.Signal(SIGTERM);
  const auto status = child.Wait(kExitTimeout);
  ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeStatus(status);

  int log_lines = 0;
  bool saw_request = false;
  for (const std::string& output : {child.Stdout(), child.Stderr()}) {
    for (const std::string& line : Lines(output)) {
      if (line.rfind("listening on ", 0) == 0) continue;  // a plain line by design
      ++log_lines;
      boost::system::error_code ec;
      const json::value value = json::parse(line, ec);
      ASSERT_FALSE(ec) << "not JSON: " << line;
      ASSERT_TRUE(value.is_object()) << line;
      const json::object& object = value.as_object();
      ASSERT_TRUE(object.contains("level") && object.at("level").is_string()) << line;
      ASSERT_TRUE(object.contains("msg") && object.at("msg").is_string()) << line;
      saw_request |= object.at("msg").as_string().find("/healthz") != json::string::npos;
    }
  }
  EXPECT_GT(log_lines, 0);
  EXPECT_TRUE(saw_request) << "no log line for the request\nstdout: " << child.Stdout();
}

// Mail survives a kill -9 between being queued and being sent, and is sent exactly once:
// the SMTP server is away when the notification is queued, the server is killed, and after
// a restart the mail goes out once; another kill and restart after that sends nothing again.
TEST(ProcessTest, AMailQueuedBeforeAKillIsSentExactlyOnce) {
  TempDir temp;
  const std::string dir = temp.Sub("data");
  ASSERT_NO_FATAL_FAILURE(PrepareDemoDataDir(dir));
  uint16_t smtp_port = 0;
  {
    SmtpSink probe;  // a free port, closed again: nobody listens there until the kill
    smtp_port = probe.port();
  }
  const std::vector<std::string> mail_flags = {"--smtp-url",
                                               "smtp://127.0.0.1:" + std::to_string(smtp_port),
                                               "--mail-from", "buurt@rotonde.test"};
  std::string error;
  {
    Child child;
    const uint16_t port = child.StartServe(dir, mail_flags, &error);
    ASSERT_NE(port, 0) << error;
    const std::string bram = SignIn(port, "bram");
    const std::string dewi = SignIn(port, "dewi");
    ASSERT_EQ(Http(port, "POST", "/api/v1/mail/settings",
                   R"({"address":"bram@example.org","mode":"instant","language":"nl"})",
                   {{"Authorization", "Bearer " + bram}, {"Content-Type", "application/json"}})
                  .status,
              200);
    int n = 0;
    for (const auto& [token, title] :
         {std::pair{bram, "Lentemarkt"}, std::pair{dewi, "Ruilmarkt"}}) {
      const std::string command =
          R"({"commandId":"mail-)" + std::to_string(++n) +
          R"(","proposeInitiative":{"kind":"INITIATIVE_KIND_STREET_MARKET","title":")" + title +
          R"(","when":{"startDate":"2027-04-10"}}})";
      ASSERT_EQ(Http(port, "POST", "/api/v1/platforms/kolenkit/commands", command,
                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}})
                    .status,
                200);
    }
    // The mailer looks every half second; the SMTP server is away, so the mail waits.
    std::this_thread::sleep_for(seconds(3));
    child.Signal(SIGKILL);
    ASSERT_TRUE(child.Wait(kExitTimeout));
  }
  {
    auto notifications = mail::NotificationStore::Open(dir + "/notifications");
    ASSERT_TRUE(notifications.ok()) << notifications.status().ToString();
    auto outbox = (*notifications)->Outbox();
    ASSERT_TRUE(outbox.ok());
    ASSERT_EQ(outbox->size(), 1u) << "the mail was queued before the kill";
    EXPECT_EQ(outbox->front().mail.to(), "bram@example.org");
  }
  SmtpSink sink(smtp_port);
  for (int round = 0; round < 2; ++round) {
    Child child;
    const uint16_t port = child.StartServe(dir, mail_flags, &error);
    ASSERT_NE(port, 0) << error;
    if (round == 0) {
      const auto messages = sink.WaitFor(1, seconds(30));
      ASSERT_EQ(messages.size(), 1u) << "stderr: " << child.Stderr();
      EXPECT_EQ(messages[0].recipients, std::vector<std::string>{"bram@example.org"});
      EXPECT_NE(MimePartText(messages[0].data, "text/plain").find("Lentemarkt"), std::string::npos);
    }
    // Nothing more, now or after another kill and restart.
    EXPECT_EQ(sink.WaitFor(2, seconds(3)).size(), 1u);
    child.Signal(SIGKILL);
    ASSERT_TRUE(child.Wait(kExitTimeout));
  }
}

}  // namespace
}  // namespace rotonde::test_support
