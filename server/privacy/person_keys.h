// PersonKeys: the key store. A 32-byte key per person and platform, under which the
// person's personal fields in that platform's log are sealed (sealed_events.h), kept in its
// own RocksDB database (<data>/keys): never in the log, never in an export, never in a
// checkpoint.
//
// Erasure destroys a key (Destroy): the database deletes it and then compacts, so that no
// file of the database holds the key's bytes any more, neither a table nor the write-ahead
// log. A destroyed person stays known as erased (a tombstone holding no key), and no key is
// made for them again.
//
// The store also keeps erasures in progress (Begin/EndErasure): an erasure marks its
// person first, and a server that finds marks at start-up finishes them or drops them
// (server/app/erasure.h), so a crash leaves a person either fully there or fully erased.
//
// Durability: every write is synced before the call returns; a key handed out by Ensure
// survives kill -9 and power loss, so nothing sealed under it becomes unreadable.
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rotonde/base/status.h"

namespace rocksdb {
class DB;
}

namespace rotonde::privacy {

using PersonKey = std::array<uint8_t, 32>;

// A person on a platform: whose key it is.
struct PersonRef {
  std::string platform;
  std::string person;
  auto operator<=>(const PersonRef&) const = default;
};

// An erasure begun and not ended, with the name the person had (to find mail naming them).
struct ErasureMark {
  PersonRef person;
  std::string name;
};

class PersonKeys {
 public:
  // Opens (creating) the key store in `dir`. kIOError if RocksDB cannot open it. With
  // `read_only` (a tool beside a running server) nothing is created or written: Ensure,
  // Destroy and the erasure marks fail; kNotFound if there is no key store.
  static Result<std::unique_ptr<PersonKeys>> Open(const std::string& dir, bool read_only = false);
  ~PersonKeys();
  PersonKeys(const PersonKeys&) = delete;
  PersonKeys& operator=(const PersonKeys&) = delete;

  // The database itself, for a backup of it while it is open (server/app/backup.h).
  rocksdb::DB& database() { return *db_; }

  // The person's key, made (random, synced) if they have none yet. kFailedPrecondition
  // ("erased") for a person whose key was destroyed; kIOError if the store cannot write.
  Result<PersonKey> Ensure(const PersonRef& person);
  // The person's key; nullopt if they have none (never had one, or it was destroyed).
  std::optional<PersonKey> Find(const PersonRef& person) const;
  // Whether the person's key was destroyed.
  bool Destroyed(const PersonRef& person) const;

  // Destroys the person's key and leaves a tombstone: deleted, then every file that held
  // the key rewritten (flush and compaction; the write-ahead log that held it is dropped).
  // Idempotent.
  Status Destroy(const PersonRef& person);

  // Marks an erasure as begun, keeping the person's name with the mark (synced);
  // EndErasure drops the mark and compacts it away. Erasures() lists the marks left, for a
  // start-up to finish.
  Status BeginErasure(const PersonRef& person, const std::string& name);
  Status EndErasure(const PersonRef& person);
  Result<std::vector<ErasureMark>> Erasures() const;

  // The people on `platform` with a key or a tombstone: for an inzage and for tests.
  std::vector<std::string> People(std::string_view platform) const;

 private:
  explicit PersonKeys(std::unique_ptr<rocksdb::DB> db);
  Status Write(const std::string& key, std::optional<std::string> value);

  std::unique_ptr<rocksdb::DB> db_;
  // Keys read or made so far, so that opening events reads the database once per person.
  mutable std::mutex mu_;
  mutable std::map<PersonRef, std::optional<PersonKey>> cache_;  // nullopt: destroyed
};

}  // namespace rotonde::privacy
