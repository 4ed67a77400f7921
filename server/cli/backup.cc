// `rotonde backup --data DIR --to BACKUPS` and `rotonde restore --from BACKUPS --to NEW`:
// online, incremental backups of a whole data directory, and their restore.
//
// What a data directory holds, and what a backup takes of it:
//   DIR                the event store: every platform's log           RocksDB, backed up
//   DIR/auth           accounts, sessions, feed keys, invite links     RocksDB, backed up
//   DIR/notes          every checkpoint the server signed              RocksDB, backed up
//   DIR/checkpoints    the read models' checkpoints (a cache)          RocksDB, backed up
//   DIR/notifications  read marks, mail settings, the mail outbox      RocksDB, backed up
//   DIR/keys           the per-person keys of personal data            RocksDB, backed up
//   DIR/signing-key    the server's Ed25519 key (or --signing-key)     copied
//   DIR/migrated-from  the old head, after `rotonde migrate`           copied
//   DIR/operator-token, DIR/serve-url: the running server's way in    left out
//
// Each database goes into a BackupEngine directory of its own under BACKUPS (log, auth, notes,
// checkpoints), which shares the table files between backups: a backup copies what was
// written since the one before. BACKUPS/backup-<n>/ holds the copied files and manifest.json
// (the databases' backup ids and each platform's head when the backup began), written last:
// a backup without one is unfinished and never restored.
//
// While `rotonde serve` runs on DIR it holds the databases, so the backup is taken by that
// server (POST /api/v1/admin/backup with the operator token it left in DIR), on the handles it
// has open; RocksDB's BackupEngine copies a live database consistently. Without a server the
// databases are opened here.
//
// Order: the notes and the read models' checkpoints first, then the log, then the accounts.
// A note signed or a checkpoint saved during the backup is then missing from it, never one of
// a head the backed-up log lacks (a note there would stop the restored server from signing;
// a checkpoint there would be a model ahead of its log). An account is made before its
// joining event, so every account the backed-up log names is in the backed-up accounts; a
// person's key is made before the first event sealed under it, so the same holds for keys
// (and a key destroyed during the backup is missing from it, as an erasure asks).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "api_json.h"
#include "auth_store.h"
#include "checkpoints.h"
#include "cli.h"
#include "notification_store.h"
#include "person_keys.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/backup.h"
#include "rotonde/eventstore/event_store.h"
#include "signed_checkpoints.h"
#include "signing_key.h"

namespace rotonde::cli {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr char kBackupUsage[] =
    "usage: rotonde backup --data DIR --to BACKUPS [--signing-key FILE]\n\n"
    "Backs up the data directory DIR into the backup directory BACKUPS (made if missing):\n"
    "the event store, the accounts (DIR/auth), the signed checkpoints (DIR/notes), the read\n"
    "models' checkpoints and the signing key. Works while `rotonde serve --data DIR` runs\n"
    "(the server takes the backup; nothing stops) and without it. Each backup into the same\n"
    "BACKUPS is incremental: it copies only the files written since the one before, and every\n"
    "backup stays restorable (`rotonde restore`). The backup holds every event acknowledged\n"
    "before it began. Prints the backup's number and each platform's head.\n";

constexpr char kRestoreUsage[] =
    "usage: rotonde restore --from BACKUPS --to NEW [--backup N]\n\n"
    "Restores backup N (default: the newest) of the backup directory BACKUPS into NEW, which\n"
    "must not exist or be empty: the event store, the accounts, the signed checkpoints, the\n"
    "read models' checkpoints and the signing key. Checks every file against its checksum,\n"
    "then verifies every platform's log as `rotonde verify` does and that it holds the head\n"
    "the backup recorded. Serve NEW with `rotonde serve --data NEW`.\n";

constexpr char kManifestFile[] = "manifest.json";
constexpr char kFormat[] = "rotonde-backup-1";
constexpr char kProvenanceFile[] = "migrated-from";
// The databases of a data directory: a BackupEngine directory each, under BACKUPS.
constexpr const char* kLog = "log";
constexpr const char* kAuth = "auth";
constexpr const char* kNotes = "notes";
constexpr const char* kCheckpoints = "checkpoints";
constexpr const char* kNotifications = "notifications";
constexpr const char* kKeys = "keys";

// A one-line error with a stable code: "<code>: <message>".
Status Fail(std::string_view code, const std::string& message) {
  return Status(std::string(code), message);
}

bool IsUnusedTarget(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return !ec;
  return fs::is_directory(dir, ec) && fs::is_empty(dir, ec);
}

std::string BackupName(uint64_t number) { return "backup-" + std::to_string(number); }

// The numbers of the finished backups in `backups` (those with a manifest), ascending.
std::vector<uint64_t> FinishedBackups(const std::string& backups) {
  std::vector<uint64_t> numbers;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(backups, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("backup-", 0) != 0) continue;
    const std::string digits = name.substr(7);
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    if (!fs::exists(entry.path() / kManifestFile, ec)) continue;
    numbers.push_back(std::stoull(digits));
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

Status CopyFile(const fs::path& from, const fs::path& to, bool secret) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IOError("cannot copy " + from.string() + ": " + ec.message());
  if (secret) ::chmod(to.c_str(), S_IRUSR | S_IWUSR);
  return Status::Ok();
}

// Writes `text` to `path` durably: a temporary file, fsynced, renamed over it.
Status WriteDurably(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write " + temporary.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  std::error_code ec;
  if (written && synced) fs::rename(temporary, path, ec);
  if (!written || !synced || ec) return Status::IOError("cannot write " + path.string());
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

// One backup at a time into a directory, also across processes: an flock on BACKUPS/lock.
class BackupLock {
 public:
  explicit BackupLock(const std::string& backups) {
    fd_ = ::open((backups + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    locked_ = fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
  }
  ~BackupLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  bool locked() const { return locked_; }

 private:
  int fd_ = -1;
  bool locked_ = false;
};

std::string IsoNow() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return net::IsoTime(static_cast<int64_t>(now));
}

// "platform P: head position N, head hash H" for each head of a manifest.
void PrintHeads(const json::object& manifest) {
  for (const auto& [platform, head] : manifest.at("heads").as_object()) {
    std::cout << "platform " << std::string(platform.data(), platform.size()) << ": head position "
              << head.at("position").to_number<uint64_t>() << ", head hash "
              << std::string(head.at("hash").as_string()) << '\n';
  }
}

// POSTs {"to": backups} to the server running on `dir`; its manifest, or why not.
Result<std::string> BackupThroughServer(const std::string& dir, const std::string& backups) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  auto first_line = [](const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
  };
  const std::string url = first_line(dir + "/" + kServeUrlFile);
  const std::string token = first_line(dir + "/" + kOperatorTokenFile);
  constexpr std::string_view kScheme = "http://";
  const size_t colon = url.rfind(':');
  if (token.empty() || url.rfind(kScheme, 0) != 0 || colon == std::string::npos ||
      colon < kScheme.size()) {
    return Fail("server_unreachable",
                "the data directory is in use, but no running server left its address");
  }
  const std::string host = url.substr(kScheme.size(), colon - kScheme.size());
  const std::string port = url.substr(colon + 1);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::hours(2));  // a first backup of a large store takes a while
  stream.connect(resolver.resolve(host, port, ec), ec);
  http::request<http::string_body> request{http::verb::post, "/api/v1/admin/backup", 11};
  request.set(http::field::host, host + ":" + port);
  request.set(http::field::authorization, "Bearer " + token);
  request.set(http::field::content_type, "application/json");
  request.body() = json::serialize(json::object{{"to", backups}});
  request.prepare_payload();
  if (!ec) http::write(stream, request, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  if (!ec) http::read(stream, buffer, parser, ec);
  if (ec)
    return Fail("server_unreachable", "cannot reach the server at " + url + ": " + ec.message());
  const auto& response = parser.get();
  if (response.result() == http::status::ok) return response.body();
  boost::system::error_code parse_error;
  const json::value reply = json::parse(response.body(), parse_error);
  if (!parse_error && reply.is_object() && reply.as_object().contains("code")) {
    const json::string& code = reply.at("code").as_string();
    return Fail(std::string_view(code.data(), code.size()),
                std::string(reply.at("message").as_string()));
  }
  return Fail("backup_failed", "the server answered " + std::to_string(response.result_int()));
}

}  // namespace

Result<std::string> TakeBackup(const DataDirectory& data, const std::string& backups) {
  static std::mutex in_this_process;  // BackupLock is per open file, not per thread
  std::lock_guard one_at_a_time(in_this_process);
  std::error_code ec;
  fs::create_directories(backups, ec);
  if (ec) return Fail("io_error", "cannot make " + backups + ": " + ec.message());
  BackupLock lock(backups);
  if (!lock.locked()) {
    return Fail("backup_in_progress", "another backup into " + backups + " is under way");
  }
  const std::vector<uint64_t> finished = FinishedBackups(backups);
  const uint64_t number = finished.empty() ? 1 : finished.back() + 1;
  const fs::path folder = fs::path(backups) / BackupName(number);
  fs::remove_all(folder, ec);  // an unfinished one of an earlier attempt
  fs::create_directories(folder, ec);
  if (ec) return Fail("io_error", "cannot make " + folder.string() + ": " + ec.message());

  json::object manifest{{"format", kFormat}, {"backup", number}, {"startedAt", IsoNow()}};
  json::object heads;
  for (const std::string& platform : data.store->Platforms()) {
    const eventstore::HeadInfo head = data.store->Head(platform);
    heads[platform] = json::object{{"position", head.position}, {"hash", HexOf(head.hash)}};
  }
  json::object databases;
  auto back_up = [&](const char* name, rocksdb::DB* db) -> Status {
    if (db == nullptr) return Status::Ok();
    uint32_t id = 0;
    if (Status s = eventstore::BackupDatabase(*db, (fs::path(backups) / name).string(), &id);
        !s.ok()) {
      return s;
    }
    databases[name] = id;
    return Status::Ok();
  };
  if (Status s = back_up(kNotes, data.notes); !s.ok()) return s;
  if (Status s = back_up(kCheckpoints, data.checkpoints); !s.ok()) return s;
  {
    uint32_t id = 0;
    if (Status s = data.store->Backup((fs::path(backups) / kLog).string(), &id); !s.ok()) return s;
    databases[kLog] = id;
  }
  if (Status s = back_up(kAuth, data.auth); !s.ok()) return s;
  // After the log: the mail cursors are then never ahead of the backed-up log.
  if (Status s = back_up(kNotifications, data.notifications); !s.ok()) return s;
  if (Status s = back_up(kKeys, data.keys); !s.ok()) return s;
  manifest["databases"] = std::move(databases);

  json::array files;
  if (!data.signing_key.empty() && fs::exists(data.signing_key, ec)) {
    if (Status s = CopyFile(data.signing_key, folder / kSigningKeyFile, true); !s.ok()) return s;
    files.emplace_back(kSigningKeyFile);
  }
  const fs::path provenance = fs::path(data.dir) / kProvenanceFile;
  if (fs::exists(provenance, ec)) {
    if (Status s = CopyFile(provenance, folder / kProvenanceFile, false); !s.ok()) return s;
    files.emplace_back(kProvenanceFile);
  }
  manifest["files"] = std::move(files);
  manifest["heads"] = std::move(heads);
  manifest["finishedAt"] = IsoNow();
  const std::string text = json::serialize(manifest);
  if (Status s = WriteDurably(folder / kManifestFile, text + "\n"); !s.ok()) return s;
  return text;
}

int RunBackup(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir, backups, key_file;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"), "the data directory")(
      "to", po::value(&backups)->required()->value_name("BACKUPS"),
      "the backup directory (made if missing; earlier backups in it are kept and shared)")(
      "signing-key", po::value(&key_file)->value_name("FILE"),
      "the signing key, when `rotonde serve --signing-key` keeps it outside DIR (without a\n"
      "server; a running one backs up its own)");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kBackupUsage, flags, &vm)) return *exit_code;
  std::error_code ec;
  const std::string absolute = fs::absolute(backups, ec).lexically_normal().string();
  if (ec) {
    PrintError("backup: invalid_argument: " + backups + ": " + ec.message());
    return kExitUsage;
  }
  if (fs::exists(dir, ec) && fs::exists(absolute, ec) && fs::equivalent(dir, absolute, ec)) {
    PrintError("backup: invalid_argument: BACKUPS must be another directory than DIR");
    return kExitUsage;
  }

  Result<std::string> manifest = [&]() -> Result<std::string> {
    eventstore::Options options;
    options.create_if_missing = false;
    auto store = OpenStore(dir, options);
    if (!store.ok()) {
      // Held by a running server: it takes the backup.
      if (store.status().code() == codes::kIOError &&
          store.status().message().find("lock") != std::string::npos) {
        return BackupThroughServer(dir, absolute);
      }
      return Fail(store.status().code() == codes::kNotFound ? "no_store" : store.status().code(),
                  "cannot open the store at " + dir + ": " + store.status().message());
    }
    DataDirectory data;
    data.dir = dir;
    data.store = store->get();
    data.signing_key = key_file.empty() ? dir + "/" + kSigningKeyFile : key_file;
    // The other databases as the server keeps them; one that was never made is left out.
    std::unique_ptr<auth::AuthStore> auth;
    std::unique_ptr<app::CheckpointStore> checkpoints;
    if (fs::exists(dir + "/auth", ec)) {
      auto opened = auth::AuthStore::Open(dir + "/auth");
      if (!opened.ok()) return opened.status();
      auth = std::move(opened.value());
      data.auth = &auth->database();
    }
    if (fs::exists(dir + "/checkpoints", ec)) {
      auto opened = app::CheckpointStore::Open(dir + "/checkpoints");
      if (!opened.ok()) return opened.status();
      checkpoints = std::move(opened.value());
      data.checkpoints = &checkpoints->database();
    }
    std::unique_ptr<mail::NotificationStore> notifications;
    if (fs::exists(dir + "/" + kNotifications, ec)) {
      auto opened = mail::NotificationStore::Open(dir + "/" + kNotifications);
      if (!opened.ok()) return opened.status();
      notifications = std::move(opened.value());
      data.notifications = &notifications->database();
    }
    std::unique_ptr<privacy::PersonKeys> keys;
    if (fs::exists(dir + "/" + kKeys, ec)) {
      auto opened = privacy::PersonKeys::Open(dir + "/" + kKeys);
      if (!opened.ok()) return opened.status();
      keys = std::move(opened.value());
      data.keys = &keys->database();
    }
    std::unique_ptr<app::SignedCheckpoints> notes;
    if (fs::exists(dir + "/" + kNotesDir, ec)) {
      auto key = app::SigningKey::Load(data.signing_key);
      if (!key.ok()) {
        return Fail("no_signing_key", "the notes in " + dir + "/" + kNotesDir +
                                          " go with a signing key: " + key.status().message() +
                                          " (give --signing-key FILE)");
      }
      auto opened =
          app::SignedCheckpoints::Open(dir + "/" + kNotesDir, std::move(key.value()), **store);
      if (!opened.ok()) return opened.status();
      notes = std::move(opened.value());
      data.notes = &notes->database();
    }
    return TakeBackup(data, absolute);
  }();
  if (!manifest.ok()) {
    PrintError("backup: " + manifest.status().ToString());
    return kExitUsage;
  }
  boost::system::error_code parse_error;
  const json::value parsed = json::parse(manifest.value(), parse_error);
  if (parse_error || !parsed.is_object()) {
    PrintError("backup: backup_failed: the manifest is not JSON");
    return kExitUsage;
  }
  PrintHeads(parsed.as_object());
  std::cout << "ok: backup " << parsed.at("backup").to_number<uint64_t>() << " in " << absolute
            << '\n';
  return kExitOk;
}

int RunRestore(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string backups, to;
  uint64_t wanted = 0;
  po::options_description flags("flags");
  flags.add_options()("from", po::value(&backups)->required()->value_name("BACKUPS"),
                      "the backup directory")(
      "to", po::value(&to)->required()->value_name("NEW"),
      "the new data directory (must not exist, or be empty)")(
      "backup", po::value(&wanted)->value_name("N"), "the backup to restore (default: newest)");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kRestoreUsage, flags, &vm)) return *exit_code;
  if (!IsUnusedTarget(to)) {
    PrintError("restore: target_not_empty: " + to +
               " exists and is not empty; give a new directory");
    return kExitUsage;
  }
  const std::vector<uint64_t> finished = FinishedBackups(backups);
  if (finished.empty() ||
      (wanted != 0 && !std::binary_search(finished.begin(), finished.end(), wanted))) {
    PrintError("restore: no_backup: " + backups + " holds no finished backup" +
               (wanted != 0 ? " " + std::to_string(wanted) : std::string()));
    return kExitUsage;
  }
  const uint64_t number = wanted != 0 ? wanted : finished.back();
  const fs::path folder = fs::path(backups) / BackupName(number);
  std::ifstream manifest_file(folder / kManifestFile);
  std::stringstream manifest_text;
  manifest_text << manifest_file.rdbuf();
  boost::system::error_code parse_error;
  const json::value parsed = json::parse(manifest_text.str(), parse_error);
  if (parse_error || !parsed.is_object() || !parsed.as_object().contains("databases") ||
      !parsed.as_object().contains("heads") ||
      parsed.as_object().if_contains("format") == nullptr || !parsed.at("format").is_string() ||
      parsed.at("format").as_string() != kFormat) {
    PrintError("restore: bad_manifest: " + (folder / kManifestFile).string() +
               " is not a manifest of " + kFormat);
    return kExitUsage;
  }
  const json::object& manifest = parsed.as_object();

  std::error_code ec;
  const bool created = !fs::exists(to, ec);
  auto fail = [&](const Status& why, int exit_code) {
    PrintError("restore: " + why.ToString() + " (nothing restored)");
    // Leave NEW as it was found: gone if it was made here, empty if it was given.
    if (created) {
      fs::remove_all(to, ec);
    } else {
      for (const fs::directory_entry& entry : fs::directory_iterator(to, ec)) {
        fs::remove_all(entry.path(), ec);
      }
    }
    return exit_code;
  };
  const auto damaged = [](const Status& s) {
    return s.code() == codes::kCorruption ? kExitDamage : kExitUsage;
  };
  // The log first, into the empty NEW; then each other database into a folder of its own.
  const json::object& databases = manifest.at("databases").as_object();
  for (const char* name : {kLog, kAuth, kNotes, kCheckpoints, kNotifications, kKeys}) {
    const json::value* id = databases.if_contains(name);
    if (id == nullptr) {
      if (std::string_view(name) == kLog)
        return fail(Fail("bad_manifest", "the manifest names no log"), kExitUsage);
      continue;
    }
    const std::string target = std::string_view(name) == kLog ? to : (fs::path(to) / name).string();
    if (Status s = eventstore::RestoreDatabase((fs::path(backups) / name).string(),
                                               id->to_number<uint32_t>(), target);
        !s.ok()) {
      return fail(s, damaged(s));
    }
  }
  for (const json::value& file : manifest.at("files").as_array()) {
    const std::string name(file.as_string());
    if (name != kSigningKeyFile && name != kProvenanceFile) continue;
    if (Status s = CopyFile(folder / name, fs::path(to) / name, name == kSigningKeyFile); !s.ok()) {
      return fail(s, kExitUsage);
    }
  }

  // The copy must verify, and hold every head the backup recorded.
  uint64_t events = 0;
  std::vector<std::string> lines;
  {
    eventstore::Options options;
    options.create_if_missing = false;
    options.tail_check_events = 0;  // Verify() checks every link and names the position
    auto store = OpenStore(to, options);
    if (!store.ok()) return fail(store.status(), damaged(store.status()));
    for (const eventstore::VerifyReport& report : (*store)->VerifyAll()) {
      const std::string what = report.platform.empty() ? "the shared indexes" : report.platform;
      if (!report.status.ok()) return fail(report.status, kExitUsage);
      if (!report.ok()) {
        return fail(
            Status::Corruption("damage in " + what + " at position " +
                               std::to_string(*report.first_bad_position) + ": " + report.problem),
            kExitDamage);
      }
      if (report.platform.empty()) continue;
      events += report.events;
      lines.push_back("platform " + report.platform + ": " + std::to_string(report.events) +
                      " events verified, head hash " + HexOf(report.head.hash));
    }
    for (const auto& [platform, head] : manifest.at("heads").as_object()) {
      const uint64_t position = head.at("position").to_number<uint64_t>();
      const std::string hash(head.at("hash").as_string());
      if (position == 0) continue;
      std::vector<eventstore::EventRecord> at;
      const Status read =
          (*store)->Read(std::string_view(platform.data(), platform.size()), position - 1, 1, &at);
      if (!read.ok() || at.empty() || HexOf(at.front().hash()) != hash) {
        return fail(Status::Corruption("the restored log of " +
                                       std::string(platform.data(), platform.size()) +
                                       " does not hold the head the backup recorded (position " +
                                       std::to_string(position) + ")"),
                    kExitDamage);
      }
    }
    (*store)->Close();
  }
  for (const std::string& line : lines) std::cout << line << '\n';
  std::cout << "ok: backup " << number << " restored into " << to << ", " << events
            << " events verified\n";
  return kExitOk;
}

}  // namespace rotonde::cli
