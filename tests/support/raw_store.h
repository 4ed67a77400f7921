// Direct access to an event store's RocksDB files, for tests that damage stored data the way
// a disk fault or a tamperer would. The store must be closed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace rotonde::test_support {

// Rewrites the stored bytes of the event at `position` with `edit`; throws on failure.
void EditStoredEvent(const std::string& dir, uint64_t position,
                     const std::function<void(std::string& bytes)>& edit);

// Deletes `key` from the column family `family` (e.g. "ids"), as a lost index entry would.
void DeleteRawKey(const std::string& dir, const std::string& family, const std::string& key);

// Writes `key` -> `value` into the column family `family`, as a stray index entry would.
void PutRawKey(const std::string& dir, const std::string& family, const std::string& key,
               const std::string& value);

// Flips one bit of the stored event's payload (its last byte); throws if the payload is empty.
void FlipPayloadByte(const std::string& dir, uint64_t position);

}  // namespace rotonde::test_support
