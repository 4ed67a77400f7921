// The hash chain: hash = SHA-256(prev_hash || record serialized with an empty hash field).
#pragma once

#include <string>
#include <string_view>

#include "rotonde/v1/event.pb.h"

namespace rotonde::eventstore {

inline constexpr size_t kHashBytes = 32;
// The prev_hash of the first event.
const std::string& GenesisHash();

// SHA-256 of a || b, via OpenSSL's EVP interface (one context per thread, reused).
std::string Sha256Of(std::string_view a, std::string_view b);

// Serializes `record` (whose hash field must be empty) and appends its hash field, returning
// the stored bytes; sets *hash to the hash. Field 15 is the record's last field, so appending
// it yields exactly what SerializeToString would, without serializing twice.
std::string SealRecord(const rotonde::v1::EventRecord& record, std::string* hash);

}  // namespace rotonde::eventstore
