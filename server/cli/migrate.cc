// `rotonde migrate --from OLD --to NEW`: rewrites a data directory of the format before each
// platform had a log of its own into a new one, leaving OLD untouched.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>

#include "auth_store.h"
#include "cli.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/eventstore/one_log_migration.h"

namespace rotonde::cli {

namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: rotonde migrate --from OLD --to NEW\n\n"
    "Rewrites the data directory OLD, whose store keeps one log and one hash chain for all\n"
    "platforms (format rotonde-eventstore-1), into the new directory NEW, where each platform\n"
    "has a log of its own. Stop the server on OLD first. The whole old chain is verified\n"
    "before anything is written; a damaged store is not migrated. Each event keeps its id,\n"
    "stream, version, time, actor and payload and gets a position and hash in its platform's\n"
    "log. Accounts, sessions and invites (OLD/auth) are copied; the read models' checkpoints\n"
    "are rebuilt at the first start. OLD is left exactly as it was, and NEW/migrated-from\n"
    "records the old head, so the two histories can be tied together later. Serve NEW.\n";

// What NEW/migrated-from says: where the events came from and the old chain's head.
constexpr char kProvenanceFile[] = "migrated-from";

// NEW must be new: missing, or an empty directory.
bool IsUnusedTarget(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return !ec;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

Status CopyAuth(const std::string& from, const std::string& to) {
  std::error_code ec;
  const fs::path source = fs::path(from) / "auth";
  if (!fs::exists(source, ec)) return Status::Ok();  // a store that never served
  fs::copy(source, fs::path(to) / "auth", fs::copy_options::recursive, ec);
  if (ec) return Status::IOError("cannot copy " + source.string() + ": " + ec.message());
  // Open the copy once: what the server will open must be a sound database.
  auto copy = auth::AuthStore::Open((fs::path(to) / "auth").string());
  return copy.ok() ? Status::Ok() : copy.status();
}

Status WriteProvenance(const std::string& from, const std::string& to,
                       const eventstore::OneLogMigration& report) {
  const fs::path path = fs::path(to) / kProvenanceFile;
  std::ofstream out(path);
  out << "from: " << fs::absolute(from).string() << '\n'
      << "format: rotonde-eventstore-1\n"
      << "events: " << report.events << '\n'
      << "head position: " << report.old_head.position << '\n'
      << "head hash: " << HexOf(report.old_head.hash) << '\n';
  for (const auto& [platform, head] : report.platforms) {
    out << "platform " << platform << ": head position " << head.position << ", head hash "
        << HexOf(head.hash) << '\n';
  }
  out.flush();
  return out ? Status::Ok() : Status::IOError("cannot write " + path.string());
}

}  // namespace

int RunMigrate(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string from, to;
  po::options_description flags("flags");
  flags.add_options()("from", po::value(&from)->required()->value_name("OLD"),
                      "the data directory to migrate (read, never written)")(
      "to", po::value(&to)->required()->value_name("NEW"),
      "the new data directory (must not exist, or be empty)");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;
  std::error_code ec;
  if (fs::exists(from, ec) && fs::exists(to, ec) && fs::equivalent(from, to, ec)) {
    PrintError("migrate: --from and --to are the same directory; NEW must be a new one");
    return kExitUsage;
  }
  if (!IsUnusedTarget(to)) {
    PrintError("migrate: " + to + " exists and is not empty; give a new directory");
    return kExitUsage;
  }

  const auto started = std::chrono::steady_clock::now();
  const bool created = !fs::exists(to, ec);
  auto fail = [&](const std::string& message, int exit_code) {
    PrintError("migrate: " + message + " (nothing migrated; " + from + " is unchanged)");
    // Leave NEW as it was found: gone if it was made here, empty if it was given (a mount
    // point stays).
    if (created) {
      fs::remove_all(to, ec);
    } else {
      for (const fs::directory_entry& entry : fs::directory_iterator(to, ec)) {
        fs::remove_all(entry.path(), ec);
      }
    }
    return exit_code;
  };
  fs::create_directories(to, ec);
  if (ec) return fail("cannot create " + to + ": " + ec.message(), kExitUsage);
  // The new store is closed again before anything else reads or removes its directory.
  Result<eventstore::OneLogMigration> report = [&]() -> Result<eventstore::OneLogMigration> {
    auto store = OpenStore(to, eventstore::Options{});
    if (!store.ok()) return store.status();
    return eventstore::MigrateOneLogStore(from, **store);
  }();
  if (!report.ok()) {
    const bool damaged = report.status().code() == codes::kCorruption;
    return fail((damaged ? "the old log is damaged at " : "") + report.status().ToString(),
                damaged ? kExitDamage : kExitUsage);
  }
  if (Status s = CopyAuth(from, to); !s.ok()) return fail(s.ToString(), kExitUsage);
  if (Status s = WriteProvenance(from, to, *report); !s.ok()) {
    return fail(s.ToString(), kExitUsage);
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "migrated " << report->events << " events in " << seconds << " s\n"
            << "old log: head position " << report->old_head.position << ", head hash "
            << HexOf(report->old_head.hash) << '\n';
  for (const auto& [platform, head] : report->platforms) {
    std::cout << "platform " << platform << ": head position " << head.position << ", head hash "
              << HexOf(head.hash) << '\n';
  }
  std::cout << "serve " << to << " from now on; `rotonde verify --data " << to << "` checks it\n";
  return kExitOk;
}

}  // namespace rotonde::cli
