// The load tool's clients: a thread pool for every connection, a subscriber and a command
// connection on Rotonde's WebSocket (/api/v1/ws, docs/api.md), and a blocking sign-in.
//
// Every connection runs on its own strand of one shared io_context, so 1–2 threads carry
// thousands of them. Connections are shared_ptr-owned by their pending operations; Close()
// is thread-safe and makes every later error an expected one (not counted as a drop).
// Clients parse as little as they can: subscribers read their frames off the socket
// themselves, and "events" frames are searched, not parsed, so a subscriber costs the client
// little more than the socket read.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "rotonde/base/status.h"

namespace rotonde::load {

// Nanoseconds on the steady clock: every time the tool records is one of these.
int64_t NowNanos();

// Where the clients connect, and as whom.
struct Endpoint {
  uint16_t port = 0;  // on 127.0.0.1
  std::string token;  // sent as "Authorization: Bearer <token>" on the upgrade
};

struct SignedIn {
  std::string token;
  uint64_t position = 0;  // the platform's log head when signed in
};

// POST /api/v1/session {"login","password"} on 127.0.0.1:port; bounded by `timeout`.
Result<SignedIn> SignIn(uint16_t port, const std::string& login, const std::string& password,
                        const std::string& platform, std::chrono::seconds timeout);

// Which of its pool's threads is calling: 0..threads-1 on a ClientPool's threads, -1
// elsewhere.
int ClientThreadIndex();

// One io_context run by `threads` threads until Stop().
class ClientPool {
 public:
  explicit ClientPool(int threads);
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;
  ~ClientPool();  // Stop()

  boost::asio::io_context& context() { return ioc_; }
  // Lets the threads finish what is queued (close every connection first), waiting at most
  // `grace`; then stops the context and joins. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};
};

// What a scenario's connections report, shared by all of them (thread-safe).
struct ConnectionTally {
  std::atomic<int> opened{0};   // upgraded (and, for subscribers, caught up)
  std::atomic<int> refused{0};  // failed before that: connect, upgrade, subscribe, timeout
  std::atomic<int> dropped{0};  // lost after that, not by Close()
  std::atomic<uint64_t> duplicate_frames{0};  // "events" frames at or below a seen position
  std::atomic<uint64_t> server_errors{0};     // "error" messages on subscriber connections

  void NoteRefusal(const std::string& why);
  void NoteDrop(const std::string& why);
  std::string first_refusal() const;
  std::string first_drop() const;

 private:
  mutable std::mutex mu_;
  std::string first_refusal_;
  std::string first_drop_;
};

// A subscriber: connects, upgrades, sends `subscribe_text`, and counts as opened at its
// "caught_up" — or as refused, once, if any of these fails or takes over `open_timeout`. Every
// "events" frame whose position is above the last one seen goes to `on_events` (on the connection's
// strand, with its arrival time); others are counted as duplicates. Stays reading, so Beast answers
// the server's pings.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  using EventsHandler = std::function<void(std::string_view frame, int64_t arrival_nanos)>;
  Subscriber(boost::asio::io_context& ioc, const Endpoint& endpoint, std::string subscribe_text,
             ConnectionTally& tally, EventsHandler on_events, std::function<void()> on_open_done);

  void Start(std::chrono::seconds open_timeout);
  // Closes the socket; what fails after this is not counted. Thread-safe.
  void Close();

 private:
  void OnConnect(boost::beast::error_code ec);
  void OnHandshake(boost::beast::error_code ec);
  void OnSubscribeSent(boost::beast::error_code ec, size_t bytes);
  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void HandleMessage(std::string_view text, int64_t arrival);
  void HandleControl(std::string_view text);
  void Pong(std::string_view payload);
  void OpenDone(bool ok, const std::string& why);

  static constexpr size_t kRawBufferBytes = 256 << 10;
  static constexpr size_t kMinReadBytes = 64 << 10;

  // Upgrades and sends the subscription; then only its socket is used (see OnSubscribeSent).
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  const Endpoint endpoint_;
  std::string subscribe_text_;
  ConnectionTally& tally_;
  EventsHandler on_events_;
  std::function<void()> on_open_done_;
  std::vector<char> raw_;  // bytes read, [raw_begin_, raw_end_) not parsed yet
  size_t raw_begin_ = 0, raw_end_ = 0;
  std::string fragments_;  // the message being assembled
  bool ponging_ = false;
  boost::asio::steady_timer caught_up_timer_;
  std::chrono::seconds open_timeout_{10};
  bool open_done_ = false;  // opened or refused: reported once
  std::atomic<bool> closing_{false};
  uint64_t last_position_ = 0;
};

// A command connection: connects and upgrades (counted as opened), then sends what Send()
// queues, one frame at a time, and hands each reply to `on_reply`.
class Commander : public std::enable_shared_from_this<Commander> {
 public:
  using SentHandler = std::function<void(uint64_t n, int64_t sent_nanos)>;
  using ReplyHandler = std::function<void(std::string_view text, int64_t arrival_nanos)>;
  Commander(boost::asio::io_context& ioc, const Endpoint& endpoint, ConnectionTally& tally,
            SentHandler on_sent, ReplyHandler on_reply, std::function<void()> on_open_done);

  // Opened or refused, once, within about `open_timeout`.
  void Start(std::chrono::seconds open_timeout);
  // Upgraded and not lost since. Thread-safe.
  bool is_open() const { return open_ && !closing_; }
  // Queues command `n` (its frame `text`); `on_sent(n, t)` runs as its write starts.
  // Thread-safe.
  void Send(uint64_t n, std::string text);
  void Close();

 private:
  void OnConnect(boost::beast::error_code ec);
  void OnHandshake(boost::beast::error_code ec);
  void DoWrite();
  void OnWrite(boost::beast::error_code ec, size_t bytes);
  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void OpenDone(bool ok, const std::string& why);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  const Endpoint endpoint_;
  ConnectionTally& tally_;
  SentHandler on_sent_;
  ReplyHandler on_reply_;
  std::function<void()> on_open_done_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::pair<uint64_t, std::string>> queue_;  // the front is being written
  bool writing_ = false;
  std::atomic<bool> open_{false};
  bool open_done_ = false;
  std::atomic<bool> closing_{false};
};

}  // namespace rotonde::load
