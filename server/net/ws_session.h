// WsSession: one WebSocket connection (/api/v1/ws). Owns its write queue and runs on its
// strand; reads one message at a time; blocking work (authorization, commands, disk reads,
// view builds) goes to the worker pool and comes back to the strand.
//
// Subscriptions pull: on every FeedHub notice the session asks for what follows its last
// sent position — from the hub's ring when it covers that position, else from the disk a
// page at a time (paced by its own queue, so catching up two weeks never overflows it).
// Once caught up it is live; a live session whose queue passes the limit is closed with
// 4000 and resumes from its position. Invariant: per platform, positions sent are strictly
// increasing, and every event of the platform after the subscription's `from` is sent.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http_api.h"
#include "server.h"

namespace rotonde::net {

// Close codes of docs/api.md.
inline constexpr uint16_t kCloseTooSlow = 4000;

class WsSession : public std::enable_shared_from_this<WsSession>,
                  public Connection,
                  public FeedListener,
                  public ViewWatcher {
 public:
  WsSession(boost::beast::tcp_stream&& stream, ServerShared& shared, app::Caller caller);
  ~WsSession() override;

  // Accepts the upgrade `request` and starts reading.
  void Run(HttpRequest request);
  // Closes with 1001 (the server is going away), once the handshake is done. Thread-safe.
  void GoAway() override;
  // Cuts the connection (a drain's bound passed). Thread-safe.
  void ForceClose() override;

  // Keeps `token` until what the flush brought is written to the socket (or the session ends).
  void OnFeed(const std::string& platform, FanOutToken token) override;
  void OnViewFrame(const std::string& platform, std::shared_ptr<const std::string> frame) override;

 private:
  struct Subscription {
    uint64_t last_sent = 0;
    bool caught_up = false;
    bool reading_disk = false;
  };

  void OnAccept(boost::beast::error_code ec);
  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void OnMessage(const std::string& text);
  // `answer`: a command's result or error, or a pong. It goes ahead of the frames waiting in
  // the queue (after the one being written and earlier answers): a reply never waits behind
  // the events a busy platform pushes, nor a slow fan-out behind it.
  // `asked`: when the command it answers was read, for the metrics.
  void Send(std::shared_ptr<const std::string> frame, bool answer = false,
            std::chrono::steady_clock::time_point asked = {});
  void SendJson(const boost::json::object& message, bool answer = false,
                std::chrono::steady_clock::time_point asked = {});
  void SendError(const std::string& id, const Error& error);
  // Writes the queue's front: an answer at once, anything else once it holds a write slot
  // (ServerShared::write_slots), which it gives back after that message or after
  // kSlotHold, whichever comes first (a client that reads nothing must not keep it).
  void DoWrite();
  void OnSlot();
  void ReleaseSlot();
  void OnWrite(boost::beast::error_code ec, size_t bytes);
  void CloseWith(uint16_t code, const std::string& reason);

  // `from_hash` (raw bytes, may be empty): the hash of the event the client saw at `from`.
  void Subscribe(const std::string& id, const std::string& platform, uint64_t from,
                 std::string from_hash);
  // Whether the caller may still read `platform`: checked as its events and views go out,
  // not only when subscribing, so one who leaves or is removed stops receiving at once.
  // If not, every subscription and watch of the platform ends, with an `error`
  // (platform_not_found) naming it. On the session's strand.
  bool StillMember(const std::string& platform);
  void Pump(const std::string& platform);
  void PumpAll();
  void ReadDisk(const std::string& platform);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  ServerShared& shared_;
  app::Caller caller_;
  boost::beast::flat_buffer buffer_;
  struct Outgoing {
    std::shared_ptr<const std::string> frame;
    bool answer = false;
    FanOutToken token;  // the flush it brings, released once it is written
    std::chrono::steady_clock::time_point asked;  // an answer's command's read
  };
  std::deque<Outgoing> queue_;
  size_t queued_bytes_ = 0;
  size_t answers_queued_ = 0;  // at the queue's front, after the frame being written
  bool writing_ = false;
  bool waiting_for_slot_ = false;
  bool has_slot_ = false;
  std::optional<boost::asio::steady_timer> slot_timer_;
  FanOutToken pump_token_;  // while a pump that a flush asked for runs
  bool accepted_ = false;
  bool closing_ = false;
  std::optional<uint64_t> connection_id_;
  std::map<std::string, Subscription> subscriptions_;
  std::map<std::string, int> watches_;  // "platform\nview" -> count
  std::atomic<bool> feed_pending_{false};
};

}  // namespace rotonde::net
