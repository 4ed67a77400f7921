#include "eventstore_bench.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "rotonde/eventstore/event_store.h"
#include "rotonde/eventstore/pg_event_log.h"

namespace rotonde::bench {
namespace {

using eventstore::EventStore;
using eventstore::ExpectedVersion;
using eventstore::NewEvent;
using eventstore::Stats;

// A payload that makes the stored event about 200 bytes with its envelope.
const std::string kPayload(96, 'x');

std::unique_ptr<EventStore> OpenOrDie(const std::string& dir) {
  auto opened = EventStore::Open(dir, eventstore::Options());
  if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
  return std::move(opened).value();
}

std::mutex batch_mu;
// The events per fsync each append benchmark achieved, for the raw disk at the same batch:
// by writers for the blocking appends, by kAsyncKey + in_flight * 1000 + platforms for the
// asynchronous ones.
std::map<int, double> achieved_batch;
constexpr int kAsyncKey = 1'000'000;

struct Shared {
  std::unique_ptr<EventStore> store;
  std::string dir;
  // The PostgreSQL backend, when the run was given a database (--pg=URL).
  std::unique_ptr<eventstore::PgEventLog> pg;
};
Shared& Store() {
  static Shared shared;
  return shared;
}

void BM_DurableAppend(benchmark::State& state) {
  EventStore& store = *Store().store;
  const int writer = state.thread_index();
  // Streams overlap: four writers share each stream, as members share an initiative, and each
  // stream is a platform of its own, as on a server hosting many neighbourhoods.
  const std::string platform = "buurtplatform-" + std::to_string(writer / 4);
  const std::string stream = platform + "/initiative/1";
  eventstore::Stats before;
  if (writer == 0) before = store.GetStats();
  uint64_t n = 0;
  // Ids as the server makes them, "<platform>:<command id>:<index>": a long prefix shared by
  // every event of a platform, which is what the ids family's hashed memtable must spread.
  const std::string id_prefix = platform + ":w" + std::to_string(state.threads()) + "-" +
                                std::to_string(writer) + "-" +
                                std::to_string(store.Head(platform).position) + "-";
  for (auto _ : state) {
    auto result = store.Append(stream, ExpectedVersion::Any(),
                               {NewEvent{id_prefix + std::to_string(n++) + ":0", "bench.Appended",
                                         kPayload, "bench-member-0001", "cmd-0001"}});
    if (!result.ok()) {
      state.SkipWithError(result.status.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(n));
  if (writer == 0) {
    // Thread 0 finishes last among equals often enough; the ratio over its run is what the
    // store did while all writers were busy.
    const eventstore::Stats after = store.GetStats();
    auto delta = [&](uint64_t Stats::*field) {
      return static_cast<double>(after.*field - before.*field);
    };
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    const double events = delta(&Stats::events_written);
    const double syncs = delta(&Stats::syncs);
    const double batch = ratio(events, syncs);
    state.counters["events_per_fsync"] = batch;
    state.counters["groups_per_fsync"] = ratio(delta(&Stats::groups_written), syncs);
    state.counters["fsync_us"] = ratio(delta(&Stats::sync_micros_total), syncs);
    std::lock_guard lock(batch_mu);
    achieved_batch[state.threads()] = batch;
  }
}

// Appends as the server makes them with the asynchronous contract: one thread keeps
// `in_flight` appends outstanding through AppendAsync, round-robin over `platforms`
// platforms, and starts the next as each completes. No thread waits per append, so what is
// measured is the store's group commit, not the waking of blocked writers. Each iteration is
// one append started; the run ends when every append started is durable. `batch_key` is where
// the events per commit go for the raw disk's run at the same batch (0: nowhere).
void BM_DurableAppendAsync(benchmark::State& state, eventstore::EventLog& store, int in_flight,
                           int platforms, int batch_key) {
  std::mutex mu;
  std::condition_variable room;
  int outstanding = 0;
  std::string failure;
  const eventstore::Stats before = store.GetStats();
  std::vector<std::string> streams, prefixes;
  for (int i = 0; i < platforms; ++i) {
    const std::string platform = "async-" + std::to_string(i);
    streams.push_back(platform + "/initiative/1");
    prefixes.push_back(platform + ":a" + std::to_string(in_flight) + "-" +
                       std::to_string(store.Head(platform).position) + "-");
  }
  uint64_t n = 0;
  for (auto _ : state) {
    {
      std::unique_lock lock(mu);
      room.wait(lock, [&] { return outstanding < in_flight; });
      if (!failure.empty()) break;
      ++outstanding;
    }
    const size_t i = n % streams.size();
    std::vector<eventstore::StreamAppend> append(1);
    append[0].stream = streams[i];
    append[0].events.push_back(NewEvent{prefixes[i] + std::to_string(n) + ":0", "bench.Appended",
                                        kPayload, "bench-member-0001", "cmd-0001"});
    ++n;
    store.AppendAsync(std::move(append), {}, [&](eventstore::AppendResult result) {
      std::lock_guard lock(mu);
      if (!result.ok() && failure.empty()) failure = result.status.ToString();
      --outstanding;
      room.notify_one();
    });
  }
  {
    std::unique_lock lock(mu);
    room.wait(lock, [&] { return outstanding == 0; });
  }
  if (!failure.empty()) state.SkipWithError(failure.c_str());
  state.SetItemsProcessed(static_cast<int64_t>(n));
  const eventstore::Stats after = store.GetStats();
  const double syncs = static_cast<double>(after.syncs - before.syncs);
  const double batch =
      syncs > 0 ? static_cast<double>(after.events_written - before.events_written) / syncs : 0;
  state.counters["events_per_fsync"] = batch;
  // The share of the run the commits themselves took (the fsync, or PostgreSQL's COMMIT).
  state.counters["commit_us"] =
      syncs > 0 ? static_cast<double>(after.sync_micros_total - before.sync_micros_total) / syncs
                : 0;
  state.counters["commits_per_s"] = benchmark::Counter(syncs, benchmark::Counter::kIsRate);
  if (batch_key == 0) return;
  std::lock_guard lock(batch_mu);
  achieved_batch[batch_key] = batch;
}

// The platform whose log the catch-up benchmark reads.
constexpr const char* kFillPlatform = "bench";

void BM_CatchUpRead(benchmark::State& state) {
  EventStore& store = *Store().store;
  const uint64_t head = store.Head(kFillPlatform).position;
  std::vector<eventstore::EventRecord> page;
  uint64_t read = 0;
  for (auto _ : state) {
    for (uint64_t after = 0; after < head; after += page.size()) {
      auto s = store.Read(kFillPlatform, after, 4096, &page);
      if (!s.ok() || page.empty()) {
        state.SkipWithError("read failed");
        return;
      }
      read += page.size();
      benchmark::DoNotOptimize(page.back().position());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(read));
  state.counters["log_events"] = static_cast<double>(head);
}

// Fills kFillPlatform's log up to `events` so the read benchmark reads a log of a known size.
void FillTo(EventStore& store, uint64_t events) {
  std::vector<NewEvent> batch;
  for (uint64_t at = store.Head(kFillPlatform).position; at < events;) {
    batch.clear();
    for (int i = 0; i < 1000 && at < events; ++i, ++at) {
      batch.push_back(NewEvent{"fill-" + std::to_string(at), "bench.Appended", kPayload,
                               "bench-member-0001", "cmd-0001"});
    }
    auto result = store.Append(std::string(kFillPlatform) + "/fill/" + std::to_string(at % 100),
                               ExpectedVersion::Any(), std::move(batch));
    if (!result.ok()) throw std::runtime_error(result.status.ToString());
  }
}

void BM_RawFdatasync(benchmark::State& state, std::string path, int batch_key) {
  double achieved = 0;
  {
    std::lock_guard lock(batch_mu);
    if (auto it = achieved_batch.find(batch_key); it != achieved_batch.end()) achieved = it->second;
  }
  if (achieved == 0) {
    state.SkipWithError("needs its append benchmark (as many writers or in flight) first");
    return;
  }
  const int batch = std::max(1, static_cast<int>(std::lround(achieved)));
  state.counters["events_per_fsync"] = batch;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  if (fd < 0) {
    state.SkipWithError("cannot open the raw file");
    return;
  }
  // The same bytes a stored event has: ~200 bytes each, `batch` per write.
  const std::string buffer(static_cast<size_t>(batch) * 200, 'e');
  int64_t events = 0;
  for (auto _ : state) {
    if (::write(fd, buffer.data(), buffer.size()) != static_cast<ssize_t>(buffer.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    events += batch;
  }
  state.SetItemsProcessed(events);
  ::close(fd);
  ::unlink(path.c_str());
}

}  // namespace

void RegisterEventStoreBenchmarks(const std::string& dir) {
  Store().dir = dir + "/eventstore";
  Store().store = OpenOrDie(Store().dir);
  for (int writers : {1, 16, 64}) {
    benchmark::RegisterBenchmark("eventstore/durable_append", BM_DurableAppend)
        ->Threads(writers)
        ->UseRealTime()
        ->MinTime(2.0);
  }
  // In flight as the peers compare them (16 and 64), and 100 platforms at once.
  const std::vector<std::pair<int, int>> async_runs = {{16, 16}, {64, 16}, {100, 100}};
  for (auto [in_flight, platforms] : async_runs) {
    benchmark::RegisterBenchmark(
        ("eventstore/durable_append_async/in_flight:" + std::to_string(in_flight) +
         "/platforms:" + std::to_string(platforms))
            .c_str(),
        [in_flight, platforms](benchmark::State& state) {
          BM_DurableAppendAsync(state, *Store().store, in_flight, platforms,
                                kAsyncKey + in_flight * 1000 + platforms);
        })
        ->UseRealTime()
        ->MinTime(2.0);
  }
  benchmark::RegisterBenchmark("eventstore/catch_up_read",
                               [](benchmark::State& state) {
                                 static std::once_flag filled;
                                 std::call_once(filled, [] { FillTo(*Store().store, 1'000'000); });
                                 BM_CatchUpRead(state);
                               })
      ->Unit(benchmark::kMillisecond)
      ->MinTime(2.0);
  for (int writers : {1, 16, 64}) {
    benchmark::RegisterBenchmark(
        ("disk/raw_fdatasync/as_with_writers:" + std::to_string(writers)).c_str(), BM_RawFdatasync,
        dir + "/raw-" + std::to_string(writers) + ".log", writers)
        ->UseRealTime()
        ->MinTime(1.0);
  }
  for (auto [in_flight, platforms] : async_runs) {
    const std::string name =
        "in_flight:" + std::to_string(in_flight) + "/platforms:" + std::to_string(platforms);
    benchmark::RegisterBenchmark(("disk/raw_fdatasync/as_with_" + name).c_str(), BM_RawFdatasync,
                                 dir + "/raw-async-" + std::to_string(in_flight) + ".log",
                                 kAsyncKey + in_flight * 1000 + platforms)
        ->UseRealTime()
        ->MinTime(1.0);
  }
}

void RegisterPgBenchmarks(const std::string& url) {
  auto opened = eventstore::PgEventLog::Open(url);
  if (!opened.ok()) throw std::runtime_error("--pg: " + opened.status().ToString());
  Store().pg = std::move(opened).value();
  for (auto [in_flight, platforms] : std::vector<std::pair<int, int>>{{16, 16}, {64, 16}}) {
    benchmark::RegisterBenchmark(("pg/durable_append_async/in_flight:" + std::to_string(in_flight) +
                                  "/platforms:" + std::to_string(platforms))
                                     .c_str(),
                                 [in_flight, platforms](benchmark::State& state) {
                                   BM_DurableAppendAsync(state, *Store().pg, in_flight, platforms,
                                                         0);
                                 })
        ->UseRealTime()
        ->MinTime(3.0);
  }
}

void CloseEventStoreBenchmarks() {
  Store().store.reset();
  if (Store().pg) Store().pg->Close();
  Store().pg.reset();
}

}  // namespace rotonde::bench
