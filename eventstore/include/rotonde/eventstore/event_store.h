// The event store: Rotonde's append-only, hash-chained log on RocksDB.
//
// It knows nothing of neighbourhoods: it stores EventRecords in streams and gives each a
// global position. Every contract below is kept by event_store.cc and checked in
// tests/eventstore/.
//
// Positions. Every event gets a global, gap-free position (from 1) and a version in its
// stream (from 0). "After position P" means positions P+1, P+2, ...; position 0 is "before
// the first event".
//
// Durability. Append returns only after its events are on disk (their RocksDB WriteBatch
// written, then the WAL fsynced). Concurrent appends are gathered by one writer thread into
// one batch, and one fsync covers every batch written before it, so throughput grows with
// concurrency far beyond the disk's fsync rate (src/writer.cc). No read, subscription or
// head position ever shows an event whose batch is not yet durable. After a failed write or
// fsync the store refuses every later append; the failed append's events may or may not be
// found after a restart (retry it with the same ids to find out).
//
// Hash chain. hash = SHA-256(prev_hash || event serialized with hash empty); see
// proto/rotonde/v1/event.proto. Open() checks the last `tail_check_events` links; Verify()
// checks them all.
//
// Thread safety. All methods may be called from any thread concurrently. Subscriptions must
// be destroyed before their store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/v1/event.pb.h"

namespace rocksdb {
class Env;
}

namespace rotonde::eventstore {

using EventRecord = rotonde::v1::EventRecord;

// Documented limits; violating one fails the call with kInvalidArgument or kTooLarge and
// writes nothing.
inline constexpr size_t kMaxStreamNameBytes = 256;
inline constexpr size_t kMaxEventIdBytes = 192;
inline constexpr size_t kMaxEventTypeBytes = 128;
inline constexpr size_t kMaxEventBytes = 1 << 20;  // one serialized event: 1 MiB
inline constexpr size_t kMaxEventsPerAppend = 10'000;
inline constexpr size_t kMaxAppendBytes = 16 << 20;  // all events of one append: 16 MiB

// What the caller believes about the stream before appending.
class ExpectedVersion {
 public:
  enum class Kind { kAny, kNoStream, kExact };

  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  // The version of the stream's last event (a stream holding one event has version 0).
  static ExpectedVersion Exact(uint64_t version) { return ExpectedVersion(Kind::kExact, version); }
  // Parses "any", "no_stream" or a decimal version; anything else is kInvalidArgument.
  static Result<ExpectedVersion> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  uint64_t version() const { return version_; }
  std::string ToString() const;

 private:
  ExpectedVersion(Kind kind, uint64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  uint64_t version_;
};

// An event as the caller proposes it; the store fills in stream, version, position,
// recorded_at and the hashes.
struct NewEvent {
  std::string id;  // visible ASCII, 1..kMaxEventIdBytes, unique in the log
  std::string type;
  std::string payload;
  std::string actor;
  std::string correlation_id;
};

// Events for one stream, as part of EventStore::AppendAll.
struct StreamAppend {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
};

struct AppendResult {
  Status status;
  // On success: the position of each event, in order (contiguous for a fresh append).
  std::vector<uint64_t> positions;
  // On success: the (last) stream's version after the append. On kWrongExpectedVersion: the
  // current version of the stream that did not match, or nullopt if it does not exist.
  std::optional<uint64_t> stream_version;
  // True when every event id was stored already: nothing was written and `positions` are the
  // original ones (a retry after a lost reply).
  bool idempotent_replay = false;

  bool ok() const { return status.ok(); }
};

struct Options {
  bool create_if_missing = true;
  // Open without the write lock, for verify/export next to a running server. Appends fail.
  bool read_only = false;
  // Events whose chain links Open() re-checks; a broken link fails Open() with kCorruption.
  // Tools that examine a damaged store (`rotonde verify`) set 0 and call Verify().
  uint64_t tail_check_events = 1024;
  // Recently committed events kept in memory, so live subscribers never read the disk.
  size_t recent_events_cache = 65'536;
  // Upper bounds of one group commit.
  size_t max_group_events = 16'384;
  size_t max_group_bytes = 32 << 20;
  // RocksDB's environment (its files and threads); null for the default. Tests pass one
  // whose files fail on demand, to see what a failing disk does to the store.
  rocksdb::Env* env = nullptr;
};

// Counters for /metrics and benchmarks; monotonic since Open().
struct Stats {
  uint64_t appends = 0;         // Append and Import calls that wrote events
  uint64_t events_written = 0;  // events made durable
  uint64_t groups_written = 0;  // group commits made durable: one WriteBatch each
  uint64_t syncs = 0;           // fsyncs of the log; one makes one or more groups durable
  uint64_t idempotent_replays = 0;
  uint64_t rejected_appends = 0;   // wrong version, bad input, conflicts, closed
  uint64_t sync_micros_total = 0;  // time spent in those fsyncs
  uint64_t sync_micros_max = 0;
  // What the store holds in memory now (gauges, not counters).
  uint64_t memtable_bytes = 0;     // RocksDB's memtables, all column families
  uint64_t block_cache_bytes = 0;  // RocksDB's block cache (at most 64 MiB)
  uint64_t recent_events = 0;      // committed events kept for live readers (recent_events_cache)
};

struct HeadInfo {
  uint64_t position = 0;  // 0 for an empty log
  std::string hash;       // 32 zero bytes for an empty log
};

struct VerifyReport {
  // Not ok when the walk itself could not be done (the store is closed, the disk fails):
  // then nothing is known about damage.
  Status status;
  uint64_t events = 0;
  HeadInfo head;
  // Set when the log is damaged: the first position whose event or index entries fail a
  // check.
  std::optional<uint64_t> first_bad_position;
  std::string problem;  // what failed there
  bool ok() const { return status.ok() && !first_bad_position.has_value(); }
};

class Subscription;
class PendingAppend;
struct WriteRequest;

class EventStore {
 public:
  // Opens (or creates) the store in `dir`. Fails with kNotFound if `dir` holds no store and
  // !create_if_missing, kCorruption if the tail of the chain is broken, kIOError otherwise.
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir, const Options& options);

  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends `events` to `stream`, atomically: all are written or none. Blocks until durable.
  // Errors (nothing written): kInvalidArgument (bad stream name, id, type, empty batch,
  // duplicate id within the batch), kTooLarge, kWrongExpectedVersion (stream_version carries
  // the current version), kIdConflict (some ids are stored and some not, or a stored id
  // belongs to a different event), kClosed, kIOError.
  // Idempotency is checked before the expected version, so a retry of a successful append
  // succeeds with the original positions even though the stream has moved on.
  AppendResult Append(std::string_view stream, ExpectedVersion expected,
                      std::vector<NewEvent> events);

  // Appends to several streams as one append: atomically (all or none), the events in the
  // order given with contiguous positions, each stream's expected version checked. A
  // stream may appear once. The limits of one append hold for the total. A command that
  // changes several things (a merge: a clash, two initiatives, their tasks) is one
  // AppendAll. Errors as Append; kWrongExpectedVersion names the stream that did not match.
  AppendResult AppendAll(std::vector<StreamAppend> appends);

  // AppendAll in two steps, for a caller that decides its next append from the outcome of
  // this one without waiting for the disk (a command handler deciding queued commands one
  // after another, then waiting once): see PendingAppend. Never null.
  std::unique_ptr<PendingAppend> StartAppendAll(std::vector<StreamAppend> appends);

  // Appends events that were recorded elsewhere (an export), keeping every field. Each must
  // continue the log exactly: position = head + 1, prev_hash = head hash, a hash that
  // recomputes, the next version of its stream, an unused id. All or nothing, within the
  // limits of one append (kMaxEventsPerAppend, kMaxAppendBytes). On failure, *failed_index
  // (if given) is set to the index in `records` of the record that failed, or to
  // records.size() when the failure is not one record's. Used by `rotonde import`.
  Status Import(std::vector<EventRecord> records, size_t* failed_index = nullptr);

  // Up to `limit` events of the whole log after `after_position`, in order.
  Status ReadAll(uint64_t after_position, size_t limit, std::vector<EventRecord>* out) const;
  // Up to `limit` events of one partition (the part of a stream name before its first '/')
  // after `after_position`, in log order. Served by an index: other partitions are not read.
  Status ReadPartition(std::string_view partition, uint64_t after_position, size_t limit,
                       std::vector<EventRecord>* out) const;
  // Up to `limit` events of `stream` from version `from_version` (inclusive), in order.
  Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                    std::vector<EventRecord>* out) const;
  // The stream's current version (its last event's), nullopt if it has no events.
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const;

  // The last durable event's position and hash.
  HeadInfo Head() const;
  // Blocks until the head passes `after_position`, the timeout passes, or the store closes;
  // returns the head then.
  uint64_t WaitForHead(uint64_t after_position, std::chrono::milliseconds timeout) const;

  // Events after `after_position` in order: first what is on disk, then live, with no gap
  // and no duplicate at the switch. With a non-empty `partition`, only that partition's
  // events. A slow subscriber never slows appends: it falls behind and reads from disk.
  std::unique_ptr<Subscription> Subscribe(uint64_t after_position, std::string partition = {});

  // Walks the whole log: each key matches its position, positions are gap-free, each hash
  // recomputes and links to the previous one, stream versions are gap-free, and the id,
  // stream and partition indexes hold exactly one entry per event, pointing at it.
  VerifyReport Verify() const;

  Stats GetStats() const;

  // Stops the writer: queued appends fail with kClosed, waiting subscribers wake up.
  // Idempotent; the destructor calls it.
  void Close();

 private:
  friend class Subscription;
  class Impl;
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An append started by EventStore::StartAppendAll. Not thread-safe (one owner); it may be
// destroyed at any time, the append goes on regardless.
class PendingAppend {
 public:
  ~PendingAppend();
  PendingAppend(const PendingAppend&) = delete;
  PendingAppend& operator=(const PendingAppend&) = delete;

  // Blocks until the store has checked the append and placed it in the log: on success its
  // positions, versions and hashes are final and every later append sees it (expected
  // versions, ids), but it is not durable yet and no read, subscription or head shows it.
  // A failure here is final: nothing is written.
  const AppendResult& Prepared();
  // The events exactly as they will be stored, once Prepared() succeeded with a fresh append
  // (empty for an idempotent replay or a failure).
  const std::vector<std::shared_ptr<const EventRecord>>& records();
  // Blocks until the append is durable or has failed; the final result, as AppendAll returns
  // it. A prepared append can still fail here (the disk failed): then every append prepared
  // after it fails too, so a caller that folded prepared events must drop what it folded.
  AppendResult Wait();

 private:
  friend class EventStore;
  explicit PendingAppend(std::shared_ptr<WriteRequest> request) : request_(std::move(request)) {}
  explicit PendingAppend(AppendResult refused);
  std::shared_ptr<WriteRequest> request_;  // null when refused before queueing
  AppendResult refused_;
};

// A cursor over the log; not thread-safe (one consumer), created by EventStore::Subscribe.
class Subscription {
 public:
  ~Subscription();
  // Waits until events after the cursor exist (or the timeout passes, or the store closes),
  // then returns up to `max_events` of them in order and advances the cursor. An empty `out`
  // with an ok status means the timeout passed. kClosed once the store is closed.
  Status Next(std::vector<EventRecord>* out, size_t max_events, std::chrono::milliseconds timeout);
  // The position up to which this subscription has delivered (or, with a partition filter,
  // scanned) the log.
  uint64_t position() const { return position_; }

 private:
  friend class EventStore;
  Subscription(const EventStore::Impl* store, uint64_t after_position, std::string partition);
  const EventStore::Impl* store_;
  uint64_t position_;
  std::string partition_;
};

// Computes the chain hash of `record` given its prev_hash field (its hash field is ignored).
std::string ComputeEventHash(const EventRecord& record);

// The partition of a stream name: the part before its first '/', or the whole name.
std::string_view PartitionOf(std::string_view stream);

}  // namespace rotonde::eventstore
