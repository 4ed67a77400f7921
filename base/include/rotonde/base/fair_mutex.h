// FairMutex: a first-come, first-served mutex that hands the lock to the longest waiter.
//
// A platform's commands arrive back to back under load, and with a plain mutex the thread
// that just released it tends to take it again, so a reader (a view, a permission check)
// could wait behind any number of commands. Here unlock() gives the lock to the first
// thread in line and wakes that thread only: a waiter sleeps on its own futex (DoneFlag)
// from the moment it queues, and is woken once, when it is its turn. (A ticket lock on
// std::atomic::wait woke every waiter at every unlock, and each spun and yielded before
// sleeping again: on two cores that took the CPU the lock's holder needed.)
//
// Meets the Lockable requirements (std::lock_guard, std::unique_lock). Not recursive. It has
// no owner: a thread other than the one that locked it may unlock it (a batch of commands
// locks its platform on one worker and is finished on another, once its appends are durable).
#pragma once

#include <deque>
#include <mutex>

#include "rotonde/base/done_flag.h"

namespace rotonde {

class FairMutex {
 public:
  void lock();
  void unlock();
  bool try_lock();

 private:
  std::mutex mu_;  // guards held_ and waiters_, for a few instructions at a time
  bool held_ = false;
  // Invariant: empty unless held_. Each is the flag of a thread asleep in lock().
  std::deque<DoneFlag*> waiters_;
};

}  // namespace rotonde
