#include "checkpoints.h"

#include <rocksdb/db.h>

#include "rotonde/eventstore/rocksdb_safety.h"
#include "rotonde/projections/snapshot.h"

namespace rotonde::app {

Result<std::unique_ptr<CheckpointStore>> CheckpointStore::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.compression = rocksdb::kLZ4Compression;
  options.keep_log_file_num = 2;
  // On a full disk a save fails and checkpoints stop until a restart; the process lives on
  // (rocksdb_safety.h). A checkpoint is a cache.
  options.info_log = eventstore::NewInfoLog(dir);
  options.listeners.push_back(eventstore::NewManualRecoveryListener());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return Status::IOError("cannot open checkpoints at " + dir + ": " + s.ToString());
  return std::unique_ptr<CheckpointStore>(new CheckpointStore(std::unique_ptr<rocksdb::DB>(raw)));
}

CheckpointStore::CheckpointStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

CheckpointStore::~CheckpointStore() {
  if (db_) db_->Close().PermitUncheckedError();
}

std::optional<projections::PlatformModel> CheckpointStore::Load(const std::string& platform) {
  std::string bytes;
  if (!db_->Get(rocksdb::ReadOptions(), platform, &bytes).ok()) return std::nullopt;
  v1::PlatformSnapshot snapshot;
  if (!snapshot.ParseFromString(bytes)) return std::nullopt;
  return projections::ModelSnapshots::Restore(snapshot);
}

std::vector<std::string> CheckpointStore::Platforms() {
  std::vector<std::string> platforms;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) platforms.push_back(it->key().ToString());
  return platforms;
}

Status CheckpointStore::Save(const std::string& platform, const projections::PlatformModel& model) {
  return SaveTaken(platform, projections::ModelSnapshots::Take(model));
}

Status CheckpointStore::SaveTaken(const std::string& platform,
                                  const v1::PlatformSnapshot& snapshot) {
  std::lock_guard lock(mu_);
  auto [newest, first] = saved_at_.try_emplace(platform, 0);
  if (!first && snapshot.position() < newest->second) return Status::Ok();
  rocksdb::Status s =
      db_->Put(rocksdb::WriteOptions(), platform, projections::ModelSnapshots::Serialize(snapshot));
  if (!s.ok()) return Status::IOError("cannot save a checkpoint: " + s.ToString());
  newest->second = snapshot.position();
  return Status::Ok();
}

Status CheckpointStore::ForgetDeleted() { return eventstore::ForgetDeleted(*db_); }

Status CheckpointStore::Sync() {
  rocksdb::Status s = db_->SyncWAL();
  if (!s.ok()) return Status::IOError("cannot sync the checkpoints: " + s.ToString());
  return Status::Ok();
}

}  // namespace rotonde::app
