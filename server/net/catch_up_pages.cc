#include "catch_up_pages.h"

#include <algorithm>

#include "feed_hub.h"

namespace rotonde::net {

CatchUpPages::CatchUpPages(ReadLog read_log, Head head, Post post, Options options)
    : read_log_(std::move(read_log)),
      head_(std::move(head)),
      post_(std::move(post)),
      options_(options) {}

void CatchUpPages::Read(const std::string& platform, uint64_t after, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Request{platform, after, std::move(done)});
    if (readers_ >= std::max<size_t>(1, options_.max_readers)) return;  // a reader takes it
    ++readers_;
  }
  post_([this] { Drain(); });
}

void CatchUpPages::Drain() {
  for (;;) {
    Request request;
    std::shared_ptr<const Page> page;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) {
        --readers_;
        return;
      }
      request = std::move(queue_.front());
      queue_.pop_front();
      page = Find(request.platform, request.after);
    }
    Status status;
    if (!page) {
      auto read = std::make_shared<Page>();
      read->after = request.after;
      // Read before the page: a page shorter than asked holds every event up to it.
      const uint64_t head = head_(request.platform);
      status = read_log_(request.platform, request.after, options_.page_events, &read->events);
      if (status.ok()) {
        const uint64_t last = read->events.empty() ? request.after : read->events.back().first;
        const bool short_page = read->events.size() < options_.page_events;
        read->covered_to = short_page ? std::max({request.after, head, last}) : last;
        for (const auto& [position, text] : read->events) read->bytes += text.size() + 32;
        if (!read->events.empty()) {
          read->frame = std::make_shared<const std::string>(
              EventsFrame(request.platform, last, read->events, 0));
          read->bytes += read->frame->size();
        }
        page = read;
        std::lock_guard lock(mu_);
        if (read->covered_to > read->after) Keep(request.platform, page);
      }
    }
    request.done(status, std::move(page));
  }
}

std::shared_ptr<const CatchUpPages::Page> CatchUpPages::Find(const std::string& platform,
                                                             uint64_t after) const {
  auto platform_pages = pages_.find(platform);
  if (platform_pages == pages_.end()) return nullptr;
  const auto& by_after = platform_pages->second;
  // The page starting nearest below: it reaches furthest past `after` among those read at
  // about the same time, and one that does not reach it is only a miss.
  auto it = by_after.upper_bound(after);
  if (it == by_after.begin()) return nullptr;
  --it;
  return after < it->second->covered_to ? it->second : nullptr;
}

void CatchUpPages::Keep(const std::string& platform, std::shared_ptr<const Page> page) {
  const uint64_t after = page->after;
  const size_t bytes = page->bytes;
  auto& slot = pages_[platform][after];
  if (slot) {
    cached_bytes_ -= slot->bytes;
    kept_order_.remove(std::make_pair(platform, after));
  }
  slot = std::move(page);
  cached_bytes_ += bytes;
  kept_order_.emplace_back(platform, after);
  while (cached_bytes_ > options_.cache_bytes && kept_order_.size() > 1) {
    const auto [oldest_platform, oldest_after] = kept_order_.front();
    kept_order_.pop_front();
    auto platform_pages = pages_.find(oldest_platform);
    auto oldest = platform_pages->second.find(oldest_after);
    cached_bytes_ -= oldest->second->bytes;
    platform_pages->second.erase(oldest);
    if (platform_pages->second.empty()) pages_.erase(platform_pages);
  }
}

}  // namespace rotonde::net
