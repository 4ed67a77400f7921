// Signed checkpoints of the platforms' logs (docs/verification.md, "Signed checkpoints"): a
// C2SP tlog-checkpoint of a platform's head, signed by the server's key as a signed note,
// which anyone can check against the log without trusting the server.
//
// Every note signed is kept, in its own RocksDB next to the event store (<data>/notes), and
// written with fsync before it is returned. Invariant: for one platform and one size there is
// at most one note, so the server never signs two different heads for one size; a log whose
// event at a signed size is no longer the one signed (restored from an older backup and grown
// again, or rewritten) gets no new signature there nor above, and the caller is told
// (checkpoint_conflict).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_log.h"
#include "signing_key.h"

namespace rocksdb {
class DB;
}

namespace rotonde::app {

struct SignedCheckpoint {
  std::string origin;  // "<server name>/<platform>"
  uint64_t size = 0;   // the platform's events covered: positions 1..size
  std::string hash;    // 32 bytes: the hash of the event at `size`
  std::string note;    // the signed note, byte for byte as signed
};

namespace codes {
// A size signed before whose event the log no longer holds (see above).
inline constexpr std::string_view kCheckpointConflict = "checkpoint_conflict";
// A size the server never signed.
inline constexpr std::string_view kCheckpointNotFound = "checkpoint_not_found";
}  // namespace codes

class SignedCheckpoints {
 public:
  // Opens (creating) the notes database in `dir`; the notes are signed with `key` and read
  // heads from `store`, which must outlive this.
  static Result<std::unique_ptr<SignedCheckpoints>> Open(const std::string& dir, SigningKey key,
                                                         eventstore::EventLog& store);
  ~SignedCheckpoints();

  // The note of the platform's head now: the one signed before for this size, or a new one.
  // checkpoint_not_found for a platform with no events; checkpoint_conflict (see above);
  // the store's or the disk's error otherwise. Thread-safe.
  Result<SignedCheckpoint> SignHead(const std::string& platform);
  // The note signed earlier for `size`; checkpoint_not_found if there is none.
  Result<SignedCheckpoint> SignedAt(const std::string& platform, uint64_t size);

  const SigningKey& key() const { return key_; }
  // The database itself, for a backup of it while it is open (backup.h).
  rocksdb::DB& database() { return *db_; }

 private:
  SignedCheckpoints(std::unique_ptr<rocksdb::DB> db, SigningKey key, eventstore::EventLog& store);
  // checkpoint_conflict unless the log holds, at the greatest size below `size` that has a
  // note, the event that note signed: a new note only ever extends the last one.
  Status CheckExtendsLastNote(const std::string& platform, uint64_t size);
  // The note stored for (platform, size), or checkpoint_not_found.
  Result<SignedCheckpoint> Stored(const std::string& platform, uint64_t size);

  std::unique_ptr<rocksdb::DB> db_;
  const SigningKey key_;
  eventstore::EventLog& store_;
  std::mutex sign_mu_;  // a look-up and the write of its note are one step
};

}  // namespace rotonde::app
