// Deciding an append or import, the same for every backend: idempotency by event ids first,
// then the platform's expected position and each stream's expected version, then the records
// with their positions, versions and chain hashes (hash_chain.h); an import's records are
// checked to continue the log exactly. A backend answers the questions about its log as
// prepared so far (LogView) and keeps what is decided; nothing here writes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "rotonde/eventstore/event_store_types.h"
#include "write_request.h"

namespace rotonde::eventstore {

// A platform's log as prepared: the position its next event gets, and its last hash.
struct PlatformTail {
  uint64_t next_position = 1;
  std::string hash;
};

// Where an event id is stored: its platform and position, and its record when the backend
// has it at hand (else PrepareAppend asks LoadRecord for it).
struct IdLocation {
  std::string platform;
  uint64_t position = 0;
  std::shared_ptr<const EventRecord> record;
};

// A backend's log as prepared so far, durable or not: what preparing asks, and where it puts
// what it decided.
class LogView {
 public:
  virtual ~LogView() = default;
  // Where each of `ids` is stored; nullopt where unused.
  virtual Status FindIds(const std::vector<std::string_view>& ids,
                         std::vector<std::optional<IdLocation>>* found) = 0;
  // The record at a location FindIds gave without one.
  virtual Status LoadRecord(const IdLocation& where, EventRecord* out) = 0;
  // The stream's version (nullopt: no events).
  virtual Result<std::optional<uint64_t>> CurrentVersion(const std::string& stream) = 0;
  // The platform's tail; PrepareAppend and PrepareImport move it through AddRecord.
  virtual PlatformTail& Tail(const std::string& platform) = 0;
  // Takes a prepared record and its stored bytes; moves `tail` past it.
  virtual void AddRecord(std::shared_ptr<const EventRecord> record, std::string stored_bytes,
                         PlatformTail& tail) = 0;
  // The stream's version after what was added.
  virtual void SetVersion(const std::string& stream, uint64_t version) = 0;
};

// The time an append's records are recorded at.
google::protobuf::Timestamp Now();

// Decides the append `request` against `log`, leaving the answer in request.result (and the
// records in request.prepared_records when it wants them). Returns true when it replayed ids
// whose records FindIds had at hand (not yet durable, for a backend that writes in stages).
bool PrepareAppend(WriteRequest& request, const google::protobuf::Timestamp& now, LogView& log);
// Decides the import `request` against `log`; on failure request.result.positions holds the
// failing record's index alone.
void PrepareImport(WriteRequest& request, LogView& log);

}  // namespace rotonde::eventstore
