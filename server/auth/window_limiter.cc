#include "window_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace rotonde::auth {
namespace {

constexpr size_t kMaxKeyBytes = 64;

}  // namespace

std::string ClientAddressKey(std::string_view address) {
  address = address.substr(0, kMaxKeyBytes);
  const std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return text;
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN];
  if (std::memcmp(bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    if (inet_ntop(AF_INET, bytes + 12, out, sizeof out) == nullptr) return text;
    return out;
  }
  std::memset(bytes + 8, 0, 8);
  if (inet_ntop(AF_INET6, bytes, out, sizeof out) == nullptr) return text;
  return std::string(out) + "/64";
}

WindowLimiter::WindowLimiter(size_t limit, int64_t window_seconds, size_t max_keys)
    : limit_(std::max<size_t>(limit, 1)),
      window_seconds_(std::max<int64_t>(window_seconds, 1)),
      records_(max_keys) {}

int64_t WindowLimiter::Take(std::string_view key, int64_t now) {
  key = key.substr(0, kMaxKeyBytes);
  std::lock_guard lock(mu_);
  Record& record = records_.Get(key);
  auto& uses = record.uses;
  while (!uses.empty() && uses.front() <= now - window_seconds_) uses.pop_front();
  if (uses.size() >= limit_) return std::max<int64_t>(1, uses.front() + window_seconds_ - now);
  uses.push_back(now);
  return 0;
}

void WindowLimiter::GiveBack(std::string_view key, int64_t taken_at) {
  key = key.substr(0, kMaxKeyBytes);
  std::lock_guard lock(mu_);
  Record* record = records_.Find(key);
  if (record == nullptr) return;
  auto& uses = record->uses;
  auto it = std::find(uses.rbegin(), uses.rend(), taken_at);
  if (it != uses.rend()) uses.erase(std::next(it).base());
  if (uses.empty()) records_.Erase(key);
}

size_t WindowLimiter::Tracked() const {
  std::lock_guard lock(mu_);
  return records_.size();
}

}  // namespace rotonde::auth
