// FeedHub: the one reader of the live log, fanning events out to every WebSocket session.
//
// A single thread follows the store (EventLog::FollowAll, so it sees only durable events,
// each platform's in its log's order) and turns each platform's new events into one shared
// frame — `{"type":"events", ...}` —
// rendered once however many sessions send it. Each platform keeps a ring of its recent
// frames; a session asks Collect() for what comes after its position and gets either the
// frames (zero-copy) or "not covered", and then reads the disk itself. So a subscriber that
// was gone two weeks and one that never left take the same path: "give me what follows my
// position" — which is what makes a resume exact (no gap, no duplicate).
//
// Invariant (per platform): every event of the platform with a position above `floor` is in
// the ring, in order, and none twice. A platform's floor starts at its head when the hub
// started (0 for one founded since); falling behind the store's memory makes the hub read
// the platforms' logs instead, which keeps it. Frames are flushed at most once per `flush_interval`
// (the first event after a quiet spell at once), so under load one frame carries many events and
// the number of socket writes stays bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "rotonde/eventstore/event_log.h"
#include "weak_listeners.h"

namespace rotonde::net {

// One platform's events of one flush, ready to send.
struct EventBatch {
  uint64_t first = 0;  // position of its first and last event
  uint64_t last = 0;
  std::shared_ptr<const std::string> frame;  // the whole batch as one "events" message
  // Each event's JSON, for a session whose position falls inside the batch.
  std::vector<std::pair<uint64_t, std::string>> events;
  int64_t committed_micros = 0;  // the last event's recorded_at, for the push-lag metric
  size_t bytes = 0;
};

// Told that a platform has new frames; called on the hub's thread, must not block.
class FeedListener {
 public:
  virtual ~FeedListener() = default;
  virtual void OnFeed(const std::string& platform) = 0;
};

// "events" frames: {"type":"events","platform":P,"position":last,"events":[e1,e2,...]}.
std::string EventsFrame(const std::string& platform, uint64_t last,
                        const std::vector<std::pair<uint64_t, std::string>>& events, size_t begin);

class FeedHub {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{10};
    size_t ring_bytes_per_platform = 1 << 20;
  };
  FeedHub(eventstore::EventLog& store, Options options);
  ~FeedHub();

  // Starts following every platform's log from its head now.
  void Start();
  void Stop();

  using Post = std::function<void(std::function<void()>)>;
  // Where listeners are told of a flush: by default all at once, on the hub's thread. With
  // `post` (a server's io threads), `step` at a time, each step queued behind what those
  // threads already have to do: telling thousands of subscribers queues thousands of
  // writes, and a command's reply arriving meanwhile should not wait behind all of them.
  // Null resets it. Thread-safe.
  void SetNotifier(Post post, size_t step);

  void Listen(const std::string& platform, const std::shared_ptr<FeedListener>& listener);
  void Unlisten(const std::string& platform, const FeedListener* listener);

  struct Collected {
    bool covered = false;  // false: the ring starts after `after`; read the disk first
    std::vector<std::shared_ptr<const EventBatch>> batches;  // those with last > after
    uint64_t platform_head = 0;  // the last position of the platform the hub has flushed
  };
  Collected Collect(const std::string& platform, uint64_t after) const;

 private:
  struct PlatformFeed {
    std::deque<std::shared_ptr<const EventBatch>> ring;
    size_t ring_bytes = 0;
    uint64_t floor = 0;
    uint64_t head = 0;
    WeakListeners<FeedListener> listeners;
  };
  using Notices = std::vector<std::pair<std::string, std::shared_ptr<FeedListener>>>;
  void Run(std::unique_ptr<eventstore::LiveFeed> feed);
  // Under mu_: the platform's feed, made at its start head if it is new.
  PlatformFeed& FeedOf(const std::string& platform);
  // Reads every platform's events after the hub's head of it from its log (after the live
  // feed fell behind the store's memory).
  void Resync(std::vector<eventstore::EventRecord>* records);
  void Flush(std::vector<eventstore::EventRecord>& records);
  // Tells notices[from, from + step) and posts the rest.
  static void NotifyStep(std::shared_ptr<const Notices> notices, size_t from, Post post,
                         size_t step);

  eventstore::EventLog& store_;
  const Options options_;
  mutable std::mutex mu_;
  std::map<std::string, PlatformFeed, std::less<>> platforms_;
  // Each platform's head when the hub started: everything after it comes through the feed.
  std::map<std::string, uint64_t, std::less<>> start_heads_;
  Post post_;  // guarded by mu_
  size_t notify_step_ = 0;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace rotonde::net
