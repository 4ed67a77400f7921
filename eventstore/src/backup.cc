#include "rotonde/eventstore/backup.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/utilities/backup_engine.h>

#include <filesystem>
#include <memory>

namespace rotonde::eventstore {

namespace {

Status IOErrorOf(const std::string& what, const rocksdb::Status& s) {
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  if (s.IsNotFound()) return Status::NotFound(what + ": " + s.ToString());
  return Status::IOError(what + ": " + s.ToString());
}

}  // namespace

Status BackupDatabase(rocksdb::DB& db, const std::string& backup_dir, uint32_t* backup_id) {
  rocksdb::BackupEngineOptions options(backup_dir);
  options.share_table_files = true;  // incremental: a table file is copied once
  options.sync = true;
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(options, db.GetEnv(), &raw);
  if (!s.ok()) return IOErrorOf("cannot open the backup directory " + backup_dir, s);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  // No flush: the WAL is copied with the table files, so the backup is one moment of every
  // column family together (a flush would write each family's memtable at its own moment).
  create.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  s = engine->CreateNewBackup(create, &db, &id);
  if (!s.ok()) return IOErrorOf("cannot back up into " + backup_dir, s);
  *backup_id = id;
  return Status::Ok();
}

Status BackupDatabaseAt(const std::string& db_dir, const std::string& backup_dir,
                        uint32_t* backup_id) {
  rocksdb::Options options;
  options.create_if_missing = false;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, db_dir, &raw);
  if (!s.ok()) return IOErrorOf("cannot open the database in " + db_dir, s);
  std::unique_ptr<rocksdb::DB> db(raw);
  Status backed_up = BackupDatabase(*db, backup_dir, backup_id);
  const rocksdb::Status closed = db->Close();
  if (backed_up.ok() && !closed.ok()) return IOErrorOf("cannot close " + db_dir, closed);
  return backed_up;
}

Status RestoreDatabase(const std::string& backup_dir, uint32_t backup_id,
                       const std::string& db_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return IOErrorOf("cannot open the backup directory " + backup_dir, s);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  s = engine->VerifyBackup(backup_id, /*verify_with_checksum=*/true);
  if (!s.ok()) return IOErrorOf("backup " + std::to_string(backup_id) + " of " + backup_dir, s);
  std::error_code ec;
  std::filesystem::create_directories(db_dir, ec);
  if (ec) return Status::IOError("cannot make " + db_dir + ": " + ec.message());
  s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), backup_id, db_dir, db_dir);
  if (!s.ok()) return IOErrorOf("cannot restore " + backup_dir + " into " + db_dir, s);
  return Status::Ok();
}

Result<std::vector<uint32_t>> BackupIds(const std::string& backup_dir) {
  rocksdb::BackupEngineOptions options(backup_dir);
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(options, rocksdb::Env::Default(), &raw);
  if (!s.ok()) return IOErrorOf("cannot open the backup directory " + backup_dir, s);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<uint32_t> ids;
  for (const auto& info : infos) ids.push_back(info.backup_id);
  return ids;
}

}  // namespace rotonde::eventstore
