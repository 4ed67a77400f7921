// `rotonde import --data DIR < export.ndjson`: loads platforms' logs from `rotonde export`
// output into a store that may hold other platforms, keeping every byte the chain covers, so
// the copy verifies and exports byte-identically.
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli.h"
#include "event_json.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde import --data DIR < export.ndjson\n\n"
    "Reads `rotonde export` output (one event per line, with its body and hashes) from stdin\n"
    "into the store in DIR, created if missing. Each platform of the input must be new to\n"
    "DIR (other platforms may be there). The store re-checks every event (position, hash\n"
    "chain, stream version, unique id). Events are written in chunks: if a line is refused,\n"
    "the error names it and every line before it stays imported, so each platform holds a\n"
    "valid prefix of its log.\n";

// Records per EventLog::Import call, and a byte bound (half the per-append limit) so one
// chunk of large events never becomes a huge WriteBatch.
constexpr size_t kChunkEvents = 1000;
constexpr size_t kChunkBytes = eventstore::kMaxAppendBytes / 2;

// Refusals caused by the input's content are "the data failed a check"; the rest (disk,
// closed store) are environment errors.
int ExitCodeFor(const Status& status) {
  const std::string_view code = status.code();
  const bool environment =
      code == codes::kIOError || code == codes::kClosed || code == codes::kTimeout;
  return environment ? kExitUsage : kExitDamage;
}

// Gathers parsed records into chunks and imports them, remembering each record's input line
// so that a refusal can name it.
class ChunkImporter {
 public:
  explicit ChunkImporter(eventstore::EventLog& store) : store_(store) {}

  // Queues `record` of `platform` from input line `line`; imports the chunk when full or when
  // the platform changes.
  Status Add(const std::string& platform, eventstore::EventRecord record, uint64_t line,
             uint64_t* bad_line) {
    if (platform != platform_) {
      if (Status s = Flush(bad_line); !s.ok()) return s;
      platform_ = platform;
    }
    bytes_ += record.ByteSizeLong();
    records_.push_back(std::move(record));
    lines_.push_back(line);
    if (records_.size() < kChunkEvents && bytes_ < kChunkBytes) return Status::Ok();
    return Flush(bad_line);
  }

  // Imports what is queued. A refused chunk writes nothing, so the records before the one
  // that failed are imported on their own: every failure leaves "all lines before it".
  Status Flush(uint64_t* bad_line) {
    if (records_.empty()) return Status::Ok();
    const size_t count = records_.size();
    size_t failed = count;
    Status status = store_.Import(platform_, records_, &failed);
    if (status.ok()) {
      imported_ += count;
    } else if (failed < count) {
      *bad_line = lines_[failed];
      std::vector<eventstore::EventRecord> before(records_.begin(), records_.begin() + failed);
      if (Status prefix = store_.Import(platform_, std::move(before)); prefix.ok()) {
        imported_ += failed;
      } else {
        status = prefix;
        *bad_line = lines_[0];
      }
    } else {
      *bad_line = lines_[0];
    }
    records_.clear();
    lines_.clear();
    bytes_ = 0;
    return status;
  }

  uint64_t imported() const { return imported_; }

 private:
  eventstore::EventLog& store_;
  std::string platform_;  // of the queued records
  std::vector<eventstore::EventRecord> records_;
  std::vector<uint64_t> lines_;
  size_t bytes_ = 0;
  uint64_t imported_ = 0;
};

// Reports the refused input line and how much of the input is in the store now.
int ReportRefusal(uint64_t line, const Status& status, uint64_t imported) {
  PrintError("import: line " + std::to_string(line) + ": " + status.ToString() + " (the " +
             std::to_string(imported) + " events before it were imported)");
  return ExitCodeFor(status);
}

}  // namespace

int RunImport(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory (created if missing; must hold no events)");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;

  // RocksDB creates only the last path component; create the parents too.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    PrintError("cannot open store at " + dir + ": " + ec.message());
    return kExitUsage;
  }
  auto store = OpenStore(dir, eventstore::Options{});
  if (!store.ok()) return ReportOpenFailure(dir, store.status());

  ChunkImporter importer(**store);
  std::set<std::string> platforms;   // of the input, in the order met
  std::ios::sync_with_stdio(false);  // buffered stdin; this verb uses no stdio
  std::string text;
  uint64_t line = 0;
  uint64_t bad_line = 0;
  while (std::getline(std::cin, text)) {
    ++line;
    eventstore::EventRecord record;
    std::string platform;
    Status parsed;
    // getline yields no empty line for the final newline, so an empty one is a real blank.
    if (text.empty()) {
      parsed = Status::InvalidArgument("blank line");
    } else {
      parsed = wire::ParseExportLine(text, &platform, &record);
    }
    // A platform is imported whole into a store that does not have it: never mixed into one.
    // That is the target's problem, not the input's: exit 2 like any unusable target.
    bool platform_exists = false;
    if (parsed.ok() && platforms.insert(platform).second &&
        (*store)->Head(platform).position != 0) {
      parsed = Status::InvalidArgument("platform " + platform + " exists in " + dir +
                                       " already; import it into a store without it");
      platform_exists = true;
    }
    if (!parsed.ok()) {
      // Import the lines before it first, so every failure leaves "all lines before it".
      if (Status s = importer.Flush(&bad_line); !s.ok()) {
        return ReportRefusal(bad_line, s, importer.imported());
      }
      const int exit_code = ReportRefusal(line, parsed, importer.imported());
      return platform_exists ? kExitUsage : exit_code;
    }
    if (Status s = importer.Add(platform, std::move(record), line, &bad_line); !s.ok()) {
      return ReportRefusal(bad_line, s, importer.imported());
    }
  }
  if (std::cin.bad()) {
    PrintError("import: reading stdin failed after line " + std::to_string(line));
    return kExitUsage;
  }
  if (Status s = importer.Flush(&bad_line); !s.ok()) {
    return ReportRefusal(bad_line, s, importer.imported());
  }
  std::cout << "imported " << importer.imported() << " events\n";
  for (const std::string& platform : platforms) {
    const eventstore::HeadInfo head = (*store)->Head(platform);
    std::cout << "platform " << platform << ": head position " << head.position << ", head hash "
              << HexOf(head.hash) << '\n';
  }
  return kExitOk;
}

}  // namespace rotonde::cli
