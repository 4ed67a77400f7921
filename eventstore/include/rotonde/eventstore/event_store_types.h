// The values every backend of the event store speaks (EventLog, event_log.h): events as
// proposed and as stored, expected versions, append outcomes, heads and verification
// reports, and the limits of one append.
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
};

}  // namespace rotonde::eventstore
