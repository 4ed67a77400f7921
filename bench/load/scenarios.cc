#include "scenarios.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

namespace rotonde::load {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kOpenTimeout{10};
// Once every command is sent, how long deliveries may stall before the scenario gives up on
// the rest, and the most it waits in all.
constexpr std::chrono::seconds kDrainStall{5};
constexpr std::chrono::seconds kDrainMax{30};

// Polls `done` every 10 ms until it holds or `deadline` passes; returns whether it held.
template <typename Predicate>
bool WaitUntil(Predicate done, std::chrono::steady_clock::time_point deadline) {
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

double Seconds(int64_t nanos) { return static_cast<double>(nanos) / 1e9; }
double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

std::string SubscribeText(const std::string& platform, uint64_t from) {
  return json::serialize(
      json::object{{"type", "subscribe"}, {"id", "s"}, {"platform", platform}, {"from", from}});
}

// SubmitProposal: any member may, it always succeeds, and it writes exactly one event (the
// proposal's id derives from the commandId, so every command makes a new one).
std::string CommandFrame(const std::string& platform, const std::string& run_id, uint64_t n) {
  const std::string number = std::to_string(n);
  json::object proposal{{"title", "Meer bankjes op het plein"},
                        {"description", "Voorstel " + number + " uit de belastingproef."}};
  json::object command{{"commandId", "load-" + run_id + "-" + number},
                       {"submitProposal", std::move(proposal)}};
  return json::serialize(json::object{{"type", "command"},
                                      {"id", number},
                                      {"platform", platform},
                                      {"command", std::move(command)}});
}

// Starts subscribers at most `concurrency` at a time: each one that opens or is refused
// starts the next, so a burst of thousands never overflows the server's accept backlog.
class Launcher {
 public:
  explicit Launcher(std::vector<std::shared_ptr<Subscriber>>& subscribers)
      : subscribers_(subscribers) {}
  void Begin(int concurrency) {
    for (int i = 0; i < concurrency; ++i) Next();
  }
  void Next() {
    if (stopped_) return;
    const size_t i = next_++;
    if (i < subscribers_.size()) subscribers_[i]->Start(kOpenTimeout);
  }
  void Stop() { stopped_ = true; }

 private:
  std::vector<std::shared_ptr<Subscriber>>& subscribers_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> stopped_{false};
};

// Calls `send(n)` for n = 0 .. total-1, command n at start + n/rate, on its own strand.
class Pacer : public std::enable_shared_from_this<Pacer> {
 public:
  Pacer(asio::io_context& ioc, uint64_t total, int rate, std::function<void(uint64_t)> send)
      : timer_(asio::make_strand(ioc)), total_(total), rate_(rate), send_(std::move(send)) {}

  void Start() {
    start_ = NowNanos();
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->Tick(); });
  }
  void Stop() { stopped_ = true; }
  bool done() const { return done_; }
  uint64_t queued() const { return queued_; }
  int64_t start() const { return start_; }
  int64_t ScheduledAt(uint64_t n) const {
    return start_ + static_cast<int64_t>(n * 1'000'000'000ull / static_cast<uint64_t>(rate_));
  }

 private:
  void Tick() {
    if (stopped_) {
      done_ = true;
      return;
    }
    const int64_t now = NowNanos();
    const uint64_t due = std::min<uint64_t>(
        total_,
        static_cast<uint64_t>(now - start_) * static_cast<uint64_t>(rate_) / 1'000'000'000ull + 1);
    for (; next_ < due; ++next_) send_(next_);
    queued_ = next_;
    if (next_ >= total_) {
      done_ = true;
      return;
    }
    timer_.expires_at(std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(ScheduledAt(next_)))));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) {
        self->done_ = true;
        return;
      }
      self->Tick();
    });
  }

  asio::steady_timer timer_;
  const uint64_t total_;
  const int rate_;
  std::function<void(uint64_t)> send_;
  int64_t start_ = 0;
  uint64_t next_ = 0;
  std::atomic<uint64_t> queued_{0};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> done_{false};
};

// Parses the digits that follow `at` up to a closing quote; false if there are none.
bool CommandNumberAt(std::string_view text, size_t at, uint64_t* n) {
  const char* begin = text.data() + at;
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(begin, end, *n);
  return ec == std::errc() && stop != begin && stop < end && *stop == '"';
}

}  // namespace

Percentiles Summarize(std::vector<double> millis) {
  Percentiles out;
  out.count = millis.size();
  if (millis.empty()) return out;
  std::sort(millis.begin(), millis.end());
  auto rank = [&](double q) {
    const size_t index = static_cast<size_t>(std::ceil(q * static_cast<double>(millis.size())));
    return millis[std::clamp<size_t>(index, 1, millis.size()) - 1];
  };
  out.p50 = rank(0.50);
  out.p99 = rank(0.99);
  out.max = millis.back();
  return out;
}

PushReport RunPush(const PushOptions& options) {
  PushReport report;
  report.subscribers_wanted = options.subscribers;
  report.commanders_wanted = options.command_connections;
  const uint64_t total =
      static_cast<uint64_t>(options.rate) * static_cast<uint64_t>(options.seconds);
  report.planned = total;

  // Per command. sent_at, replied_at and outcome are written only on the strand of the
  // connection that sent the command; receipts by the subscribers, each client thread in
  // its own table (one writer each, so a thousand subscribers do not fight over cache lines).
  std::vector<int64_t> sent_at(total, 0);
  std::vector<int64_t> replied_at(total, 0);
  std::vector<uint8_t> outcome(total, 0);  // 0 none yet, 1 result, 2 error
  struct Receipts {
    std::unique_ptr<std::atomic<uint32_t>[]> count;        // subscribers that saw it
    std::unique_ptr<std::atomic<int64_t>[]> last_arrival;  // the latest of their arrivals
  };
  std::vector<Receipts> receipts_by_thread;
  for (int t = 0; t < options.client_threads; ++t) {
    receipts_by_thread.push_back({std::make_unique<std::atomic<uint32_t>[]>(total),
                                  std::make_unique<std::atomic<int64_t>[]>(total)});
  }
  auto seen_by = [&](uint64_t n) {
    uint32_t count = 0;
    for (const Receipts& r : receipts_by_thread)
      count += r.count[n].load(std::memory_order_relaxed);
    return count;
  };
  auto last_arrival = [&](uint64_t n) {
    int64_t last = 0;
    for (const Receipts& r : receipts_by_thread) {
      last = std::max(last, r.last_arrival[n].load(std::memory_order_relaxed));
    }
    return last;
  };
  std::atomic<uint32_t> expected{std::numeric_limits<uint32_t>::max()};
  // Commands every subscriber has seen, counted from the first not yet complete.
  uint64_t complete_before = 0;
  auto complete = [&] {
    while (complete_before < total && seen_by(complete_before) >= expected) ++complete_before;
    uint64_t count = complete_before;
    for (uint64_t n = complete_before; n < total; ++n) count += seen_by(n) >= expected;
    return count;
  };
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> replies{0};
  std::atomic<uint64_t> stray_errors{0};  // errors without an id we sent
  std::mutex error_mu;
  std::string first_error;
  ConnectionTally subscriber_tally;
  ConnectionTally commander_tally;
  const std::string marker = "\"correlationId\":\"load-" + options.run_id + "-";

  report.rss_start = options.server_rss();
  ClientPool pool(options.client_threads);
  // The command connections and their pacing on a thread of their own: they stand for other
  // people's phones, whose commands do not wait behind a thousand subscribers' reads.
  ClientPool command_pool(1);
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  std::vector<std::shared_ptr<Commander>> commanders;
  Launcher launcher(subscribers);

  // memmem, not string_view::find: the marker starts with a quote, the commonest byte of a
  // frame, so a first-byte scan would stop everywhere; the client shares the machine with the
  // server.
  auto on_events = [&](std::string_view frame, int64_t arrival) {
    for (const char* hit = static_cast<const char*>(
             memmem(frame.data(), frame.size(), marker.data(), marker.size()));
         hit != nullptr;) {
      const size_t at = static_cast<size_t>(hit - frame.data()) + marker.size();
      hit = static_cast<const char*>(
          memmem(frame.data() + at, frame.size() - at, marker.data(), marker.size()));
      uint64_t n = 0;
      if (!CommandNumberAt(frame, at, &n) || n >= total) continue;
      Receipts& mine = receipts_by_thread[static_cast<size_t>(ClientThreadIndex())];
      mine.count[n].store(mine.count[n].load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
      if (arrival > mine.last_arrival[n].load(std::memory_order_relaxed)) {
        mine.last_arrival[n].store(arrival, std::memory_order_relaxed);
      }
    }
  };
  const std::string subscribe = SubscribeText(options.platform, options.from);
  subscribers.reserve(static_cast<size_t>(options.subscribers));
  for (int i = 0; i < options.subscribers; ++i) {
    subscribers.push_back(std::make_shared<Subscriber>(pool.context(), options.endpoint, subscribe,
                                                       subscriber_tally, on_events,
                                                       [&launcher] { launcher.Next(); }));
  }
  const int64_t opening = NowNanos();
  launcher.Begin(200);
  const auto open_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30) +
                             std::chrono::milliseconds(5 * options.subscribers);
  WaitUntil(
      [&] { return subscriber_tally.opened + subscriber_tally.refused >= options.subscribers; },
      open_deadline);
  launcher.Stop();
  report.open_seconds = Seconds(NowNanos() - opening);
  expected = static_cast<uint32_t>(subscriber_tally.opened.load());

  auto on_sent = [&](uint64_t n, int64_t at) {
    sent_at[n] = at;
    sent++;
  };
  auto on_reply = [&](std::string_view text, int64_t at) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(text, ec);
    const json::object* message = ec ? nullptr : parsed.if_object();
    if (message == nullptr) return;
    const json::value* type = message->if_contains("type");
    const json::value* id = message->if_contains("id");
    const bool is_error = type && type->is_string() && type->as_string() == "error";
    const bool is_result = type && type->is_string() && type->as_string() == "result";
    if (!is_error && !is_result) return;
    uint64_t n = total;
    if (id && id->is_string()) {
      const json::string& digits = id->as_string();
      std::from_chars(digits.data(), digits.data() + digits.size(), n);
    }
    if (is_error) {
      std::lock_guard lock(error_mu);
      if (first_error.empty()) first_error = std::string(text);
    }
    if (n >= total) {
      if (is_error) stray_errors++;
      return;
    }
    if (outcome[n] != 0) return;
    outcome[n] = is_error ? 2 : 1;
    replied_at[n] = at;
    replies++;
  };
  std::atomic<int> commanders_done{0};
  for (int i = 0; i < options.command_connections; ++i) {
    commanders.push_back(std::make_shared<Commander>(command_pool.context(), options.endpoint,
                                                     commander_tally, on_sent, on_reply,
                                                     [&commanders_done] { commanders_done++; }));
  }
  for (auto& commander : commanders) commander->Start(kOpenTimeout);
  WaitUntil([&] { return commanders_done >= options.command_connections; },
            std::chrono::steady_clock::now() + kOpenTimeout + std::chrono::seconds(5));

  std::vector<std::shared_ptr<Commander>> usable;
  for (auto& commander : commanders) {
    if (commander->is_open()) usable.push_back(commander);
  }
  std::shared_ptr<Pacer> pacer;
  if (!usable.empty() && expected > 0 && total > 0) {
    pacer = std::make_shared<Pacer>(command_pool.context(), total, options.rate, [&](uint64_t n) {
      usable[n % usable.size()]->Send(n, CommandFrame(options.platform, options.run_id, n));
    });
    pacer->Start();
    if (!WaitUntil([&] { return pacer->done(); }, std::chrono::steady_clock::now() +
                                                      std::chrono::seconds(options.seconds) +
                                                      std::chrono::seconds(30))) {
      pacer->Stop();
    }
    // Drain: until every sent command is answered and delivered everywhere, or nothing moves.
    const auto drain_deadline = std::chrono::steady_clock::now() + kDrainMax;
    uint64_t last_progress = 0;
    auto stalled_since = std::chrono::steady_clock::now();
    WaitUntil(
        [&] {
          const uint64_t done_sent = sent, done_replies = replies, done_complete = complete();
          if (done_sent == pacer->queued() && done_replies == done_sent &&
              done_complete == done_sent) {
            return true;
          }
          const uint64_t progress = done_sent + done_replies + done_complete;
          const auto now = std::chrono::steady_clock::now();
          if (progress != last_progress) {
            last_progress = progress;
            stalled_since = now;
          }
          return now - stalled_since > kDrainStall;
        },
        drain_deadline);
  }
  report.rss_end = options.server_rss();

  for (auto& subscriber : subscribers) subscriber->Close();
  for (auto& commander : commanders) commander->Close();
  if (pacer) pacer->Stop();
  command_pool.Stop();
  pool.Stop();

  report.subscribers_opened = subscriber_tally.opened;
  report.subscribers_refused =
      options.subscribers - subscriber_tally.opened;  // refused, or not open by the deadline
  report.subscribers_dropped = subscriber_tally.dropped;
  report.first_refusal = subscriber_tally.first_refusal();
  if (report.first_refusal.empty() && report.subscribers_refused > 0) {
    report.first_refusal = "not caught up by the deadline";
  }
  report.first_drop = subscriber_tally.first_drop();
  report.duplicate_frames = subscriber_tally.duplicate_frames;
  report.subscriber_errors = subscriber_tally.server_errors;
  report.commanders_opened = commander_tally.opened;
  report.commanders_dropped = commander_tally.dropped;
  report.commander_problem = !commander_tally.first_refusal().empty()
                                 ? commander_tally.first_refusal()
                                 : commander_tally.first_drop();
  report.first_error = first_error;
  report.errors = stray_errors;

  int64_t first_write = std::numeric_limits<int64_t>::max(), last_write = 0;
  int64_t last_complete = 0;
  int64_t lag_max = 0;
  std::vector<double> reply_ms, latency_ms;
  for (uint64_t n = 0; n < total; ++n) {
    if (sent_at[n] != 0) first_write = std::min(first_write, sent_at[n]);
  }
  std::vector<std::vector<double>> reply_by_second, latency_by_second;
  std::vector<uint64_t> sent_by_second;
  std::ofstream latency_log;
  if (!options.latency_log.empty()) latency_log.open(options.latency_log);
  for (uint64_t n = 0; n < total; ++n) {
    if (sent_at[n] == 0) continue;
    report.sent++;
    last_write = std::max(last_write, sent_at[n]);
    if (pacer) lag_max = std::max(lag_max, sent_at[n] - pacer->ScheduledAt(n));
    if (outcome[n] == 1) report.results++;
    if (outcome[n] == 2) report.errors++;
    const size_t second = static_cast<size_t>(Seconds(sent_at[n] - first_write));
    if (second >= sent_by_second.size()) {
      sent_by_second.resize(second + 1);
      reply_by_second.resize(second + 1);
      latency_by_second.resize(second + 1);
    }
    sent_by_second[second]++;
    if (outcome[n] != 0) {
      reply_ms.push_back(Millis(replied_at[n] - sent_at[n]));
      reply_by_second[second].push_back(reply_ms.back());
    }
    const uint32_t seen = seen_by(n);
    if (seen == 0) {
      report.unseen++;
    } else if (seen < expected) {
      report.partial++;
    } else {
      report.complete++;
      last_complete = std::max(last_complete, last_arrival(n));
      latency_ms.push_back(Millis(last_arrival(n) - sent_at[n]));
      latency_by_second[second].push_back(latency_ms.back());
    }
    if (latency_log.is_open()) {
      latency_log << Millis(sent_at[n] - first_write) << '\t'
                  << (seen >= expected ? Millis(last_arrival(n) - sent_at[n]) : -1.0) << '\t'
                  << (outcome[n] != 0 ? Millis(replied_at[n] - sent_at[n]) : -1.0) << '\n';
    }
  }
  if (report.sent > 0) {
    report.send_seconds = Seconds(last_write - first_write);
    report.pacing_lag_max_ms = Millis(lag_max);
  }
  if (report.complete > 0 && last_complete > first_write) {
    report.delivered_per_second =
        static_cast<double>(report.complete) / Seconds(last_complete - first_write);
  }
  report.reply = Summarize(std::move(reply_ms));
  report.latency = Summarize(std::move(latency_ms));
  for (size_t second = 0; second < sent_by_second.size(); ++second) {
    report.over_time.push_back({static_cast<int>(second), sent_by_second[second],
                                Summarize(std::move(reply_by_second[second])),
                                Summarize(std::move(latency_by_second[second]))});
  }
  return report;
}

IdleReport RunIdle(const IdleOptions& options) {
  IdleReport report;
  report.wanted = options.connections;
  ConnectionTally tally;
  report.rss_before = options.server_rss();

  ClientPool pool(options.client_threads);
  std::vector<std::shared_ptr<Subscriber>> connections;
  Launcher launcher(connections);
  const std::string subscribe = SubscribeText(options.platform, options.from);
  connections.reserve(static_cast<size_t>(options.connections));
  for (int i = 0; i < options.connections; ++i) {
    connections.push_back(std::make_shared<Subscriber>(pool.context(), options.endpoint, subscribe,
                                                       tally, nullptr,
                                                       [&launcher] { launcher.Next(); }));
  }
  const int64_t opening = NowNanos();
  launcher.Begin(options.concurrency);
  WaitUntil([&] { return tally.opened + tally.refused >= options.connections; },
            std::chrono::steady_clock::now() + std::chrono::seconds(30) +
                std::chrono::milliseconds(5 * options.connections));
  launcher.Stop();
  report.open_seconds = Seconds(NowNanos() - opening);
  const int opened = tally.opened;

  // Silence: only the server's pings (every 30 s) cross, and Beast answers them.
  const int64_t holding = NowNanos();
  if (opened > 0) std::this_thread::sleep_for(options.hold);
  report.hold_seconds = Seconds(NowNanos() - holding);
  report.rss_after = options.server_rss();
  report.dropped = tally.dropped;  // before Close(), which would count nothing anyway

  for (auto& connection : connections) connection->Close();
  pool.Stop();
  report.opened = opened;
  report.refused = options.connections - opened;
  report.first_refusal = tally.first_refusal();
  if (report.first_refusal.empty() && report.refused > 0) {
    report.first_refusal = "not caught up by the deadline";
  }
  report.first_drop = tally.first_drop();
  return report;
}

}  // namespace rotonde::load
