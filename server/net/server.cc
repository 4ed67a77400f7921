#include "server.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "api_error.h"
#include "event_json.h"
#include "http_api.h"
#include "ws_session.h"

namespace rotonde::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Subscribers told of a flush per step on the io threads (FeedHub::SetNotifier): a
// command's message or reply waits behind at most this many subscribers' writes.
constexpr size_t kNotifyStep = 32;

// One HTTP connection: reads a request, answers it (on the worker pool), reads the next;
// hands itself over to a WsSession on an upgrade.
class HttpSession : public std::enable_shared_from_this<HttpSession>, public Connection {
 public:
  HttpSession(tcp::socket&& socket, ServerShared& shared, Audience audience)
      : stream_(std::move(socket)), shared_(shared), audience_(audience) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = endpoint.address();
    address_ = ec ? "unknown" : SourceOf({}, *peer_, {}, {}).address;
    shared_.metrics.http_connections++;
  }
  ~HttpSession() override {
    if (connection_id_) shared_.RemoveConnection(*connection_id_);
    shared_.metrics.http_connections--;
  }

  void Run() {
    connection_id_ = shared_.AddConnection(weak_from_this());
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::DoRead, shared_from_this()));
  }

  // After an upgrade the socket is the WebSocket's: closing this moved-from stream is a no-op.
  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(shared_.config.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(shared_.config.http_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      HttpRequest head;
      head.version(parser_->get().version());
      head.keep_alive(false);
      return Write(ErrorResponse(
          head, Err("too_large", "the request is over " +
                                     std::to_string(shared_.config.max_body_bytes) + " bytes")));
    }
    if (ec) {
      HttpRequest bad;
      bad.keep_alive(false);
      return Write(ErrorResponse(bad, Err("bad_request", "not an HTTP request: " + ec.message())));
    }
    HttpRequest request = parser_->release();
    // Behind a trusted proxy each request names its client (forwarded.h); else the peer is.
    RequestSource source{address_, false};
    if (peer_) source = SourceOfRequest(shared_.config, *peer_, request);
    if (websocket::is_upgrade(request) && audience_ == Audience::kPublic) {
      return Upgrade(std::move(request), std::move(source.address));
    }

    const auto started = std::chrono::steady_clock::now();
    shared_.OnWorker([self = shared_from_this(), request = std::move(request), started,
                      source = std::move(source)]() mutable {
      auto reply = [self, method = std::string(request.method_string()),
                    target = std::string(request.target()), started,
                    client = source.address](HttpResponse response) {
        if (self->shared_.draining) response.keep_alive(false);
        self->Log(method, target, response, started, client);
        // Counted before the request stops being in flight, so a drain sees no gap.
        self->shared_.responses_unsent++;
        asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
          self->Write(std::move(response), /*counted=*/true);
        });
      };
      std::optional<HttpResponse> response =
          HandleHttp(self->shared_, request, source, self->audience_, reply);
      if (response) reply(std::move(*response));
    });
  }

  void Log(const std::string& method, std::string_view target, const HttpResponse& response,
           std::chrono::steady_clock::time_point started, const std::string& client) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Metrics& m = shared_.metrics;
    m.http_requests++;
    m.http_seconds.Observe(seconds);
    const unsigned status = response.result_int();
    if (status >= 500)
      m.http_errors_5xx++;
    else if (status >= 400)
      m.http_errors_4xx++;
    // The path only: query strings may hold feed keys.
    target = target.substr(0, target.find('?'));
    spdlog::info("http {} {} {} {:.1f}ms {}", method, std::string(target), status, seconds * 1000,
                 client);
  }

  void Upgrade(HttpRequest request, std::string client) {
    std::string_view target = request.target();
    target = target.substr(0, target.find('?'));
    if (target != "/api/v1/ws") {
      return Write(ErrorResponse(request, Err("not_found", "the WebSocket is at /api/v1/ws")));
    }
    if (!OriginAllowed(shared_.config, request)) {
      return Write(ErrorResponse(request, Err("bad_origin", "this page comes from another site")));
    }
    if (shared_.draining) {
      return Write(ErrorResponse(request, Err("unavailable", "the server is shutting down")));
    }
    shared_.OnWorker([self = shared_from_this(), request = std::move(request),
                      client = std::move(client)]() mutable {
      auto caller = self->shared_.app.accounts().Resolve(TokenOf(request));
      asio::post(self->stream_.get_executor(), [self, request = std::move(request),
                                                caller = std::move(caller),
                                                client = std::move(client)]() mutable {
        if (!caller.ok()) {
          request.keep_alive(false);
          return self->Write(ErrorResponse(request, caller.error()));
        }
        spdlog::info("ws open {} {}", caller->account_id, client);
        std::make_shared<WsSession>(std::move(self->stream_), self->shared_, caller.value())
            ->Run(std::move(request));
      });
    });
  }

  // `counted`: the answer is one of ServerShared::responses_unsent.
  void Write(HttpResponse response, bool counted = false) {
    response_ = std::make_shared<HttpResponse>(std::move(response));
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), counted](beast::error_code ec, size_t) {
                        if (counted) self->shared_.responses_unsent--;
                        const bool keep = self->response_->keep_alive();
                        self->response_.reset();
                        if (ec || !keep) return self->Close();
                        self->DoRead();
                      });
  }

  // A lingering close: stop sending, then read and discard what the client still sends (a
  // body over the limit, say) for a few seconds. Closing with unread data would reset the
  // connection, and the client could lose the answer that explains why.
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(5));
    Linger();
  }
  void Linger() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->Linger();
                            });
  }

  beast::tcp_stream stream_;
  ServerShared& shared_;
  const Audience audience_;
  std::optional<asio::ip::address> peer_;  // none if the socket could not tell
  std::string address_;                    // the peer's, or "unknown"
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  std::optional<uint64_t> connection_id_;
};

}  // namespace

// Accepts connections, each on its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, ServerShared& shared, Audience audience)
      : ioc_(ioc), acceptor_(ioc), shared_(shared), audience_(audience) {}

  Status Bind(const std::string& address, uint16_t port, uint16_t* bound) {
    beast::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) return Status::InvalidArgument("not an IP address: " + address);
    const tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             ec.message());
    }
    *bound = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  void Start() { DoAccept(); }
  void Stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void DoAccept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<HttpSession>(std::move(socket), shared_, audience_)->Run();
    } else if (ec == asio::error::no_descriptors) {
      spdlog::warn("accept: out of file descriptors");
    }
    DoAccept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  ServerShared& shared_;
  const Audience audience_;
};

// The background thread runs at nice 19: on CPU that serving leaves, and preempted at
// once when an io thread wakes. A checkpoint of a busy platform is a fold and a save of
// a few hundred ms; on the worker pool it took one of two cores from the io threads and delayed
// command batches. Not SCHED_IDLE: a thread that gets almost no CPU while holding a lock
// others need (malloc's, RocksDB's) would stall them. A thread may lower its own priority
// unprivileged.
namespace {

constexpr int kBackgroundNice = 19;

void LowerBackgroundPriority() {
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kBackgroundNice) != 0) {
    spdlog::warn("cannot lower the background thread's priority: {}", std::strerror(errno));
  }
}

}  // namespace

ServerShared::ServerShared(ServerConfig config_, app::Application& app_, FeedHub& hub_,
                           Metrics& metrics_, boost::asio::thread_pool& workers_)
    : config(std::move(config_)),
      app(app_),
      hub(hub_),
      metrics(metrics_),
      workers(workers_),
      catch_up(
          [this](const std::string& platform, uint64_t after, size_t limit,
                 std::vector<std::pair<uint64_t, std::string>>* out) {
            metrics.ws_disk_reads++;
            std::vector<eventstore::EventRecord> page;
            if (Status s = app.reads().LogPage(platform, after, limit, &page); !s.ok()) return s;
            out->clear();
            out->reserve(page.size());
            for (const auto& record : page) {
              out->emplace_back(record.position(),
                                wire::EventJson(record, app.command_service().opener()));
            }
            return Status::Ok();
          },
          [this](const std::string& platform) { return app.Head(platform); },
          [this](std::function<void()> read) { OnWorker(std::move(read)); },
          CatchUpPages::Options{}),
      write_slots(static_cast<size_t>(std::max(1, config.push_write_slots))) {}

uint64_t ServerShared::AddConnection(std::weak_ptr<Connection> connection) {
  std::lock_guard lock(connections_mu_);
  const uint64_t id = next_connection_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ServerShared::RemoveConnection(uint64_t id) {
  std::lock_guard lock(connections_mu_);
  connections_.erase(id);
}

std::vector<std::shared_ptr<Connection>> ServerShared::Connections() {
  std::vector<std::shared_ptr<Connection>> open;
  std::lock_guard lock(connections_mu_);
  open.reserve(connections_.size());
  for (const auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) open.push_back(std::move(connection));
  }
  return open;
}

Server::Server(ServerConfig config, app::Application& app, FeedHub& hub, Metrics& metrics)
    : ioc_(config.io_threads), workers_(static_cast<size_t>(config.worker_threads)) {
  shared_ = std::make_unique<ServerShared>(std::move(config), app, hub, metrics, workers_);
  shared_->watches = std::make_shared<ViewWatches>(app, hub, workers_.get_executor());
  listener_ = std::make_shared<Listener>(ioc_, *shared_, Audience::kPublic);
  if (!shared_->config.metrics_address.empty()) {
    metrics_listener_ = std::make_shared<Listener>(ioc_, *shared_, Audience::kMonitoring);
  }
  // A platform's next batch of commands runs as a worker task of its own, so no request
  // waits for other requests' commands.
  app.command_service().SetSpawn(
      [shared = shared_.get()](std::function<void()> work) { shared->OnWorker(std::move(work)); });
  app.command_service().SetFinishSpawn(
      [this](std::function<void()> work) { asio::post(finishers_, std::move(work)); });
  asio::post(background_, [] { LowerBackgroundPriority(); });
  // A checkpoint holds a second copy of the platform's model and its serialized form for a
  // moment: about 150 MB for a platform of 60,000 proposals. Freed, that memory stays in
  // this thread's malloc arena unless it is given back, which malloc_trim does.
  app.command_service().SetCheckpointSpawn([this](std::function<void()> work) {
    asio::post(background_, [work = std::move(work)] {
      work();
      malloc_trim(0);
    });
  });
  hub.SetNotifier([this](std::function<void()> step) { asio::post(ioc_, std::move(step)); },
                  kNotifyStep);
}

Server::~Server() {
  Stop();
  workers_.join();
  finishers_.join();
  background_.join();
  shared_->app.command_service().SetSpawn(nullptr);
  shared_->app.command_service().SetFinishSpawn(nullptr);
  shared_->app.command_service().SetCheckpointSpawn(nullptr);
  shared_->hub.SetNotifier(nullptr, 0);
}

Status Server::Bind() {
  const ServerConfig& config = shared_->config;
  if (Status s = listener_->Bind(config.address, config.port, &port_); !s.ok()) return s;
  if (!metrics_listener_) return Status::Ok();
  return metrics_listener_->Bind(config.metrics_address, config.metrics_port, &metrics_port_);
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  asio::post(ioc_, [this] { Drain(); });
}

void Server::Drain() {
  spdlog::info("draining: no new connections, closing WebSockets with 1001");
  shared_->draining = true;
  listener_->Stop();
  if (metrics_listener_) metrics_listener_->Stop();
  for (const auto& connection : shared_->Connections()) connection->GoAway();
  // Let in-flight requests and commands finish, their answers and the close frames go out,
  // then stop. The timer is pending work, so ioc_.run() cannot return before it fires.
  const auto now = std::chrono::steady_clock::now();
  WaitForDrained(std::make_shared<asio::steady_timer>(ioc_), now,
                 now + shared_->config.drain_timeout);
}

void Server::WaitForDrained(std::shared_ptr<asio::steady_timer> timer,
                            std::chrono::steady_clock::time_point started,
                            std::chrono::steady_clock::time_point deadline) {
  const Metrics& m = shared_->metrics;
  const int64_t requests = m.requests_in_flight;
  const int64_t unsent = shared_->responses_unsent;
  const int64_t websockets = m.ws_connections;
  const auto now = std::chrono::steady_clock::now();
  if ((requests > 0 || unsent > 0 || websockets > 0) && now < deadline) {
    timer->expires_after(std::chrono::milliseconds(10));
    timer->async_wait([this, timer, started, deadline](beast::error_code) {
      WaitForDrained(timer, started, deadline);
    });
    return;
  }
  const double ms = std::chrono::duration<double, std::milli>(now - started).count();
  if (requests > 0 || unsent > 0 || websockets > 0) {
    spdlog::warn(
        "drain: after {:.0f}ms, {} requests in flight, {} answers unsent, {} WebSockets open: "
        "closing every connection",
        ms, requests, unsent, websockets);
  } else {
    spdlog::info("drained in {:.0f}ms", ms);
  }
  // Idle keep-alive connections, lingering closes and clients that never close their side.
  for (const auto& connection : shared_->Connections()) connection->ForceClose();
  // The closes are posted to the connections' strands: a moment for them to run.
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([this, timer](beast::error_code) { ioc_.stop(); });
}

void Server::Run() {
  asio::signal_set signals(ioc_, SIGINT, SIGTERM);
  signals.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", signal);
    Stop();
  });
  listener_->Start();
  if (metrics_listener_) metrics_listener_->Start();
  std::vector<std::thread> threads;
  for (int i = 1; i < shared_->config.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& thread : threads) thread.join();
  workers_.join();
  finishers_.join();
  background_.join();  // a checkpoint being folded is finished, before the shutdown's own
}

}  // namespace rotonde::net
