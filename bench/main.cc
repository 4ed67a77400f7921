// rotonde-bench: Rotonde's figures, measured with Google Benchmark. Figures, not assertions:
// see README.md for the floors and the last measured values.
//
// The raw-disk baseline runs after the append benchmarks, at the batch sizes the group
// commit achieved there, so the two compare like for like.
// Flags: Google Benchmark's own (--benchmark_filter=..., --benchmark_format=json, ...), and
// --dir=PATH for the data (default: a fresh directory under $TMPDIR, removed at the end), and
// --pg=URL to add the PostgreSQL backend's appends to a database there (bench/pg_append.sh).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "domain_bench.h"
#include "eventstore_bench.h"

int main(int argc, char** argv) {
  std::string dir, pg_url;
  bool own_dir = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string* value = arg.rfind("--dir=", 0) == 0  ? &dir
                         : arg.rfind("--pg=", 0) == 0 ? &pg_url
                                                      : nullptr;
    if (value != nullptr) {
      *value = arg.substr(arg.find('=') + 1);
      for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
      --argc;
      --i;
    }
  }
  if (dir.empty()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "rotonde-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 2;
    }
    dir = pattern;
    own_dir = true;
  }
  std::filesystem::create_directories(dir);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  rotonde::bench::RegisterEventStoreBenchmarks(dir);
  if (!pg_url.empty()) rotonde::bench::RegisterPgBenchmarks(pg_url);
  rotonde::bench::RegisterDomainBenchmarks(dir);
  benchmark::RunSpecifiedBenchmarks();
  rotonde::bench::CloseEventStoreBenchmarks();
  benchmark::Shutdown();
  if (own_dir) std::filesystem::remove_all(dir);
  return 0;
}
