#include "login_limiter.h"

#include <algorithm>

#include "credentials.h"
#include "window_limiter.h"

namespace rotonde::auth {
namespace {

constexpr size_t kMaxKeyBytes = 64;

std::string LoginKey(std::string_view login) {
  return LowercaseLogin(login.substr(0, kMaxKeyBytes));
}

int64_t LockSeconds(int strikes) {
  int64_t lock = kFirstLockSeconds;
  for (int i = 1; i < strikes && lock < kMaxLockSeconds; ++i) lock *= 2;
  return std::min(lock, kMaxLockSeconds);
}

// Keeps the last `limit` entries: older ones cannot change any answer.
void KeepLast(std::vector<int64_t>& times, size_t limit) {
  if (times.size() > limit) times.erase(times.begin(), times.end() - static_cast<long>(limit));
}

}  // namespace

LoginLimiter::LoginLimiter(LimiterOptions options)
    : logins_(options.max_logins), addresses_(options.max_addresses) {}

bool LoginLimiter::Refresh(Record& record, int64_t now) {
  auto& attempts = record.attempts;
  attempts.erase(attempts.begin(), std::find_if(attempts.begin(), attempts.end(),
                                                [now](int64_t lapse) { return lapse > now; }));
  auto& failures = record.failures;
  failures.erase(failures.begin(), std::find_if(failures.begin(), failures.end(), [now](int64_t t) {
                   return now - t < kFailureWindowSeconds;
                 }));
  // Every failure in a streak extends the lock past itself, so a quiet window after the
  // lock ends means no failure for at least that long.
  if (record.strikes > 0 && now >= record.locked_until + kFailureWindowSeconds) {
    record.strikes = 0;
    record.locked_until = 0;
    failures.clear();
  }
  return failures.empty() && attempts.empty() && record.strikes == 0;
}

void LoginLimiter::ReportAttempt(Record& record) {
  if (!record.attempts.empty()) record.attempts.erase(record.attempts.begin());
}

int64_t LoginLimiter::RetryAfter(std::string_view login, std::string_view address, int64_t now) {
  const std::string login_key = LoginKey(login);
  const std::string address_key = ClientAddressKey(address);
  std::lock_guard lock(mu_);
  int64_t wait = 0;
  // The attempts in flight are a second or so from their answer: "1" lets a client retry
  // once they are in.
  constexpr int64_t kInFlightWait = 1;

  if (Record* record = logins_.Find(login_key)) {
    if (Refresh(*record, now)) {
      logins_.Erase(login_key);
    } else if (record->strikes > 0) {
      // Locked once: one attempt at a time after each lock, each failure doubling it.
      if (now < record->locked_until) {
        wait = record->locked_until - now;
      } else if (!record->attempts.empty()) {
        wait = kInFlightWait;
      }
    } else if (record->failures.size() + record->attempts.size() >= kLoginFailuresToLock) {
      wait = kInFlightWait;
    }
  }
  if (Record* record = addresses_.Find(address_key)) {
    if (Refresh(*record, now)) {
      addresses_.Erase(address_key);
    } else if (record->failures.size() >= kAddressFailuresToLock) {
      const int64_t oldest = record->failures[record->failures.size() - kAddressFailuresToLock];
      wait = std::max(wait, oldest + kFailureWindowSeconds - now);
    } else if (record->failures.size() + record->attempts.size() >= kAddressFailuresToLock) {
      wait = std::max(wait, kInFlightWait);
    }
  }
  if (wait > 0) return wait;

  logins_.Get(login_key).attempts.push_back(now + kAttemptLapseSeconds);
  addresses_.Get(address_key).attempts.push_back(now + kAttemptLapseSeconds);
  return 0;
}

void LoginLimiter::RecordFailure(std::string_view login, std::string_view address, int64_t now) {
  const std::string login_key = LoginKey(login);
  const std::string address_key = ClientAddressKey(address);
  std::lock_guard lock(mu_);

  Record& login_record = logins_.Get(login_key);
  Refresh(login_record, now);
  ReportAttempt(login_record);
  login_record.failures.push_back(now);
  KeepLast(login_record.failures, kLoginFailuresToLock);
  if (login_record.strikes > 0 || login_record.failures.size() >= kLoginFailuresToLock) {
    login_record.strikes = std::min(login_record.strikes + 1, 32);
    login_record.locked_until =
        std::max(login_record.locked_until, now + LockSeconds(login_record.strikes));
  }

  Record& address_record = addresses_.Get(address_key);
  Refresh(address_record, now);
  ReportAttempt(address_record);
  address_record.failures.push_back(now);
  KeepLast(address_record.failures, kAddressFailuresToLock);
}

void LoginLimiter::RecordSuccess(std::string_view login, std::string_view address) {
  const std::string login_key = LoginKey(login);
  const std::string address_key = ClientAddressKey(address);
  std::lock_guard lock(mu_);
  logins_.Erase(login_key);
  if (Record* record = addresses_.Find(address_key)) {
    ReportAttempt(*record);
    if (record->failures.empty() && record->attempts.empty()) addresses_.Erase(address_key);
  }
}

size_t LoginLimiter::TrackedLogins() const {
  std::lock_guard lock(mu_);
  return logins_.size();
}

size_t LoginLimiter::TrackedAddresses() const {
  std::lock_guard lock(mu_);
  return addresses_.size();
}

}  // namespace rotonde::auth
