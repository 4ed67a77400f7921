#include "rotonde/base/fair_mutex.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace rotonde {
namespace {

using namespace std::chrono_literals;

long VoluntarySwitchesOfThisThread() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

// The scheduler state of a thread of this process ('R' running, 'S' asleep, ...).
char StateOf(pid_t tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');  // the name may hold spaces; the state follows it
  return paren == std::string::npos || paren + 2 >= text.size() ? '?' : text[paren + 2];
}

// Waits (bounded) until the thread sleeps: it is then queued in lock().
bool WaitUntilAsleep(const std::atomic<pid_t>& tid) {
  for (int i = 0; i < 5000; ++i) {
    const pid_t id = tid.load();
    if (id != 0 && StateOf(id) == 'S') return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

struct Waiter {
  std::thread thread;
  std::atomic<pid_t> tid{0};
  long switches_while_waiting = 0;
};

// Threads queue one after another behind a held lock; each then takes it, holds it a moment
// and passes it on.
TEST(FairMutex, TheLongestWaiterGetsTheLockAndIsWokenOnce) {
  constexpr int kWaiters = 12;
  FairMutex mu;
  std::mutex order_mu;
  std::vector<int> order;
  std::vector<Waiter> waiters(kWaiters);

  mu.lock();
  for (int i = 0; i < kWaiters; ++i) {
    Waiter& w = waiters[i];
    w.thread = std::thread([&, i] {
      w.tid = static_cast<pid_t>(::syscall(SYS_gettid));
      const long before = VoluntarySwitchesOfThisThread();
      mu.lock();
      w.switches_while_waiting = VoluntarySwitchesOfThisThread() - before;
      {
        std::lock_guard guard(order_mu);
        order.push_back(i);
      }
      std::this_thread::sleep_for(2ms);
      mu.unlock();
    });
    ASSERT_TRUE(WaitUntilAsleep(w.tid)) << "waiter " << i << " never went to sleep";
  }
  mu.unlock();
  for (Waiter& w : waiters) w.thread.join();

  std::vector<int> expected(kWaiters);
  for (int i = 0; i < kWaiters; ++i) expected[i] = i;
  EXPECT_EQ(order, expected) << "first come, first served";
  // Each waiter sleeps once and is woken once, when it is its turn: not at every unlock
  // before it (the last one waits through twelve). One switch of slack for the lock's own
  // short inner mutex.
  for (int i = 0; i < kWaiters; ++i) {
    EXPECT_LE(waiters[i].switches_while_waiting, 2) << "waiter " << i;
  }
}

TEST(FairMutex, GuardsACounterUnderContention) {
  FairMutex mu;
  int64_t counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20'000; ++i) {
        std::lock_guard guard(mu);
        ++counter;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter, 8 * 20'000);
}

TEST(FairMutex, TryLockFailsWhileHeld) {
  FairMutex mu;
  ASSERT_TRUE(mu.try_lock());
  bool taken = true;
  std::thread([&] { taken = mu.try_lock(); }).join();
  EXPECT_FALSE(taken);
  mu.unlock();
  std::thread([&] { taken = mu.try_lock(); }).join();
  EXPECT_TRUE(taken);
  mu.unlock();
}

}  // namespace
}  // namespace rotonde
