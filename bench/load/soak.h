// The soak: many clients over many platforms for a long time (an hour by default), as a
// neighbourhood's evening looks to the server, checked rather than measured.
//
// Setup: `platforms` platforms are founded through the operator's endpoint (POST
// /api/v1/admin/platforms), each by a fresh account accepting its founding invite. `clients`
// WebSocket clients are spread over them (client i on platform i % platforms), each signed in
// as its platform's founder and subscribed to it from its head.
//
// Then, for `duration`, at the given rates over all clients: commands on a client's WebSocket
// (a mix: a resident's proposal, a discussion of a proposal seen in the feed, an initiative
// with a date and a place, whose clash check runs), reads over HTTP (views and the event
// feed, each on a new connection), and reconnects (a client drops its connection without a
// close frame and resumes after a pause with `from` and `fromHash`, as a phone that lost its
// network does). Every client checks each event it gets: the next position of its platform,
// linked by prevHash to the one before.
//
// Every `sample_every` the server's RSS and the running counts are sampled; each sample is
// printed as a row as it is taken. At the end every command is answered, every client is
// brought to its platform's head, and each platform's log is read back (the NDJSON feed) to
// find every acknowledged command's events at the positions its result named.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace rotonde::load {

struct SoakOptions {
  uint16_t port = 0;
  std::string operator_token;
  int clients = 1000;
  int platforms = 100;
  std::chrono::seconds duration{3600};
  std::chrono::seconds sample_every{60};
  double commands_per_second = 5;
  double reads_per_second = 10;
  double reconnects_per_second = 1;
  int client_threads = 2;
  std::string run_id;
  std::function<uint64_t()> server_rss;  // bytes
  std::function<void(const std::string&)> progress;
  std::ostream* table = nullptr;  // a row per sample, as it is taken
};

struct SoakSample {
  double seconds = 0;
  uint64_t rss = 0;
  uint64_t commands_ok = 0;
  uint64_t errors = 0;
  uint64_t events_seen = 0;
  uint64_t reconnects = 0;
  uint64_t reads_ok = 0;
  uint64_t memtable_bytes = 0;
  uint64_t recent_events = 0;
};

struct SoakReport {
  bool set_up = false;  // every platform founded and every client caught up
  std::vector<SoakSample> samples;
  uint64_t commands_sent = 0;
  uint64_t commands_ok = 0;
  uint64_t errors = 0;       // error answers, failed reads, dropped connections, bad events
  uint64_t gaps = 0;         // events not following the client's last one (position or hash)
  uint64_t unanswered = 0;   // commands sent and never answered
  uint64_t not_at_head = 0;  // clients that did not reach their platform's head at the end
  uint64_t lost = 0;         // acknowledged commands whose events are not in the log
  uint64_t events_seen = 0;  // events of this run's commands received by the clients
  uint64_t reads_ok = 0;
  uint64_t reconnects = 0;
  std::vector<std::string> problems;  // the first few, for people
  // RSS: the means of the second and the last quarter of the run, and whether the last is
  // within 10 % of the second (the first quarter is the warm-up).
  double rss_q2_mib = 0;
  double rss_q4_mib = 0;
  bool rss_flat = false;
  bool rss_judged = false;  // false when the run was too short to sample both quarters
};

SoakReport RunSoak(const SoakOptions& options);

}  // namespace rotonde::load
