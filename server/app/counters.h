// What the application counts: commands by outcome and how long they took, sign-ins by
// outcome. Lock-free: every hot path only increments atomics. The server renders them with
// its own (net/metrics.h) for GET /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace rotonde::app {

// A fixed-bucket histogram of seconds (Prometheus "le" buckets).
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void Observe(double seconds);

  struct Reading {
    std::array<uint64_t, kBounds.size() + 1> cumulative{};  // at or below each bound; then all
    double sum_seconds = 0;
    uint64_t count = 0;
  };
  // The counts so far (each read relaxed: a reading taken during Observe may be off by one).
  Reading Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};  // the last is +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

struct Counters {
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
};

}  // namespace rotonde::app
