// The sign-in rate limiter: the login lock and its doubling, the address limit, what a
// success clears, attempts in flight, and the bound on its memory.
#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "login_limiter.h"

namespace rotonde::auth {
namespace {

constexpr int64_t kT0 = 1'790'000'000;
constexpr char kHome[] = "192.0.2.10";

// A distinct IPv4 address per `i`, so that only login limits come into play.
std::string Address(int i) {
  return "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
}

// One sign-in attempt as the server makes it: ask, then (if allowed) report a failure.
// Returns what RetryAfter said.
int64_t FailOnce(LoginLimiter& limiter, std::string_view login, std::string_view address,
                 int64_t now) {
  const int64_t wait = limiter.RetryAfter(login, address, now);
  if (wait == 0) limiter.RecordFailure(login, address, now);
  return wait;
}

TEST(LoginLimiterTest, ALoginIsLockedForAMinuteAfterFiveFailures) {
  LoginLimiter limiter;
  for (int i = 0; i < 4; ++i) ASSERT_EQ(FailOnce(limiter, "anna", kHome, kT0 + i), 0) << i;
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0 + 4), 0);
  limiter.RecordFailure("anna", kHome, kT0 + 4);

  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0 + 4), 60);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0 + 63), 1);
  // The same login in other letters, from another address: the lock is the login's.
  EXPECT_EQ(limiter.RetryAfter("ANNA", "198.51.100.7", kT0 + 30), 34);
  // Other logins from the same address are not locked.
  EXPECT_EQ(limiter.RetryAfter("bram", kHome, kT0 + 30), 0);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0 + 64), 0);
}

TEST(LoginLimiterTest, EachFurtherFailureDoublesTheLockUpToAnHour) {
  LoginLimiter limiter;
  int64_t now = kT0;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(FailOnce(limiter, "anna", kHome, now), 0);
  ASSERT_EQ(limiter.RetryAfter("anna", kHome, now), 60);
  now += 60;
  for (int64_t expected : {120, 240, 480, 960, 1920, 3600, 3600, 3600}) {
    ASSERT_EQ(FailOnce(limiter, "anna", kHome, now), 0);
    EXPECT_EQ(limiter.RetryAfter("anna", kHome, now), expected);
    EXPECT_EQ(limiter.RetryAfter("anna", kHome, now + expected - 1), 1);
    now += expected;
  }
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, now), 0);
}

TEST(LoginLimiterTest, OnlyFailuresWithinFifteenMinutesCount) {
  LoginLimiter limiter;
  // Five failures, each four minutes apart: never five within fifteen minutes.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(FailOnce(limiter, "anna", kHome, kT0 + i * 240), 0) << i;
  }
  // Five within fifteen minutes do lock.
  LoginLimiter strict;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(FailOnce(strict, "anna", kHome, kT0 + i * 224), 0);
  EXPECT_EQ(strict.RetryAfter("anna", kHome, kT0 + 4 * 224), 60);
}

TEST(LoginLimiterTest, AQuietQuarterOfAnHourAfterALockStartsAfresh) {
  LoginLimiter limiter;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(FailOnce(limiter, "anna", kHome, kT0), 0);
  ASSERT_EQ(limiter.RetryAfter("anna", kHome, kT0), 60);
  // Within 15 minutes of the lock's end, the next failure doubles it...
  LoginLimiter twin;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(FailOnce(twin, "anna", kHome, kT0), 0);
  ASSERT_EQ(FailOnce(twin, "anna", kHome, kT0 + 60 + 899), 0);
  EXPECT_EQ(twin.RetryAfter("anna", kHome, kT0 + 60 + 899), 120);
  // ...after them, it is the first failure of a new count.
  const int64_t later = kT0 + 60 + 900;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(FailOnce(limiter, "anna", kHome, later), 0) << i;
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, later), 60);
}

TEST(LoginLimiterTest, ASuccessClearsTheLoginsFailures) {
  LoginLimiter limiter;
  for (int i = 0; i < 4; ++i) ASSERT_EQ(FailOnce(limiter, "anna", kHome, kT0), 0);
  ASSERT_EQ(limiter.RetryAfter("anna", kHome, kT0), 0);
  limiter.RecordSuccess("anna", kHome);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(FailOnce(limiter, "Anna", kHome, kT0 + 1), 0) << i;
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0 + 1), 0);
  limiter.RecordFailure("anna", kHome, kT0 + 1);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0 + 1), 60);
}

TEST(LoginLimiterTest, AnAddressIsRefusedAfterThirtyFailures) {
  LoginLimiter limiter;
  const std::string attacker = "203.0.113.66";
  // Thirty logins, one guess each: no login comes near its own limit.
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(FailOnce(limiter, "bewoner" + std::to_string(i), attacker, kT0 + i * 10), 0) << i;
  }
  const int64_t now = kT0 + 300;
  EXPECT_EQ(limiter.RetryAfter("bewoner99", attacker, now), 900 - 300);
  EXPECT_EQ(limiter.RetryAfter("bewoner0", attacker, now), 900 - 300);
  // Others, even for the same logins, are not refused.
  EXPECT_EQ(limiter.RetryAfter("bewoner0", kHome, now), 0);
  // A success from the address does not lift its limit.
  limiter.RecordSuccess("bewoner5", attacker);
  EXPECT_EQ(limiter.RetryAfter("bewoner99", attacker, now), 600);
  // As the oldest failures age out, one attempt at a time is let through again.
  EXPECT_EQ(limiter.RetryAfter("bewoner99", attacker, kT0 + 899), 1);
  EXPECT_EQ(limiter.RetryAfter("bewoner99", attacker, kT0 + 900), 0);
  limiter.RecordFailure("bewoner99", attacker, kT0 + 900);
  EXPECT_EQ(limiter.RetryAfter("bewoner98", attacker, kT0 + 900), 10);
}

TEST(LoginLimiterTest, AnIpv6NetworkCountsAsOneAddress) {
  LoginLimiter limiter;
  // Thirty failures from thirty addresses of one /64.
  for (int i = 0; i < 30; ++i) {
    const std::string address = "2001:db8:0:7::" + std::to_string(i + 1) + ":" + std::to_string(i);
    ASSERT_EQ(FailOnce(limiter, "bewoner" + std::to_string(i), address, kT0), 0) << address;
  }
  EXPECT_GT(limiter.RetryAfter("bewoner99", "2001:db8:0:7:ffff::1", kT0), 0);
  EXPECT_GT(limiter.RetryAfter("bewoner99", "2001:DB8:0:7::abcd", kT0), 0);
  EXPECT_EQ(limiter.RetryAfter("bewoner99", "2001:db8:0:8::1", kT0), 0);

  // An IPv4-mapped IPv6 address is its IPv4 address.
  LoginLimiter mapped;
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(FailOnce(mapped, "bewoner" + std::to_string(i), "::ffff:198.51.100.9", kT0), 0);
  }
  EXPECT_GT(mapped.RetryAfter("bewoner99", "198.51.100.9", kT0), 0);
  EXPECT_EQ(mapped.RetryAfter("bewoner99", "198.51.100.10", kT0), 0);
}

TEST(LoginLimiterTest, AttemptsInFlightCountAgainstTheLimit) {
  LoginLimiter limiter;
  // Five concurrent requests are let through; the sixth waits for their answers.
  for (int i = 0; i < 5; ++i) ASSERT_EQ(limiter.RetryAfter("anna", kHome, kT0), 0) << i;
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0), 1);
  EXPECT_EQ(limiter.RetryAfter("anna", "198.51.100.7", kT0), 1);
  for (int i = 0; i < 5; ++i) limiter.RecordFailure("anna", kHome, kT0);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0), 60);

  // An attempt that is never reported stops counting after a minute.
  LoginLimiter forgetful;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(forgetful.RetryAfter("bram", kHome, kT0), 0);
  EXPECT_EQ(forgetful.RetryAfter("bram", kHome, kT0 + 59), 1);
  EXPECT_EQ(forgetful.RetryAfter("bram", kHome, kT0 + 60), 0);
}

TEST(LoginLimiterTest, ConcurrentGuessesCannotPassTheLimit) {
  LoginLimiter limiter;
  constexpr int kThreads = 8;
  constexpr int kTries = 50;
  std::atomic<int> let_through{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kTries; ++i) {
        const std::string address = "198.51.100." + std::to_string(t);
        if (limiter.RetryAfter("anna", address, kT0) == 0) {
          ++let_through;
          limiter.RecordFailure("anna", address, kT0);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Each attempt let through counts before the next is admitted, so exactly five get
  // through: however the threads interleave, never a sixth guess.
  EXPECT_EQ(let_through.load(), 5);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0), 60);
}

TEST(LoginLimiterTest, MemoryStaysWithinItsBound) {
  LoginLimiter limiter(LimiterOptions{100, 50});
  for (int i = 0; i < 10'000; ++i) {
    FailOnce(limiter, "bewoner" + std::to_string(i), Address(i), kT0 + i / 100);
    ASSERT_LE(limiter.TrackedLogins(), 100u);
    ASSERT_LE(limiter.TrackedAddresses(), 50u);
  }
  EXPECT_EQ(limiter.TrackedLogins(), 100u);
  EXPECT_EQ(limiter.TrackedAddresses(), 50u);
  // A very long login and address are one record each, like any other.
  FailOnce(limiter, std::string(100'000, 'x'), std::string(100'000, '1'), kT0 + 100);
  EXPECT_EQ(limiter.TrackedLogins(), 100u);
}

TEST(LoginLimiterTest, WhenFullTheLeastRecentlyUsedRecordGoes) {
  LoginLimiter limiter(LimiterOptions{100, 1000});
  for (int i = 0; i < 5; ++i) ASSERT_EQ(FailOnce(limiter, "anna", kHome, kT0), 0);
  // 99 other logins fit beside anna's record...
  for (int i = 0; i < 99; ++i) FailOnce(limiter, "bewoner" + std::to_string(i), Address(i), kT0);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0), 60);
  // ...and once 100 others have come since, it is the one dropped.
  for (int i = 100; i < 200; ++i) FailOnce(limiter, "bewoner" + std::to_string(i), Address(i), kT0);
  EXPECT_EQ(limiter.RetryAfter("anna", kHome, kT0), 0);
}

TEST(LoginLimiterTest, ARecordHoldingNothingIsFreed) {
  LoginLimiter limiter;
  ASSERT_EQ(limiter.RetryAfter("anna", kHome, kT0), 0);
  EXPECT_EQ(limiter.TrackedLogins(), 1u);
  EXPECT_EQ(limiter.TrackedAddresses(), 1u);
  limiter.RecordSuccess("anna", kHome);
  EXPECT_EQ(limiter.TrackedLogins(), 0u);
  EXPECT_EQ(limiter.TrackedAddresses(), 0u);

  ASSERT_EQ(FailOnce(limiter, "bram", kHome, kT0), 0);
  EXPECT_EQ(limiter.TrackedLogins(), 1u);
  // Asking after the failure has aged out forgets it (and lets the attempt through).
  ASSERT_EQ(limiter.RetryAfter("bram", kHome, kT0 + 900), 0);
  limiter.RecordSuccess("bram", kHome);
  EXPECT_EQ(limiter.TrackedLogins(), 0u);
  EXPECT_EQ(limiter.TrackedAddresses(), 0u);
}

}  // namespace
}  // namespace rotonde::auth
