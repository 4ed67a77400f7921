#include "password_hasher.h"

#include <sodium.h>

#include <algorithm>
#include <thread>

namespace rotonde::auth {

bool SodiumReady() {
  // sodium_init returns 0 the first time, 1 when already initialised, -1 on failure.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

PasswordHasher::PasswordHasher(PasswordCost cost, unsigned max_concurrent)
    : cost_(cost),
      max_concurrent_(max_concurrent > 0 ? max_concurrent
                                         : std::max(1u, std::thread::hardware_concurrency())) {}

void PasswordHasher::Enter() {
  std::unique_lock lock(mu_);
  turn_.wait(lock, [this] { return running_ < max_concurrent_; });
  ++running_;
}

void PasswordHasher::Leave() {
  {
    std::lock_guard lock(mu_);
    --running_;
  }
  turn_.notify_one();
}

std::optional<std::string> PasswordHasher::Hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  Enter();
  const int rc = crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.opslimit,
                                       cost_.memlimit, crypto_pwhash_ALG_ARGON2ID13);
  Leave();
  if (rc != 0) return std::nullopt;
  return std::string(out);
}

bool PasswordHasher::Verify(const std::string& hash, std::string_view password) {
  Enter();
  const bool match = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  Leave();
  return match;
}

void PasswordHasher::VerifyNothing(std::string_view password) {
  std::call_once(decoy_once_, [this] {
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    std::optional<std::string> hash =
        Hash(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret));
    sodium_memzero(secret, sizeof secret);
    // Without memory for a decoy, an unknown login is refused fast; the answer is the same.
    if (hash) decoy_hash_ = std::move(*hash);
  });
  if (!decoy_hash_.empty()) (void)Verify(decoy_hash_, password);
}

}  // namespace rotonde::auth
