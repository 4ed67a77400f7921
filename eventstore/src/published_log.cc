#include "published_log.h"

#include "hash_chain.h"
#include "rotonde/eventstore/queued_log.h"

namespace rotonde::eventstore {

void PublishedLog::LoadHead(std::string platform, HeadInfo head) {
  std::lock_guard lock(mu_);
  heads_[std::move(platform)] = std::move(head);
}

void PublishedLog::Publish(const std::vector<std::shared_ptr<const EventRecord>>& records) {
  {
    std::lock_guard lock(mu_);
    for (const auto& record : records) {
      const std::string_view platform = PlatformOf(record->stream());
      auto head = heads_.find(platform);
      if (head == heads_.end()) {
        head = heads_.emplace(std::string(platform), HeadInfo{0, ""}).first;
      } else if (record->position() <= head->second.position) {
        continue;  // published already
      }
      head->second = HeadInfo{record->position(), record->hash()};
      recent_.push_back(record);
      recent_by_platform_[head->first].push_back(record);
      ++sequence_;
    }
    while (recent_.size() > capacity_) {
      // Per platform, the events leave in the order they came: the oldest is its deque's front.
      auto it = recent_by_platform_.find(PlatformOf(recent_.front()->stream()));
      it->second.pop_front();
      if (it->second.empty()) recent_by_platform_.erase(it);
      recent_.pop_front();
      ++recent_first_;
    }
  }
  head_cv_.notify_all();
}

void PublishedLog::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  head_cv_.notify_all();
}

bool PublishedLog::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

HeadInfo PublishedLog::Head(std::string_view platform) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = heads_.find(platform); it != heads_.end()) return it->second;
  }
  return HeadInfo{0, GenesisHashOf(platform)};
}

std::vector<std::string> PublishedLog::Platforms() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(heads_.size());
  for (const auto& [platform, head] : heads_) out.push_back(platform);
  return out;
}

uint64_t PublishedLog::WaitForHead(std::string_view platform, uint64_t after,
                                   std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  auto now = [&]() -> uint64_t {
    if (platform.empty()) return sequence_;
    auto it = heads_.find(platform);
    return it == heads_.end() ? 0 : it->second.position;
  };
  head_cv_.wait_until(lock, deadline, [&] { return now() > after || closed_; });
  return now();
}

uint64_t PublishedLog::sequence() const {
  std::lock_guard lock(mu_);
  return sequence_;
}

bool PublishedLog::ReadRecent(std::string_view platform, uint64_t after, size_t max_events,
                              std::vector<EventRecord>* out) const {
  std::lock_guard lock(mu_);
  auto it = recent_by_platform_.find(platform);
  if (it == recent_by_platform_.end()) return false;
  const auto& recent = it->second;
  if (recent.front()->position() > after + 1) return false;
  const uint64_t last = recent.back()->position();
  for (uint64_t p = after + 1; p <= last && out->size() < max_events; ++p) {
    out->push_back(*recent[p - recent.front()->position()]);
  }
  return true;
}

bool PublishedLog::ReadRecentAll(uint64_t after_sequence, size_t max_events,
                                 std::vector<EventRecord>* out, uint64_t* sequence) const {
  std::lock_guard lock(mu_);
  *sequence = after_sequence;
  if (after_sequence + 1 < recent_first_) return false;
  for (uint64_t n = after_sequence + 1; n <= sequence_ && out->size() < max_events; ++n) {
    out->push_back(*recent_[n - recent_first_]);
    *sequence = n;
  }
  return true;
}

void PublishedLog::FillGauges(Stats* stats) const {
  std::lock_guard lock(mu_);
  stats->recent_events = recent_.size();
  stats->platforms = heads_.size();
}

// ---- Subscriptions and the live feed ----------------------------------------------------------

namespace {

// Waits up to `timeout` until `platform`'s head (with "", the count of events published
// since open) passes `after`; *reached is where it got. kClosed once the log is closed.
Status WaitPast(const PublishedLog& log, std::string_view platform, uint64_t after,
                std::chrono::milliseconds timeout, uint64_t* reached) {
  if (log.closed()) return Status::Closed("the event store is closed");
  *reached = log.WaitForHead(platform, after, std::chrono::steady_clock::now() + timeout);
  if (log.closed()) return Status::Closed("the event store is closed");
  return Status::Ok();
}

class PublishedSubscription final : public Subscription {
 public:
  PublishedSubscription(const PublishedLog* log, std::string platform, uint64_t after_position,
                        PublishedLog::StoreRead read)
      : log_(log),
        platform_(std::move(platform)),
        position_(after_position),
        read_(std::move(read)) {}

  Status Next(std::vector<EventRecord>* out, size_t max_events,
              std::chrono::milliseconds timeout) override {
    out->clear();
    if (max_events == 0) return Status::Ok();
    uint64_t head = 0;
    if (Status s = WaitPast(*log_, platform_, position_, timeout, &head); !s.ok()) return s;
    if (head <= position_) return Status::Ok();  // timed out
    // Live: from memory. Behind the memory window: catch up from storage. Either way by
    // position, so the switch between them can neither skip nor repeat an event.
    if (!log_->ReadRecent(platform_, position_, max_events, out)) {
      if (Status s = read_(platform_, position_, max_events, head, out); !s.ok()) return s;
    }
    if (!out->empty()) position_ = out->back().position();
    return Status::Ok();
  }
  uint64_t position() const override { return position_; }

 private:
  const PublishedLog* log_;
  std::string platform_;
  uint64_t position_;
  PublishedLog::StoreRead read_;
};

class PublishedLiveFeed final : public LiveFeed {
 public:
  PublishedLiveFeed(const PublishedLog* log, uint64_t after_sequence)
      : log_(log), sequence_(after_sequence) {}

  Status Next(std::vector<EventRecord>* out, size_t max_events,
              std::chrono::milliseconds timeout) override {
    out->clear();
    if (max_events == 0) return Status::Ok();
    uint64_t count = 0;
    if (Status s = WaitPast(*log_, "", sequence_, timeout, &count); !s.ok()) return s;
    if (count <= sequence_) return Status::Ok();  // timed out
    if (!log_->ReadRecentAll(sequence_, max_events, out, &sequence_)) {
      sequence_ = log_->sequence();
      return Status(codes::kOutOfRange,
                    "the feed fell behind the events kept in memory: read each platform's log");
    }
    return Status::Ok();
  }

 private:
  const PublishedLog* log_;
  uint64_t sequence_;  // events published since the log opened, delivered so far
};

}  // namespace

std::unique_ptr<Subscription> PublishedLog::Subscribe(std::string platform, uint64_t after_position,
                                                      StoreRead read) const {
  return std::make_unique<PublishedSubscription>(this, std::move(platform), after_position,
                                                 std::move(read));
}

std::unique_ptr<LiveFeed> PublishedLog::FollowAll() const {
  return std::make_unique<PublishedLiveFeed>(this, sequence());
}

// ---- QueuedLog's readers ---------------------------------------------------------------------

Status QueuedLog::Read(std::string_view platform, uint64_t after_position, size_t limit,
                       std::vector<EventRecord>* out) const {
  if (published().closed()) return Status::Closed("the event store is closed");
  return ReadStored(platform, after_position, limit, published().Head(platform).position, out);
}

HeadInfo QueuedLog::Head(std::string_view platform) const { return published().Head(platform); }

std::vector<std::string> QueuedLog::Platforms() const { return published().Platforms(); }

std::unique_ptr<Subscription> QueuedLog::Subscribe(std::string platform, uint64_t after_position) {
  return published().Subscribe(
      std::move(platform), after_position,
      [this](std::string_view of, uint64_t after, size_t limit, uint64_t upto,
             std::vector<EventRecord>* out) { return ReadStored(of, after, limit, upto, out); });
}

std::unique_ptr<LiveFeed> QueuedLog::FollowAll() { return published().FollowAll(); }

}  // namespace rotonde::eventstore
