#include "secrets.h"

#include "rotonde/base/hex.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <stdexcept>

namespace rotonde::auth {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string Sha256(std::string_view bytes) {
  std::string out(32, '\0');
  unsigned int length = 0;
  // EVP_Digest is one-shot and keeps no state between calls, so it is safe from any thread.
  const bool ok =
      EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(out.data()), &length,
                 EVP_sha256(), nullptr) == 1;
  // A token we cannot hash cannot be stored or checked safely: fail loudly.
  if (!ok || length != out.size()) throw std::runtime_error("SHA-256 failed");
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
