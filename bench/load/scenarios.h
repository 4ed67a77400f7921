// The load tool's two scenarios against a running server. Each reports figures — what was
// asked, what happened, how fast — and never judges them: the floors are the reader's.
//
// push: `subscribers` WebSocket connections subscribe to one platform from its head and wait
//   for "caught_up"; then `command_connections` other connections send SubmitProposal
//   commands, paced evenly at `rate` per second for `seconds`. Every command's one event
//   carries its commandId as correlationId; a command's latency is from the start of its
//   write to its arrival at the last subscriber (the maximum over subscribers).
// idle: `connections` WebSocket connections subscribe to the platform and then stay silent
//   for `hold`; the server's RSS is read before and after.
//
// Every wait is bounded; a scenario that cannot start (nothing opens) still returns its
// report, whose counts say so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ws_clients.h"

namespace rotonde::load {

// Nearest-rank percentiles, in milliseconds.
struct Percentiles {
  size_t count = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};
Percentiles Summarize(std::vector<double> millis);

struct PushOptions {
  Endpoint endpoint;
  std::string platform;
  uint64_t from = 0;  // the log head: subscribers start live
  int subscribers = 1000;
  int rate = 1000;  // commands per second
  int seconds = 20;
  int command_connections = 8;
  int client_threads = 2;
  std::string run_id;  // makes this run's commandIds unique in a kept data directory
  std::function<uint64_t()> server_rss;
  // If set, one line per command sent, tab-separated: when it was written (ms since the
  // first), to the last subscriber (ms; -1 if not every subscriber got it), to its reply
  // (ms; -1 without one). Shows when in a run the slow ones came.
  std::string latency_log;
};

// One second of a push run, by when its commands were written.
struct PushSecond {
  int second = 0;  // since the first write
  uint64_t sent = 0;
  Percentiles reply;    // write to its result or error
  Percentiles latency;  // write to the last subscriber, commands that reached them all
};

struct PushReport {
  int subscribers_wanted = 0;
  int subscribers_opened = 0;
  int subscribers_refused = 0;
  int subscribers_dropped = 0;
  std::string first_refusal;
  std::string first_drop;
  double open_seconds = 0;  // until every subscriber caught up or was refused
  uint64_t duplicate_frames = 0;
  uint64_t subscriber_errors = 0;

  int commanders_wanted = 0;
  int commanders_opened = 0;
  int commanders_dropped = 0;
  std::string commander_problem;

  uint64_t planned = 0;  // rate × seconds
  uint64_t sent = 0;
  double send_seconds = 0;       // from the first write to the last
  double pacing_lag_max_ms = 0;  // how late, at worst, a write started against its schedule
  uint64_t results = 0;
  uint64_t errors = 0;
  std::string first_error;
  Percentiles reply;  // write to its result or error

  uint64_t complete = 0;            // commands whose event reached every subscriber that caught up
  uint64_t partial = 0;             // reached some but not all
  uint64_t unseen = 0;              // sent, reached none
  double delivered_per_second = 0;  // complete / (first write .. last complete arrival)
  Percentiles latency;              // over complete commands: write to last subscriber
  std::vector<PushSecond> over_time;  // the same, second by second

  uint64_t rss_start = 0;  // bytes, before the first connection
  uint64_t rss_end = 0;    // after the last delivery, every connection still open
};

PushReport RunPush(const PushOptions& options);

struct IdleOptions {
  Endpoint endpoint;
  std::string platform;
  uint64_t from = 0;
  int connections = 10000;
  int concurrency = 200;  // connections being opened at once
  std::chrono::seconds hold{5};
  int client_threads = 2;
  std::function<uint64_t()> server_rss;
};

struct IdleReport {
  int wanted = 0;
  int opened = 0;
  int refused = 0;  // includes those still unopened at the deadline
  int dropped = 0;  // lost during the hold
  std::string first_refusal;
  std::string first_drop;
  double open_seconds = 0;
  double hold_seconds = 0;
  uint64_t rss_before = 0;  // bytes
  uint64_t rss_after = 0;   // at the end of the hold, every connection open
};

IdleReport RunIdle(const IdleOptions& options);

}  // namespace rotonde::load
