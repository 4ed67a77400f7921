// What every RocksDB of the server needs to live through a full disk (ENOSPC) without taking
// the process down, with Debian's build of RocksDB 7.8, which keeps its debug assertions:
//
// - Its own writer of the info log (the LOG file) keeps a failed write's error and, at its
//   next line, trips an assertion that aborts the process: on a full disk, at the second line
//   RocksDB logs. NewInfoLog writes LOG instead, dropping the lines it cannot write.
// - Its own recovery from a full disk (the SstFileManager's, every 5 s) resumes a database
//   whose memtables are all empty without opening a new WAL file, so the next write goes to
//   the failed WAL writer: the same assertion. NewManualRecoveryListener turns that recovery
//   off for hard errors; the database then refuses writes until its owner calls Resume()
//   (the event store does, writer.cc) or it is reopened.
#pragma once

#include <memory>
#include <string>

#include "rotonde/base/status.h"

namespace rocksdb {
class DB;
class Logger;
class EventListener;
}  // namespace rocksdb

namespace rotonde::eventstore {

// The info log for the database in `dir`: lines appended to dir/LOG (at INFO and above),
// which is renamed to dir/LOG.old once it passes 8 MiB. For DBOptions::info_log.
std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::string& dir);

// For DBOptions::listeners: no automatic recovery from a hard error for lack of space.
// Soft errors (a compaction short of space, while writes go on) keep RocksDB's.
std::shared_ptr<rocksdb::EventListener> NewManualRecoveryListener();

// Makes what was deleted or overwritten in `db` leave its files: flushes the memtables
// (which retires the write-ahead logs that held the old values) and compacts every table,
// the last level too, so no older value survives in a live file; RocksDB then deletes the
// files no longer live. For erasure (docs/privacy.md), with a database opened without
// recycled or archived write-ahead logs (their defaults) and without open snapshots.
Status ForgetDeleted(rocksdb::DB& db);

}  // namespace rotonde::eventstore
