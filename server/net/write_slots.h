// WriteSlots: at most `slots` WebSocket sessions write pushed events at once, the others wait
// their turn in arrival order.
//
// Why: the io threads run every socket's handlers in one queue, in turn. When fan-out
// outgrows the machine (thousands of subscribers, frames of hundreds of KiB), each of
// thousands of sessions would have a write in flight, each completion copying its frame into
// the kernel, and a command's read or its reply would wait behind all of them, once per
// message: seconds. With the slots, at most `slots` such writes are in that queue at any
// time, so a command waits behind a bounded amount of copying, while the fan-out still uses
// every moment the io threads have left. Answers (a command's result, a pong) take no slot.
//
// Thread-safe. A granted slot must be given back (Release) exactly once, whatever becomes of
// the write.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace rotonde::net {

class WriteSlots {
 public:
  explicit WriteSlots(size_t slots) : free_(slots) {}

  // Calls `granted` once a slot is the caller's: at once, on this thread, if one is free;
  // otherwise later, on the thread of the Release() that hands it over. `granted` must not
  // block, and should post its work to where it belongs.
  void Acquire(std::function<void()> granted) {
    {
      std::lock_guard lock(mu_);
      if (free_ == 0) {
        waiting_.push_back(std::move(granted));
        return;
      }
      free_--;
    }
    granted();
  }

  // Gives a slot back: to the longest waiter, if any.
  void Release() {
    std::function<void()> next;
    {
      std::lock_guard lock(mu_);
      if (waiting_.empty()) {
        free_++;
        return;
      }
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    next();
  }

  size_t Waiting() const {
    std::lock_guard lock(mu_);
    return waiting_.size();
  }

 private:
  mutable std::mutex mu_;
  size_t free_;
  std::deque<std::function<void()>> waiting_;
};

}  // namespace rotonde::net
