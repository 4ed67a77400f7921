// CatchUpPages: the pages of a platform's events that WebSocket sessions read from the log
// when the live feed (FeedHub's ring) no longer holds their position — shared between
// sessions, read one queue at a time.
//
// When the server falls behind (a burst of commands, a slow moment of the machine), the
// subscribers of a busy platform fall off the ring at about the same position. Each of them
// used to read and render its own page on the worker pool: a thousand reads of the same
// events, which took the CPU the server needed to catch up, queued thousands of tasks in
// front of commands and /metrics, and left it further behind — it never recovered. Here a
// page read for one session serves every session whose position falls inside it, and the
// reads wait in one queue that at most `max_readers` worker tasks drain.
//
// Invariant: a page holds every event of its platform with after < position <= covered_to,
// in order (events never change, so a cached page never goes stale).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rotonde/base/status.h"

namespace rotonde::net {

class CatchUpPages {
 public:
  struct Page {
    uint64_t after = 0;
    uint64_t covered_to = 0;
    std::vector<std::pair<uint64_t, std::string>> events;  // position, the event's JSON
    // All of `events` as one "events" frame (null if none), for the sessions whose position
    // is `after`: those that read the page before this one share it whole.
    std::shared_ptr<const std::string> frame;
    size_t bytes = 0;
  };
  // Reads up to `limit` events of the platform after `after`, rendered.
  using ReadLog = std::function<Status(const std::string& platform, uint64_t after, size_t limit,
                                       std::vector<std::pair<uint64_t, std::string>>* out)>;
  // The platform's head: every event at or below it is visible to a ReadLog that follows.
  using Head = std::function<uint64_t(const std::string& platform)>;
  // Runs a task where it may block (the worker pool).
  using Post = std::function<void(std::function<void()>)>;
  // With the page holding the events after the asked position, or a failed read's status.
  using Done = std::function<void(Status, std::shared_ptr<const Page>)>;

  struct Options {
    size_t page_events = 500;
    size_t cache_bytes = 8 << 20;
    size_t max_readers = 2;
  };

  CatchUpPages(ReadLog read_log, Head head, Post post, Options options);

  // Calls `done` (on a worker) with a page whose after <= `after` < covered_to, or, when
  // the platform has no events after `after`, one with covered_to == `after`.
  void Read(const std::string& platform, uint64_t after, Done done);

 private:
  struct Request {
    std::string platform;
    uint64_t after;
    Done done;
  };
  void Drain();
  // Under mu_: a cached page covering `after`, or null.
  std::shared_ptr<const Page> Find(const std::string& platform, uint64_t after) const;
  // Under mu_.
  void Keep(const std::string& platform, std::shared_ptr<const Page> page);

  const ReadLog read_log_;
  const Head head_;
  const Post post_;
  const Options options_;

  std::mutex mu_;
  std::deque<Request> queue_;
  size_t readers_ = 0;  // worker tasks draining the queue
  // Per platform, pages by `after`; and every page in the order kept, for eviction.
  std::map<std::string, std::map<uint64_t, std::shared_ptr<const Page>>, std::less<>> pages_;
  std::list<std::pair<std::string, uint64_t>> kept_order_;
  size_t cached_bytes_ = 0;
};

}  // namespace rotonde::net
