// PublishedLog: what a backend of the event log shows its readers, the same for every
// backend. It holds each platform's durable head and the last durable events (at most
// recent_events_cache) in the order they became durable, wakes readers waiting for more, and
// serves subscriptions and the live feed (event_log.h) from them: live readers from memory,
// a subscriber behind the memory window from the backend's storage, by position either way.
//
// A backend publishes only what is durable, each platform's events in its log's order and
// continuing its head; what it publishes again (at or below a head) is ignored.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/string_map.h"
#include "rotonde/eventstore/event_log.h"

namespace rotonde::eventstore {

class PublishedLog {
 public:
  explicit PublishedLog(size_t recent_events_cache) : capacity_(recent_events_cache) {}

  // At open, before anything is published: a platform's head as stored.
  void LoadHead(std::string platform, HeadInfo head);
  // Publishes durable records (see above) and wakes the readers.
  void Publish(const std::vector<std::shared_ptr<const EventRecord>>& records);
  // After this, waiting readers wake and every wait returns at once.
  void Close();
  bool closed() const;

  // The platform's durable head (position 0 and its genesis hash if it has no events).
  HeadInfo Head(std::string_view platform) const;
  // The platforms with events, in name order.
  std::vector<std::string> Platforms() const;
  // Blocks until the platform's head passes `after` (or, with an empty platform, until more
  // than `after` events were published since open), the deadline passes, or the log closes;
  // returns the head (the count) then.
  uint64_t WaitForHead(std::string_view platform, uint64_t after,
                       std::chrono::steady_clock::time_point deadline) const;
  // The count of events published since open.
  uint64_t sequence() const;
  // Copies `platform`'s events after `after` from memory; false if they are no longer (or
  // not yet) there.
  bool ReadRecent(std::string_view platform, uint64_t after, size_t max_events,
                  std::vector<EventRecord>* out) const;
  // Copies events numbered above `after_sequence` (see sequence()); false if the first of
  // them is no longer in memory. Sets *sequence to the number of the last copied.
  bool ReadRecentAll(uint64_t after_sequence, size_t max_events, std::vector<EventRecord>* out,
                     uint64_t* sequence) const;
  // Gauges for Stats: events in memory, platforms with events.
  void FillGauges(Stats* stats) const;

  // Reads `platform`'s stored events with after < position <= upto, at most `limit`.
  using StoreRead = std::function<Status(std::string_view platform, uint64_t after, size_t limit,
                                         uint64_t upto, std::vector<EventRecord>* out)>;
  // EventLog::Subscribe and FollowAll over this log; `read` serves a subscriber behind the
  // memory window. They must not outlive this log.
  std::unique_ptr<Subscription> Subscribe(std::string platform, uint64_t after_position,
                                          StoreRead read) const;
  std::unique_ptr<LiveFeed> FollowAll() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  mutable std::condition_variable head_cv_;
  bool closed_ = false;
  std::map<std::string, HeadInfo, std::less<>> heads_;
  uint64_t sequence_ = 0;
  std::deque<std::shared_ptr<const EventRecord>> recent_;
  uint64_t recent_first_ = 1;  // the number of recent_.front() (see sequence())
  // The same events per platform: each a suffix of its platform's log.
  StringMap<std::deque<std::shared_ptr<const EventRecord>>> recent_by_platform_;
};

}  // namespace rotonde::eventstore
