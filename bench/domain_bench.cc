#include "domain_bench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>

#include "command_service.h"
#include "decide.h"
#include "random_commands.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/clash_detector.h"
#include "rotonde/projections/dates.h"
#include "rotonde/projections/platform_model.h"

namespace rotonde::bench {
namespace {

constexpr uint64_t kLogEvents = 1'000'000;
constexpr int kPlatforms = 100;  // one server, many neighbourhoods
constexpr int kClashCheckInitiatives = 100'000;

std::string LogDir(const std::string& dir) { return dir + "/domain-log"; }
std::string CheckpointDir(const std::string& dir) { return dir + "/domain-checkpoints"; }

std::string& BenchDir() {
  static std::string dir;
  return dir;
}

// Events in all platforms' logs.
uint64_t TotalEvents(const eventstore::EventStore& store) {
  uint64_t total = 0;
  for (const std::string& platform : store.Platforms()) total += store.Head(platform).position;
  return total;
}

// Writes kLogEvents decided events over kPlatforms platforms, through the real
// deciders, imported into the store in chunks (deciding is the point here, not fsyncs).
void BuildLog(const std::string& dir) {
  auto opened = eventstore::EventStore::Open(dir, eventstore::Options());
  if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
  eventstore::EventStore& store = *opened.value();
  if (TotalEvents(store) >= kLogEvents) return;

  std::vector<std::unique_ptr<projections::PlatformModel>> models;
  std::vector<std::unique_ptr<test_support::RandomCommands>> generators;
  // Each platform's log: the events not imported yet, its head position and hash.
  struct Log {
    std::vector<eventstore::EventRecord> chunk;
    uint64_t position = 0;
    std::string prev_hash;
  };
  std::vector<Log> logs(kPlatforms);
  for (int p = 0; p < kPlatforms; ++p) {
    models.push_back(std::make_unique<projections::PlatformModel>());
    generators.push_back(
        // About a year and a half of a lively platform each: 8 commands a day.
        std::make_unique<test_support::RandomCommands>(p + 1, "buurt" + std::to_string(p), 12, 8));
    logs[p].prev_hash = eventstore::GenesisHash("buurt" + std::to_string(p));
  }
  auto import = [&](const std::string& platform, Log& log) {
    if (Status s = store.Import(platform, std::move(log.chunk)); !s.ok())
      throw std::runtime_error(s.ToString());
    log.chunk.clear();
  };
  uint64_t total = 0;
  google::protobuf::Timestamp now;
  now.set_seconds(1'780'000'000);
  for (uint64_t command = 0; total < kLogEvents; ++command) {
    const int p = static_cast<int>(command % kPlatforms);
    const std::string platform = "buurt" + std::to_string(p);
    projections::PlatformModel& model = *models[p];
    Log& log = logs[p];
    auto [cmd, actor] = generators[p]->Next(model.state());
    const commands::Decision decision =
        commands::Decide(cmd, commands::CommandContext{platform, actor}, model.state());
    if (!decision.ok()) continue;
    size_t index = 0;
    for (const auto& planned : decision.value()) {
      eventstore::EventRecord record;
      record.set_id(app::CommandService::EventId(platform, cmd.command_id(), index++));
      record.set_stream(planned.stream);
      const auto version = model.state().StreamVersion(planned.stream);
      record.set_version(version ? *version + 1 : 0);
      record.set_position(++log.position);
      record.set_type(commands::EventTypeName(planned.event));
      now.set_seconds(now.seconds() + 7);
      *record.mutable_recorded_at() = now;
      record.set_actor(planned.actor.empty() ? actor : planned.actor);
      record.set_correlation_id(cmd.command_id());
      record.set_payload(planned.event.SerializeAsString());
      record.set_prev_hash(log.prev_hash);
      record.set_hash(eventstore::ComputeEventHash(record));
      log.prev_hash = record.hash();
      model.Apply(record);
      log.chunk.push_back(std::move(record));
      ++total;
    }
    if (log.chunk.size() >= 1'000) import(platform, log);
  }
  for (int p = 0; p < kPlatforms; ++p) {
    if (!logs[p].chunk.empty()) import("buurt" + std::to_string(p), logs[p]);
  }
}

void EnsureLog() {
  static std::once_flag built;
  std::call_once(built, [] { BuildLog(LogDir(BenchDir())); });
}

void BM_RebuildAllViews(benchmark::State& state) {
  EnsureLog();
  auto opened = eventstore::EventStore::Open(LogDir(BenchDir()), eventstore::Options());
  if (!opened.ok()) {
    state.SkipWithError(opened.status().ToString().c_str());
    return;
  }
  eventstore::EventStore& store = *opened.value();
  // What the log is made of matters: clash events are the costliest to fold.
  uint64_t clash_events = 0;
  std::vector<eventstore::EventRecord> page;
  for (const std::string& platform : store.Platforms()) {
    for (uint64_t after = 0;; after = page.back().position()) {
      if (!store.Read(platform, after, 4096, &page).ok()) {
        state.SkipWithError("read failed");
        return;
      }
      for (const auto& record : page)
        clash_events += record.type() == "ClashDetected" || record.type() == "ClashResolved";
      if (page.size() < 4096) break;
    }
  }
  uint64_t folded = 0;
  size_t platforms = 0;
  for (auto _ : state) {
    // What a server does at its first start: every platform's model from position 0 (no
    // checkpoints), platforms folded in parallel on `load_threads` threads (0: one per core,
    // as a server does; 1: the cost on one core).
    auto service = std::make_unique<app::CommandService>(store, nullptr);
    if (state.range(0) > 0) service->SetLoadThreads(static_cast<unsigned>(state.range(0)));
    auto report = service->LoadAll();
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      return;
    }
    folded += report->events_folded;
    platforms = report->platforms;
    // Freeing the models is not rebuilding: done with the clock paused.
    state.PauseTiming();
    service.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(folded));
  state.counters["log_events"] = static_cast<double>(TotalEvents(store));
  state.counters["platforms"] = static_cast<double>(platforms);
  state.counters["clash_event_share"] =
      static_cast<double>(clash_events) / static_cast<double>(TotalEvents(store));
}

void BM_ClashCheck(benchmark::State& state) {
  // A platform with 100,000 active initiatives over two years, folded directly.
  static const projections::PlatformModel* model = [] {
    auto* m = new projections::PlatformModel();
    std::mt19937 random(7);
    static const char* kTitles[] = {
        "Braderie",       "Kledingweggeefactie", "Buurtfeest",         "Opschoonactie",
        "Taalcafé",       "Rommelmarkt",         "Boekenruil",         "Repair café",
        "Voorleesmiddag", "Kookworkshop",        "Muziek in het park", "Plantjesmarkt"};
    const int32_t first = *projections::ParseIsoDate("2026-01-01");
    for (int i = 0; i < kClashCheckInitiatives; ++i) {
      v1::DomainEvent event;
      auto& p = *event.mutable_initiative_proposed();
      p.set_initiative_id("i-" + std::to_string(i));
      p.set_kind(static_cast<v1::InitiativeKind>(1 + random() % 8));
      p.set_title(std::string(kTitles[random() % 12]) + " " + std::to_string(random() % 50));
      p.mutable_when()->set_start_date(
          projections::FormatIsoDate(first + static_cast<int32_t>(random() % 730)));
      p.mutable_place()->set_text("Plein " + std::to_string(random() % 40));
      p.add_organizer_ids("m-" + std::to_string(random() % 500));
      v1::EventRecord record;
      record.set_stream("bench/initiative/i-" + std::to_string(i));
      record.set_position(static_cast<uint64_t>(i) + 1);
      record.set_payload(event.SerializeAsString());
      m->Apply(record);
    }
    return m;
  }();
  std::mt19937 random(11);
  std::vector<double> micros;
  const int32_t first = *projections::ParseIsoDate("2026-01-01");
  size_t findings = 0;
  for (auto _ : state) {
    projections::InitiativeState subject;
    subject.id = "i-new";
    subject.kind = static_cast<v1::InitiativeKind>(1 + random() % 8);
    subject.when.set_start_date(
        projections::FormatIsoDate(first + static_cast<int32_t>(random() % 730)));
    subject.days = projections::DaysOf(subject.when);
    subject.place.set_text("Plein " + std::to_string(random() % 40));
    subject.title = "Braderie op het plein";
    subject.description = "Kramen en muziek";
    const auto started = std::chrono::steady_clock::now();
    auto found = projections::FindClashes(model->state(), subject);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    findings += found.size();
    benchmark::DoNotOptimize(found);
  }
  std::sort(micros.begin(), micros.end());
  auto percentile = [&](double p) {
    return micros[static_cast<size_t>(p * static_cast<double>(micros.size() - 1))];
  };
  state.counters["p50_us"] = percentile(0.50);
  state.counters["p99_us"] = percentile(0.99);
  state.counters["max_us"] = micros.back();
  state.counters["clashes_per_check"] =
      static_cast<double>(findings) / static_cast<double>(micros.size());
  state.counters["initiatives"] = kClashCheckInitiatives;
}

void BM_StartupFromCheckpoints(benchmark::State& state) {
  EnsureLog();
  {
    // Checkpoints as a server leaves them at shutdown.
    auto store = eventstore::EventStore::Open(LogDir(BenchDir()), eventstore::Options());
    auto checkpoints = app::CheckpointStore::Open(CheckpointDir(BenchDir()));
    if (!store.ok() || !checkpoints.ok()) {
      state.SkipWithError("cannot open");
      return;
    }
    app::CommandService service(*store.value(), checkpoints.value().get());
    if (!service.LoadAll().ok() || !service.SaveCheckpoints().ok()) {
      state.SkipWithError("cannot checkpoint");
      return;
    }
  }
  size_t platforms = 0;
  uint64_t folded = 0;
  for (auto _ : state) {
    auto store = eventstore::EventStore::Open(LogDir(BenchDir()), eventstore::Options());
    auto checkpoints = app::CheckpointStore::Open(CheckpointDir(BenchDir()));
    app::CommandService service(*store.value(), checkpoints.value().get());
    auto report = service.LoadAll();
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      return;
    }
    platforms = report->platforms;
    folded = report->events_folded;
  }
  state.counters["platforms"] = static_cast<double>(platforms);
  state.counters["events_folded_after_checkpoints"] = static_cast<double>(folded);
  state.counters["log_events"] = kLogEvents;
}

}  // namespace

void RegisterDomainBenchmarks(const std::string& dir) {
  BenchDir() = dir;
  benchmark::RegisterBenchmark("domain/rebuild_all_views", BM_RebuildAllViews)
      ->ArgName("load_threads")
      ->Arg(1)
      ->Arg(0)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(2);
  benchmark::RegisterBenchmark("domain/clash_check_vs_100k", BM_ClashCheck)->Iterations(20'000);
  benchmark::RegisterBenchmark("domain/startup_from_checkpoints", BM_StartupFromCheckpoints)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);
}

}  // namespace rotonde::bench
