// EventLog: the contract of a backend of the event store, as the application uses it. The
// embedded store (EventStore, on RocksDB) keeps it today; a replicated backend (PostgreSQL
// under Patroni) will keep the same one and pass the same contract suite
// (tests/eventstore/event_log_contract_test.cc, parameterised by backend).
//
// What every backend promises (the types are event_store_types.h's, shared by all):
// - A log per platform: a platform's events have positions 1..N, gap-free, and a hash chain
//   from a genesis hash bound to the platform's id (docs/verification.md). Nothing orders
//   events of different platforms.
// - Streams "<platform>/<kind>/<id>", each with versions from 0; an append checks each
//   stream's expected version (and optionally the platform's position) and writes nothing
//   on a mismatch.
// - Atomic appends: all events of an append, over several streams of one platform, or none.
// - Idempotency: an append whose event ids are all stored already returns the original
//   positions and writes nothing.
// - Asynchronous durability: AppendAsync returns at once and calls `done` exactly once, after
//   the events are durable or the append is refused. No thread waits per append in flight;
//   concurrent appends of any platforms share the backend's durable writes.
// - Reads, heads and verification show only durable events.
//
// Subscriptions, the live feed and imports are the embedded store's own for now (EventStore);
// they join this contract with the second backend.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_store_types.h"

namespace rotonde::eventstore {

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Called once with the outcome of an append, from a thread of the backend; it must not
  // block (it holds up the completion of other appends).
  using AppendDone = std::function<void(AppendResult)>;

  // Appends to one or more streams of one platform, atomically, and calls `done` once the
  // events are durable or the append is refused (errors as AppendResult documents).
  virtual void AppendAsync(std::vector<StreamAppend> appends, AppendOptions options,
                           AppendDone done) = 0;
  // AppendAsync, waiting for `done`: for tools and tests, which may park their thread.
  virtual AppendResult AppendAll(std::vector<StreamAppend> appends, AppendOptions options = {});

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
  // Walks the platform's log and checks every position, hash, link and stream version.
  virtual VerifyReport Verify(std::string_view platform) const = 0;
};

}  // namespace rotonde::eventstore
