#include "ws_clients.h"

#include <cstring>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace rotonde::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

// Server frames can carry thousands of events (a subscriber catching up); the server's own
// limit is for what clients send.
constexpr size_t kMaxFrameBytes = 64 << 20;

constexpr std::string_view kEventsPrefix = R"({"type":"events",)";
constexpr std::string_view kPositionKey = R"(,"position":)";

tcp::endpoint Loopback(uint16_t port) {
  return tcp::endpoint(asio::ip::address_v4::loopback(), port);
}

std::string Host(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// The number after `key` in `text` (0 if none): enough for the server's own frames, whose
// envelope the server renders itself.
uint64_t NumberAfter(std::string_view text, std::string_view key) {
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return 0;
  uint64_t value = 0;
  for (size_t i = at + key.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  return value;
}

std::string DescribeLoss(beast::error_code ec, const websocket::close_reason& reason) {
  if (ec == websocket::error::closed) {
    std::string why = "closed by the server with " + std::to_string(reason.code);
    if (!reason.reason.empty()) {
      why += " (" + std::string(reason.reason.data(), reason.reason.size()) + ")";
    }
    return why;
  }
  return ec.message();
}

// Sets what every upgrade of the tool carries: the bearer token, and Beast's client timeouts
// (the handshake bounded by `open_timeout`, no idle timeout: silence is what "idle" tests).
void PrepareUpgrade(websocket::stream<beast::tcp_stream>& ws, const std::string& token,
                    std::chrono::seconds open_timeout) {
  beast::get_lowest_layer(ws).expires_never();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = open_timeout;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& request) {
    request.set(http::field::authorization, "Bearer " + token);
    request.set(http::field::user_agent, "rotonde-load");
  }));
  ws.read_message_max(kMaxFrameBytes);
}

std::string_view BufferText(const beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

}  // namespace

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<SignedIn> SignIn(uint16_t port, const std::string& login, const std::string& password,
                        const std::string& platform, std::chrono::seconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(timeout);
  stream.connect(Loopback(port), ec);
  if (ec) return Status::IOError("sign-in: cannot connect: " + ec.message());
  http::request<http::string_body> request{http::verb::post, "/api/v1/session", 11};
  request.set(http::field::host, Host(port));
  request.set(http::field::content_type, "application/json");
  request.body() = json::serialize(json::object{{"login", login}, {"password", password}});
  request.prepare_payload();
  http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(stream, buffer, response, ec);
  if (ec) return Status::IOError("sign-in: " + ec.message());
  if (response.result() != http::status::ok) {
    return Status::InvalidArgument("sign-in as " + login + ": HTTP " +
                                   std::to_string(response.result_int()) + " " + response.body());
  }
  json::value body = json::parse(response.body(), ec);
  const json::object* object = ec ? nullptr : body.if_object();
  const json::value* token = object ? object->if_contains("token") : nullptr;
  const json::value* platforms = object ? object->if_contains("platforms") : nullptr;
  const json::value* position = nullptr;
  if (platforms != nullptr && platforms->is_array()) {
    for (const json::value& membership : platforms->get_array()) {
      const json::object* entry = membership.if_object();
      const json::value* id = entry ? entry->if_contains("id") : nullptr;
      if (id != nullptr && id->is_string() && id->get_string() == platform) {
        position = entry->if_contains("position");
      }
    }
  }
  if (token == nullptr || !token->is_string() || position == nullptr ||
      !(position->is_uint64() || position->is_int64())) {
    return Status::InvalidArgument("sign-in: no token and no position of " + platform + " in " +
                                   response.body());
  }
  SignedIn out;
  out.token = std::string(token->as_string());
  out.position =
      position->is_uint64() ? position->as_uint64() : static_cast<uint64_t>(position->as_int64());
  return out;
}

namespace {
thread_local int client_thread_index = -1;
}  // namespace

int ClientThreadIndex() { return client_thread_index; }

ClientPool::ClientPool(int threads) : ioc_(threads), work_(asio::make_work_guard(ioc_)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, i] {
      client_thread_index = i;
      ioc_.run();
      running_--;
    });
    running_++;
  }
}

ClientPool::~ClientPool() { Stop(); }

void ClientPool::Stop(std::chrono::milliseconds grace) {
  if (threads_.empty()) return;
  work_.reset();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running_ > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ioc_.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

void ConnectionTally::NoteRefusal(const std::string& why) {
  refused++;
  std::lock_guard lock(mu_);
  if (first_refusal_.empty()) first_refusal_ = why;
}

void ConnectionTally::NoteDrop(const std::string& why) {
  dropped++;
  std::lock_guard lock(mu_);
  if (first_drop_.empty()) first_drop_ = why;
}

std::string ConnectionTally::first_refusal() const {
  std::lock_guard lock(mu_);
  return first_refusal_;
}

std::string ConnectionTally::first_drop() const {
  std::lock_guard lock(mu_);
  return first_drop_;
}

// ---- Subscriber ----

Subscriber::Subscriber(asio::io_context& ioc, const Endpoint& endpoint, std::string subscribe_text,
                       ConnectionTally& tally, EventsHandler on_events,
                       std::function<void()> on_open_done)
    : ws_(asio::make_strand(ioc)),
      endpoint_(endpoint),
      subscribe_text_(std::move(subscribe_text)),
      tally_(tally),
      on_events_(std::move(on_events)),
      on_open_done_(std::move(on_open_done)),
      caught_up_timer_(ws_.get_executor()) {}

void Subscriber::Start(std::chrono::seconds open_timeout) {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), open_timeout] {
    self->open_timeout_ = open_timeout;
    if (self->closing_) return self->OpenDone(false, "closed before connecting");
    auto& stream = beast::get_lowest_layer(self->ws_);
    stream.expires_after(open_timeout);
    stream.async_connect(Loopback(self->endpoint_.port),
                         [self, open_timeout](beast::error_code ec) {
                           if (!ec) PrepareUpgrade(self->ws_, self->endpoint_.token, open_timeout);
                           self->OnConnect(ec);
                         });
  });
}

void Subscriber::Close() {
  closing_ = true;
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->caught_up_timer_.cancel();
    beast::get_lowest_layer(self->ws_).close();
  });
}

void Subscriber::OnConnect(beast::error_code ec) {
  if (ec) return OpenDone(false, "connect: " + ec.message());
  ws_.async_handshake(Host(endpoint_.port), "/api/v1/ws",
                      beast::bind_front_handler(&Subscriber::OnHandshake, shared_from_this()));
}

void Subscriber::OnHandshake(beast::error_code ec) {
  if (ec) return OpenDone(false, "upgrade: " + ec.message());
  ws_.text(true);
  ws_.async_write(asio::buffer(subscribe_text_),
                  beast::bind_front_handler(&Subscriber::OnSubscribeSent, shared_from_this()));
}

void Subscriber::OnSubscribeSent(beast::error_code ec, size_t) {
  if (ec) return OpenDone(false, "subscribe: " + ec.message());
  // From here on the subscriber reads the socket itself: a few lines of framing instead of
  // Beast's reader, which reads a frame in several calls and checks its UTF-8 byte by byte —
  // costs that would land on the server's cores, as the tool shares the machine with it.
  raw_.resize(kRawBufferBytes);
  caught_up_timer_.expires_after(open_timeout_);
  caught_up_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
    if (timer_ec) return;  // cancelled: opened or refused meanwhile
    self->OpenDone(false,
                   "no caught_up within " + std::to_string(self->open_timeout_.count()) + " s");
  });
  DoRead();
}

void Subscriber::DoRead() {
  if (raw_.size() - raw_end_ < kMinReadBytes) {
    // Make room: drop what is parsed, and grow for a frame larger than the buffer.
    std::memmove(raw_.data(), raw_.data() + raw_begin_, raw_end_ - raw_begin_);
    raw_end_ -= raw_begin_;
    raw_begin_ = 0;
    if (raw_.size() - raw_end_ < kMinReadBytes) raw_.resize(raw_.size() * 2);
  }
  beast::get_lowest_layer(ws_).socket().async_read_some(
      asio::buffer(raw_.data() + raw_end_, raw_.size() - raw_end_),
      beast::bind_front_handler(&Subscriber::OnRead, shared_from_this()));
}

void Subscriber::OnRead(beast::error_code ec, size_t bytes) {
  const int64_t arrival = NowNanos();
  if (ec) {
    if (closing_) return;
    if (!open_done_) return OpenDone(false, "before caught_up: " + ec.message());
    tally_.NoteDrop(ec.message());
    return;
  }
  raw_end_ += bytes;
  // Every whole frame in the buffer (server frames are never masked).
  for (;;) {
    const auto* at = reinterpret_cast<const uint8_t*>(raw_.data() + raw_begin_);
    const size_t available = raw_end_ - raw_begin_;
    if (available < 2) break;
    const bool fin = (at[0] & 0x80) != 0;
    const uint8_t opcode = at[0] & 0x0F;
    uint64_t length = at[1] & 0x7F;
    size_t header = 2;
    if (length == 126) {
      if (available < 4) break;
      length = (uint64_t{at[2]} << 8) | at[3];
      header = 4;
    } else if (length == 127) {
      if (available < 10) break;
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | at[2 + i];
      header = 10;
    }
    if (length > kMaxFrameBytes) {
      tally_.NoteDrop("a frame of " + std::to_string(length) + " bytes");
      return;
    }
    if (available < header + length) {
      // Incomplete: make sure the whole frame fits, then read on.
      if (raw_.size() < header + length + kMinReadBytes) {
        raw_.resize(header + length + kMinReadBytes);
      }
      break;
    }
    const std::string_view payload(raw_.data() + raw_begin_ + header, length);
    raw_begin_ += header + length;
    if (opcode == 0x8) {  // close
      if (closing_) return;
      std::string why = "closed by the server";
      if (payload.size() >= 2) {
        const auto code =
            (static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]);
        why += " with " + std::to_string(code);
        if (payload.size() > 2) why += " (" + std::string(payload.substr(2)) + ")";
      }
      if (!open_done_) return OpenDone(false, "before caught_up: " + why);
      tally_.NoteDrop(why);
      return;
    }
    if (opcode == 0x9) {  // ping: answer it, as every client must
      Pong(payload);
      continue;
    }
    if (opcode == 0xA) continue;  // pong
    fragments_.append(payload);
    if (!fin) continue;
    HandleMessage(fragments_, arrival);
    fragments_.clear();
  }
  if (raw_begin_ == raw_end_) raw_begin_ = raw_end_ = 0;
  if (!closing_) DoRead();
}

void Subscriber::HandleMessage(std::string_view text, int64_t arrival) {
  if (text.starts_with(kEventsPrefix)) {
    const uint64_t position = NumberAfter(text, kPositionKey);
    if (position <= last_position_) {
      tally_.duplicate_frames++;
    } else {
      last_position_ = position;
      if (on_events_) on_events_(text, arrival);
    }
  } else {
    HandleControl(text);
  }
}

void Subscriber::Pong(std::string_view payload) {
  if (ponging_ || payload.size() > 125) return;  // one at a time; a ping repeats
  ponging_ = true;
  // A client frame is masked; a zero key leaves the payload as it is.
  auto frame = std::make_shared<std::string>();
  frame->push_back(static_cast<char>(0x8A));
  frame->push_back(static_cast<char>(0x80 | payload.size()));
  frame->append(4, '\0');
  frame->append(payload);
  asio::async_write(
      beast::get_lowest_layer(ws_).socket(), asio::buffer(*frame),
      [self = shared_from_this(), frame](beast::error_code, size_t) { self->ponging_ = false; });
}

void Subscriber::HandleControl(std::string_view text) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec);
  const json::object* message = ec ? nullptr : parsed.if_object();
  const json::value* type = message ? message->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_string()) return;
  if (type->as_string() == "caught_up") {
    if (const json::value* at = message->if_contains("position"); at && at->is_uint64()) {
      last_position_ = std::max(last_position_, at->as_uint64());
    } else if (at && at->is_int64() && at->as_int64() > 0) {
      last_position_ = std::max(last_position_, static_cast<uint64_t>(at->as_int64()));
    }
    OpenDone(true, "");
  } else if (type->as_string() == "error") {
    tally_.server_errors++;
    if (!open_done_) OpenDone(false, "subscribe refused: " + std::string(text));
  }
}

void Subscriber::OpenDone(bool ok, const std::string& why) {
  if (open_done_) return;
  open_done_ = true;
  caught_up_timer_.cancel();
  if (ok) {
    tally_.opened++;
  } else {
    tally_.NoteRefusal(why);
    closing_ = true;
    beast::get_lowest_layer(ws_).close();
  }
  if (on_open_done_) on_open_done_();
}

// ---- Commander ----

Commander::Commander(asio::io_context& ioc, const Endpoint& endpoint, ConnectionTally& tally,
                     SentHandler on_sent, ReplyHandler on_reply, std::function<void()> on_open_done)
    : ws_(asio::make_strand(ioc)),
      endpoint_(endpoint),
      tally_(tally),
      on_sent_(std::move(on_sent)),
      on_reply_(std::move(on_reply)),
      on_open_done_(std::move(on_open_done)) {}

void Commander::Start(std::chrono::seconds open_timeout) {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), open_timeout] {
    if (self->closing_) return self->OpenDone(false, "closed before connecting");
    auto& stream = beast::get_lowest_layer(self->ws_);
    stream.expires_after(open_timeout);
    stream.async_connect(Loopback(self->endpoint_.port),
                         [self, open_timeout](beast::error_code ec) {
                           if (!ec) PrepareUpgrade(self->ws_, self->endpoint_.token, open_timeout);
                           self->OnConnect(ec);
                         });
  });
}

void Commander::Send(uint64_t n, std::string text) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), n, text = std::move(text)]() mutable {
    if (self->closing_) return;
    self->queue_.emplace_back(n, std::move(text));
    if (self->open_ && !self->writing_) self->DoWrite();
  });
}

void Commander::Close() {
  closing_ = true;
  asio::post(ws_.get_executor(),
             [self = shared_from_this()] { beast::get_lowest_layer(self->ws_).close(); });
}

void Commander::OnConnect(beast::error_code ec) {
  if (ec) return OpenDone(false, "connect: " + ec.message());
  ws_.async_handshake(Host(endpoint_.port), "/api/v1/ws",
                      beast::bind_front_handler(&Commander::OnHandshake, shared_from_this()));
}

void Commander::OnHandshake(beast::error_code ec) {
  if (ec) return OpenDone(false, "upgrade: " + ec.message());
  OpenDone(true, "");
  DoRead();
  if (!queue_.empty() && !writing_) DoWrite();
}

void Commander::DoWrite() {
  writing_ = true;
  on_sent_(queue_.front().first, NowNanos());
  ws_.text(true);
  ws_.async_write(asio::buffer(queue_.front().second),
                  beast::bind_front_handler(&Commander::OnWrite, shared_from_this()));
}

void Commander::OnWrite(beast::error_code ec, size_t) {
  queue_.pop_front();
  writing_ = false;
  if (ec) {
    if (!closing_) {
      closing_ = true;  // one loss, counted once (the read fails too)
      tally_.NoteDrop("write: " + ec.message());
    }
    return;
  }
  if (!queue_.empty() && !closing_) DoWrite();
}

void Commander::DoRead() {
  ws_.async_read(buffer_, beast::bind_front_handler(&Commander::OnRead, shared_from_this()));
}

void Commander::OnRead(beast::error_code ec, size_t) {
  const int64_t arrival = NowNanos();
  if (ec) {
    if (closing_) return;
    closing_ = true;
    tally_.NoteDrop(DescribeLoss(ec, ws_.reason()));
    return;
  }
  if (on_reply_) on_reply_(BufferText(buffer_), arrival);
  buffer_.consume(buffer_.size());
  if (!closing_) DoRead();
}

void Commander::OpenDone(bool ok, const std::string& why) {
  if (open_done_) return;
  open_done_ = true;
  open_ = ok;
  if (ok) {
    tally_.opened++;
  } else {
    tally_.NoteRefusal(why);
    closing_ = true;
    beast::get_lowest_layer(ws_).close();
  }
  if (on_open_done_) on_open_done_();
}

}  // namespace rotonde::load
