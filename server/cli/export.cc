// `rotonde export --data DIR [--platform P [--from N]]`: platforms' logs as NDJSON on stdout,
// one event per line with its body and hashes (docs/verification.md), the format `rotonde
// import` reads back and a verifier checks without the server.
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "event_json.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde export --data DIR [--platform P [--from N]]\n\n"
    "Writes the events of platform P (default: every platform, in name order) of the store in\n"
    "DIR to stdout, one JSON object per line in each platform's log order: the event as the\n"
    "API's event feed shows it, with its platform, its body (base64) and its hashes (hex), so\n"
    "that a verifier can recompute the chain (docs/verification.md). --from N starts after\n"
    "position N of P. Opens the store read-only, so it is safe next to a running server.\n";

// Events read per Read call: memory stays flat however long the log is.
constexpr size_t kPageEvents = 4096;

// Parses a whole decimal uint64; Boost's own conversion would wrap "-1" to 2^64-1.
std::optional<uint64_t> ParsePosition(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Writes one line to stdout; false (with errno set) if the write failed.
bool WriteLine(std::string* line) {
  line->push_back('\n');
  return std::fwrite(line->data(), 1, line->size(), stdout) == line->size();
}

// Writes `platform`'s events after `after`; an exit code on failure.
std::optional<int> ExportPlatform(eventstore::EventLog& store, const std::string& platform,
                                  uint64_t after, const projections::EventOpener& opener) {
  std::vector<eventstore::EventRecord> page;
  std::string line;
  for (;;) {
    if (Status s = store.Read(platform, after, kPageEvents, &page); !s.ok()) {
      PrintError("export: reading " + platform + " after position " + std::to_string(after) + ": " +
                 s.ToString());
      return s.code() == codes::kCorruption ? kExitDamage : kExitUsage;
    }
    if (page.empty()) return std::nullopt;
    for (const eventstore::EventRecord& record : page) {
      line = wire::EventJson(record, opener, eventstore::EventBody(record));
      if (!WriteLine(&line)) {
        PrintError(std::string("export: writing to stdout: ") + std::strerror(errno));
        return kExitUsage;
      }
    }
    after = page.back().position();
  }
}

}  // namespace

int RunExport(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir, platform;
  std::string from_text;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory")("platform", po::value(&platform)->value_name("P"),
                                               "export only this platform's log")(
      "from", po::value(&from_text)->default_value("0")->value_name("N"),
      "with --platform: only the events after position N");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;
  const std::optional<uint64_t> from = ParsePosition(from_text);
  if (!from) {
    PrintError("--from: '" + from_text + "' is not a position (a whole number, 0 or more)");
    return kExitUsage;
  }
  if (*from != 0 && platform.empty()) {
    PrintError("--from: positions are a platform's own; give --platform too");
    return kExitUsage;
  }

  eventstore::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  auto store = OpenStore(dir, options);
  if (!store.ok()) return ReportOpenFailure(dir, store.status());
  const KeysForReading keys = OpenKeysForReading(dir);
  std::vector<std::string> platforms = (*store)->Platforms();
  if (!platform.empty()) {
    const uint64_t head = (*store)->Head(platform).position;
    if (head == 0) {
      PrintError("export: " + dir + " holds no platform " + platform);
      return kExitUsage;
    }
    if (head < *from) {
      PrintError("--from: " + platform + " has " + std::to_string(head) + " events, not " +
                 std::to_string(*from));
      return kExitUsage;
    }
    platforms = {platform};
  }

  // One large stdout buffer instead of a write per line; set before the first output.
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
  for (const std::string& name : platforms) {
    if (auto exit_code = ExportPlatform(**store, name, *from, keys.opener())) return *exit_code;
  }
  if (std::fflush(stdout) != 0) {
    PrintError(std::string("export: writing to stdout: ") + std::strerror(errno));
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace rotonde::cli
