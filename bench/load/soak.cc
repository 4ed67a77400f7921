#include "soak.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "ws_clients.h"

namespace rotonde::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr char kPassword[] = "soak-password-1234";
constexpr size_t kMaxProblems = 12;
// A client has at most this many commands unanswered; the driver picks another one.
constexpr int kMaxOutstanding = 4;

tcp::endpoint Loopback(uint16_t port) {
  return tcp::endpoint(asio::ip::address_v4::loopback(), port);
}

// One blocking HTTP request on a new connection, for the setup and the final check.
struct Reply {
  int status = 0;
  std::string body;
};
Reply Request(uint16_t port, http::verb verb, const std::string& target, const std::string& body,
              const std::string& bearer) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(120));
  stream.connect(Loopback(port), ec);
  if (ec) return {};
  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  http::write(stream, request, ec);
  if (ec) return {};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 << 20);
  http::read(stream, buffer, parser, ec);
  if (ec) return {};
  return {static_cast<int>(parser.get().result_int()), parser.get().body()};
}

// What every client shares: counters, the command table, the first problems.
struct Platform {
  std::string id;
  std::string token;
  uint64_t start = 0;                   // its head when founded
  std::atomic<uint64_t> known_head{0};  // the highest position a result or event named
  std::mutex mu;
  std::deque<std::string> proposals;  // proposal ids seen in its feed, the newest last
  int clients = 0;
};

struct Command {
  int platform = -1;
  std::atomic<uint8_t> state{0};  // 0 unsent, 1 sent, 2 ok, 3 error
  uint64_t first = 0, last = 0;   // written before state = 2
};

struct Shared {
  uint16_t port = 0;
  std::string run_id;
  std::string marker;  // `"correlationId":"soak-<run>-` in an event's JSON
  std::vector<std::unique_ptr<Platform>> platforms;
  std::vector<Command> commands;
  std::atomic<uint64_t> next_command{0};
  std::atomic<uint64_t> commands_ok{0}, errors{0}, gaps{0}, events_seen{0}, reads_ok{0},
      reconnects{0}, caught_up{0};
  std::mutex problems_mu;
  std::vector<std::string> problems;

  explicit Shared(size_t capacity) : commands(capacity) {}

  void Problem(std::string what) {
    errors++;
    std::lock_guard lock(problems_mu);
    if (problems.size() < kMaxProblems) problems.push_back(std::move(what));
  }
};

uint64_t NumberOf(const json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() > 0) return static_cast<uint64_t>(v->as_int64());
  return 0;
}

std::string StringOf(const json::value* v) {
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// One client: a WebSocket subscribed to its platform, which also carries its commands.
// Everything but the atomics runs on its strand. Each connection is an object of its own,
// kept alive by its pending operations, so a dropped one can finish failing while the next
// is made.
class SoakClient : public std::enable_shared_from_this<SoakClient> {
 public:
  SoakClient(asio::io_context& ioc, Shared& shared, int platform)
      : strand_(asio::make_strand(ioc)),
        timer_(strand_),
        shared_(shared),
        platform_index_(platform),
        platform_(*shared.platforms[static_cast<size_t>(platform)]),
        position_(platform_.start) {}

  void Start() {
    asio::post(strand_, [self = shared_from_this()] { self->Connect(); });
  }

  // Drops the connection without a close frame, then resumes after `pause`.
  void Reconnect(std::chrono::milliseconds pause) {
    asio::post(strand_, [self = shared_from_this(), pause] {
      if (self->stopped_ || !self->live_) return;
      self->shared_.reconnects++;
      self->Drop();
      self->timer_.expires_after(pause);
      self->timer_.async_wait([self](beast::error_code ec) {
        if (!ec) self->Connect();
      });
    });
  }

  // Queues command `n` (its frame `text`); false if the client cannot take it now.
  bool Send(uint64_t n, std::string text) {
    if (!live_ || stopped_ || outstanding_ >= kMaxOutstanding) return false;
    outstanding_++;
    asio::post(strand_, [self = shared_from_this(), n, text = std::move(text)]() mutable {
      if (!self->live_ || self->stopped_ || !self->conn_) {
        self->Answered();
        self->shared_.commands[n].state = 0;  // never sent: not counted
        return;
      }
      self->Write(self->conn_, std::move(text));
    });
    return true;
  }

  void Stop() {
    stopped_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      self->timer_.cancel();
      self->Drop();
    });
  }

  bool live() const { return live_; }
  int outstanding() const { return outstanding_; }
  uint64_t position() const { return position_; }
  int platform_index() const { return platform_index_; }

 private:
  struct Connection {
    explicit Connection(asio::strand<asio::io_context::executor_type> strand) : ws(strand) {}
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    std::deque<std::string> queue;  // the front is being written
    bool writing = false;
  };
  using Conn = std::shared_ptr<Connection>;

  void Answered() {
    int now = outstanding_;
    while (now > 0 && !outstanding_.compare_exchange_weak(now, now - 1)) {
    }
  }

  void Connect() {
    if (stopped_) return;
    conn_ = std::make_shared<Connection>(strand_);
    Conn conn = conn_;
    auto& stream = beast::get_lowest_layer(conn->ws);
    stream.expires_after(std::chrono::seconds(30));
    stream.async_connect(Loopback(shared_.port),
                         [self = shared_from_this(), conn](beast::error_code ec) {
                           if (conn != self->conn_) return;
                           if (ec) return self->Lost("connect: " + ec.message());
                           self->Handshake(conn);
                         });
  }

  void Handshake(const Conn& conn) {
    beast::get_lowest_layer(conn->ws).expires_never();
    conn->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    const std::string token = platform_.token;
    conn->ws.set_option(
        websocket::stream_base::decorator([token](websocket::request_type& request) {
          request.set(http::field::authorization, "Bearer " + token);
          request.set(http::field::user_agent, "rotonde-load soak");
        }));
    conn->ws.read_message_max(64 << 20);
    conn->ws.async_handshake("127.0.0.1:" + std::to_string(shared_.port), "/api/v1/ws",
                             [self = shared_from_this(), conn](beast::error_code ec) {
                               if (conn != self->conn_) return;
                               if (ec) return self->Lost("upgrade: " + ec.message());
                               conn->ws.text(true);
                               json::object subscribe{{"type", "subscribe"},
                                                      {"id", "s"},
                                                      {"platform", self->platform_.id},
                                                      {"from", self->position_.load()}};
                               if (!self->hash_.empty()) subscribe["fromHash"] = self->hash_;
                               self->Write(conn, json::serialize(subscribe));
                               self->Read(conn);
                             });
  }

  void Write(const Conn& conn, std::string text) {
    conn->queue.push_back(std::move(text));
    if (!conn->writing) WriteNext(conn);
  }

  void WriteNext(const Conn& conn) {
    conn->writing = true;
    conn->ws.async_write(asio::buffer(conn->queue.front()),
                         [self = shared_from_this(), conn](beast::error_code ec, size_t) {
                           conn->queue.pop_front();
                           conn->writing = false;
                           if (conn != self->conn_) return;
                           if (ec) return self->Lost("write: " + ec.message());
                           if (!conn->queue.empty()) self->WriteNext(conn);
                         });
  }

  void Read(const Conn& conn) {
    conn->ws.async_read(conn->buffer, [self = shared_from_this(), conn](beast::error_code ec,
                                                                        size_t) {
      if (conn != self->conn_) return;
      if (ec) {
        const auto reason = conn->ws.reason();
        return self->Lost("read: " + ec.message() +
                          (reason.code != 0 ? " (close " + std::to_string(reason.code) + ")" : ""));
      }
      const auto data = conn->buffer.data();
      self->Handle(std::string_view(static_cast<const char*>(data.data()), data.size()));
      conn->buffer.consume(conn->buffer.size());
      if (conn == self->conn_) self->Read(conn);
    });
  }

  void Handle(std::string_view text) {
    boost::system::error_code ec;
    json::value parsed = json::parse(text, ec);
    json::object* message = ec ? nullptr : parsed.if_object();
    if (message == nullptr) return shared_.Problem("a message that is not a JSON object");
    const std::string type = StringOf(message->if_contains("type"));
    if (type == "events") {
      const json::value* events = message->if_contains("events");
      if (events == nullptr || !events->is_array()) return shared_.Problem("events without events");
      for (const json::value& event : events->get_array()) Event(event);
    } else if (type == "caught_up") {
      if (!live_) {
        live_ = true;
        if (!ever_live_) {
          ever_live_ = true;
          shared_.caught_up++;
        }
      }
    } else if (type == "result" || type == "error") {
      const std::string id = StringOf(message->if_contains("id"));
      if (id.empty() || id == "s") {
        return shared_.Problem(platform_.id + ": " + std::string(text.substr(0, 300)));
      }
      const uint64_t n = std::strtoull(id.c_str(), nullptr, 10);
      if (n >= shared_.commands.size()) return shared_.Problem("a reply to no command: " + id);
      Command& command = shared_.commands[n];
      Answered();
      if (type == "result") {
        command.first = NumberOf(message->if_contains("firstPosition"));
        command.last = NumberOf(message->if_contains("lastPosition"));
        command.state = 2;
        shared_.commands_ok++;
        Raise(platform_.known_head, command.last);
      } else {
        command.state = 3;
        shared_.Problem("command " + id + " on " + platform_.id + ": " +
                        std::string(text.substr(0, 300)));
      }
    } else if (type != "subscribed" && type != "pong") {
      shared_.Problem(platform_.id + ": unexpected " + std::string(text.substr(0, 300)));
    }
  }

  static void Raise(std::atomic<uint64_t>& value, uint64_t to) {
    uint64_t now = value;
    while (to > now && !value.compare_exchange_weak(now, to)) {
    }
  }

  void Event(const json::value& value) {
    const json::object* event = value.if_object();
    if (event == nullptr) return shared_.Problem("an event that is not an object");
    const uint64_t position = NumberOf(event->if_contains("position"));
    const std::string prev = StringOf(event->if_contains("prevHash"));
    if (position != position_ + 1 || (!hash_.empty() && prev != hash_)) {
      shared_.gaps++;
      return shared_.Problem(platform_.id + ": event at " + std::to_string(position) + " after " +
                             std::to_string(position_.load()) +
                             (!hash_.empty() && prev != hash_ ? " (prevHash differs)" : ""));
    }
    position_ = position;
    hash_ = StringOf(event->if_contains("hash"));
    const std::string correlation = StringOf(event->if_contains("correlationId"));
    if (correlation.rfind("soak-" + shared_.run_id + "-", 0) == 0) shared_.events_seen++;
    if (StringOf(event->if_contains("type")) == "ProposalSubmitted") {
      const json::value* payload = event->if_contains("event");
      const json::value* submitted = payload && payload->is_object()
                                         ? payload->as_object().if_contains("proposalSubmitted")
                                         : nullptr;
      const std::string proposal = submitted && submitted->is_object()
                                       ? StringOf(submitted->as_object().if_contains("proposalId"))
                                       : std::string();
      if (!proposal.empty()) {
        std::lock_guard lock(platform_.mu);
        if (std::find(platform_.proposals.begin(), platform_.proposals.end(), proposal) ==
            platform_.proposals.end()) {
          platform_.proposals.push_back(proposal);
          if (platform_.proposals.size() > 64) platform_.proposals.pop_front();
        }
      }
    }
    Raise(platform_.known_head, position);
  }

  // Closes the connection without a close frame; what it still reports is ignored.
  void Drop() {
    live_ = false;
    if (conn_) {
      beast::error_code ignored;
      beast::get_lowest_layer(conn_->ws).socket().close(ignored);
      conn_.reset();
    }
    // Commands written and not answered stay unanswered (the driver reconnects only idle
    // clients, so these come from a connection lost by itself).
    outstanding_ = 0;
  }

  // The connection failed by itself: a problem, and the client resumes after a second.
  void Lost(const std::string& why) {
    if (stopped_) return;
    shared_.Problem(platform_.id + ": connection lost: " + why);
    Drop();
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Connect();
    });
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;
  Shared& shared_;
  const int platform_index_;
  Platform& platform_;
  Conn conn_;
  std::atomic<bool> live_{false};
  bool ever_live_ = false;
  std::atomic<bool> stopped_{false};
  std::atomic<int> outstanding_{0};
  std::atomic<uint64_t> position_;
  std::string hash_;  // of the event at position_ ("" until one is seen)
};

// A read over HTTP on a new connection, as a phone opening a screen does.
void AsyncRead(asio::io_context& ioc, Shared& shared, std::string target, std::string token) {
  struct Get {
    beast::tcp_stream stream;
    http::request<http::empty_body> request;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    std::string target;
    explicit Get(asio::io_context& context) : stream(asio::make_strand(context)) {}
  };
  auto get = std::make_shared<Get>(ioc);
  get->target = std::move(target);
  get->request = {http::verb::get, get->target, 11};
  get->request.set(http::field::host, "127.0.0.1:" + std::to_string(shared.port));
  get->request.set(http::field::authorization, "Bearer " + token);
  get->parser.body_limit(64 << 20);
  get->stream.expires_after(std::chrono::seconds(60));
  get->stream.async_connect(Loopback(shared.port), [get, &shared](beast::error_code ec) {
    if (ec) return shared.Problem("read " + get->target + ": connect: " + ec.message());
    http::async_write(get->stream, get->request, [get, &shared](beast::error_code ec2, size_t) {
      if (ec2) return shared.Problem("read " + get->target + ": " + ec2.message());
      http::async_read(
          get->stream, get->buffer, get->parser, [get, &shared](beast::error_code ec3, size_t) {
            if (ec3) return shared.Problem("read " + get->target + ": " + ec3.message());
            const int status = static_cast<int>(get->parser.get().result_int());
            if (status != 200) {
              return shared.Problem("read " + get->target + ": HTTP " + std::to_string(status) +
                                    " " + get->parser.get().body().substr(0, 200));
            }
            shared.reads_ok++;
            beast::error_code ignored;
            get->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
          });
    });
  });
}

const char* const kTitles[] = {"Buurtbarbecue",    "Rommelmarkt",      "Zwerfvuilactie",
                               "Kinderdisco",      "Geveltuintjesdag", "Repair Café",
                               "Taalcafé",         "Burendag",         "Schoonmaakochtend",
                               "Moestuin-overleg", "Voorleesmiddag",   "Straatvoetbal"};
const char* const kKinds[] = {"INITIATIVE_KIND_STREET_MARKET", "INITIATIVE_KIND_OTHER",
                              "INITIATIVE_KIND_CLEAN_UP"};

// One command of the mix for `platform`, as the WebSocket's `command` message.
std::string CommandMessage(Shared& shared, Platform& platform, uint64_t n,
                           std::mt19937_64& random) {
  const std::string number = std::to_string(n);
  json::object command{{"commandId", "soak-" + shared.run_id + "-" + number}};
  const int pick = static_cast<int>(random() % 100);
  std::string proposal;
  if (pick >= 45 && pick < 70) {
    std::lock_guard lock(platform.mu);
    if (!platform.proposals.empty()) {
      proposal = platform.proposals[random() % platform.proposals.size()];
    }
  }
  const std::string title = kTitles[random() % std::size(kTitles)];
  if (!proposal.empty()) {
    command["recordProposalDiscussion"] = json::object{
        {"proposalId", proposal}, {"notes", "Besproken op de bewonersavond (" + number + ")."}};
  } else if (pick >= 70) {
    char date[16];
    std::snprintf(date, sizeof(date), "2027-%02d-%02d", static_cast<int>(1 + random() % 12),
                  static_cast<int>(1 + random() % 28));
    command["proposeInitiative"] = json::object{
        {"kind", kKinds[random() % std::size(kKinds)]},
        {"title", title + " " + number},
        {"description", "Met de buren, voor iedereen uit de straat."},
        {"when", json::object{{"startDate", date}}},
        {"place", json::object{{"text", "Speeltuin " + std::to_string(random() % 7)}}}};
  } else {
    command["submitProposal"] =
        json::object{{"title", title + " voorstel " + number},
                     {"description", "Kunnen we dit samen organiseren? Voorstel " + number + "."},
                     {"submitterName", "Bewoner " + std::to_string(random() % 500)}};
  }
  return json::serialize(json::object{{"type", "command"},
                                      {"id", number},
                                      {"platform", platform.id},
                                      {"command", std::move(command)}});
}

const char* const kViews[] = {"board",  "clashes", "tasks",  "meetings",
                              "budget", "members", "figures"};

// Founds the platforms, one after another. (Several at once could stall the server: each
// accepted invite opens a session, which reads every platform's model under its lock on a
// worker, while the founding batches of other platforms wait for a worker to finish them.)
bool FoundPlatforms(const SoakOptions& options, Shared& shared, SoakReport* report) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 1; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < options.platforms && !failed; i = next++) {
        Platform& platform = *shared.platforms[static_cast<size_t>(i)];
        const std::string suffix = shared.run_id.substr(0, 6);
        platform.id = "soak" + std::to_string(i) + "-" + suffix;
        Reply invite = Request(
            options.port, http::verb::post, "/api/v1/admin/platforms",
            json::serialize(json::object{{"platform", platform.id},
                                         {"name", "Buurtplatform Soak " + std::to_string(i)},
                                         {"neighbourhood", "Soakbuurt " + std::to_string(i)}}),
            options.operator_token);
        boost::system::error_code ec;
        json::value body = json::parse(invite.body, ec);
        const std::string token =
            !ec && body.is_object() ? StringOf(body.as_object().if_contains("token")) : "";
        if (invite.status != 200 || token.empty()) {
          failed = true;
          std::lock_guard lock(shared.problems_mu);
          report->problems.push_back("founding " + platform.id + ": HTTP " +
                                     std::to_string(invite.status) + " " + invite.body);
          return;
        }
        Reply accepted = Request(
            options.port, http::verb::post, "/api/v1/invites/" + token + "/accept",
            json::serialize(json::object{{"displayName", "Oprichter " + std::to_string(i)},
                                         {"login", "soak" + std::to_string(i) + "-" + suffix},
                                         {"password", kPassword}}),
            "");
        json::value session = json::parse(accepted.body, ec);
        const json::object* object = !ec ? session.if_object() : nullptr;
        platform.token = object ? StringOf(object->if_contains("token")) : "";
        const json::value* platforms = object ? object->if_contains("platforms") : nullptr;
        if (platforms != nullptr && platforms->is_array() && !platforms->as_array().empty() &&
            platforms->as_array()[0].is_object()) {
          platform.start = NumberOf(platforms->as_array()[0].as_object().if_contains("position"));
        }
        platform.known_head = platform.start;
        if (accepted.status != 200 || platform.token.empty()) {
          failed = true;
          std::lock_guard lock(shared.problems_mu);
          report->problems.push_back("accepting the founding invite of " + platform.id + ": HTTP " +
                                     std::to_string(accepted.status) + " " + accepted.body);
          return;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return !failed;
}

template <typename Predicate>
bool WaitUntil(Predicate done, Clock::duration bound) {
  const auto deadline = Clock::now() + bound;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void PrintRow(std::ostream* out, const SoakSample& s) {
  if (out == nullptr) return;
  char line[256];
  std::snprintf(
      line, sizeof(line),
      "| %7.0f | %8.1f | %9llu | %6llu | %11llu | %10llu | %8llu | %9.1f | %8llu |\n", s.seconds,
      static_cast<double>(s.rss) / (1024.0 * 1024.0),
      static_cast<unsigned long long>(s.commands_ok), static_cast<unsigned long long>(s.errors),
      static_cast<unsigned long long>(s.events_seen), static_cast<unsigned long long>(s.reconnects),
      static_cast<unsigned long long>(s.reads_ok),
      static_cast<double>(s.memtable_bytes) / (1024.0 * 1024.0),
      static_cast<unsigned long long>(s.recent_events));
  *out << line << std::flush;
}

}  // namespace

SoakReport RunSoak(const SoakOptions& options) {
  SoakReport report;
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  const double seconds = static_cast<double>(options.duration.count());
  const size_t capacity = static_cast<size_t>(options.commands_per_second * seconds * 1.5) + 1000;
  Shared shared(capacity);
  shared.port = options.port;
  shared.run_id = options.run_id;
  for (int i = 0; i < options.platforms; ++i)
    shared.platforms.push_back(std::make_unique<Platform>());

  progress("soak: founding " + std::to_string(options.platforms) + " platforms");
  if (!FoundPlatforms(options, shared, &report)) return report;

  ClientPool pool(options.client_threads);
  std::vector<std::shared_ptr<SoakClient>> clients;
  for (int i = 0; i < options.clients; ++i) {
    const int platform = i % options.platforms;
    shared.platforms[static_cast<size_t>(platform)]->clients++;
    clients.push_back(std::make_shared<SoakClient>(pool.context(), shared, platform));
  }
  progress("soak: " + std::to_string(options.clients) + " clients subscribing");
  // In steps, so the server's accept backlog never overflows.
  for (size_t i = 0; i < clients.size(); ++i) {
    clients[i]->Start();
    if (i % 100 == 99) {
      WaitUntil([&] { return shared.caught_up + 50 >= i + 1; }, std::chrono::seconds(60));
    }
  }
  if (!WaitUntil([&] { return shared.caught_up >= clients.size(); }, std::chrono::seconds(120))) {
    shared.Problem(std::to_string(clients.size() - shared.caught_up) +
                   " clients did not catch up within 120 s");
  }
  report.set_up = shared.caught_up >= clients.size();

  if (options.table != nullptr) {
    *options.table << "\n| time (s) | RSS (MiB) | commands ok | errors | events seen | "
                      "reconnects | reads ok | memtables (MiB) | recent events |\n"
                      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                   << std::flush;
  }
  auto sample = [&](double at) {
    SoakSample s;
    s.seconds = at;
    s.rss = options.server_rss ? options.server_rss() : 0;
    s.commands_ok = shared.commands_ok;
    s.errors = shared.errors;
    s.events_seen = shared.events_seen;
    s.reconnects = shared.reconnects;
    s.reads_ok = shared.reads_ok;
    // The store's own bounded memory, from /metrics: what RSS holds beside leaks.
    const Reply metrics =
        Request(options.port, http::verb::get, "/metrics", "", options.operator_token);
    auto gauge = [&](std::string_view name) -> uint64_t {
      const std::string key = "\n" + std::string(name) + " ";
      const size_t found = metrics.body.find(key);
      return found == std::string::npos ? 0
                                        : static_cast<uint64_t>(std::strtod(
                                              metrics.body.c_str() + found + key.size(), nullptr));
    };
    s.memtable_bytes = gauge("rotonde_store_memtable_bytes");
    s.recent_events = gauge("rotonde_store_recent_events");
    report.samples.push_back(s);
    PrintRow(options.table, s);
  };

  // The driver: rates turned into due counts every 10 ms, each given to a random client.
  std::mt19937_64 random(std::hash<std::string>{}(options.run_id));
  const auto start = Clock::now();
  const auto end = start + options.duration;
  auto next_sample = start;
  double commands_due = 0, reads_due = 0, reconnects_due = 0;
  auto last = start;
  std::exponential_distribution<double> jitter(1.0);
  while (Clock::now() < end) {
    const auto now = Clock::now();
    if (now >= next_sample) {
      sample(std::chrono::duration<double>(now - start).count());
      next_sample += options.sample_every;
    }
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    // Poisson-like arrivals: the expected count plus exponential jitter around it.
    commands_due += options.commands_per_second * dt * jitter(random);
    reads_due += options.reads_per_second * dt * jitter(random);
    reconnects_due += options.reconnects_per_second * dt * jitter(random);
    for (; commands_due >= 1; commands_due -= 1) {
      for (int attempt = 0; attempt < 8; ++attempt) {
        SoakClient& client = *clients[random() % clients.size()];
        if (!client.live() || client.outstanding() >= kMaxOutstanding) continue;
        const uint64_t n = shared.next_command;
        if (n >= shared.commands.size()) break;
        Platform& platform = *shared.platforms[static_cast<size_t>(client.platform_index())];
        shared.commands[n].platform = client.platform_index();
        shared.commands[n].state = 1;
        shared.next_command++;
        if (!client.Send(n, CommandMessage(shared, platform, n, random))) {
          shared.commands[n].state = 0;
          continue;
        }
        break;
      }
    }
    for (; reads_due >= 1; reads_due -= 1) {
      Platform& platform = *shared.platforms[random() % shared.platforms.size()];
      std::string target = "/api/v1/platforms/" + platform.id;
      if (random() % 4 == 0) {
        const uint64_t head = platform.known_head;
        target += "/events?from=" + std::to_string(head > 50 ? head - 50 : 0) + "&limit=50";
      } else {
        target += std::string("/views/") + kViews[random() % std::size(kViews)];
      }
      AsyncRead(pool.context(), shared, std::move(target), platform.token);
    }
    for (; reconnects_due >= 1; reconnects_due -= 1) {
      for (int attempt = 0; attempt < 8; ++attempt) {
        SoakClient& client = *clients[random() % clients.size()];
        if (!client.live() || client.outstanding() > 0) continue;
        client.Reconnect(std::chrono::milliseconds(50 + random() % 950));
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  progress("soak: done sending; waiting for every answer and every client at its head");
  WaitUntil(
      [&] {
        for (const auto& client : clients) {
          if (client->outstanding() > 0) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
  const bool at_heads = WaitUntil(
      [&] {
        for (const auto& client : clients) {
          const Platform& platform =
              *shared.platforms[static_cast<size_t>(client->platform_index())];
          if (!client->live() || client->position() < platform.known_head) return false;
        }
        return true;
      },
      std::chrono::seconds(120));
  sample(std::chrono::duration<double>(Clock::now() - start).count());
  for (const auto& client : clients) {
    const Platform& platform = *shared.platforms[static_cast<size_t>(client->platform_index())];
    if (!client->live() || client->position() < platform.known_head) report.not_at_head++;
  }
  if (!at_heads) {
    shared.Problem(std::to_string(report.not_at_head) + " clients short of their platform's head");
  }
  for (const auto& client : clients) client->Stop();
  pool.Stop();

  // Every acknowledged command's events are in its platform's log, where its result said.
  progress("soak: reading every platform's log back");
  std::vector<std::map<uint64_t, std::string>> logs(shared.platforms.size());
  for (size_t p = 0; p < shared.platforms.size(); ++p) {
    Platform& platform = *shared.platforms[p];
    for (uint64_t from = platform.start;;) {
      Reply page = Request(options.port, http::verb::get,
                           "/api/v1/platforms/" + platform.id +
                               "/events?from=" + std::to_string(from) + "&limit=10000",
                           "", platform.token);
      if (page.status != 200) {
        shared.Problem("reading the log of " + platform.id + ": HTTP " +
                       std::to_string(page.status));
        break;
      }
      size_t lines = 0;
      uint64_t next = 0;
      for (size_t at = 0; at < page.body.size();) {
        size_t end_of_line = page.body.find('\n', at);
        if (end_of_line == std::string::npos) end_of_line = page.body.size();
        boost::system::error_code ec;
        json::value line =
            json::parse(std::string_view(page.body).substr(at, end_of_line - at), ec);
        at = end_of_line + 1;
        const json::object* object = ec ? nullptr : line.if_object();
        if (object == nullptr) continue;
        if (object->contains("next")) {
          next = NumberOf(object->if_contains("next"));
          continue;
        }
        ++lines;
        logs[p][NumberOf(object->if_contains("position"))] =
            StringOf(object->if_contains("correlationId"));
      }
      if (lines < 10000 || next <= from) break;
      from = next;
    }
  }
  const uint64_t sent = shared.next_command;
  for (uint64_t n = 0; n < sent; ++n) {
    const Command& command = shared.commands[n];
    const uint8_t state = command.state;
    if (state == 0) continue;
    report.commands_sent++;
    if (state == 1) {
      report.unanswered++;
      continue;
    }
    if (state != 2) continue;
    const std::string id = "soak-" + shared.run_id + "-" + std::to_string(n);
    const auto& log = logs[static_cast<size_t>(command.platform)];
    bool found = command.first > 0 && command.last >= command.first;
    for (uint64_t at = command.first; found && at <= command.last; ++at) {
      auto it = log.find(at);
      found = it != log.end() && it->second == id;
    }
    if (!found) {
      report.lost++;
      if (report.lost <= 3) {
        shared.Problem("command " + id + " acknowledged at " + std::to_string(command.first) +
                       ".." + std::to_string(command.last) + " is not in the log there");
      }
    }
  }

  report.commands_ok = shared.commands_ok;
  report.errors = shared.errors;
  report.gaps = shared.gaps;
  report.events_seen = shared.events_seen;
  report.reads_ok = shared.reads_ok;
  report.reconnects = shared.reconnects;
  {
    std::lock_guard lock(shared.problems_mu);
    report.problems.insert(report.problems.end(), shared.problems.begin(), shared.problems.end());
  }

  // RSS: the second quarter's mean against the last quarter's.
  double q2 = 0, q4 = 0;
  int n2 = 0, n4 = 0;
  for (const SoakSample& s : report.samples) {
    const double at = s.seconds / seconds;
    if (at >= 0.25 && at < 0.5) {
      q2 += static_cast<double>(s.rss);
      ++n2;
    } else if (at >= 0.75) {
      q4 += static_cast<double>(s.rss);
      ++n4;
    }
  }
  if (n2 > 0 && n4 > 0) {
    report.rss_judged = true;
    report.rss_q2_mib = q2 / n2 / (1024.0 * 1024.0);
    report.rss_q4_mib = q4 / n4 / (1024.0 * 1024.0);
    report.rss_flat = report.rss_q4_mib <= report.rss_q2_mib * 1.10 &&
                      report.rss_q4_mib >= report.rss_q2_mib * 0.90;
  }
  return report;
}

}  // namespace rotonde::load
