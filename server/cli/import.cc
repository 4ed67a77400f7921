// `rotonde import --data DIR < export.ndjson`: rebuilds a store from `rotonde export` output,
// keeping every field, so the copy verifies and exports byte-identically.
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "cli.h"
#include "rotonde/base/hex.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde import --data DIR < export.ndjson\n\n"
    "Reads `rotonde export` output (one JSON EventRecord per line) from stdin into the store\n"
    "in DIR, which must be empty; DIR is created if missing. The store re-checks every record\n"
    "(position, hash chain, stream version, unique id). Records are written in chunks: if a\n"
    "line is refused, the error names it and every line before it stays imported, so DIR\n"
    "holds a valid prefix of the log; remove DIR before importing again.\n";

// Records per EventStore::Import call, and a byte bound (half the per-append limit) so one
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
  explicit ChunkImporter(eventstore::EventStore& store) : store_(store) {}

  // Queues `record` from input line `line`; imports the chunk when full.
  Status Add(eventstore::EventRecord record, uint64_t line, uint64_t* bad_line) {
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
    Status status = store_.Import(records_, &failed);
    if (status.ok()) {
      imported_ += count;
    } else if (failed < count) {
      *bad_line = lines_[failed];
      std::vector<eventstore::EventRecord> before(records_.begin(), records_.begin() + failed);
      if (Status prefix = store_.Import(std::move(before)); prefix.ok()) {
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
  eventstore::EventStore& store_;
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
  if (const uint64_t head = (*store)->Head().position; head != 0) {
    PrintError("import: the store at " + dir + " is not empty (head position " +
               std::to_string(head) + "); import only into an empty store");
    return kExitUsage;
  }

  ChunkImporter importer(**store);
  google::protobuf::util::JsonParseOptions json;  // strict: unknown fields are refused
  std::ios::sync_with_stdio(false);               // buffered stdin; this verb uses no stdio
  std::string text;
  uint64_t line = 0;
  uint64_t bad_line = 0;
  while (std::getline(std::cin, text)) {
    ++line;
    eventstore::EventRecord record;
    Status parsed;
    // getline yields no empty line for the final newline, so an empty one is a real blank.
    if (text.empty()) {
      parsed = Status::InvalidArgument("blank line");
    } else if (auto s = google::protobuf::util::JsonStringToMessage(text, &record, json); !s.ok()) {
      parsed = Status::InvalidArgument("not a JSON EventRecord: " + std::string(s.message()));
    }
    if (!parsed.ok()) {
      // Import the lines before it first, so every failure leaves "all lines before it".
      if (Status s = importer.Flush(&bad_line); !s.ok()) {
        return ReportRefusal(bad_line, s, importer.imported());
      }
      return ReportRefusal(line, parsed, importer.imported());
    }
    if (Status s = importer.Add(std::move(record), line, &bad_line); !s.ok()) {
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
  const eventstore::HeadInfo head = (*store)->Head();
  std::cout << "imported " << importer.imported() << " events\n"
            << "head position: " << head.position << '\n'
            << "head hash: " << HexOf(head.hash) << '\n';
  return kExitOk;
}

}  // namespace rotonde::cli
