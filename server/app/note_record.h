// How SignedCheckpoints keeps a signed note in its RocksDB (<data>/notes): the key and the
// value of one record, and reading them back from the disk. Split out of
// signed_checkpoints.cc so that the reading can be tested and fuzzed without a database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rotonde/base/status.h"

namespace rotonde::app {

// The bytes of the event hash a note signs.
inline constexpr size_t kNoteHashBytes = 32;

// The key of `platform`'s note for `size`: platform 0x00 BE64(size), so that a platform's
// notes sort by size. Platform names hold no 0x00.
std::string NoteKey(std::string_view platform, uint64_t size);

// The size of a key NoteKey(platform, size) made; nullopt for any other key (another
// platform's, or not exactly 8 bytes after the separator).
std::optional<uint64_t> NoteKeySize(std::string_view key, std::string_view platform);

// The value stored for a note: the 32-byte hash it signs, then the note.
std::string NoteValue(std::string_view hash, std::string_view note);

struct StoredNote {
  std::string hash;  // 32 bytes
  std::string note;  // not empty
};

// A value NoteValue made, read back; corruption when it is too short to hold a hash and a
// note.
Result<StoredNote> ParseNoteValue(std::string_view value);

}  // namespace rotonde::app
