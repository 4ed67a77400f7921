// The sign-in rate limiter: in memory, per login and per client address, so that guessing a
// password costs days instead of seconds, for one account (the login limit) and across
// accounts (the address limit).
//
//  - A login is locked after 5 failures within 15 minutes: for 1 minute, and each further
//    failure doubles the lock (2, 4, 8, ... minutes, at most 1 hour). 15 minutes without a
//    failure after the lock ends forget the login's record. A success forgets it at once.
//  - An address is refused after 30 failures within 15 minutes, until the oldest of them is
//    15 minutes old. A success does not clear an address (one account of one's own must not
//    reset the count for guessing others). IPv6 addresses count by their /64 network, the
//    usual allocation of one subscriber; IPv4-mapped IPv6 addresses count as the IPv4.
//  - Attempts in flight count: a RetryAfter that returns 0 lets one attempt through, which
//    counts against both limits until RecordFailure or RecordSuccess reports it (or, if it
//    is never reported, for 60 s). So concurrent requests cannot together make more guesses
//    than the limits allow while the slow password checks run.
//
// Logins are lowercased (as AuthStore does), so "Anna" and "anna" share one record.
//
// Memory. At most LimiterOptions::max_logins login records and max_addresses address
// records; when a table is full the least recently used record is dropped. A record keeps
// at most 64 bytes of key and, per limit, at most that many failure and attempt times: at
// most ~0.35 KB per login and ~0.75 KB per address, so ~70 MB with the defaults in the
// worst case (a flood from 65,536 addresses each at its limit), and a record is freed as
// soon as it holds nothing.
//
// Thread safety: all methods may be called from any thread at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lru_table.h"

namespace rotonde::auth {

inline constexpr size_t kLoginFailuresToLock = 5;
inline constexpr size_t kAddressFailuresToLock = 30;
inline constexpr int64_t kFailureWindowSeconds = 15 * 60;
inline constexpr int64_t kFirstLockSeconds = 60;
inline constexpr int64_t kMaxLockSeconds = 60 * 60;
// An attempt let through and never reported stops counting after this.
inline constexpr int64_t kAttemptLapseSeconds = 60;

struct LimiterOptions {
  size_t max_logins = 65'536;
  size_t max_addresses = 65'536;
};

class LoginLimiter {
 public:
  explicit LoginLimiter(LimiterOptions options = {});

  // 0 if an attempt may be made now (and then that attempt counts as in flight: report it
  // with RecordFailure or RecordSuccess), else the seconds to wait.
  int64_t RetryAfter(std::string_view login, std::string_view address, int64_t now);
  // A wrong password (or unknown login) for `login` from `address`.
  void RecordFailure(std::string_view login, std::string_view address, int64_t now);
  // A correct password: forgets the login's failures; the address keeps its own.
  void RecordSuccess(std::string_view login, std::string_view address);

  // Records held now, for tests and /metrics.
  size_t TrackedLogins() const;
  size_t TrackedAddresses() const;

 private:
  struct Record {
    std::vector<int64_t> failures;  // times of failures within the window, oldest first
    std::vector<int64_t> attempts;  // when each attempt in flight lapses, oldest first
    int strikes = 0;                // logins: locks in the current streak
    int64_t locked_until = 0;
  };

  using Table = LruTable<Record>;

  // Drops what has aged out by `now`; true if nothing is left to remember.
  static bool Refresh(Record& record, int64_t now);
  static void ReportAttempt(Record& record);

  mutable std::mutex mu_;
  Table logins_;
  Table addresses_;
};

}  // namespace rotonde::auth
