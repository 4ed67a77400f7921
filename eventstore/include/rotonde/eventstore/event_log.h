// EventLog: the contract of a backend of the event store, as the application uses it. The
// embedded store (EventStore, on RocksDB, event_store.h) and the replicated one (PgEventLog,
// on PostgreSQL, pg_event_log.h) keep it, and prove it by passing the same contract suite
// (the TEST_Ps of tests/eventstore/, parameterised by backend in log_fixture.h).
//
// What every backend promises (the types are event_store_types.h's, shared by all):
// - A log per platform: a platform's events have positions 1..N, gap-free, and a hash chain
//   from a genesis hash bound to the platform's id, byte for byte as docs/verification.md
//   writes it. Nothing orders events of different platforms: a platform can be exported,
//   verified, moved and erased on its own.
// - Streams "<platform>/<kind>/<id>", each with versions from 0; an append checks each
//   stream's expected version (and optionally the platform's position) and writes nothing
//   on a mismatch.
// - Atomic appends: all events of an append, over several streams of one platform, or none.
// - Idempotency: an append whose event ids are all stored already returns the original
//   positions and writes nothing. It is checked before the expected versions, so a retry of
//   a successful append succeeds even though its streams have moved on.
// - Asynchronous durability: an append completes by its callback, after the events are
//   durable or the append is refused; no thread waits per append in flight, and concurrent
//   appends of any platforms share the backend's durable writes.
// - Reads, heads, subscriptions, feeds and verification show only durable events.
// - After a failed durable write the backend refuses every later append; the failed
//   append's events may or may not be found later (retry it with the same ids). A full disk
//   is the exception: appends are refused with kUnavailable while it lasts and taken again,
//   without a restart, once space is freed; and so is a database server out of reach (a
//   failover): kUnavailable, and the next append connects again.
//
// Errors (nothing written): kInvalidArgument (bad stream name, id, type, an empty append,
// an id twice, streams of two platforms, a stream twice), kTooLarge, kWrongExpectedVersion
// (AppendResult::stream_version carries the current version), kIdConflict (some ids are
// stored and some not, or a stored id belongs to a different event), kClosed, kIOError,
// kUnavailable (the disk is full, or the database server is out of reach: retry later).
//
// Thread safety: every method may be called from any thread concurrently. Subscriptions,
// feeds and pending appends are used by one thread at a time and destroyed before their log.
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
#include "rotonde/eventstore/event_store_types.h"

namespace rotonde::eventstore {

class PendingAppend;
class Subscription;
class LiveFeed;

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Called once with the outcome of an append, from a thread of the backend; it must not
  // block (it holds up the completion of other appends).
  using AppendDone = std::function<void(AppendResult)>;

  // ---- Appending ------------------------------------------------------------------------

  // Appends to one or more streams of one platform as one append: atomically, the events
  // in the order given with contiguous positions, each stream's expected version and the
  // options' expected position checked. Returns at once; `done` is called once the events
  // are durable or the append is refused.
  virtual void AppendAsync(std::vector<StreamAppend> appends, AppendOptions options,
                           AppendDone done) = 0;

  // The same append in two steps, for a caller that decides its next append from this
  // one's outcome without waiting for the disk (a platform's commands, decided one after
  // another): see PendingAppend. `done`, if given, is called as AppendAsync's is (or from
  // this thread before it returns, when the append is refused at once); when it is called,
  // Wait() returns at once. Never null.
  virtual std::unique_ptr<PendingAppend> StartAppendAll(std::vector<StreamAppend> appends,
                                                        AppendOptions options, AppendDone done) = 0;
  std::unique_ptr<PendingAppend> StartAppendAll(std::vector<StreamAppend> appends,
                                                AppendOptions options = {}) {
    return StartAppendAll(std::move(appends), options, nullptr);
  }

  // AppendAsync, waiting for `done`: for tools and tests, which may park their thread.
  virtual AppendResult AppendAll(std::vector<StreamAppend> appends, AppendOptions options = {});
  // AppendAll to one stream.
  AppendResult Append(std::string_view stream, ExpectedVersion expected,
                      std::vector<NewEvent> events);

  // Appends events of `platform` recorded elsewhere (an export), keeping every field. Each
  // must continue the platform's log exactly: position = head + 1, prev_hash = head hash, a
  // hash that recomputes, the next version of its stream (a stream of `platform`), an
  // unused id. All or nothing, within the limits of one append. On failure, *failed_index
  // (if given) is the index in `records` of the record that failed, or records.size() when
  // the failure is not one record's. Blocks until durable.
  virtual Status Import(std::string_view platform, std::vector<EventRecord> records,
                        size_t* failed_index = nullptr) = 0;

  // ---- Reading --------------------------------------------------------------------------

  // Up to `limit` events of `platform` after `after_position`, in order.
  virtual Status Read(std::string_view platform, uint64_t after_position, size_t limit,
                      std::vector<EventRecord>* out) const = 0;
  // Up to `limit` events of `stream` from version `from_version` (inclusive), in order.
  virtual Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                            std::vector<EventRecord>* out) const = 0;
  // The stream's current version (its last event's), nullopt if it has no events.
  virtual Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const = 0;
  // The platform's last durable event's position and hash (the genesis hash and 0 when it
  // has none).
  virtual HeadInfo Head(std::string_view platform) const = 0;
  // The platforms that have events, in name order.
  virtual std::vector<std::string> Platforms() const = 0;
  // Walks the platform's log: positions are gap-free, each event's body names its position
  // and a stream of the platform, each hash recomputes and links to the one before it (the
  // first to the genesis hash), and stream versions are gap-free.
  virtual VerifyReport Verify(std::string_view platform) const = 0;

  // `platform`'s events after `after_position` in order: first what is stored, then live,
  // with no gap and no duplicate at the switch. A slow subscriber never slows appends.
  virtual std::unique_ptr<Subscription> Subscribe(std::string platform,
                                                  uint64_t after_position) = 0;
  // Every platform's events from now on (see LiveFeed).
  virtual std::unique_ptr<LiveFeed> FollowAll() = 0;

  // ---- Operating ------------------------------------------------------------------------

  virtual Stats GetStats() const = 0;
  // Refuses later appends with kClosed, completes those queued (kClosed if not durable) and
  // wakes waiting subscribers. Idempotent; the backend's destructor calls it.
  virtual void Close() = 0;
};

// An append started by StartAppendAll. It may be destroyed at any time; the append goes on
// regardless.
class PendingAppend {
 public:
  virtual ~PendingAppend() = default;
  // Blocks until the backend has checked the append and placed it in the log: on success
  // its positions, versions and hashes are final and every later append sees it (expected
  // versions, ids), but it may not be durable yet and no read, subscription or head shows
  // it. A failure here is final: nothing is written. (A backend that can only place an
  // append by writing it durably returns once it did.)
  virtual const AppendResult& Prepared() = 0;
  // The events exactly as they will be stored, once Prepared() succeeded with a fresh append
  // (empty for an idempotent replay or a failure).
  virtual const std::vector<std::shared_ptr<const EventRecord>>& records() = 0;
  // Blocks until the append is durable or has failed; the final result, as AppendAll's. A
  // prepared append can still fail here (the disk failed): then every append prepared after
  // it fails too, so a caller that folded prepared events must drop what it folded.
  virtual AppendResult Wait() = 0;
};

// A cursor over one platform's log (EventLog::Subscribe).
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Waits until events after the cursor exist (or the timeout passes, or the log closes),
  // then returns up to `max_events` of them in order and advances the cursor. An empty `out`
  // with an ok status means the timeout passed. kClosed once the log is closed.
  virtual Status Next(std::vector<EventRecord>* out, size_t max_events,
                      std::chrono::milliseconds timeout) = 0;
  // The position up to which this subscription has delivered the platform's log.
  virtual uint64_t position() const = 0;
};

// Every platform's new events in the order they became durable, from the moment it was
// created (EventLog::FollowAll). The order across platforms is the backend's own and means
// nothing beyond it; each platform's events come in its log's order.
//
// A backend serves it from recent events it keeps at hand. A consumer that falls further
// behind than those gets kOutOfRange ("behind") once, and the feed continues from the newest
// event: the consumer then reads each platform it follows from where it was up to
// Head(platform) with Read(), and ignores what the feed brings at or below the positions it
// has.
class LiveFeed {
 public:
  virtual ~LiveFeed() = default;
  // As Subscription::Next, over all platforms; kOutOfRange when behind (see above).
  virtual Status Next(std::vector<EventRecord>* out, size_t max_events,
                      std::chrono::milliseconds timeout) = 0;
};

}  // namespace rotonde::eventstore
