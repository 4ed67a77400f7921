// `rotonde export --data DIR [--from P]`: the log as NDJSON on stdout, one EventRecord per
// line in protobuf's canonical JSON mapping, the format `rotonde import` reads back.
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "cli.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde export --data DIR [--from P]\n\n"
    "Writes the events after position P (default 0: all) of the store in DIR to stdout, one\n"
    "JSON EventRecord per line (protobuf JSON mapping, lowerCamelCase names, every field\n"
    "printed). Opens the store read-only, so it is safe next to a running server.\n";

// Events read per ReadAll call: memory stays flat however long the log is.
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

}  // namespace

int RunExport(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir;
  std::string from_text;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory")(
      "from", po::value(&from_text)->default_value("0")->value_name("P"),
      "export only the events after position P");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;
  const std::optional<uint64_t> from = ParsePosition(from_text);
  if (!from) {
    PrintError("--from: '" + from_text + "' is not a position (a whole number, 0 or more)");
    return kExitUsage;
  }

  eventstore::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  auto store = OpenStore(dir, options);
  if (!store.ok()) return ReportOpenFailure(dir, store.status());

  // One large stdout buffer instead of a write per line; set before the first output.
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
  google::protobuf::util::JsonPrintOptions json;
  json.always_print_primitive_fields = true;
  std::vector<eventstore::EventRecord> page;
  std::string line;
  uint64_t after = *from;
  for (;;) {
    page.clear();
    if (Status s = (*store)->ReadAll(after, kPageEvents, &page); !s.ok()) {
      PrintError("export: reading after position " + std::to_string(after) + ": " + s.ToString());
      return s.code() == codes::kCorruption ? kExitDamage : kExitUsage;
    }
    if (page.empty()) break;
    for (const eventstore::EventRecord& record : page) {
      line.clear();
      if (auto s = google::protobuf::util::MessageToJsonString(record, &line, json); !s.ok()) {
        PrintError("export: position " + std::to_string(record.position()) + ": " + s.ToString());
        return kExitDamage;
      }
      if (!WriteLine(&line)) {
        PrintError(std::string("export: writing to stdout: ") + std::strerror(errno));
        return kExitUsage;
      }
    }
    // A page that does not move forward would loop forever; the log's order is broken.
    if (page.back().position() <= after) {
      PrintError("export: ReadAll after position " + std::to_string(after) + " returned position " +
                 std::to_string(page.back().position()));
      return kExitDamage;
    }
    after = page.back().position();
  }
  if (std::fflush(stdout) != 0) {
    PrintError(std::string("export: writing to stdout: ") + std::strerror(errno));
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace rotonde::cli
