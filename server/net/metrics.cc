#include "metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace rotonde::net {

namespace {

template <typename T>
void Line(std::string* out, std::string_view name, std::string_view type, std::string_view help,
          T value) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
}

// VmRSS from /proc/self/statm (its second field, in pages); 0 where there is none.
uint64_t ResidentBytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int read = std::fscanf(statm, "%llu %llu", &size, &resident);
  std::fclose(statm);
  return read == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void Header(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// The _bucket, _sum and _count lines of a histogram.
void RenderHistogram(std::string* out, std::string_view name, const app::Histogram& histogram) {
  const app::Histogram::Reading reading = histogram.Read();
  const auto& bounds = app::Histogram::kBounds;
  for (size_t i = 0; i < reading.cumulative.size(); ++i) {
    const std::string le = i < bounds.size() ? fmt::format("{}", bounds[i]) : "+Inf";
    *out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, le, reading.cumulative[i]);
  }
  *out += fmt::format("{}_sum {}\n", name, reading.sum_seconds);
  *out += fmt::format("{}_count {}\n", name, reading.count);
}

}  // namespace

std::string Metrics::Render(const app::Counters& app, const eventstore::Stats& store,
                            const std::vector<std::pair<std::string, uint64_t>>& heads,
                            uint64_t sessions, const FeedHub::Stats& feed) const {
  std::string out;
  out.reserve(8192);
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };
  Line(&out, "rotonde_platforms", "gauge", "Platforms with events, each a log of its own.",
       heads.size());
  Header(&out, "rotonde_platform_head_position", "gauge", "Each platform's last position.");
  for (const auto& [platform, head] : heads) {
    // A label value escapes backslashes and quotes (platform ids are visible ASCII).
    std::string label;
    for (char c : platform) {
      if (c == '\\' || c == '"') label.push_back('\\');
      label.push_back(c);
    }
    out += fmt::format("rotonde_platform_head_position{{platform=\"{}\"}} {}\n", label, head);
  }
  Line(&out, "rotonde_appends_total", "counter", "Appends that wrote events.", store.appends);
  Line(&out, "rotonde_events_written_total", "counter", "Events made durable.",
       store.events_written);
  Line(&out, "rotonde_group_commits_total", "counter",
       "Group commits made durable (one WriteBatch each); events/commits is the mean batch size.",
       store.groups_written);
  Line(&out, "rotonde_fsyncs_total", "counter",
       "Fsyncs of the log; each makes the group commits written before it durable.", store.syncs);
  Line(&out, "rotonde_append_rejected_total", "counter",
       "Appends refused (wrong version, bad input, closed).", store.rejected_appends);
  Line(&out, "rotonde_fsync_seconds_total", "counter", "Time spent in fsyncs of the log.",
       static_cast<double>(store.sync_micros_total) / 1e6);
  Line(&out, "rotonde_fsync_seconds_max", "gauge", "The slowest fsync of the log since start.",
       static_cast<double>(store.sync_micros_max) / 1e6);
  Line(&out, "rotonde_store_memtable_bytes", "gauge",
       "Bytes in the event store's memtables (up to 64 MiB per column family before a flush).",
       store.memtable_bytes);
  Line(&out, "rotonde_store_block_cache_bytes", "gauge",
       "Bytes in the event store's block cache (at most 64 MiB).", store.block_cache_bytes);
  Line(&out, "rotonde_store_recent_events", "gauge",
       "Committed events kept in memory so live subscribers never read the disk (at most 65,536).",
       store.recent_events);
  Line(&out, "rotonde_store_disk_full", "gauge",
       "1 while the event store's disk is full: commands are answered 503 unavailable until "
       "space is freed.",
       store.disk_full);
  Line(&out, "rotonde_store_disk_full_total", "counter", "Times the event store's disk was full.",
       store.disk_full_episodes);
  Line(&out, "process_resident_memory_bytes", "gauge", "Resident memory of the server process.",
       ResidentBytes());

  Header(&out, "rotonde_commands_total", "counter", "Commands by outcome.");
  out += fmt::format("rotonde_commands_total{{outcome=\"ok\"}} {}\n", load(app.commands_ok));
  out += fmt::format("rotonde_commands_total{{outcome=\"repeated\"}} {}\n",
                     load(app.commands_repeated));
  out +=
      fmt::format("rotonde_commands_total{{outcome=\"refused\"}} {}\n", load(app.commands_refused));
  out +=
      fmt::format("rotonde_commands_total{{outcome=\"failed\"}} {}\n", load(app.commands_failed));
  Header(&out, "rotonde_command_seconds", "histogram", "Command handling time, to durable.");
  RenderHistogram(&out, "rotonde_command_seconds", app.command_seconds);

  Line(&out, "rotonde_http_requests_total", "counter", "HTTP requests.", load(http_requests));
  Header(&out, "rotonde_http_errors_total", "counter", "HTTP error responses by class.");
  out += fmt::format("rotonde_http_errors_total{{class=\"4xx\"}} {}\n", load(http_errors_4xx));
  out += fmt::format("rotonde_http_errors_total{{class=\"5xx\"}} {}\n", load(http_errors_5xx));
  Header(&out, "rotonde_http_seconds", "histogram", "HTTP request handling time.");
  RenderHistogram(&out, "rotonde_http_seconds", http_seconds);

  Header(&out, "rotonde_logins_total", "counter", "Sign-in attempts by outcome.");
  out += fmt::format("rotonde_logins_total{{outcome=\"ok\"}} {}\n", load(app.logins_ok));
  out += fmt::format("rotonde_logins_total{{outcome=\"failed\"}} {}\n", load(app.logins_failed));
  out += fmt::format("rotonde_logins_total{{outcome=\"rate_limited\"}} {}\n",
                     load(app.logins_limited));
  Line(&out, "rotonde_sessions", "gauge", "Live session tokens.", sessions);

  Line(&out, "rotonde_http_connections", "gauge", "Open HTTP connections.", load(http_connections));
  Line(&out, "rotonde_ws_connections", "gauge", "Open WebSocket connections.",
       load(ws_connections));
  Line(&out, "rotonde_ws_subscriptions", "gauge", "Event subscriptions.", load(ws_subscriptions));
  Line(&out, "rotonde_ws_watches", "gauge", "Watched views.", load(ws_watches));
  Line(&out, "rotonde_ws_queued_bytes", "gauge", "Bytes waiting in WebSocket outbound queues.",
       load(ws_queued_bytes));
  Line(&out, "rotonde_ws_messages_sent_total", "counter", "WebSocket messages written.",
       load(ws_messages_sent));
  Line(&out, "rotonde_ws_disk_reads_total", "counter",
       "Pages of events WebSocket sessions read from the log, behind the live feed.",
       load(ws_disk_reads));
  Header(&out, "rotonde_ws_closed_total", "counter", "WebSocket connections the server closed.");
  out +=
      fmt::format("rotonde_ws_closed_total{{reason=\"slow_consumer\"}} {}\n", load(ws_closed_slow));
  out += fmt::format("rotonde_ws_closed_total{{reason=\"idle\"}} {}\n", load(ws_closed_idle));
  Line(&out, "rotonde_ws_bad_messages_total", "counter", "Malformed WebSocket messages.",
       load(ws_bad_messages));
  Header(&out, "rotonde_push_lag_seconds", "histogram",
         "From an event's commit to its frame being handed to the socket.");
  RenderHistogram(&out, "rotonde_push_lag_seconds", push_lag_seconds);
  Header(&out, "rotonde_ws_command_seconds", "histogram",
         "From a WebSocket command's message read to its answer handed to the socket.");
  RenderHistogram(&out, "rotonde_ws_command_seconds", ws_command_seconds);
  Line(&out, "rotonde_push_interval_seconds", "gauge",
       "The pause between two flushes of events to subscribers; it stretches with the fan-out's "
       "cost, from --push-interval-ms to --max-push-interval-ms.",
       feed.interval_seconds);
  Line(&out, "rotonde_push_fan_out_seconds", "gauge",
       "How long the last flush took to reach every subscriber's connection (so far, while it "
       "has not yet).",
       feed.fan_out_seconds);
  Line(&out, "rotonde_push_flushes_total", "counter", "Flushes of events to subscribers.",
       feed.flushes);
  Line(&out, "rotonde_feed_ring_bytes", "gauge",
       "Recent event frames kept in memory for subscribers, over every platform (bounded).",
       feed.ring_bytes);
  Line(&out, "rotonde_worker_queue", "gauge", "Tasks waiting for or running on the worker pool.",
       load(worker_queue));
  Line(&out, "rotonde_requests_in_flight", "gauge",
       "Requests and commands started and not yet answered; a drain waits for them.",
       load(requests_in_flight));
  return out;
}

}  // namespace rotonde::net
