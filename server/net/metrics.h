// Metrics: the server's counters, gauges and histograms, rendered in Prometheus' text format
// for GET /metrics. Lock-free: every hot path only increments atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "rotonde/eventstore/event_store.h"

namespace rotonde::net {

// A fixed-bucket histogram of seconds (Prometheus "le" buckets).
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void Observe(double seconds);
  // Appends the _bucket, _sum and _count lines of `name` (with `labels`, e.g. `route="x"`).
  void Render(std::string* out, std::string_view name, std::string_view labels = {}) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};  // the last is +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

struct Metrics {
  // HTTP
  std::atomic<uint64_t> http_requests{0};
  std::atomic<uint64_t> http_errors_4xx{0};
  std::atomic<uint64_t> http_errors_5xx{0};
  Histogram http_seconds;
  // Commands, by outcome
  std::atomic<uint64_t> commands_ok{0};
  std::atomic<uint64_t> commands_repeated{0};
  std::atomic<uint64_t> commands_refused{0};
  std::atomic<uint64_t> commands_failed{0};  // the store could not take them
  Histogram command_seconds;
  // Sign-in
  std::atomic<uint64_t> logins_ok{0};
  std::atomic<uint64_t> logins_failed{0};
  std::atomic<uint64_t> logins_limited{0};
  // Connections and push
  std::atomic<int64_t> http_connections{0};
  std::atomic<int64_t> ws_connections{0};
  std::atomic<int64_t> ws_subscriptions{0};
  std::atomic<int64_t> ws_watches{0};
  std::atomic<int64_t> ws_queued_bytes{0};  // all sessions' outbound queues together
  std::atomic<uint64_t> ws_messages_sent{0};
  // Pages of events a session read from the log because the live feed no longer held them.
  std::atomic<uint64_t> ws_disk_reads{0};
  std::atomic<uint64_t> ws_closed_slow{0};
  std::atomic<uint64_t> ws_closed_idle{0};
  std::atomic<uint64_t> ws_bad_messages{0};
  Histogram push_lag_seconds;  // an event's commit to its frame being written to a socket
  // The worker pool
  std::atomic<int64_t> worker_queue{0};

  // Everything, with the store's counters, in Prometheus text format.
  std::string Render(const eventstore::Stats& store, uint64_t head_position,
                     uint64_t sessions) const;
};

}  // namespace rotonde::net
