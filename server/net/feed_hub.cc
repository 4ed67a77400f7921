#include "feed_hub.h"

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "event_json.h"

namespace rotonde::net {

std::string EventsFrame(const std::string& platform, uint64_t last,
                        const std::vector<std::pair<uint64_t, std::string>>& events, size_t begin) {
  std::string frame = "{\"type\":\"events\",\"platform\":";
  frame += boost::json::serialize(boost::json::string_view(platform));
  frame += ",\"position\":" + std::to_string(last) + ",\"events\":[";
  for (size_t i = begin; i < events.size(); ++i) {
    if (i > begin) frame += ',';
    frame += events[i].second;
  }
  frame += "]}";
  return frame;
}

struct FeedHub::FanOutClock {
  std::mutex mu;
  uint64_t started = 0;  // fan-outs begun
  uint64_t ended = 0;    // the last one that ended
  std::chrono::steady_clock::time_point ended_at;
};

namespace {

// Held by every listener told of one flush; when the last copy goes the fan-out is over.
struct FanOut {
  std::shared_ptr<void> clock;
  std::function<void()> end;
  ~FanOut() { end(); }
};

}  // namespace

FeedHub::FeedHub(eventstore::EventLog& store, Options options)
    : store_(store), options_(options), clock_(std::make_shared<FanOutClock>()) {}

FeedHub::~FeedHub() { Stop(); }

void FeedHub::Start() {
  // The feed first: the heads read after it are at or past where it starts, so nothing falls
  // between them (what both bring twice, Flush drops).
  auto feed = store_.FollowAll();
  {
    std::lock_guard lock(mu_);
    for (const std::string& platform : store_.Platforms()) {
      start_heads_[platform] = store_.Head(platform).position;
    }
  }
  running_ = true;
  thread_ = std::thread([this, feed = std::move(feed)]() mutable { Run(std::move(feed)); });
}

FeedHub::PlatformFeed& FeedHub::FeedOf(const std::string& platform) {
  auto [it, inserted] = platforms_.try_emplace(platform);
  if (inserted) {
    auto start = start_heads_.find(platform);
    it->second.floor = it->second.head = start == start_heads_.end() ? 0 : start->second;
  }
  return it->second;
}

void FeedHub::Stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void FeedHub::Listen(const std::string& platform, const std::shared_ptr<FeedListener>& listener) {
  std::lock_guard lock(mu_);
  FeedOf(platform).listeners.push_back({listener.get(), listener});
}

void FeedHub::Unlisten(const std::string& platform, const FeedListener* listener) {
  std::lock_guard lock(mu_);
  auto it = platforms_.find(platform);
  if (it == platforms_.end()) return;
  RemoveListener(it->second.listeners, listener);
}

FeedHub::Collected FeedHub::Collect(const std::string& platform, uint64_t after) const {
  Collected out;
  std::lock_guard lock(mu_);
  auto it = platforms_.find(platform);
  if (it == platforms_.end()) {
    // No event of the platform has passed the hub since it started: the disk has them all.
    auto start = start_heads_.find(platform);
    const uint64_t start_head = start == start_heads_.end() ? 0 : start->second;
    out.covered = after >= start_head;
    out.platform_head = std::max(after, start_head);
    return out;
  }
  const PlatformFeed& feed = it->second;
  out.platform_head = feed.head;
  if (after < feed.floor) return out;
  out.covered = true;
  for (auto batch = feed.ring.rbegin(); batch != feed.ring.rend() && (*batch)->last > after;
       ++batch) {
    out.batches.push_back(*batch);
  }
  std::reverse(out.batches.begin(), out.batches.end());
  return out;
}

void FeedHub::Run(std::unique_ptr<eventstore::LiveFeed> feed) {
  using Clock = std::chrono::steady_clock;
  std::vector<eventstore::EventRecord> pending, more;
  auto next = [&](std::vector<eventstore::EventRecord>* out, std::chrono::milliseconds wait) {
    Status s = feed->Next(out, 4096, wait);
    if (s.code() == codes::kOutOfRange) {
      // Behind the store's memory: the logs have what the feed no longer holds.
      spdlog::warn("feed: fell behind the live events; reading the platforms' logs");
      Resync(out);
      return Status::Ok();
    }
    return s;
  };
  const auto shortest = std::chrono::duration_cast<Clock::duration>(options_.flush_interval);
  const auto longest =
      std::max(shortest, std::chrono::duration_cast<Clock::duration>(options_.max_flush_interval));
  auto last_flush = Clock::now() - longest;
  uint64_t last_fan_out = 0;
  // When the next flush may go: `shortest` after the last one, and once its fan-out is over,
  // as long again as it took; at the latest `longest` after the last one.
  auto due = [&] {
    Clock::time_point ended_at;
    bool ended = false;
    {
      std::lock_guard lock(clock_->mu);
      ended = clock_->ended >= last_fan_out;
      ended_at = clock_->ended_at;
    }
    Clock::time_point at = last_flush + longest;
    std::chrono::duration<double> took = Clock::now() - last_flush;  // so far, if not over
    if (ended) {
      took = std::max(Clock::duration::zero(), ended_at - last_flush);
      at = std::min(at, std::max(last_flush + shortest,
                                 ended_at + std::chrono::duration_cast<Clock::duration>(took)));
    }
    std::lock_guard lock(mu_);
    stats_.fan_out_seconds = took.count();
    stats_.interval_seconds = std::chrono::duration<double>(at - last_flush).count();
    return std::make_pair(at, ended);
  };
  while (running_) {
    Status s = next(&pending, std::chrono::milliseconds(100));
    if (s.code() == codes::kClosed) break;
    if (!s.ok()) {
      spdlog::error("feed: cannot follow the log: {}", s.ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (pending.empty()) continue;
    // What commits until the next flush is due joins the same frames. While the last fan-out
    // is not over the time it is due is not known yet: look again every few ms.
    while (running_ && pending.size() < 16'384) {
      const auto [at, known] = due();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at - Clock::now());
      if (left.count() <= 0) break;
      if (!known) left = std::min(left, std::chrono::milliseconds(2));
      if (!next(&more, left).ok()) break;
      std::move(more.begin(), more.end(), std::back_inserter(pending));
    }
    last_flush = Clock::now();
    {
      std::lock_guard lock(clock_->mu);
      last_fan_out = ++clock_->started;
    }
    FanOutToken token = Flush(pending);
    // Released here when no listener kept it.
    token.reset();
  }
}

void FeedHub::Resync(std::vector<eventstore::EventRecord>* records) {
  records->clear();
  for (const std::string& platform : store_.Platforms()) {
    uint64_t after = 0;
    {
      std::lock_guard lock(mu_);
      after = FeedOf(platform).head;
    }
    std::vector<eventstore::EventRecord> page;
    for (;;) {
      if (!store_.Read(platform, after, 4096, &page).ok() || page.empty()) break;
      after = page.back().position();
      std::move(page.begin(), page.end(), std::back_inserter(*records));
      if (page.size() < 4096) break;
    }
  }
}

FanOutToken FeedHub::Flush(std::vector<eventstore::EventRecord>& records) {
  // What each platform's ring holds already: the feed and a resync may both bring an event.
  // Only this thread moves a platform's head, so they stay valid after the lock.
  std::map<std::string, uint64_t, std::less<>> heads;
  {
    std::lock_guard lock(mu_);
    for (const auto& record : records) {
      const std::string platform(eventstore::PlatformOf(record.stream()));
      if (!heads.contains(platform)) heads[platform] = FeedOf(platform).head;
    }
  }
  // Render outside the lock: one JSON text per event, one frame per platform.
  std::map<std::string, std::shared_ptr<EventBatch>, std::less<>> batches;
  for (const auto& record : records) {
    const std::string_view platform = eventstore::PlatformOf(record.stream());
    uint64_t& head = heads.find(platform)->second;
    if (record.position() <= head) continue;  // in the ring already
    head = record.position();
    auto it = batches.find(platform);
    if (it == batches.end()) {
      it = batches.emplace(std::string(platform), std::make_shared<EventBatch>()).first;
      it->second->first = record.position();
    }
    it->second->last = record.position();
    if (record.type() == "PersonErased") it->second->erases = true;
    it->second->events.emplace_back(
        record.position(),
        wire::EventJson(
            record, options_.opener != nullptr ? *options_.opener : projections::KeylessOpener()));
    it->second->committed_micros =
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(record.recorded_at());
  }
  for (auto& [platform, batch] : batches) {
    auto frame =
        std::make_shared<std::string>(EventsFrame(platform, batch->last, batch->events, 0));
    batch->bytes = frame->size() * 2;  // the frame and the per-event texts
    batch->frame = std::move(frame);
  }
  records.clear();

  uint64_t fan_out = 0;
  {
    std::lock_guard lock(clock_->mu);
    fan_out = clock_->started;
  }
  auto token = std::make_shared<FanOut>();
  token->end = [clock = clock_, fan_out] {
    std::lock_guard lock(clock->mu);
    clock->ended = std::max(clock->ended, fan_out);
    clock->ended_at = std::chrono::steady_clock::now();
  };

  Notices notify;
  Post post;
  size_t step = 0;
  {
    std::lock_guard lock(mu_);
    stats_.flushes++;
    for (auto& [platform, batch] : batches) {
      PlatformFeed& feed = FeedOf(platform);
      if (batch->erases) {
        while (!feed.ring.empty()) DropOldest(feed);
      }
      feed.ring.push_back(batch);
      feed.ring_bytes += batch->bytes;
      feed.head = batch->last;
      ring_bytes_ += batch->bytes;
      ring_batches_++;
      flushed_.emplace_back(&feed, batch);
      TrimRings(feed);
      std::vector<std::shared_ptr<FeedListener>> live;
      CollectLive(feed.listeners, &live);
      for (auto& listener : live) notify.emplace_back(platform, std::move(listener));
    }
    stats_.ring_bytes = ring_bytes_;
    post = post_;
    step = notify_step_;
  }
  if (!post) {
    for (auto& [platform, listener] : notify) listener->OnFeed(platform, token);
    return token;
  }
  auto notices = std::make_shared<const Notices>(std::move(notify));
  post([notices, post, step, token] { NotifyStep(notices, 0, post, step, token); });
  return token;
}

void FeedHub::DropOldest(PlatformFeed& feed) {
  feed.floor = feed.ring.front()->last;
  feed.ring_bytes -= feed.ring.front()->bytes;
  ring_bytes_ -= feed.ring.front()->bytes;
  feed.ring.pop_front();
  ring_batches_--;
}

void FeedHub::TrimRings(PlatformFeed& flushed) {
  auto drop_oldest = [this](PlatformFeed& feed) { DropOldest(feed); };
  // A ring keeps its newest batch whatever its size: a session then always finds the head's
  // frame in memory.
  while (flushed.ring.size() > 1 && flushed.ring_bytes > options_.ring_bytes_per_platform) {
    drop_oldest(flushed);
  }
  // A batch its ring dropped already is at or below the ring's floor.
  auto dropped = [](const std::pair<PlatformFeed*, std::shared_ptr<const EventBatch>>& entry) {
    return entry.second->last <= entry.first->floor;
  };
  while (ring_bytes_ > options_.ring_bytes_total && !flushed_.empty()) {
    auto [feed, batch] = flushed_.front();
    flushed_.pop_front();
    if (!dropped({feed, batch}) && feed->ring.size() > 1) drop_oldest(*feed);
  }
  // The rings' own bounds leave dropped entries behind in the order list: sweep them once
  // they are half of it, so it stays within twice the batches held.
  if (flushed_.size() > 2 * ring_batches_ + 64) std::erase_if(flushed_, dropped);
}

FeedHub::Stats FeedHub::GetStats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void FeedHub::NotifyStep(std::shared_ptr<const Notices> notices, size_t from, Post post,
                         size_t step, FanOutToken token) {
  const size_t to = std::min(notices->size(), from + std::max<size_t>(step, 1));
  for (size_t i = from; i < to; ++i) (*notices)[i].second->OnFeed((*notices)[i].first, token);
  if (to == notices->size()) return;
  // Behind the pumps this step posted: the io threads never hold more than a step of them.
  post([notices, to, post, step, token = std::move(token)] {
    NotifyStep(notices, to, post, step, token);
  });
}

void FeedHub::SetNotifier(Post post, size_t step) {
  std::lock_guard lock(mu_);
  post_ = std::move(post);
  notify_step_ = step;
}

}  // namespace rotonde::net
