// `rotonde sample --data DIR [--events N] [--writers W]`: writes a synthetic log into a new
// store, through the same concurrent, durable appends the server uses, to try a store, a disk
// or the other verbs on real data. Neighbourhood demo data is `rotonde demo`'s job.
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "cli.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde sample --data DIR [--events N] [--writers W]\n\n"
    "Creates a store in DIR (which must hold no events) and appends N synthetic events from W\n"
    "concurrent writers to streams in three partitions, each append durable before the next.\n"
    "Prints the head and the append rate.\n";

}  // namespace

int RunSample(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir;
  uint64_t events = 10'000;
  int writers = 8;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory (created if missing)")(
      "events", po::value(&events)->value_name("N"), "how many events (default 10000)")(
      "writers", po::value(&writers)->value_name("W"), "concurrent writers (default 8)");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;
  if (writers < 1 || writers > 1024) {
    PrintError("sample: --writers must be between 1 and 1024");
    return kExitUsage;
  }
  eventstore::Options options;
  auto store = OpenStore(dir, options);
  if (!store.ok()) return ReportOpenFailure(dir, store.status());
  if (!(*store)->Platforms().empty()) {
    PrintError("sample: the store at " + dir + " is not empty; use a new directory");
    return kExitUsage;
  }

  const char* platforms[] = {"kolenkit", "bosenlommer", "gaasperdam"};
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      for (uint64_t i = next++; i < events && !failed; i = next++) {
        const std::string stream =
            std::string(platforms[i % 3]) + "/sample/" + std::to_string(i % 50);
        auto result = (*store)->Append(
            stream, eventstore::ExpectedVersion::Any(),
            {eventstore::NewEvent{"sample-" + std::to_string(i), "rotonde.sample.Noted",
                                  "sample event " + std::to_string(i), "sample-writer", ""}});
        if (!result.ok()) {
          PrintError("sample: " + result.status.ToString());
          failed = true;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (failed) return kExitUsage;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "appended " << events << " events with " << writers << " writers in " << seconds
            << " s (" << static_cast<uint64_t>(static_cast<double>(events) / seconds)
            << " durable appends/s)\n";
  for (const std::string& platform : (*store)->Platforms()) {
    const eventstore::HeadInfo head = (*store)->Head(platform);
    std::cout << "platform " << platform << ": head position " << head.position << ", head hash "
              << HexOf(head.hash) << '\n';
  }
  return kExitOk;
}

}  // namespace rotonde::cli
