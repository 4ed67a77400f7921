// The event store: Rotonde's append-only, hash-chained logs on RocksDB, one per platform.
//
// It knows nothing of neighbourhoods: it stores EventRecords in streams named
// "<platform>/<kind>/<id>", and each platform (the part of a stream's name before its first
// '/') has a log of its own. Every contract below is kept by event_store.cc and checked in
// tests/eventstore/.
//
// Positions. Every event gets a position in its platform's log, from 1 and gap-free, and a
// version in its stream (from 0). "After position P" means positions P+1, P+2, ...; position
// 0 is "before the first event". Nothing in the contract orders events of different
// platforms: a platform can be exported, verified, moved and erased on its own.
//
// Durability. An append completes only after its events are on disk (their RocksDB
// WriteBatch written, then the WAL fsynced). Concurrent appends, of any platforms, are
// gathered by one writer thread into one batch, and one fsync covers every batch written
// before it, so throughput grows with concurrency far beyond the disk's fsync rate
// (src/writer.cc). No read, subscription or head ever shows an event whose batch is not yet
// durable. After a failed write or fsync the store refuses every later append; the failed
// append's events may or may not be found after a restart (retry it with the same ids).
//
// Hash chain. Each platform's events form a chain from a genesis hash bound to the
// platform's id, byte for byte as docs/verification.md writes it (src/hash_chain.h). Open()
// checks the last `tail_check_events` links of every platform; Verify() checks them all.
//
// Thread safety. All methods may be called from any thread concurrently. Subscriptions and
// feeds must be destroyed before their store.
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
  uint64_t platforms = 0;          // platforms with events
};

class Subscription;
class LiveFeed;
class PendingAppend;
struct WriteRequest;

// The embedded backend of EventLog, on RocksDB in one directory.
class EventStore final : public EventLog {
 public:
  // Opens (or creates) the store in `dir`. Fails with kNotFound if `dir` holds no store and
  // !create_if_missing; with "old_format" if it holds a store of the format before logs were
  // per platform (`rotonde migrate` rewrites it); kCorruption if the tail of a chain is
  // broken; kIOError otherwise.
  static Result<std::unique_ptr<EventStore>> Open(const std::string& dir, const Options& options);

  ~EventStore() override;
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

  // Appends to several streams of one platform as one append: atomically (all or none), the
  // events in the order given with contiguous positions, each stream's expected version and
  // the options' expected position checked. A stream may appear once; streams of two
  // platforms are kInvalidArgument. The limits of one append hold for the total. A command
  // that changes several things (a merge: a clash, two initiatives, their tasks) is one
  // AppendAll. Errors as Append; kWrongExpectedVersion names what did not match.
  AppendResult AppendAll(std::vector<StreamAppend> appends, AppendOptions options = {}) override;

  // AppendAll without waiting: `done` is called once with the result, from a store thread,
  // once the events are durable or the append is refused; no thread is parked meanwhile.
  // `done` must not block (it holds up the completion of other appends).
  void AppendAsync(std::vector<StreamAppend> appends, AppendOptions options,
                   AppendDone done) override;

  // AppendAll in two steps, for a caller that decides its next append from the outcome of
  // this one without waiting for the disk (a command handler deciding queued commands one
  // after another, then waiting once): see PendingAppend. Never null.
  std::unique_ptr<PendingAppend> StartAppendAll(std::vector<StreamAppend> appends,
                                                AppendOptions options = {});
  // The same, and `done` is called once with the final result, as AppendAsync's is: from a
  // store thread once the append is durable or refused in the writer, or from this thread
  // before this returns when it is refused at once. Then nobody needs to Wait(); when
  // `done` is called, Wait() on this append returns at once.
  std::unique_ptr<PendingAppend> StartAppendAll(std::vector<StreamAppend> appends,
                                                AppendOptions options, AppendDone done);

  // Appends events of `platform` that were recorded elsewhere (an export), keeping every
  // field. Each must continue the platform's log exactly: position = head + 1, prev_hash =
  // head hash, a hash that recomputes, the next version of its stream (a stream of
  // `platform`), an unused id. All or nothing, within the limits of one append. On failure,
  // *failed_index (if given) is set to the index in `records` of the record that failed, or
  // to records.size() when the failure is not one record's. Used by `rotonde import`.
  Status Import(std::string_view platform, std::vector<EventRecord> records,
                size_t* failed_index = nullptr);

  // Up to `limit` events of `platform` after `after_position`, in order.
  Status Read(std::string_view platform, uint64_t after_position, size_t limit,
              std::vector<EventRecord>* out) const override;
  // Up to `limit` events of `stream` from version `from_version` (inclusive), in order.
  Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                    std::vector<EventRecord>* out) const override;
  // The stream's current version (its last event's), nullopt if it has no events.
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const override;

  // The platform's last durable event's position and hash.
  HeadInfo Head(std::string_view platform) const override;
  // The platforms that have events, in name order.
  std::vector<std::string> Platforms() const override;

  // `platform`'s events after `after_position` in order: first what is on disk, then live,
  // with no gap and no duplicate at the switch. A slow subscriber never slows appends: it
  // falls behind and reads from disk.
  std::unique_ptr<Subscription> Subscribe(std::string platform, uint64_t after_position);
  // Every platform's events from now on, in the order they became durable (see LiveFeed).
  std::unique_ptr<LiveFeed> FollowAll();

  // Walks the platform's log: positions are gap-free, each event's body names its position
  // and a stream of the platform, each hash recomputes and links to the one before it (the
  // first to the genesis hash), stream versions are gap-free, and each event's id and stream
  // index entries point at it, as the platform's head does at its last event.
  VerifyReport Verify(std::string_view platform) const override;
  // Verify() of every platform, in name order, then one report (platform "") on the shared
  // id and stream indexes: that they hold one entry per event and nothing else.
  std::vector<VerifyReport> VerifyAll() const;

  Stats GetStats() const;

  // Stops the writer: queued appends fail with kClosed, waiting subscribers wake up.
  // Idempotent; the destructor calls it.
  void Close();

 private:
  friend class Subscription;
  friend class LiveFeed;
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

// A cursor over one platform's log; not thread-safe (one consumer), created by
// EventStore::Subscribe.
class Subscription {
 public:
  ~Subscription();
  // Waits until events after the cursor exist (or the timeout passes, or the store closes),
  // then returns up to `max_events` of them in order and advances the cursor. An empty `out`
  // with an ok status means the timeout passed. kClosed once the store is closed.
  Status Next(std::vector<EventRecord>* out, size_t max_events, std::chrono::milliseconds timeout);
  // The position up to which this subscription has delivered the platform's log.
  uint64_t position() const { return position_; }

 private:
  friend class EventStore;
  Subscription(const EventStore::Impl* store, std::string platform, uint64_t after_position);
  const EventStore::Impl* store_;
  std::string platform_;
  uint64_t position_;
};

// Every platform's new events in the order they became durable, from the moment it was
// created; not thread-safe (one consumer). The order across platforms is the store's own and
// means nothing beyond it; each platform's events come in its log's order.
//
// It serves from the events the store keeps in memory. A consumer that falls further behind
// than those gets kOutOfRange ("behind") once, and the feed continues from the newest event:
// the consumer then reads each platform it follows from where it was up to Head(platform)
// with Read(), and ignores what the feed brings at or below the positions it has.
class LiveFeed {
 public:
  ~LiveFeed();
  // As Subscription::Next, over all platforms; kOutOfRange when behind (see above).
  Status Next(std::vector<EventRecord>* out, size_t max_events, std::chrono::milliseconds timeout);

 private:
  friend class EventStore;
  LiveFeed(const EventStore::Impl* store, uint64_t after_sequence);
  const EventStore::Impl* store_;
  uint64_t sequence_;  // events the store made durable since it opened, delivered so far
};

// The genesis hash of a platform's chain: the prev_hash of its first event.
std::string GenesisHash(std::string_view platform);

// The chain hash of `record` (docs/verification.md) from its position, its prev_hash field
// and its body (every field but the two hashes).
std::string ComputeEventHash(const EventRecord& record);

// The body of `record`: every field but prev_hash and hash, in protobuf's binary encoding;
// what its hash covers.
std::string EventBody(const EventRecord& record);

// The platform of a stream name: the part before its first '/', or the whole name.
std::string_view PlatformOf(std::string_view stream);

}  // namespace rotonde::eventstore
