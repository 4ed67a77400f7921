// The event store's internals, shared by event_store.cc (open, validation), writer.cc (group
// commit) and reader.cc (reads, subscriptions, verification).
//
// Invariants, kept by writer.cc (the applier thread is the only one that writes RocksDB):
//  - published_ holds, for every platform with events, its last event whose group's
//    WriteBatch was written and whose WAL was then synced; a platform's events at or below it
//    are durable, and nothing above it is ever read (RocksDB may hold more: groups written but
//    not yet synced). It also holds the last durable events, for live readers.
//  - tails_ holds each platform's next position and hash as prepared: ahead of heads_ by the
//    groups in flight. stream_versions_ caches durable versions only; a group's own changes
//    live in its overlay until its batch is durable, and are dropped if the write fails.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "prepare.h"
#include "published_log.h"
#include "rotonde/base/string_map.h"
#include "rotonde/eventstore/event_store.h"
#include "write_request.h"

namespace rotonde::eventstore {

// One group commit: the requests it answers and the one WriteBatch that holds their events.
// Built by the writer thread, written by the applier thread, made durable by the syncer
// thread; while it is in flight the writer still reads its overlays (versions, ids) and the
// applier and syncer read batch and records, and none changes them.
struct GroupCommit {
  WriteGroup requests;
  std::vector<bool> in_batch;  // per request: its answer depends on this batch being durable
  rocksdb::WriteBatch batch;
  google::protobuf::Timestamp now;
  // Streams this group changed (or looked up), and their version after the group.
  std::unordered_map<std::string, std::optional<uint64_t>> versions;
  // Ids this group writes, with their records.
  std::unordered_map<std::string, std::shared_ptr<const EventRecord>> ids;
  // Every record the group writes, in the order prepared (each platform's in its log order).
  std::vector<std::shared_ptr<const EventRecord>> records;
  // The platforms the group writes, with their tail after it.
  std::map<std::string, PlatformTail> tails;
  size_t events = 0, bytes = 0;       // what the requests hold, for the group's bounds
  bool written = false;               // set by the applier: the batch is in RocksDB, unsynced
  bool durable = false;               // set by the syncer, before `finished`: the batch was synced
  std::atomic<bool> finished{false};  // set by the syncer when it is done with the group
};

class EventStore::Impl {
 public:
  Impl(const Options& options, std::string dir)
      : options_(options), dir_(std::move(dir)), published_(options.recent_events_cache) {}
  ~Impl();

  // The refusal of a store of the one-log format, naming `rotonde migrate`.
  Status OneLogFormatError() const;
  Status OpenDb();
  Status CheckTails();
  void StartWriter();
  void Close();
  // Stops the writer, applier, syncer and notifier threads; every queued caller is answered.
  void StopWriter();

  // writer.cc
  // Queues the request for the writer; false (and request->result says why) if the store
  // takes no appends.
  bool Enqueue(const std::shared_ptr<WriteRequest>& request);

  // reader.cc
  // Reads `platform`'s events with after < position <= upto.
  Status Read(std::string_view platform, uint64_t after, size_t limit, uint64_t upto,
              std::vector<EventRecord>* out) const;
  Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                    std::vector<EventRecord>* out) const;
  // The stream's version counting only events of its platform at positions <= upto.
  Result<std::optional<uint64_t>> StoredStreamVersion(std::string_view stream, uint64_t upto) const;
  // Checks `platform`'s chain over positions [from, to]; `prev_hash` is the hash of event
  // from - 1. `full` (from position 1 only) also checks stream versions and index entries.
  VerifyReport CheckChain(std::string_view platform, uint64_t from, uint64_t to,
                          std::string prev_hash, bool full) const;
  // That the id and stream indexes hold no entries beyond the platforms' `events`.
  VerifyReport CheckSharedIndexes(uint64_t events) const;

  // The platform's durable head (position 0 and its genesis hash if it has no events).
  HeadInfo Head(std::string_view platform) const { return published_.Head(platform); }
  std::vector<std::string> Platforms() const { return published_.Platforms(); }
  bool closed() const { return published_.closed(); }
  const PublishedLog& published() const { return published_; }
  Stats GetStats() const;
  Status Backup(const std::string& backup_dir, uint32_t* backup_id);

  const Options& options() const { return options_; }

 private:
  // writer.cc: the writer thread prepares groups, the applier thread writes each group's
  // batch into RocksDB unsynced, the syncer thread syncs the WAL over every group written
  // meanwhile, the notifier thread wakes their callers. They overlap: while the WAL is
  // fsynced the next groups are prepared and written (their memtable inserts included), so
  // a group's period is the fsync alone, not fsync + inserts + preparing.
  void WriterLoop();
  void ApplierLoop();
  void SyncerLoop();
  void NotifierLoop();
  void Complete(WriteGroup group);
  // Under queue_mu_: whether the store takes no appends now; if so, request.result says why.
  bool Refused(WriteRequest& request);
  // Prepares a started append in the calling thread; false (and request->result says why)
  // if the store takes no appends.
  bool PrepareNow(const std::shared_ptr<WriteRequest>& request);
  // Under prepare_mu_: prepares `request` into open_ (opening one), or fails it with
  // `write_error`; publishes its prepared result.
  void PrepareIntoOpenGroup(std::shared_ptr<WriteRequest> request, const Status& write_error);
  // Under prepare_mu_: gives open_ to the applier if it is idle, else leaves it for the
  // writer to hand off later. With `writer_stopping`, true once nothing is left: the applier
  // is told to stop and the writer returns.
  bool HandOffOpenGroup(bool writer_stopping);
  // Drops in-flight groups the syncer has finished, moving their versions into the cache.
  void RetireFinished();
  void Prepare(WriteRequest& request, GroupCommit& group);
  class GroupView;  // the LogView (prepare.h) of everything prepared up to a group
  // Under prepare_mu_: the platform's tail as prepared so far.
  PlatformTail& TailOf(const std::string& platform);
  // The stream's version as of everything prepared so far (durable or not).
  Result<std::optional<uint64_t>> CurrentVersion(const std::string& stream,
                                                 const GroupCommit& group);
  // Where `ids` are stored, as of everything prepared so far; nullopt where unused.
  Status CheckIds(const std::vector<std::string_view>& ids, const GroupCommit& group,
                  std::vector<std::optional<IdLocation>>* found);
  // Writes one prepared record into the group: its batch entries, its overlays, the tail.
  void AddRecord(GroupCommit& group, std::shared_ptr<const EventRecord> record,
                 std::string stored_bytes, PlatformTail& tail);
  // The applier's write of one group, unsynced; fails the group's requests if it fails.
  void WriteUnsynced(GroupCommit& group);
  // The syncer's fsync of the WAL over `groups` (written in this order), then their publishing.
  void SyncGroups(const std::vector<std::shared_ptr<GroupCommit>>& groups);
  // Fails the requests whose answer depends on `group` being durable.
  static void FailGroup(GroupCommit& group, const Status& error);
  // Stops all writes after a failed write or sync, and fails `group`: for good (kIOError),
  // or until the disk has room again when it was full (kUnavailable).
  void FailWrites(GroupCommit& group, std::string_view what, const rocksdb::Status& s);
  void PublishCommitted(const std::vector<std::shared_ptr<GroupCommit>>& groups);

  // The way back from a full disk (writer.cc). The recovery thread waits while appends are
  // taken; while the disk is full it calls TryResume every disk_full_retry_interval.
  void RecoveryLoop();
  // Once every group in flight has failed and the disk has room: resumes RocksDB, publishes
  // what the failed groups left durable, forgets what was prepared, and takes appends again.
  // False if it is too early; the next try comes after the interval.
  bool TryResume();
  // Publishes every platform's events beyond its published head up to the head RocksDB
  // holds: a failed group may still have reached the disk (its write returned, its sync
  // failed; resuming flushed it). Under prepare_mu_, with no group in flight.
  Status PublishFoundDurable();

 public:
  // Puts kMemtableMarkerKey into the default family's memtable, without the WAL. RocksDB
  // (7.8) resumes after a failed WAL write by flushing its memtables, which opens a new WAL
  // file; with every memtable empty it flushes nothing, keeps the failed WAL writer, and the
  // next write fails for good. The marker keeps one memtable non-empty: put at open and after
  // every resume (both leave the memtables empty).
  Status PutMemtableMarker();
  // The bytes free for this store on its file system; UINT64_MAX if it cannot be told.
  uint64_t FreeBytes() const;

 private:
  Options options_;
  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* log_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* ids_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* heads_cf_ = nullptr;
  std::shared_ptr<rocksdb::Cache> block_cache_;  // shared by every family's tables

  // Durable state, readable by any thread.
  std::once_flag close_once_;
  PublishedLog published_;

  // The writer's queue and the hand-off to the applier, all guarded by queue_mu_.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;    // the writer waits here
  std::condition_variable applier_cv_;  // the applier waits here
  std::deque<std::shared_ptr<WriteRequest>> queue_;
  bool stopping_ = false;
  // Sticky after a failed write or sync (kIOError); kUnavailable while the disk is full,
  // cleared by TryResume.
  Status write_error_;
  std::condition_variable recovery_cv_;  // the recovery thread waits here
  std::thread recovery_;
  // Near a full disk (under options_.low_space_bytes free, as the syncer last saw) the
  // applier's write and the syncer's SyncWAL take turns on wal_turn_, the write holding it
  // until a failure is in write_error_. RocksDB 7.8 marks a WAL writer failed when a write
  // to it fails, and a SyncWAL that reaches a writer so marked trips an assertion Debian's
  // build keeps (the process aborts); the syncer checks write_error_ before syncing. With
  // room to spare, they overlap as before.
  std::mutex wal_turn_;
  std::atomic<bool> low_space_{true};
  std::shared_ptr<GroupCommit> handoff_;  // the group the applier is to write next
  bool applier_busy_ = false;
  bool applier_stop_ = false;
  // Mirrors of open_ for the writer's wait (written holding both mutexes).
  bool open_waiting_ = false;
  size_t open_events_ = 0, open_bytes_ = 0;
  std::thread writer_;
  std::thread applier_;

  // Groups written by the applier, in order, that the syncer is still to sync.
  std::mutex written_mu_;
  std::condition_variable written_cv_;
  std::deque<std::shared_ptr<GroupCommit>> written_;
  bool applier_done_ = false;  // guarded by written_mu_
  std::thread syncer_;

  // Finished groups whose callers are still to be woken.
  std::mutex completed_mu_;
  std::condition_variable completed_cv_;
  std::deque<WriteGroup> completed_;
  bool writer_done_ = false;  // guarded by completed_mu_
  std::thread notifier_;

  // Preparing state, guarded by prepare_mu_ (taken before queue_mu_): the group being
  // prepared, each platform's tail as prepared, the groups in flight, and a cache of durable
  // stream versions.
  std::mutex prepare_mu_;
  std::shared_ptr<GroupCommit> open_;
  StringMap<PlatformTail> tails_;
  std::deque<std::shared_ptr<GroupCommit>> in_flight_;
  std::unordered_map<std::string, uint64_t> stream_versions_;

  struct Counters : AppendCounters {
    std::atomic<uint64_t> disk_full_episodes{0};
    std::atomic<bool> disk_full{false};
  };
  mutable Counters counters_;
};

}  // namespace rotonde::eventstore
