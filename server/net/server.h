// Server: `rotonde serve` — HTTP and WebSocket on one port (Boost.Beast), in the shape of
// Beast's chat-multi example: a listener accepts, an HttpSession per connection reads
// requests and upgrades to a WsSession, each session on its own strand with its own write
// queue, and shared state (ServerShared) that fans out.
//
// Threads: `io_threads` run the sockets and never block; everything that may block (the
// store, a platform's lock, argon2id) runs on the worker pool and posts its answer back to
// the session's strand.
//
// Shutdown (SIGTERM/SIGINT or Stop()): stop accepting, answer /readyz 503, close every
// WebSocket with 1001, let in-flight requests and commands finish and their answers go out,
// then return from Run(). All of it is bounded by `drain_timeout`, whatever the clients do:
// a connection still open then (a client that never closes its side, one that reads nothing)
// is cut.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "application.h"
#include "catch_up_pages.h"
#include "feed_hub.h"
#include "forwarded.h"
#include "metrics.h"
#include "view_watches.h"
#include "write_slots.h"

namespace rotonde::net {

struct ServerConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (the bound one is in Server::port())
  std::string web_dir;   // the web client's files; empty: API only
  // Origins allowed besides the server's own (its Host header), e.g. a dev server's.
  std::vector<std::string> allowed_origins;
  std::string public_url;  // base of invite and feed links; empty: from the Host header
  // Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (forwarded.h);
  // none: the TCP peer is the client and those headers are ignored.
  TrustedProxies trusted_proxies;
  // Authorizes POST /api/v1/admin/platforms (`rotonde admin`, next to a running server) and
  // GET /metrics on the public listener; empty: neither is served there.
  std::string operator_token;
  // Takes a backup of the data directory into the directory given (POST
  // /api/v1/admin/backup, with the operator token); returns the backup's manifest as JSON.
  // Runs on a worker thread, next to the traffic. Empty: not served.
  std::function<Result<std::string>(const std::string& to)> backup;
  // A second listener for Prometheus, serving /metrics (and /healthz, /readyz) without a
  // token and nothing else; empty address: none. Port 0: any free port (metrics_port()).
  std::string metrics_address;
  uint16_t metrics_port = 0;
  size_t max_body_bytes = 1 << 20;
  size_t ws_max_message_bytes = 1 << 20;
  // A live subscriber whose unsent frames exceed this is closed with 4000 (too slow).
  size_t ws_queue_limit_bytes = 8 << 20;
  std::chrono::seconds ws_idle_timeout{60};
  std::chrono::seconds http_timeout{30};
  // From SIGTERM until every connection is closed; what is acknowledged stays durable and
  // the store is closed after it.
  std::chrono::milliseconds drain_timeout{1500};
  int io_threads = 2;
  // At most this many sessions write pushed frames at once (write_slots.h).
  int push_write_slots = 32;
  int worker_threads = 8;
};

// An open connection, HTTP or WebSocket, as a drain sees it. Both calls are thread-safe and
// act on the connection's own strand.
class Connection {
 public:
  virtual ~Connection() = default;
  // The server is going away: a WebSocket says so with 1001.
  virtual void GoAway() {}
  // Closes the socket now, whatever is still being read or written.
  virtual void ForceClose() = 0;
};

// What every session shares.
struct ServerShared {
  ServerShared(ServerConfig config_, app::Application& app_, FeedHub& hub_, Metrics& metrics_,
               boost::asio::thread_pool& workers_);

  ServerConfig config;
  app::Application& app;
  FeedHub& hub;
  std::shared_ptr<ViewWatches> watches;
  Metrics& metrics;
  boost::asio::thread_pool& workers;
  // Pages of the log for subscribers behind the live feed, shared between them.
  CatchUpPages catch_up;
  // Sessions writing pushed frames at once (write_slots.h).
  WriteSlots write_slots;
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};

  // HTTP answers decided and not yet written to their sockets: a drain waits for them.
  std::atomic<int64_t> responses_unsent{0};

  // Every open connection, so a drain can reach them all. A connection adds itself when it
  // starts and removes itself (by the id it got) when it is destroyed.
  uint64_t AddConnection(std::weak_ptr<Connection> connection);
  void RemoveConnection(uint64_t id);
  std::vector<std::shared_ptr<Connection>> Connections();

  // Runs `work` on the worker pool, counting it as in flight.
  template <typename Work>
  void OnWorker(Work&& work) {
    metrics.requests_in_flight++;
    metrics.worker_queue++;
    boost::asio::post(workers, [this, work = std::forward<Work>(work)]() mutable {
      work();
      metrics.worker_queue--;
      metrics.requests_in_flight--;
    });
  }

 private:
  std::mutex connections_mu_;
  uint64_t next_connection_ = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;
};

class Server {
 public:
  Server(ServerConfig config, app::Application& app, FeedHub& hub, Metrics& metrics);
  ~Server();

  // Binds the port, and the metrics port if configured (so port() and metrics_port() are
  // known and a bad address fails here, not in Run()).
  Status Bind();
  uint16_t port() const { return port_; }
  uint16_t metrics_port() const { return metrics_port_; }
  // Marks the server ready (/readyz 200): call once every platform is loaded.
  void SetReady() { shared_->ready = true; }
  // Serves until SIGTERM/SIGINT or Stop(), then drains; returns when drained.
  void Run();
  // Thread-safe.
  void Stop();

 private:
  void Drain();
  // Polls until nothing is in flight, every answer is written and every WebSocket closed, or
  // the deadline passes; then cuts every connection left and stops the io_context.
  void WaitForDrained(std::shared_ptr<boost::asio::steady_timer> timer,
                      std::chrono::steady_clock::time_point started,
                      std::chrono::steady_clock::time_point deadline);

  // Declared first, destroyed last: sessions still queued in ioc_ when it is destroyed
  // touch the shared state (metrics) in their destructors.
  std::unique_ptr<ServerShared> shared_;
  boost::asio::io_context ioc_;
  boost::asio::thread_pool workers_;
  // One thread at low priority for work that may wait: folding checkpoints.
  boost::asio::thread_pool background_{1};
  // Threads that finish batches of commands once durable (CommandService::SetFinishSpawn):
  // never the workers, which may all be waiting for the platform such a batch holds.
  boost::asio::thread_pool finishers_{2};
  std::shared_ptr<class Listener> listener_;
  std::shared_ptr<class Listener> metrics_listener_;  // null without a metrics address
  uint16_t port_ = 0;
  uint16_t metrics_port_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace rotonde::net
