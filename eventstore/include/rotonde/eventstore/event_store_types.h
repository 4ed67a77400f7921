// The values every backend of the event store speaks (EventLog, event_log.h): events as
// proposed and as stored, expected versions, append outcomes, heads and verification
// reports, the limits of one append, and the chain rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/v1/event.pb.h"

namespace rotonde::eventstore {

using EventRecord = rotonde::v1::EventRecord;

// Documented limits; violating one fails the call with kInvalidArgument or kTooLarge and
// writes nothing.
inline constexpr size_t kMaxPlatformBytes = 64;
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

struct AppendOptions {
  // The platform's last position the caller expects the append to follow: a mismatch fails
  // with kWrongExpectedVersion and writes nothing. A caller that is the platform's only
  // writer knows its positions before they are durable, and can decide its next append on
  // them (nullopt: no check).
  std::optional<uint64_t> expected_position;
};

struct AppendResult {
  Status status;
  // On success: the position of each event in its platform's log, in order (contiguous
  // for a fresh append).
  std::vector<uint64_t> positions;
  // On success: the (last) stream's version after the append. On kWrongExpectedVersion: the
  // current version of the stream that did not match, or nullopt if it does not exist.
  std::optional<uint64_t> stream_version;
  // True when every event id was stored already: nothing was written and `positions` are the
  // original ones (a retry after a lost reply).
  bool idempotent_replay = false;

  bool ok() const { return status.ok(); }
};

// A platform's log as far as it is durable: its last event.
struct HeadInfo {
  uint64_t position = 0;  // 0 for a platform with no events
  std::string hash;       // the platform's genesis hash when it has no events
};

struct VerifyReport {
  // Not ok when the walk itself could not be done (the store is closed, the disk fails):
  // then nothing is known about damage.
  Status status;
  std::string platform;  // "" for the report on the store's shared indexes (VerifyAll)
  uint64_t events = 0;
  HeadInfo head;
  // Set when the log is damaged: the first position whose event or index entries fail a
  // check (for the shared indexes: the count of events they were checked against).
  std::optional<uint64_t> first_bad_position;
  std::string problem;  // what failed there
  bool ok() const { return status.ok() && !first_bad_position.has_value(); }
  // Marks the log damaged at `position` by `what`.
  VerifyReport& Fail(uint64_t position, std::string what) {
    first_bad_position = position;
    problem = std::move(what);
    return *this;
  }
};

// Counters for /metrics and benchmarks, monotonic since the log was opened, and gauges.
// What a backend does not have (memtables, a block cache) stays 0.
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
  uint64_t memtable_bytes = 0;      // RocksDB's memtables, all column families
  uint64_t block_cache_bytes = 0;   // RocksDB's block cache (at most 64 MiB)
  uint64_t recent_events = 0;       // committed events kept for live readers (recent_events_cache)
  uint64_t platforms = 0;           // platforms with events
  uint64_t disk_full = 0;           // 1 while appends are refused because the disk is full
  uint64_t disk_full_episodes = 0;  // counter: times the disk was found full
};

// ---- The chain rule (docs/verification.md), the same for every backend ----------------------

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
