// WriteSlots: a bounded number of holders, the rest served in arrival order as slots come
// back.
#include "write_slots.h"

#include <gtest/gtest.h>

#include <vector>

namespace rotonde::net {
namespace {

TEST(WriteSlotsTest, GrantsAtOnceWhileFreeThenInArrivalOrderAsSlotsComeBack) {
  WriteSlots slots(2);
  std::vector<int> granted;
  for (int i = 0; i < 5; ++i) slots.Acquire([&granted, i] { granted.push_back(i); });
  EXPECT_EQ(granted, (std::vector<int>{0, 1}));
  EXPECT_EQ(slots.Waiting(), 3u);

  slots.Release();  // 0's slot goes to 2
  EXPECT_EQ(granted, (std::vector<int>{0, 1, 2}));
  slots.Release();
  slots.Release();
  EXPECT_EQ(granted, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(slots.Waiting(), 0u);

  // Every holder gives its slot back: two are free again, and no more.
  slots.Release();
  slots.Release();
  slots.Acquire([&granted] { granted.push_back(5); });
  slots.Acquire([&granted] { granted.push_back(6); });
  slots.Acquire([&granted] { granted.push_back(7); });
  EXPECT_EQ(granted.size(), 7u);
  EXPECT_EQ(slots.Waiting(), 1u);
}

}  // namespace
}  // namespace rotonde::net
