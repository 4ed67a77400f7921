// Moving a platform between PostgreSQL clusters (eventstore's pg_directory.h): the time
// `rotonde admin move-platform` takes for a platform of 100,000 events (~200-byte payloads
// over 100 streams), between two databases of the tests' throwaway PostgreSQL server (one
// machine, so the network is loopback). Reported: the whole move, and the counter frozen_ms,
// how long the platform's commands waited (freeze to switch). A figure, not an assertion.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "pg_server.h"
#include "rotonde/eventstore/pg_directory.h"
#include "rotonde/eventstore/pg_event_log.h"

namespace rotonde::bench {
namespace {

void BM_MovePlatform(benchmark::State& state) {
  const auto events = static_cast<uint64_t>(state.range(0));
  std::string error;
  test_support::PgServer* server = test_support::PgServer::Get(&error);
  if (server == nullptr) return state.SkipWithError(error.c_str());
  const std::string home = server->Database("bench_move_home", &error);
  const std::string second = server->Database("bench_move_second", &error);
  if (home.empty() || second.empty()) return state.SkipWithError(error.c_str());
  auto directory = eventstore::PgDirectory::Open(home);
  if (!directory.ok()) return state.SkipWithError(directory.status().ToString().c_str());
  if (!(*directory)->AddCluster("second", second).ok()) return state.SkipWithError("add-cluster");
  {
    auto log = eventstore::PgEventLog::Open(home);
    if (!log.ok()) return state.SkipWithError(log.status().ToString().c_str());
    const std::string payload(200, 'x');
    for (uint64_t written = 0; written < events;) {
      std::vector<eventstore::NewEvent> batch;
      for (int i = 0; i < 1000 && written < events; ++i, ++written) {
        batch.push_back(eventstore::NewEvent{"e" + std::to_string(written), "bench.Happened",
                                             payload, "bench", "corr"});
      }
      const std::string stream = "move/s/" + std::to_string(written % 100);
      if (!(*log)->Append(stream, eventstore::ExpectedVersion::Any(), std::move(batch)).ok()) {
        return state.SkipWithError("cannot fill the platform");
      }
    }
  }
  // Moved there and back each iteration: the same platform, the same size.
  const std::vector<std::string> targets = {"second", "home"};
  size_t next = 0;
  double frozen_ms = 0;
  for (auto _ : state) {
    eventstore::MoveReport report;
    Status moved = (*directory)->MovePlatform("move", targets[next++ % 2], &report);
    if (!moved.ok()) return state.SkipWithError(moved.ToString().c_str());
    frozen_ms += static_cast<double>(report.frozen_for.count());
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["frozen_ms"] = benchmark::Counter(frozen_ms, benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_MovePlatform)
    ->Name("placement/move_platform")
    ->Arg(100'000)
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace rotonde::bench
