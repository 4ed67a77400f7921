// What every `rotonde` verb shares: the verbs' entry points, exit codes, flag parsing, opening
// the store and printing errors. Each verb lives in its own file (verify.cc, export.cc, ...);
// main.cc only dispatches.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options.hpp>

#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/personal_data.h"
#include "rotonde/v1/domain.pb.h"
#include "sealed_events.h"

namespace rocksdb {
class DB;
}

namespace rotonde::cli {

// Process exit codes, the same for every verb and documented in every --help.
enum ExitCode : int {
  kExitOk = 0,
  kExitDamage = 1,  // the data failed a check: verify found damage, import refused a record
  kExitUsage = 2,   // usage or environment error: bad verb or flag, store cannot be opened
};

// The "exit codes" paragraph that ends every --help.
extern const char kExitCodesHelp[];

// A verb's entry point. argv[0] is the verb's name, the rest its flags; returns an ExitCode.
int RunVerify(int argc, char** argv);
int RunExport(int argc, char** argv);
int RunImport(int argc, char** argv);
int RunSample(int argc, char** argv);
int RunView(int argc, char** argv);
int RunDemo(int argc, char** argv);
int RunServe(int argc, char** argv);
int RunAdmin(int argc, char** argv);
// `rotonde admin add-cluster`, `move-platform` and `unfreeze-platform` (placement.cc);
// argv[0] is the task's name.
int RunAddCluster(int argc, char** argv);
int RunMovePlatform(int argc, char** argv);
int RunUnfreezePlatform(int argc, char** argv);
int RunMigrate(int argc, char** argv);
int RunBackup(int argc, char** argv);
int RunRestore(int argc, char** argv);

// Where a running server leaves the way in for `rotonde admin` (inside its data directory).
inline constexpr const char* kOperatorTokenFile = "operator-token";
inline constexpr const char* kServeUrlFile = "serve-url";
// The server's signing key when no --signing-key names one (SigningKey, mode 0600), and the
// notes it signed (a database), both inside the data directory.
inline constexpr const char* kSigningKeyFile = "signing-key";
inline constexpr const char* kNotesDir = "notes";

// A data directory's databases, open, and its files: what a backup takes (backup.cc).
struct DataDirectory {
  std::string dir;
  eventstore::EventStore* store = nullptr;
  rocksdb::DB* auth = nullptr;           // DIR/auth; null: none
  rocksdb::DB* notes = nullptr;          // DIR/notes; null: none
  rocksdb::DB* checkpoints = nullptr;    // DIR/checkpoints; null: none
  rocksdb::DB* notifications = nullptr;  // DIR/notifications; null: none
  rocksdb::DB* keys = nullptr;           // DIR/keys; null: none
  std::string signing_key;               // the key file; "" or missing: none
};

// Backs `data` up into the backup directory `backups` (made if missing; incremental), while
// the databases are open and written. Returns the backup's manifest as JSON. Errors carry a
// stable code: backup_in_progress, io_error, ...
Result<std::string> TakeBackup(const DataDirectory& data, const std::string& backups);

// Prints "rotonde: <message>" as exactly one line on stderr (newlines in `message`, e.g. from
// RocksDB, become spaces, so scripts can rely on one line per error).
void PrintError(std::string_view message);

// Parses a verb's command line against `flags` (to which it adds --help/-h). `usage` is the
// text printed above the flag list. Returns the exit code when the verb must stop now:
// kExitOk after printing help to stdout, kExitUsage after printing the error and the usage to
// stderr. Returns nullopt when `vm` holds valid, notified flags.
std::optional<int> ParseFlags(int argc, char** argv, std::string_view usage,
                              boost::program_options::options_description& flags,
                              boost::program_options::variables_map* vm);

// "admin", "coordinator", "auditor", "member" ("-" for none): for people reading a terminal.
const char* RoleName(v1::Role role);

// Opens the store in `dir`. A missing `dir`, or one that is not a directory, is refused before
// RocksDB sees it (unless options.create_if_missing), so the error reads as one clear line.
Result<std::unique_ptr<eventstore::EventStore>> OpenStore(const std::string& dir,
                                                          const eventstore::Options& options);

// Prints "rotonde: cannot open store at DIR: <why>" and returns the exit code for it:
// kExitDamage if the store is damaged, kExitUsage otherwise.
int ReportOpenFailure(const std::string& dir, const Status& status);

// The keys of a tool that reads DIR's log (export, view): DIR/keys opened read-only when
// there is one, so personal fields read as the server shows them; else none, and they read
// as erased.
struct KeysForReading {
  std::unique_ptr<privacy::PersonKeys> keys;
  std::unique_ptr<privacy::SealedEvents> sealed;
  const projections::EventOpener& opener() const {
    return sealed ? static_cast<const projections::EventOpener&>(*sealed)
                  : projections::KeylessOpener();
  }
};
KeysForReading OpenKeysForReading(const std::string& dir);

}  // namespace rotonde::cli
