// DoneFlag and FairMutex, on Linux futexes.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rotonde/base/done_flag.h"
#include "rotonde/base/fair_mutex.h"

namespace rotonde {
namespace {

long Futex(std::atomic<uint32_t>& word, int op, uint32_t value) {
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
  return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), op, value, nullptr, nullptr, 0);
}

}  // namespace

void DoneFlag::Set() {
  if (state_.exchange(kSet, std::memory_order_acq_rel) == kSleeping) {
    Futex(state_, FUTEX_WAKE_PRIVATE, 1);
  }
}

void DoneFlag::Wait() {
  uint32_t state = state_.load(std::memory_order_acquire);
  while (state != kSet) {
    if (state == kUnset &&
        !state_.compare_exchange_weak(state, kSleeping, std::memory_order_acquire)) {
      continue;  // `state` now holds what it was instead
    }
    // Sleeps only while the state is still kSleeping (Set() may have come in between).
    Futex(state_, FUTEX_WAIT_PRIVATE, kSleeping);
    state = state_.load(std::memory_order_acquire);
  }
}

void FairMutex::lock() {
  DoneFlag turn;
  {
    std::lock_guard guard(mu_);
    if (!held_) {
      held_ = true;
      return;
    }
    waiters_.push_back(&turn);
  }
  turn.Wait();  // unlock() handed the lock over: held_ stayed true
}

bool FairMutex::try_lock() {
  std::lock_guard guard(mu_);
  if (held_) return false;
  held_ = true;
  return true;
}

void FairMutex::unlock() {
  std::lock_guard guard(mu_);
  if (waiters_.empty()) {
    held_ = false;
    return;
  }
  DoneFlag* next = waiters_.front();
  waiters_.pop_front();
  next->Set();
}

}  // namespace rotonde
