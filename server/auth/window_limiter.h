// WindowLimiter: at most `limit` uses per key in any `window_seconds`, in memory. The public
// proposal form counts its sendings with one per client address and one per platform, so a
// flood from one address, or from many at one platform, is refused with a time to wait.
//
// Memory. At most `max_keys` records (the least recently used is dropped when full), each
// holding its key (at most 64 bytes) and at most `limit` times.
//
// Thread safety: all methods may be called from any thread at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

#include "lru_table.h"

namespace rotonde::auth {

// The key a client address counts by: the IPv4 address, or the IPv6 /64 network (the usual
// allocation of one subscriber), IPv4-mapped IPv6 addresses as their IPv4; anything else (a
// name, a malformed address) as given. At most 64 bytes of `address` are read.
std::string ClientAddressKey(std::string_view address);

class WindowLimiter {
 public:
  WindowLimiter(size_t limit, int64_t window_seconds, size_t max_keys = 65'536);

  // 0 if `key` has had fewer than `limit` uses in the window ending at `now`: this use then
  // counts. Otherwise the seconds until the oldest use leaves the window (at least 1), and
  // nothing counts.
  int64_t Take(std::string_view key, int64_t now);
  // Un-counts a use taken at `taken_at` (one that turned out not to be a use: a refused or
  // repeated request). Does nothing if no such use is counted.
  void GiveBack(std::string_view key, int64_t taken_at);

  // Keys held now, for tests and /metrics.
  size_t Tracked() const;

 private:
  struct Record {
    std::deque<int64_t> uses;  // times within the window, oldest first
  };

  const size_t limit_;
  const int64_t window_seconds_;
  mutable std::mutex mu_;
  LruTable<Record> records_;
};

}  // namespace rotonde::auth
