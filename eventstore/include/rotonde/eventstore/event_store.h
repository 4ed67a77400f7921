// EventStore: the embedded backend of the event log (event_log.h holds the contract), on
// RocksDB in one directory. It knows nothing of neighbourhoods: it stores EventRecords in
// streams named "<platform>/<kind>/<id>", and each platform (the part of a stream's name
// before its first '/') has a log of its own.
//
// Durability. An append completes only after its events are on disk (their RocksDB
// WriteBatch written, then the WAL fsynced). Concurrent appends, of any platforms, are
// gathered by one writer thread into one batch, and one fsync covers every batch written
// before it, so throughput grows with concurrency far beyond the disk's fsync rate
// (src/writer.cc).
//
// A full disk. A write that fails for lack of space (ENOSPC) is not acknowledged, and neither
// is anything after it; the store then refuses appends with kUnavailable (retry later, with
// the same ids), keeps serving reads, and takes appends again by itself once space is freed:
// RocksDB is resumed (its memtables flushed to a new WAL file), and what the failed groups
// left durable is published. Any other failed write or sync stops the store's writes for
// good (kIOError): the disk's state is unknown.
//
// Hash chain. Each platform's chain is computed by src/hash_chain.h. Open() checks the last
// `tail_check_events` links of every platform; Verify() checks them all.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/eventstore/event_store_types.h"
#include "rotonde/eventstore/queued_log.h"
#include "rotonde/v1/event.pb.h"

namespace rocksdb {
class Env;
}

namespace rotonde::eventstore {

struct Options {
  bool create_if_missing = true;
  // Open without the write lock, for verify/export next to a running server. Appends fail.
  bool read_only = false;
  // Events of each platform whose chain links Open() re-checks; a broken link fails Open()
  // with kCorruption. Tools that examine a damaged store (`rotonde verify`) set 0 and call
  // Verify().
  uint64_t tail_check_events = 64;
  // Recently committed events kept in memory, so live subscribers never read the disk.
  size_t recent_events_cache = 65'536;
  // Upper bounds of one group commit.
  size_t max_group_events = 16'384;
  size_t max_group_bytes = 32 << 20;
  // A full disk (ENOSPC): appends are refused with kUnavailable while it lasts, and the
  // store tries every `disk_full_retry_interval` to take them again, once the disk has at
  // least `resume_min_free_bytes` free (see "A full disk" in docs/architecture.md).
  std::chrono::milliseconds disk_full_retry_interval{200};
  uint64_t resume_min_free_bytes = 1 << 20;
  // With less than this free, the WAL's writes and fsyncs take turns instead of overlapping
  // (slower, but a write failing for lack of space cannot meet a sync; store_impl.h).
  uint64_t low_space_bytes = uint64_t{256} << 20;
  // RocksDB's environment (its files and threads); null for the default. Tests pass one
  // whose files fail on demand, to see what a failing disk does to the store.
  rocksdb::Env* env = nullptr;
};

struct WriteRequest;

// The embedded backend of EventLog, on RocksDB in one directory. The contract is EventLog's;
// what is said here is this backend's own.
class EventStore final : public QueuedLog {
 public:
  // Opens (or creates) the store in `dir`. Fails with kNotFound if `dir` holds no store and
  // !create_if_missing; with "old_format" if it holds a store of the format before logs were
  // per platform (`rotonde migrate` rewrites it); kCorruption if the tail of a chain is
  // broken; kIOError otherwise.
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir, const Options& options);

  ~EventStore() override;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                    std::vector<EventRecord>* out) const override;
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const override;
  // Also checks that each event's id and stream index entries point at it, as the
  // platform's head does at its last event.
  VerifyReport Verify(std::string_view platform) const override;
  // Verify() of every platform, in name order, then one report (platform "") on the shared
  // id and stream indexes: that they hold one entry per event and nothing else.
  std::vector<VerifyReport> VerifyAll() const;

  Stats GetStats() const override;
  void Close() override;

  // A backup of the store while it is open and written (backup.h), into `backup_dir`: one
  // consistent moment of every platform's log, holding every event durable when it began.
  // Its id in the directory in *backup_id.
  Status Backup(const std::string& backup_dir, uint32_t* backup_id);

  class Impl;

 private:
  explicit EventStore(std::unique_ptr<Impl> impl);
  bool Enqueue(const std::shared_ptr<WriteRequest>& request) override;
  const PublishedLog& published() const override;
  Status ReadStored(std::string_view platform, uint64_t after, size_t limit, uint64_t upto,
                    std::vector<EventRecord>* out) const override;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rotonde::eventstore
