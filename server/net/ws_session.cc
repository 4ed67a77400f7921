#include "ws_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "api_error.h"
#include "api_json.h"
#include "ws_message.h"

namespace rotonde::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {

// While catching up, a session reads further only when its queue is below this; live, the
// configured limit applies.
constexpr size_t kCatchUpHighWater = 1 << 20;

// How long a write keeps its slot at most: longer only when the client does not read (its
// socket's buffer is full), and the write then waits on the client, not on the io threads.
constexpr auto kSlotHold = std::chrono::milliseconds(20);

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WsSession::WsSession(beast::tcp_stream&& stream, ServerShared& shared, app::Caller caller)
    : ws_(std::move(stream)), shared_(shared), caller_(std::move(caller)) {
  shared_.metrics.ws_connections++;
}

WsSession::~WsSession() {
  if (has_slot_) shared_.write_slots.Release();
  if (connection_id_) shared_.RemoveConnection(*connection_id_);
  shared_.metrics.ws_connections--;
  shared_.metrics.ws_queued_bytes -= static_cast<int64_t>(queued_bytes_);
  shared_.metrics.ws_subscriptions -= static_cast<int64_t>(subscriptions_.size());
  for (const auto& [key, count] : watches_) {
    const size_t cut = key.find('\n');
    shared_.watches->Unwatch(key.substr(0, cut), key.substr(cut + 1), this);
    shared_.metrics.ws_watches -= count;
  }
  for (const auto& [platform, sub] : subscriptions_) shared_.hub.Unlisten(platform, this);
}

void WsSession::Run(HttpRequest request) {
  connection_id_ = shared_.AddConnection(weak_from_this());
  beast::get_lowest_layer(ws_).expires_never();  // the WebSocket keeps its own timeouts
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = shared_.config.ws_idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(shared_.config.ws_max_message_bytes);
  // One frame per message: Beast would otherwise cut each message into 4 KiB fragments, one
  // socket write each, and an "events" frame for a busy platform is many KiB.
  ws_.auto_fragment(false);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "rotonde");
  }));
  ws_.async_accept(request, beast::bind_front_handler(&WsSession::OnAccept, shared_from_this()));
}

void WsSession::OnAccept(beast::error_code ec) {
  if (ec) return;
  accepted_ = true;
  // A drain that began during the handshake found nothing to close yet.
  if (shared_.draining) {
    CloseWith(websocket::close_code::going_away, "the server is shutting down");
    return;
  }
  DoRead();
}

void WsSession::GoAway() {
  boost::asio::post(ws_.get_executor(), [self = shared_from_this()] {
    // Before the handshake ends OnAccept closes, since the server is draining by then.
    if (!self->accepted_) return;
    self->CloseWith(websocket::close_code::going_away, "the server is shutting down");
  });
}

void WsSession::ForceClose() {
  boost::asio::post(ws_.get_executor(),
                    [self = shared_from_this()] { beast::get_lowest_layer(self->ws_).close(); });
}

void WsSession::DoRead() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::OnRead, shared_from_this()));
}

void WsSession::OnRead(beast::error_code ec, size_t) {
  if (ec) return;  // closed, timed out, too big (Beast answers 1009), bad UTF-8 (1007)
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (!ws_.got_text()) {
    shared_.metrics.ws_bad_messages++;
    SendError("", Err("bad_request", "send JSON in text frames"));
  } else {
    OnMessage(text);
  }
  if (!closing_) DoRead();
}

void WsSession::OnMessage(const std::string& text) {
  std::string id;
  auto parsed = ParseWsMessage(text, &id);
  if (!parsed.ok()) {
    shared_.metrics.ws_bad_messages++;
    SendError(id, parsed.error());
    return;
  }
  const WsClientMessage& message = parsed.value();
  const std::string& type = message.type;
  const std::string& platform = message.platform;

  if (type == "ping") {
    SendJson(json::object{{"type", "pong"}, {"id", id}}, /*answer=*/true);
    return;
  }
  if (type == "subscribe") {
    Subscribe(id, platform, message.from, message.from_hash);
    return;
  }
  if (type == "unsubscribe") {
    if (subscriptions_.erase(platform) > 0) {
      shared_.metrics.ws_subscriptions--;
      shared_.hub.Unlisten(platform, this);
    }
    SendJson(json::object{{"type", "unsubscribed"},
                          {"id", id},
                          {"platform", platform},
                          {"position", shared_.app.Head(platform)}});
    return;
  }
  if (type == "watch" || type == "unwatch") {
    const std::string& view = message.view;
    const std::string key = platform + '\n' + view;
    if (type == "unwatch") {
      if (auto it = watches_.find(key); it != watches_.end()) {
        shared_.metrics.ws_watches -= it->second;
        watches_.erase(it);
        shared_.watches->Unwatch(platform, view, this);
      }
      SendJson(json::object{{"type", "unwatched"},
                            {"id", id},
                            {"platform", platform},
                            {"view", view},
                            {"position", shared_.app.Head(platform)}});
      return;
    }
    app::ViewParams params;
    params.from = message.view_from;
    params.to = message.view_to;
    params.period = message.period;
    params.entity = message.entity;
    params.today = message.today;
    // An inbox is always the caller's own; every other view is shared by all its watchers.
    if (view == "inbox") params.member = caller_.account_id;
    watches_[key]++;
    shared_.metrics.ws_watches++;
    shared_.OnWorker([self = shared_from_this(), platform, view, params, id] {
      auto role = self->shared_.app.access().RoleOn(self->caller_, platform);
      if (!role.ok()) {
        boost::asio::post(self->ws_.get_executor(),
                          [self, id, error = role.error()] { self->SendError(id, error); });
        return;
      }
      self->shared_.watches->Watch(platform, view, params, id, self);
    });
    return;
  }
  // A command: decoded on a worker, as it is run there.
  const auto asked = std::chrono::steady_clock::now();
  shared_.OnWorker([self = shared_from_this(), platform, id, body = message.command, asked] {
    app::Application& app = self->shared_.app;
    auto answer = [self, id, asked](Result<json::object> result) {
      json::object reply;
      if (result.ok()) {
        reply = std::move(result.value());
        reply["type"] = "result";
      } else {
        reply = ErrorJson(result.error());
        reply["type"] = "error";
      }
      if (!id.empty()) reply["id"] = id;
      boost::asio::post(self->ws_.get_executor(), [self, reply = std::move(reply), asked] {
        self->SendJson(reply, true, asked);
      });
    };
    auto decoded = ParseCommand(body);
    if (!decoded.ok()) return answer(decoded.status());
    // The session may have expired or been signed out since the upgrade.
    auto caller = app.accounts().Resolve(self->caller_.token);
    if (!caller.ok()) return answer(caller.status());
    // In flight until answered: the command may wait in its platform's queue after this
    // task ends, and a draining server answers it before stopping.
    self->shared_.metrics.requests_in_flight++;
    app.commands().RunAsync(
        caller.value(), platform, std::move(decoded.value()), false,
        [self, answer](Result<app::CommandResult> result) {
          if (result.ok()) {
            answer(CommandResultJson(result.value(), false, projections::KeylessOpener()));
          } else {
            answer(result.status());
          }
          self->shared_.metrics.requests_in_flight--;
        });
  });
}

void WsSession::Subscribe(const std::string& id, const std::string& platform, uint64_t from,
                          std::string from_hash) {
  shared_.OnWorker([self = shared_from_this(), id, platform, from,
                    from_hash = std::move(from_hash)] {
    auto role = self->shared_.app.access().RoleOn(self->caller_, platform);
    const uint64_t head = self->shared_.app.Head(platform);
    // A position is only as good as the log it came from: one beyond the head, or one whose
    // event is not the one the client saw there, was remembered from another log of the
    // platform (a store rewritten by `rotonde migrate`, a restored backup, another server).
    // Resuming from it would skip or wait for events; the client starts again instead.
    std::optional<Status> foreign;
    if (role.ok() && from > head) {
      foreign = app::PositionBeyondHead(platform, from, head);
    } else if (role.ok() && from > 0 && !from_hash.empty()) {
      v1::EventRecord seen;
      if (!self->shared_.app.reads().EventAt(platform, from, &seen) || seen.hash() != from_hash) {
        foreign = Status(app::codes::kUnknownPosition,
                         "position " + std::to_string(from) + " of " + platform +
                             "'s log holds another event than the one you saw there; start "
                             "again from its head");
        foreign->WithDetail("head", static_cast<int64_t>(head));
      }
    }
    boost::asio::post(self->ws_.get_executor(),
                      [self, id, platform, from, role, head, foreign = std::move(foreign)] {
                        if (!role.ok()) return self->SendError(id, role.error());
                        if (foreign) return self->SendError(id, foreign->error());
                        auto [it, inserted] = self->subscriptions_.try_emplace(platform);
                        if (inserted) {
                          self->shared_.metrics.ws_subscriptions++;
                          self->shared_.hub.Listen(platform, self);
                        }
                        // A disk page still in flight for an older position is dropped when it
                        // lands (ReadDisk compares positions).
                        it->second.last_sent = from;
                        it->second.caught_up = false;
                        self->SendJson(json::object{{"type", "subscribed"},
                                                    {"id", id},
                                                    {"platform", platform},
                                                    {"from", from},
                                                    {"position", head}});
                        self->Pump(platform);
                      });
  });
}

void WsSession::OnFeed(const std::string&, FanOutToken token) {
  // Coalesced: one pending pump per session however many flushes arrive meanwhile (the
  // pending one sends this flush's events too).
  if (feed_pending_.exchange(true)) return;
  boost::asio::post(ws_.get_executor(), [self = shared_from_this(), token = std::move(token)] {
    self->feed_pending_ = false;
    self->pump_token_ = token;
    self->PumpAll();
    self->pump_token_.reset();
  });
}

void WsSession::PumpAll() {
  // By name: a pump may end its subscription (StillMember).
  std::vector<std::string> platforms;
  platforms.reserve(subscriptions_.size());
  for (const auto& [platform, sub] : subscriptions_) platforms.push_back(platform);
  for (const auto& platform : platforms) Pump(platform);
}

bool WsSession::StillMember(const std::string& platform) {
  auto role = shared_.app.access().RoleOn(caller_, platform);
  if (role.ok() || role.error().code != app::codes::kPlatformNotFound) return true;
  bool ended = false;
  if (subscriptions_.erase(platform) > 0) {
    shared_.metrics.ws_subscriptions--;
    shared_.hub.Unlisten(platform, this);
    ended = true;
  }
  const std::string prefix = platform + '\n';
  for (auto it = watches_.lower_bound(prefix);
       it != watches_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    shared_.metrics.ws_watches -= it->second;
    shared_.watches->Unwatch(platform, it->first.substr(prefix.size()), this);
    it = watches_.erase(it);
    ended = true;
  }
  if (!ended) return false;  // told already; a frame posted before the end
  json::object error{{"type", "error"},
                     {"platform", platform},
                     {"code", role.error().code},
                     {"message", role.error().message}};
  SendJson(error);
  return false;
}

void WsSession::Pump(const std::string& platform) {
  auto it = subscriptions_.find(platform);
  if (it == subscriptions_.end() || closing_) return;
  if (!StillMember(platform)) return;
  Subscription& sub = it->second;
  if (sub.reading_disk) return;                                     // the page's answer pumps again
  if (!sub.caught_up && queued_bytes_ > kCatchUpHighWater) return;  // OnWrite pumps again

  FeedHub::Collected collected = shared_.hub.Collect(platform, sub.last_sent);
  if (!collected.covered) return ReadDisk(platform);
  const int64_t now = NowMicros();
  for (const auto& batch : collected.batches) {
    if (batch->last <= sub.last_sent) continue;
    if (batch->first > sub.last_sent) {
      Send(batch->frame);
    } else {
      size_t begin = 0;
      while (begin < batch->events.size() && batch->events[begin].first <= sub.last_sent) ++begin;
      Send(std::make_shared<const std::string>(
          EventsFrame(platform, batch->last, batch->events, begin)));
    }
    sub.last_sent = batch->last;
    if (sub.caught_up) {
      shared_.metrics.push_lag_seconds.Observe(
          static_cast<double>(std::max<int64_t>(0, now - batch->committed_micros)) / 1e6);
    } else if (queued_bytes_ > kCatchUpHighWater) {
      return;  // paced: the rest when the queue drains
    }
  }
  if (!sub.caught_up) {
    sub.caught_up = true;
    SendJson(json::object{{"type", "caught_up"},
                          {"platform", platform},
                          {"position", std::max(sub.last_sent, collected.platform_head)}});
  } else if (queued_bytes_ > shared_.config.ws_queue_limit_bytes) {
    shared_.metrics.ws_closed_slow++;
    CloseWith(kCloseTooSlow, "too slow: resume from your last position");
  }
}

void WsSession::ReadDisk(const std::string& platform) {
  Subscription& reading = subscriptions_[platform];
  reading.reading_disk = true;
  const uint64_t after = reading.last_sent;
  shared_.catch_up.Read(
      platform, after,
      [self = shared_from_this(), platform, after](Status read,
                                                   std::shared_ptr<const CatchUpPages::Page> page) {
        boost::asio::post(self->ws_.get_executor(), [self, platform, after, read, page] {
          auto it = self->subscriptions_.find(platform);
          if (it == self->subscriptions_.end()) return;
          Subscription& sub = it->second;
          sub.reading_disk = false;
          if (sub.last_sent != after) return self->Pump(platform);  // re-subscribed meanwhile
          if (!read.ok()) {
            self->SendError("", Err("unavailable", "cannot read the log: " + read.message()));
            return;
          }
          // The page may start before `after` (read for another session): only what follows.
          const auto& events = page->events;
          const size_t begin =
              static_cast<size_t>(std::upper_bound(events.begin(), events.end(), after,
                                                   [](uint64_t position, const auto& event) {
                                                     return position < event.first;
                                                   }) -
                                  events.begin());
          if (begin == 0 && page->frame) {
            self->Send(page->frame);  // the same frame for every session at the page's start
          } else if (begin < events.size()) {
            self->Send(std::make_shared<const std::string>(
                EventsFrame(platform, events.back().first, events, begin)));
          }
          sub.last_sent = std::max(sub.last_sent, page->covered_to);
          self->Pump(platform);
        });
      });
}

void WsSession::OnViewFrame(const std::string& platform, std::shared_ptr<const std::string> frame) {
  boost::asio::post(ws_.get_executor(),
                    [self = shared_from_this(), platform, frame = std::move(frame)] {
                      if (self->closing_ || !self->StillMember(platform)) return;
                      self->Send(frame);
                      if (self->queued_bytes_ > self->shared_.config.ws_queue_limit_bytes) {
                        self->shared_.metrics.ws_closed_slow++;
                        self->CloseWith(kCloseTooSlow, "too slow: resume from your last position");
                      }
                    });
}

void WsSession::SendJson(const json::object& message, bool answer,
                         std::chrono::steady_clock::time_point asked) {
  Send(std::make_shared<const std::string>(json::serialize(message)), answer, asked);
}

void WsSession::SendError(const std::string& id, const Error& error) {
  json::object message = ErrorJson(error);
  message["type"] = "error";
  if (!id.empty()) message["id"] = id;
  SendJson(message);
}

void WsSession::Send(std::shared_ptr<const std::string> frame, bool answer,
                     std::chrono::steady_clock::time_point asked) {
  if (closing_) return;
  queued_bytes_ += frame->size();
  shared_.metrics.ws_queued_bytes += static_cast<int64_t>(frame->size());
  if (answer) {
    const size_t at = (writing_ ? 1 : 0) + answers_queued_;
    queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(at),
                  {std::move(frame), true, {}, asked});
    answers_queued_++;
  } else {
    queue_.push_back({std::move(frame), false, pump_token_, {}});
  }
  DoWrite();
}

void WsSession::DoWrite() {
  if (writing_ || queue_.empty()) return;
  Outgoing& front = queue_.front();
  if (!front.answer && !has_slot_) {
    if (waiting_for_slot_) return;
    waiting_for_slot_ = true;
    shared_.write_slots.Acquire([self = shared_from_this()] {
      boost::asio::post(self->ws_.get_executor(), [self] { self->OnSlot(); });
    });
    return;
  }
  writing_ = true;
  if (front.answer) answers_queued_--;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*front.frame),
                  beast::bind_front_handler(&WsSession::OnWrite, shared_from_this()));
}

void WsSession::OnSlot() {
  waiting_for_slot_ = false;
  has_slot_ = true;
  if (closing_ || queue_.empty()) return ReleaseSlot();
  if (!slot_timer_) slot_timer_.emplace(ws_.get_executor());
  slot_timer_->expires_after(kSlotHold);
  slot_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->ReleaseSlot();
  });
  DoWrite();
}

void WsSession::ReleaseSlot() {
  if (!has_slot_) return;
  has_slot_ = false;
  if (slot_timer_) slot_timer_->cancel();
  shared_.write_slots.Release();
}

void WsSession::OnWrite(beast::error_code ec, size_t) {
  const Outgoing written = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= written.frame->size();
  shared_.metrics.ws_queued_bytes -= static_cast<int64_t>(written.frame->size());
  writing_ = false;
  // Pushed frames take turns: one message per slot.
  if (!written.answer) ReleaseSlot();
  if (ec) return;
  shared_.metrics.ws_messages_sent++;
  if (written.asked != std::chrono::steady_clock::time_point{}) {
    shared_.metrics.ws_command_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - written.asked).count());
  }
  if (closing_) return;
  DoWrite();
  if (queued_bytes_ < kCatchUpHighWater / 2) {
    std::vector<std::string> behind;  // by name: a pump may end its subscription
    for (const auto& [platform, sub] : subscriptions_) {
      if (!sub.caught_up && !sub.reading_disk) behind.push_back(platform);
    }
    for (const auto& platform : behind) Pump(platform);
  }
}

void WsSession::CloseWith(uint16_t code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  spdlog::info("ws close {} {} ({} bytes queued)", code, caller_.account_id, queued_bytes_);
  // Frames not yet started are dropped; the client resumes from what it received.
  answers_queued_ = 0;
  while (queue_.size() > (writing_ ? 1u : 0u)) {
    queued_bytes_ -= queue_.back().frame->size();
    shared_.metrics.ws_queued_bytes -= static_cast<int64_t>(queue_.back().frame->size());
    queue_.pop_back();
  }
  if (!writing_) ReleaseSlot();
  websocket::close_reason why(static_cast<websocket::close_code>(code), reason);
  // A peer that reads nothing never lets the close frame out: drop it after a grace period.
  auto timer =
      std::make_shared<boost::asio::steady_timer>(ws_.get_executor(), std::chrono::seconds(10));
  timer->async_wait([self = shared_from_this(), timer](beast::error_code ec) {
    if (!ec) beast::get_lowest_layer(self->ws_).close();
  });
  ws_.async_close(why, [self = shared_from_this(), timer](beast::error_code) { timer->cancel(); });
}

}  // namespace rotonde::net
