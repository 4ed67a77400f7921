// The hash chain of docs/verification.md, one per platform:
//
//   genesis(p) = SHA-256( "rotonde-log-v1 genesis" ‖ 0x00 ‖ p )
//   h(n)       = SHA-256( "rotonde-log-v1 event" ‖ 0x00 ‖ h(n-1) ‖ BE64(n) ‖ body(n) ),  h(0) =
//   genesis(p)
//
// body(n) is the EventRecord with fields 1..9 (everything but prev_hash and hash) in
// protobuf's binary encoding. The stored bytes are body(n) followed by the two hash fields
// (field 10, then field 15, 32 bytes each), so a reader finds the hashed bytes without
// re-encoding anything.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rotonde/v1/event.pb.h"

namespace rotonde::eventstore {

inline constexpr size_t kHashBytes = 32;
// What SealRecord appends to a body: two fields of a tag byte, a length byte and 32 bytes.
inline constexpr size_t kSealBytes = 2 * (2 + kHashBytes);

// SHA-256 of the parts one after another, on this thread's reused OpenSSL context.
std::string Sha256(std::initializer_list<std::string_view> parts);

// genesis(platform).
std::string GenesisHashOf(std::string_view platform);
// h(n) from h(n-1), n and body(n).
std::string ChainHash(std::string_view prev_hash, uint64_t position, std::string_view body);

// The stored bytes of `record`, whose prev_hash and hash must be empty: its body, then
// `prev_hash` and the hash, which *hash receives.
std::string SealRecord(const rotonde::v1::EventRecord& record, std::string_view prev_hash,
                       std::string* hash);
// The body of stored bytes: all but the two hash fields SealRecord appended; false if they
// are not there as it writes them.
bool BodyOf(std::string_view stored, std::string_view* body);

// Checks the event stored at `position` of `platform`'s log, as every backend's verification
// does: its bytes are sealed as SealRecord seals them and parse, it names `position` and a
// stream of the platform, links to `prev_hash` and its hash recomputes; with `next_versions`
// (each stream's next version, counted there) also that it has its stream's next version.
// Returns "" when it passes (*record holds it), else what failed.
std::string CheckLink(std::string_view platform, uint64_t position, std::string_view prev_hash,
                      std::string_view stored, rotonde::v1::EventRecord* record,
                      std::unordered_map<std::string, uint64_t>* next_versions);

}  // namespace rotonde::eventstore
