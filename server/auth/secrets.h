// Random tokens and ids, and how tokens are stored: the SHA-256 of their bytes. All of it is
// libsodium's, and none of it can fail once libsodium is initialised (SodiumReady()).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rotonde::auth {

inline constexpr size_t kTokenBytes = 32;  // 256 bits; 64 hex characters on the wire

// `n` bytes from libsodium's randombytes_buf. Requires SodiumReady().
std::string RandomBytes(size_t n);
// The 32-byte SHA-256 digest of `bytes` (libsodium's crypto_hash_sha256).
std::string Sha256(std::string_view bytes);

// A new token: kTokenBytes random bytes. The client gets HexOf(token); the store keeps
// Sha256(token).
std::string NewTokenBytes();
// The stored form of a token given as 64 lowercase hex characters; nullopt if malformed.
std::optional<std::string> TokenHash(std::string_view token_hex);

// "a-" followed by 20 characters of lowercase base32hex ([0-9a-v]): 100 random bits.
std::string NewAccountId();

}  // namespace rotonde::auth
