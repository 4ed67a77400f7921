// `rotonde verify --data DIR [--platform P]`: walks platforms' logs and reports the first
// broken link of each, if any.
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde verify --data DIR [--platform P]\n\n"
    "Opens the store in DIR read-only (safe next to a running server) and checks every event\n"
    "of platform P (default: of every platform, and then the store's shared indexes): its\n"
    "position follows the one before, its hash recomputes and links to the previous one (the\n"
    "first to the platform's genesis hash), stream versions are gap-free, and the id and\n"
    "stream indexes hold exactly one entry per event. Prints each platform's event count and\n"
    "head; on damage, names the platform and the first bad position and exits 1.\n";

}  // namespace

int RunVerify(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir, platform;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory")("platform", po::value(&platform)->value_name("P"),
                                               "verify only this platform's log");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;

  eventstore::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  // Open() would refuse a damaged tail with a bare kCorruption; Verify() checks every link
  // anyway and names the position, so skip the tail check here.
  options.tail_check_events = 0;
  auto store = OpenStore(dir, options);
  if (!store.ok()) return ReportOpenFailure(dir, store.status());

  if (!platform.empty() && (*store)->Head(platform).position == 0) {
    PrintError("verify: " + dir + " holds no platform " + platform);
    return kExitUsage;
  }
  const std::vector<eventstore::VerifyReport> reports =
      platform.empty() ? (*store)->VerifyAll()
                       : std::vector<eventstore::VerifyReport>{(*store)->Verify(platform)};
  uint64_t events = 0;
  for (const eventstore::VerifyReport& report : reports) {
    const std::string what = report.platform.empty() ? "the shared indexes" : report.platform;
    if (!report.status.ok()) {
      PrintError("verify: could not read all of " + what + ": " + report.status.ToString());
      return kExitUsage;
    }
    if (!report.ok()) {
      std::cout << "damaged: " << what << ", first bad position " << *report.first_bad_position
                << '\n';
      PrintError("verify: damage in " + what + " at position " +
                 std::to_string(*report.first_bad_position) + ": " + report.problem);
      return kExitDamage;
    }
    if (report.platform.empty()) continue;
    events += report.events;
    std::cout << "platform " << report.platform << ": " << report.events
              << " events verified, head hash " << HexOf(report.head.hash) << '\n';
  }
  std::cout << "ok: " << events << " events verified\n";
  return kExitOk;
}

}  // namespace rotonde::cli
