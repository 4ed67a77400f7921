// Checkpoints of the platforms' read models, in their own RocksDB next to the event store
// (<data>/checkpoints), so that starting up does not mean refolding the whole log: a
// platform is restored from its latest checkpoint and folds only the events after it.
//
// A checkpoint is a cache of a pure fold, never a source of truth: one that is missing, of
// another format, unreadable or ahead of the log is ignored and the platform is rebuilt
// from the log.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/v1/snapshot.pb.h"

namespace rocksdb {
class DB;
}

namespace rotonde::app {

class CheckpointStore {
 public:
  // Opens (creating) the checkpoint database in `dir`.
  static Result<std::unique_ptr<CheckpointStore>> Open(const std::string& dir);
  ~CheckpointStore();

  // The database itself, for a backup of it while it is open (backup.h).
  rocksdb::DB& database() { return *db_; }

  // The platform's model as of its latest checkpoint; nullopt if there is none usable.
  std::optional<projections::PlatformModel> Load(const std::string& platform);
  // The platforms that have a checkpoint.
  std::vector<std::string> Platforms();
  // Replaces the platform's checkpoint with `model`, written without fsync: a checkpoint is
  // a cache, and an fsync of megabytes on the log's disk held back the log's own fsyncs
  // (command replies went from 2 to 10-18 ms while a checkpoint was written). A crash of the
  // process loses nothing; a power loss may lose the newest checkpoints, and the platform is
  // then folded from an older one. Sync() makes every save so far durable.
  Status Save(const std::string& platform, const projections::PlatformModel& model);
  // The same with a snapshot taken already (ModelSnapshots::Take), so that the costly part,
  // serializing and writing, can happen away from the platform's lock. Thread-safe; a
  // snapshot older than one this store has saved is dropped, so saves finishing out of
  // order never move a checkpoint back.
  Status SaveTaken(const std::string& platform, const v1::PlatformSnapshot& snapshot);
  // Fsyncs the saves so far (at shutdown).
  Status Sync();
  // Rewrites the database's files so that no replaced checkpoint stays in them (erasure:
  // eventstore::ForgetDeleted).
  Status ForgetDeleted();

 private:
  explicit CheckpointStore(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
  std::mutex mu_;                             // one save at a time
  std::map<std::string, uint64_t> saved_at_;  // platform -> position of its newest save
};

}  // namespace rotonde::app
