// How the event store lays out RocksDB. One column family per kind of record:
//
//   log         BE64(position)                 -> EventRecord (serialized, with hash)
//   streams     stream '\0' BE64(version)      -> BE64(position)
//   ids         event id                       -> BE64(position)
//   partitions  partition '\0' BE64(position)  -> ""
//   default     "format"                       -> kFormatVersion
//
// Big-endian fixed-width numbers make RocksDB's bytewise order the log order. Stream names,
// partitions and ids are visible ASCII (0x21..0x7e), so the '\0' separator sorts before any
// longer name sharing the prefix: "a\0..." never interleaves with "ab\0...".
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
inline constexpr const char* kPartitionsFamily = "partitions";
inline constexpr const char* kFormatKey = "format";
inline constexpr const char* kFormatVersion = "rotonde-eventstore-1";

std::string EncodeU64(uint64_t value);
// Decodes 8 big-endian bytes; false if `bytes` is not 8 long.
bool DecodeU64(std::string_view bytes, uint64_t* value);

inline std::string LogKey(uint64_t position) { return EncodeU64(position); }
std::string StreamKey(std::string_view stream, uint64_t version);
// The exclusive upper bound of all keys of `stream`.
std::string StreamEnd(std::string_view stream);
std::string PartitionKey(std::string_view partition, uint64_t position);

// The trailing 8 bytes of a streams/partitions key as a number.
bool DecodeTrailingU64(std::string_view key, uint64_t* value);

// Prefixes for RocksDB's memtable insert hints: keys sharing a prefix arrive in ascending
// order, so each insert starts where the previous one of its prefix ended.
// The whole family is one prefix (the log: positions only ascend).
std::shared_ptr<const rocksdb::SliceTransform> OneSequence();
// The name up to and including its '\0' (streams, partitions: ascending within a name).
std::shared_ptr<const rocksdb::SliceTransform> SequencePerName();

}  // namespace rotonde::eventstore::keys
