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
// WebSocket with 1001, let in-flight requests and commands finish (bounded by
// `drain_timeout`), then return from Run().
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "application.h"
#include "catch_up_pages.h"
#include "feed_hub.h"
#include "metrics.h"
#include "view_watches.h"

namespace rotonde::net {

struct ServerConfig {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (the bound one is in Server::port())
  std::string web_dir;   // the web client's files; empty: API only
  // Origins allowed besides the server's own (its Host header), e.g. a dev server's.
  std::vector<std::string> allowed_origins;
  std::string public_url;  // base of invite and feed links; empty: from the Host header
  // Authorizes POST /api/v1/admin/platforms (`rotonde admin`, next to a running server) and
  // GET /metrics on the public listener; empty: neither is served there.
  std::string operator_token;
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
  std::chrono::seconds drain_timeout{20};
  int io_threads = 2;
  int worker_threads = 8;
};

class WsSession;

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
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};

  std::mutex sessions_mu;
  std::set<std::weak_ptr<WsSession>, std::owner_less<std::weak_ptr<WsSession>>> ws_sessions;

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
  // Polls until no worker task is in flight (or the deadline), then stops the io_context.
  void WaitForInFlight(std::shared_ptr<boost::asio::steady_timer> timer,
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
