// DoneFlag: a one-shot "it is done" between one setter and one waiter, on a futex.
//
// The waiter sleeps in the kernel at once. std::atomic::wait first spins and yields, and
// dozens of waiters yielding on two cores took the CPU that the threads they waited for
// needed to finish. The setter makes a system call only if the waiter is asleep.
//
// The setter may still be inside Set() (its wake-up call) when the waiter returns, so a
// flag on the waiter's stack must tolerate a wake-up of a dead address: a futex wake-up of
// memory nobody waits on does nothing, and every waiter in the program re-checks its own
// word after waking.
#pragma once

#include <atomic>
#include <cstdint>

namespace rotonde {

class DoneFlag {
 public:
  // Sets the flag and wakes the waiter, if any. At most once.
  void Set();
  // Returns once Set() was called; sleeps until then.
  void Wait();
  bool IsSet() const { return state_.load(std::memory_order_acquire) == kSet; }

 private:
  static constexpr uint32_t kUnset = 0, kSet = 1, kSleeping = 2;
  std::atomic<uint32_t> state_{kUnset};
};

}  // namespace rotonde
