// See one_log_migration.h. The one-log layout, as release 1 wrote it:
//
//   log         BE64(position)                 -> the record, serialized with both hashes
//   streams     stream '\0' BE64(version)      -> BE64(position)
//   ids         event id                       -> BE64(position)
//   partitions  partition '\0' BE64(position)  -> ""
//   default     "format"                       -> "rotonde-eventstore-1"
//
// Only the log is read: the indexes are rebuilt by the new store from the events themselves.
#include "rotonde/eventstore/one_log_migration.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>

#include <rocksdb/db.h>

#include "hash_chain.h"
#include "keys.h"

namespace rotonde::eventstore {

namespace {

// RocksDB's own lock on its directory, taken the way RocksDB takes it (fcntl on DIR/LOCK), so
// that a server still running on the old store is refused: events it appended after the walk
// would be lost to the migration.
class DirectoryLock {
 public:
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Take(const std::string& dir) {
    const std::string path = dir + "/LOCK";
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    // RocksDB creates LOCK whenever it opens a store for writing: without one, nobody does.
    if (fd_ < 0 && errno == ENOENT) return Status::Ok();
    if (fd_ < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd_, F_SETLK, &lock) != 0) {
      return Status::IOError(
          dir + " is in use (is a server running on it? stop it first): " + std::strerror(errno));
    }
    return Status::Ok();
  }

 private:
  int fd_ = -1;
};

// The old store's RocksDB, opened read-only with every column family it has.
class OldStore {
 public:
  ~OldStore() {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }

  Status Open(const std::string& dir) {
    std::vector<std::string> names;
    rocksdb::DBOptions options;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(options, dir, &names);
    if (!s.ok()) return Status::IOError("cannot read the store in " + dir + ": " + s.ToString());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    s = rocksdb::DB::OpenForReadOnly(options, dir, families, &handles_, &raw);
    if (!s.ok()) return Status::IOError("cannot open the store in " + dir + ": " + s.ToString());
    db_.reset(raw);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == keys::kLogFamily) log_ = handles_[i];
    }
    std::string format;
    s = db_->Get(rocksdb::ReadOptions(), keys::kFormatKey, &format);
    if (!s.ok() && !s.IsNotFound()) {
      return Status::IOError("cannot read the store's format: " + s.ToString());
    }
    if (format != keys::kFormatOneLog || log_ == nullptr) {
      return Status::InvalidArgument(dir + " holds format \"" + format + "\", not the one-log " +
                                     "format \"" + keys::kFormatOneLog + "\": nothing to migrate");
    }
    return Status::Ok();
  }

  std::unique_ptr<rocksdb::Iterator> Log() const {
    rocksdb::ReadOptions options;
    options.fill_cache = false;
    options.adaptive_readahead = true;
    return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, log_));
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* log_ = nullptr;
};

// Checks the old event at `position` against the old chain (prev_hash: the previous event's
// hash) and parses it; an error names what failed.
Status CheckOldEvent(std::string_view key, std::string_view stored, uint64_t position,
                     const std::string& prev_hash, EventRecord* record) {
  auto bad = [&](const std::string& problem) {
    return Status::Corruption("position " + std::to_string(position) + ": " + problem)
        .WithDetail("position", static_cast<int64_t>(position));
  };
  uint64_t key_position = 0;
  if (!keys::DecodeU64(key, &key_position)) return bad("a log key is not a position");
  if (key_position != position) return bad("the event is missing");
  // The layout is the current one's: the fields, then prev_hash (10), then hash (15).
  std::string_view body;
  if (!BodyOf(stored, &body) ||
      !record->ParseFromArray(stored.data(), static_cast<int>(stored.size()))) {
    return bad("the stored bytes are not an event");
  }
  if (record->position() != position) return bad("the event names another position");
  if (record->prev_hash() != prev_hash) return bad("prev_hash is not the previous event's hash");
  const std::string_view without_hash = stored.substr(0, stored.size() - 2 - kHashBytes);
  if (Sha256({prev_hash, without_hash}) != record->hash()) {
    return bad("the hash does not recompute: the event was altered");
  }
  return Status::Ok();
}

// One platform's new log as it is being written.
struct NewLog {
  HeadInfo head;
  std::vector<EventRecord> chunk;
};

}  // namespace

Result<OneLogMigration> MigrateOneLogStore(const std::string& from_dir, EventStore& to,
                                           const OneLogMigrationOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(from_dir) / "CURRENT", ec)) {
    return Status::NotFound("no event store at " + from_dir);
  }
  DirectoryLock lock;
  if (Status s = lock.Take(from_dir); !s.ok()) return s;
  OldStore old;
  if (Status s = old.Open(from_dir); !s.ok()) return s;

  // First the whole old chain, so that a damaged store is refused before anything is written.
  OneLogMigration report;
  report.old_head.hash = std::string(kHashBytes, '\0');
  EventRecord record;
  {
    std::unique_ptr<rocksdb::Iterator> it = old.Log();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const uint64_t position = report.old_head.position + 1;
      if (Status s = CheckOldEvent(it->key().ToStringView(), it->value().ToStringView(), position,
                                   report.old_head.hash, &record);
          !s.ok()) {
        return s;
      }
      report.old_head = HeadInfo{position, record.hash()};
    }
    if (!it->status().ok())
      return Status::IOError("cannot read the log: " + it->status().ToString());
  }
  report.events = report.old_head.position;

  // Then each event into its platform's log, in the old order.
  std::map<std::string, NewLog, std::less<>> logs;
  auto flush = [&](const std::string& platform, NewLog& log) -> Status {
    if (log.chunk.empty()) return Status::Ok();
    Status s = to.Import(platform, std::move(log.chunk));
    log.chunk.clear();
    return s;
  };
  std::unique_ptr<rocksdb::Iterator> it = old.Log();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::IOError("the log changed while it was migrated");
    }
    const std::string platform(PlatformOf(record.stream()));
    auto [entry, fresh] = logs.try_emplace(platform);
    NewLog& log = entry->second;
    if (fresh) {
      if (to.Head(platform).position != 0) {
        return Status::InvalidArgument("the target store holds platform " + platform + " already");
      }
      log.head.hash = GenesisHash(platform);
    }
    record.clear_prev_hash();
    record.clear_hash();
    record.set_position(++log.head.position);
    record.set_prev_hash(log.head.hash);
    log.head.hash = ComputeEventHash(record);
    record.set_hash(log.head.hash);
    log.chunk.push_back(std::move(record));
    record = EventRecord();
    if (log.chunk.size() >= std::max<size_t>(options.chunk_events, 1)) {
      if (Status s = flush(platform, log); !s.ok()) return s;
    }
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  for (auto& [platform, log] : logs) {
    if (Status s = flush(platform, log); !s.ok()) return s;
    report.platforms.emplace_back(platform, log.head);
  }
  return report;
}

}  // namespace rotonde::eventstore
