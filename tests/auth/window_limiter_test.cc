// The sliding-window limiter the public proposal form counts with: per key, at most `limit`
// uses in any window, a precise time to wait, uses given back, and bounded memory.
#include "window_limiter.h"

#include <gtest/gtest.h>

#include <string>

namespace rotonde::auth {
namespace {

constexpr int64_t kT0 = 1'800'000'000;

TEST(WindowLimiterTest, AtMostTheLimitInAnyWindowAndTheWaitIsUntilTheOldestLeaves) {
  WindowLimiter limiter(3, 3600);
  EXPECT_EQ(limiter.Take("a", kT0), 0);
  EXPECT_EQ(limiter.Take("a", kT0 + 100), 0);
  EXPECT_EQ(limiter.Take("a", kT0 + 200), 0);
  EXPECT_EQ(limiter.Take("a", kT0 + 300), 3300);  // the first leaves at kT0 + 3600
  EXPECT_EQ(limiter.Take("b", kT0 + 300), 0) << "keys count apart";
  // A refused use does not count: once the first has left, one more goes through.
  EXPECT_EQ(limiter.Take("a", kT0 + 3600), 0);
  EXPECT_EQ(limiter.Take("a", kT0 + 3601), 3600 + 100 - 3601);
}

TEST(WindowLimiterTest, AUseGivenBackFreesItsPlace) {
  WindowLimiter limiter(2, 60);
  EXPECT_EQ(limiter.Take("a", kT0), 0);
  EXPECT_EQ(limiter.Take("a", kT0 + 1), 0);
  EXPECT_GT(limiter.Take("a", kT0 + 2), 0);
  limiter.GiveBack("a", kT0 + 1);
  EXPECT_EQ(limiter.Take("a", kT0 + 2), 0);
  limiter.GiveBack("a", kT0 + 999);  // none taken then: nothing changes
  EXPECT_GT(limiter.Take("a", kT0 + 3), 0);
  limiter.GiveBack("nobody", kT0);
  EXPECT_EQ(limiter.Tracked(), 1u);
}

TEST(WindowLimiterTest, MemoryIsBoundedByDroppingTheLeastRecentlyUsedKey) {
  WindowLimiter limiter(1, 3600, 2);
  EXPECT_EQ(limiter.Take("a", kT0), 0);
  EXPECT_EQ(limiter.Take("b", kT0), 0);
  EXPECT_GT(limiter.Take("a", kT0), 0);  // "a" is now the most recently used
  EXPECT_EQ(limiter.Take("c", kT0), 0);  // drops "b"
  EXPECT_EQ(limiter.Tracked(), 2u);
  EXPECT_EQ(limiter.Take("b", kT0), 0) << "forgotten, so counted afresh";
  EXPECT_GT(limiter.Take("c", kT0), 0);
}

TEST(WindowLimiterTest, AddressesCountByIPv4AndByIPv6Network) {
  EXPECT_EQ(ClientAddressKey("198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(ClientAddressKey("::ffff:198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(ClientAddressKey("2001:db8:1:2:aaaa::1"), ClientAddressKey("2001:db8:1:2:bbbb::9"));
  EXPECT_EQ(ClientAddressKey("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_NE(ClientAddressKey("2001:db8:1:2::1"), ClientAddressKey("2001:db8:1:3::1"));
  EXPECT_EQ(ClientAddressKey("not an address"), "not an address");
  EXPECT_EQ(ClientAddressKey(std::string(100, 'x')).size(), 64u);
}

}  // namespace
}  // namespace rotonde::auth
