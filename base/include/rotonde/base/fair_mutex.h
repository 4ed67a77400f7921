// FairMutex: a first-come, first-served lock (a ticket lock). A platform's commands arrive
// back to back under load, and with a plain mutex the thread that just released it tends to
// take it again, so a reader (a view, a permission check) could wait behind any number of
// commands.
#pragma once

#include <atomic>
#include <cstdint>

namespace rotonde {

class FairMutex {
 public:
  void lock() {
    const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    for (uint32_t serving = serving_.load(std::memory_order_acquire); serving != ticket;
         serving = serving_.load(std::memory_order_acquire)) {
      serving_.wait(serving, std::memory_order_acquire);
    }
  }
  void unlock() {
    serving_.fetch_add(1, std::memory_order_release);
    serving_.notify_all();
  }

 private:
  std::atomic<uint32_t> next_{0};
  std::atomic<uint32_t> serving_{0};
};

}  // namespace rotonde
