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
// the platforms' logs instead, which keeps it.
//
// Pacing: frames are flushed at most once per interval (the first event after a quiet spell at
// once), so under load one frame carries many events. The interval stretches with the fan-out's
// own cost: a flush's fan-out lasts until every listener it told has acted on it (a session has
// written what the flush brought), and the next flush waits until as long again has passed
// after that, between `flush_interval` and `max_flush_interval`. So fan-out takes at most about
// half of the io threads' time whatever the load: commands keep the rest, each frame carries
// more events as subscribers get more expensive to reach, and a subscriber's lag stays under
// about two of the longest intervals instead of growing with a backlog.
//
// Memory: each platform's ring holds at most `ring_bytes_per_platform`, and all rings together
// at most `ring_bytes_total` (the oldest frames of any platform go first), so the hub's memory
// is bounded however many platforms one server holds.
#pragma once

#include <atomic>
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
#include "rotonde/projections/personal_data.h"
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
  // It holds a PersonErased: the ring's older frames may show the person's data, so they go
  // (a session resuming before it reads the log, opened without the person's key).
  bool erases = false;
};

// A flush's fan-out is over once every copy of its token is released.
using FanOutToken = std::shared_ptr<const void>;

// Told that a platform has new frames; must not block. A listener that acts later (on another
// thread) keeps `token` until it has: the hub paces its flushes by that.
class FeedListener {
 public:
  virtual ~FeedListener() = default;
  virtual void OnFeed(const std::string& platform, FanOutToken token) = 0;
};

// "events" frames: {"type":"events","platform":P,"position":last,"events":[e1,e2,...]}.
std::string EventsFrame(const std::string& platform, uint64_t last,
                        const std::vector<std::pair<uint64_t, std::string>>& events, size_t begin);

class FeedHub {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{10};       // the shortest interval
    std::chrono::milliseconds max_flush_interval{250};  // the longest
    size_t ring_bytes_per_platform = 1 << 20;
    size_t ring_bytes_total = 64 << 20;
    // Opens the events' personal fields for the frames; null: KeylessOpener().
    const projections::EventOpener* opener = nullptr;
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

  // For the operator (/metrics).
  struct Stats {
    double interval_seconds = 0;  // the pause before the next flush, as last set
    double fan_out_seconds = 0;   // how long the last fan-out took (so far, if not over)
    uint64_t ring_bytes = 0;      // every platform's ring
    uint64_t flushes = 0;
  };
  Stats GetStats() const;

 private:
  struct PlatformFeed {
    std::deque<std::shared_ptr<const EventBatch>> ring;  // oldest first
    size_t ring_bytes = 0;
    uint64_t floor = 0;
    uint64_t head = 0;
    WeakListeners<FeedListener> listeners;
  };
  using Notices = std::vector<std::pair<std::string, std::shared_ptr<FeedListener>>>;
  // When the fan-outs end: shared with their tokens, which may outlive the hub.
  struct FanOutClock;
  void Run(std::unique_ptr<eventstore::LiveFeed> feed);
  // Under mu_: the platform's feed, made at its start head if it is new.
  PlatformFeed& FeedOf(const std::string& platform);
  // Reads every platform's events after the hub's head of it from its log (after the live
  // feed fell behind the store's memory).
  void Resync(std::vector<eventstore::EventRecord>* records);
  // Returns the flush's token, released when its fan-out is over.
  FanOutToken Flush(std::vector<eventstore::EventRecord>& records);
  // Under mu_, after a batch joined `flushed`'s ring: drops the oldest frames of that ring, then
  // the oldest of any, until both bounds hold.
  void TrimRings(PlatformFeed& flushed);
  // Drops the feed's oldest batch. Under mu_.
  void DropOldest(PlatformFeed& feed);
  // Tells notices[from, from + step) and posts the rest.
  static void NotifyStep(std::shared_ptr<const Notices> notices, size_t from, Post post,
                         size_t step, FanOutToken token);

  eventstore::EventLog& store_;
  const Options options_;
  mutable std::mutex mu_;
  std::map<std::string, PlatformFeed, std::less<>> platforms_;
  // Each platform's head when the hub started: everything after it comes through the feed.
  std::map<std::string, uint64_t, std::less<>> start_heads_;
  // Every ring's batches in the order they were flushed, for the total bound; a batch that its
  // platform's own bound dropped already is skipped when it comes up.
  std::deque<std::pair<PlatformFeed*, std::shared_ptr<const EventBatch>>> flushed_;
  size_t ring_bytes_ = 0;    // all rings
  size_t ring_batches_ = 0;  // all rings
  Stats stats_;              // guarded by mu_
  std::shared_ptr<FanOutClock> clock_;
  Post post_;  // guarded by mu_
  size_t notify_step_ = 0;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace rotonde::net
