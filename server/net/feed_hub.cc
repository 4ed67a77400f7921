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

FeedHub::FeedHub(eventstore::EventLog& store, Options options) : store_(store), options_(options) {}

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
  std::vector<eventstore::EventRecord> pending, more;
  auto last_flush = std::chrono::steady_clock::now() - options_.flush_interval;
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
  while (running_) {
    Status s = next(&pending, std::chrono::milliseconds(100));
    if (s.code() == codes::kClosed) break;
    if (!s.ok()) {
      spdlog::error("feed: cannot follow the log: {}", s.ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (pending.empty()) continue;
    // At most one flush per interval: an event after a quiet spell goes out at once; under
    // load what commits until the interval is over joins the same frames, so each
    // subscriber gets at most one frame per interval however fast commands come.
    const auto deadline = last_flush + options_.flush_interval;
    while (running_ && pending.size() < 16'384) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      if (!next(&more, left).ok() || more.empty()) break;
      std::move(more.begin(), more.end(), std::back_inserter(pending));
    }
    last_flush = std::chrono::steady_clock::now();
    Flush(pending);
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

void FeedHub::Flush(std::vector<eventstore::EventRecord>& records) {
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
    it->second->events.emplace_back(record.position(), wire::EventJson(record));
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

  Notices notify;
  Post post;
  size_t step = 0;
  {
    std::lock_guard lock(mu_);
    for (auto& [platform, batch] : batches) {
      PlatformFeed& feed = FeedOf(platform);
      feed.ring.push_back(batch);
      feed.ring_bytes += batch->bytes;
      feed.head = batch->last;
      while (feed.ring.size() > 1 && feed.ring_bytes > options_.ring_bytes_per_platform) {
        feed.floor = feed.ring.front()->last;
        feed.ring_bytes -= feed.ring.front()->bytes;
        feed.ring.pop_front();
      }
      std::vector<std::shared_ptr<FeedListener>> live;
      CollectLive(feed.listeners, &live);
      for (auto& listener : live) notify.emplace_back(platform, std::move(listener));
    }
    post = post_;
    step = notify_step_;
  }
  if (!post) {
    for (auto& [platform, listener] : notify) listener->OnFeed(platform);
    return;
  }
  auto notices = std::make_shared<const Notices>(std::move(notify));
  post([notices, post, step] { NotifyStep(notices, 0, post, step); });
}

void FeedHub::NotifyStep(std::shared_ptr<const Notices> notices, size_t from, Post post,
                         size_t step) {
  const size_t to = std::min(notices->size(), from + std::max<size_t>(step, 1));
  for (size_t i = from; i < to; ++i) (*notices)[i].second->OnFeed((*notices)[i].first);
  if (to == notices->size()) return;
  post([notices, to, post, step] { NotifyStep(notices, to, post, step); });
}

void FeedHub::SetNotifier(Post post, size_t step) {
  std::lock_guard lock(mu_);
  post_ = std::move(post);
  notify_step_ = step;
}

}  // namespace rotonde::net
