// Direct access to an event store's RocksDB files, for tests that damage stored data the way
// a disk fault or a tamperer would. The store must be closed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace rotonde::test_support {

// Rewrites the value of `key` in the column family `family` with `edit`; throws on failure
// (also when the key is not there).
void EditRawValue(const std::string& dir, const std::string& family, const std::string& key,
                  const std::function<void(std::string& bytes)>& edit);

// Rewrites the stored bytes of `platform`'s event at `position` with `edit`; throws on
// failure.
void EditStoredEvent(const std::string& dir, const std::string& platform, uint64_t position,
                     const std::function<void(std::string& bytes)>& edit);

// Deletes `key` from the column family `family` (e.g. "ids"), as a lost index entry would.
void DeleteRawKey(const std::string& dir, const std::string& family, const std::string& key);

// Writes `key` -> `value` into the column family `family`, as a stray index entry would.
void PutRawKey(const std::string& dir, const std::string& family, const std::string& key,
               const std::string& value);

// Flips one bit of the last byte of the payload in a stored event's bytes; throws if the
// payload is empty.
void FlipPayloadByteOf(std::string& bytes);
// FlipPayloadByteOf the stored event of `platform` at `position`.
void FlipPayloadByte(const std::string& dir, const std::string& platform, uint64_t position);

}  // namespace rotonde::test_support
