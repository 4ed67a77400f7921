// How the event store lays out RocksDB. One column family per kind of record:
//
//   log      platform '\0' BE64(position)  -> the sealed event (body, prev_hash, hash)
//   streams  stream '\0' BE64(version)     -> BE64(position)   (a stream's platform is its
//                                                               name up to the first '/')
//   ids      event id                      -> platform '\0' BE64(position)
//   heads    platform                      -> BE64(position) ‖ hash(32)   (its last event)
//   default  "format"                      -> kFormatVersion
//            "memtable-marker"             -> ""  (memtable only, never in the WAL: see
//                                                  EventStore::Impl::PutMemtableMarker)
//
// Big-endian fixed-width numbers make RocksDB's bytewise order each platform's log order.
// Platforms, stream names and ids are visible ASCII (0x21..0x7e), so the '\0' separator sorts
// before any longer name sharing the prefix: "a\0..." never interleaves with "ab\0...".
// A platform's head is written in the same batch as its events, so it never disagrees with
// the log after a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <rocksdb/slice_transform.h>

namespace rotonde::eventstore::keys {

inline constexpr const char* kLogFamily = "log";
inline constexpr const char* kStreamsFamily = "streams";
inline constexpr const char* kIdsFamily = "ids";
inline constexpr const char* kHeadsFamily = "heads";
inline constexpr const char* kFormatKey = "format";
inline constexpr const char* kFormatVersion = "rotonde-eventstore-2";
inline constexpr const char* kMemtableMarkerKey = "memtable-marker";
// The format before logs were per platform: one log and one chain across all platforms, and a
// column family listing each platform's positions in it, which no later format has.
inline constexpr const char* kFormatOneLog = "rotonde-eventstore-1";
inline constexpr const char* kOneLogPartitionsFamily = "partitions";

std::string EncodeU64(uint64_t value);
// Decodes 8 big-endian bytes; false if `bytes` is not 8 long.
bool DecodeU64(std::string_view bytes, uint64_t* value);

// name '\0' BE64(number): a platform's log key, an id's value, a stream's key.
std::string NameKey(std::string_view name, uint64_t number);
// Splits a NameKey; false if it is not one.
bool DecodeNameKey(std::string_view key, std::string_view* name, uint64_t* number);
// The exclusive upper bound of all NameKeys of `name`.
std::string NameEnd(std::string_view name);

inline std::string LogKey(std::string_view platform, uint64_t position) {
  return NameKey(platform, position);
}
inline std::string StreamKey(std::string_view stream, uint64_t version) {
  return NameKey(stream, version);
}

// A heads value: BE64(position) ‖ hash.
std::string HeadValue(uint64_t position, std::string_view hash);
bool DecodeHeadValue(std::string_view value, uint64_t* position, std::string* hash);

// Prefixes for RocksDB's memtable insert hints: keys sharing a prefix arrive in ascending
// order, so each insert starts where the previous one of its prefix ended. The name up to
// and including its '\0' (a platform's log, a stream: ascending within a name).
std::shared_ptr<const rocksdb::SliceTransform> SequencePerName();

}  // namespace rotonde::eventstore::keys
