// Metrics: the server's own counters, gauges and histograms (HTTP, WebSocket, push), rendered
// with the application's (app/counters.h) and the store's in Prometheus' text format for
// GET /metrics. Lock-free: every hot path only increments atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "counters.h"
#include "feed_hub.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::net {

struct Metrics {
  // HTTP
  std::atomic<uint64_t> http_requests{0};
  std::atomic<uint64_t> http_errors_4xx{0};
  std::atomic<uint64_t> http_errors_5xx{0};
  app::Histogram http_seconds;
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
  app::Histogram push_lag_seconds;  // an event's commit to its frame being written to a socket
  // A WebSocket command's message read to its answer written to the socket.
  app::Histogram ws_command_seconds;
  // The worker pool
  std::atomic<int64_t> worker_queue{0};
  // Requests and commands started and not answered yet: a drain waits for them.
  std::atomic<int64_t> requests_in_flight{0};

  // Everything, with the application's and the store's counters, in Prometheus text format.
  // `heads`: every platform's last position.
  std::string Render(const app::Counters& app, const eventstore::Stats& store,
                     const std::vector<std::pair<std::string, uint64_t>>& heads, uint64_t sessions,
                     const FeedHub::Stats& feed) const;
};

}  // namespace rotonde::net
