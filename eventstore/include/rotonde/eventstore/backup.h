// Backups of a RocksDB database with RocksDB's BackupEngine, taken while the database is open
// and written: each backup is one consistent moment of it (its table files, and its WAL up to
// that moment, which RocksDB replays on opening the restored copy: whole write batches only).
// A backup directory keeps every backup taken into it; they share the table files they have
// in common, so a backup copies only what was written since the one before.
//
// The event store's own backup is EventStore::Backup; the server's other databases (accounts,
// signed notes, checkpoints) are backed up with BackupDatabase on their open handle.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rotonde/base/status.h"

namespace rocksdb {
class DB;
}

namespace rotonde::eventstore {

// Takes a backup of `db` into `backup_dir` (created if missing); its id in *backup_id.
// kIOError if RocksDB cannot.
Status BackupDatabase(rocksdb::DB& db, const std::string& backup_dir, uint32_t* backup_id);

// Opens the database in `db_dir` (one with only the default column family, not open
// elsewhere) and backs it up as BackupDatabase does; kNotFound if there is none.
Status BackupDatabaseAt(const std::string& db_dir, const std::string& backup_dir,
                        uint32_t* backup_id);

// Restores backup `backup_id` of `backup_dir` into `db_dir`, which must not hold a database;
// checks every restored file against the checksum taken at backup time. kNotFound if the
// backup does not exist; kCorruption if a file does not match its checksum.
Status RestoreDatabase(const std::string& backup_dir, uint32_t backup_id,
                       const std::string& db_dir);

// The ids of the backups in `backup_dir`, oldest first.
Result<std::vector<uint32_t>> BackupIds(const std::string& backup_dir);

}  // namespace rotonde::eventstore
