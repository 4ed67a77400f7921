#include "secrets.h"

#include "rotonde/base/hex.h"

#include <sodium.h>

namespace rotonde::auth {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string Sha256(std::string_view bytes) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  // Never fails: libsodium's SHA-256 has no error path (it returns 0), so a worker thread
  // hashing a token has nothing to throw or report.
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

std::string NewTokenBytes() { return RandomBytes(kTokenBytes); }

std::optional<std::string> TokenHash(std::string_view token_hex) {
  std::optional<std::string> bytes = BytesOfLowerHex(token_hex, kTokenBytes);
  if (!bytes) return std::nullopt;
  std::string hash = Sha256(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  return hash;
}

std::string NewAccountId() {
  static constexpr char kBase32Hex[] = "0123456789abcdefghijklmnopqrstuv";
  std::string id = "a-";
  for (int i = 0; i < 20; ++i) id.push_back(kBase32Hex[randombytes_uniform(32)]);
  return id;
}

}  // namespace rotonde::auth
