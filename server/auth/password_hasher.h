// Argon2id password hashes (libsodium crypto_pwhash_str), with a bound on how many are
// computed at once: each takes the cost's memlimit bytes (64 MiB at INTERACTIVE), so a burst
// of sign-ins waits its turn instead of exhausting memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace rotonde::auth {

// Argon2id cost: crypto_pwhash's opslimit (passes) and memlimit (bytes).
struct PasswordCost {
  unsigned long long opslimit;
  size_t memlimit;
};

// Whether libsodium is initialised; calls sodium_init() once, from whichever thread comes
// first (a function-local static).
bool SodiumReady();

class PasswordHasher {
 public:
  // `max_concurrent` 0: the number of cores.
  PasswordHasher(PasswordCost cost, unsigned max_concurrent);
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // A crypto_pwhash_str string (argon2id, random salt, this cost); nullopt if libsodium
  // fails (out of memory).
  std::optional<std::string> Hash(std::string_view password);
  // Whether `password` matches `hash`, a crypto_pwhash_str string (whatever its cost).
  bool Verify(const std::string& hash, std::string_view password);
  // Spends the time of one Verify against a hash no password matches, so that refusing an
  // unknown login takes as long as refusing a wrong password.
  void VerifyNothing(std::string_view password);

 private:
  // Blocks while `max_concurrent_` hashes are running, then counts this one in.
  void Enter();
  void Leave();

  const PasswordCost cost_;
  const unsigned max_concurrent_;
  std::mutex mu_;
  std::condition_variable turn_;
  unsigned running_ = 0;

  std::once_flag decoy_once_;
  std::string decoy_hash_;  // of a random password nobody knows; set once, then only read
};

}  // namespace rotonde::auth
