// Crash safety: a child process appends to 20 platforms at once and reports every
// acknowledged append; we kill -9 it at random moments. After each kill, reopening must find
// every acknowledged event at its position in its platform's log, no append half there, each
// platform's positions contiguous, and every platform's chain intact. Cycles:
// ROTONDE_CRASH_CYCLES (default 20).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <sstream>
#include <unordered_map>

#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::eventstore {
namespace {

struct Acknowledged {
  std::string prefix;
  std::string platform;
  uint64_t first_position;
  int count;
};

// Starts the child; returns its pid and the read end of its stdout.
pid_t Spawn(const std::string& dir, int cycle, int* out_fd) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    const std::string cycle_text = std::to_string(cycle);
    execl(ROTONDE_CRASH_CHILD, ROTONDE_CRASH_CHILD, dir.c_str(), cycle_text.c_str(), "20",
          static_cast<char*>(nullptr));
    std::abort();  // exec failed: the parent's wait sees SIGABRT, not its SIGKILL
  }
  close(fds[1]);
  *out_fd = fds[0];
  return pid;
}

// Reads what the child printed until `deadline` (or EOF), appending complete lines' records.
void ReadAcks(int fd, std::chrono::steady_clock::time_point deadline, std::string* partial,
              std::vector<Acknowledged>* acks, bool* eof) {
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      *eof = true;
      return;
    }
    partial->append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = partial->find('\n', start)) != std::string::npos; start = nl + 1) {
      std::istringstream line(partial->substr(start, nl - start));
      Acknowledged ack;
      line >> ack.prefix >> ack.platform >> ack.first_position >> ack.count;
      acks->push_back(ack);
    }
    partial->erase(0, start);
  }
}

TEST(CrashTest, KillNineNeverLosesAnAcknowledgedEventNorLeavesHalfAnAppend) {
  const char* env = std::getenv("ROTONDE_CRASH_CYCLES");
  const int cycles = env ? std::atoi(env) : 20;
  ASSERT_GE(cycles, 1);
  test_support::TempDir dir;
  std::mt19937 random(std::random_device{}());
  std::vector<Acknowledged> all_acks;
  uint64_t last_total = 0;

  for (int cycle = 0; cycle < cycles; ++cycle) {
    int fd = -1;
    const pid_t pid = Spawn(dir.path(), cycle, &fd);
    ASSERT_GT(pid, 0);
    std::string partial;
    bool eof = false;
    // Let it run a random while, at least until it has acknowledged something, then kill it
    // in the middle of whatever it is doing.
    std::vector<Acknowledged> acks;
    const auto started = std::chrono::steady_clock::now();
    const auto run_for =
        std::chrono::milliseconds(std::uniform_int_distribution<>(30, 400)(random));
    ReadAcks(fd, started + run_for, &partial, &acks, &eof);
    while (acks.empty() && !eof &&
           std::chrono::steady_clock::now() < started + std::chrono::seconds(30)) {
      ReadAcks(fd, std::chrono::steady_clock::now() + std::chrono::milliseconds(10), &partial,
               &acks, &eof);
    }
    ASSERT_FALSE(eof) << "the child ended by itself in cycle " << cycle;
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    // Whatever reached the pipe before the kill was acknowledged too.
    while (!eof)
      ReadAcks(fd, std::chrono::steady_clock::now() + std::chrono::seconds(5), &partial, &acks,
               &eof);
    close(fd);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
    ASSERT_FALSE(acks.empty());
    all_acks.insert(all_acks.end(), acks.begin(), acks.end());

    auto opened = EventStore::Open(dir.path(), Options());
    ASSERT_TRUE(opened.ok()) << "cycle " << cycle << ": " << opened.status().ToString();
    EventStore& store = *opened.value();
    std::unordered_map<std::string, int> events_of_append;
    std::unordered_map<std::string, std::pair<std::string, uint64_t>> position_of;
    uint64_t total = 0;
    for (const std::string& platform : store.Platforms()) {
      std::vector<EventRecord> events;
      // Read itself fails on a gap in positions.
      Status read = store.Read(platform, 0, SIZE_MAX, &events);
      ASSERT_TRUE(read.ok()) << read.ToString();
      ASSERT_EQ(events.size(), store.Head(platform).position);
      total += events.size();
      for (const auto& e : events) {
        ++events_of_append[e.correlation_id()];
        position_of[e.id()] = {platform, e.position()};
      }
      VerifyReport report = store.Verify(platform);
      ASSERT_TRUE(report.ok()) << "cycle " << cycle << ": " << platform << " position "
                               << *report.first_bad_position << ": " << report.problem;
    }
    ASSERT_GE(total, last_total);
    last_total = total;
    for (const auto& ack : all_acks) {
      for (int k = 0; k < ack.count; ++k) {
        const std::string id = ack.prefix + "-" + std::to_string(k);
        auto it = position_of.find(id);
        ASSERT_NE(it, position_of.end())
            << "acknowledged event " << id << " lost in cycle " << cycle;
        ASSERT_EQ(it->second.first, ack.platform) << id;
        ASSERT_EQ(it->second.second, ack.first_position + static_cast<uint64_t>(k)) << id;
      }
    }
    for (const auto& [prefix, count] : events_of_append) {
      // An append of n events (n = 1 + (i + w) % 3) is all there or not at all.
      const int expected = [&] {
        int w = 0, i = 0;
        std::sscanf(prefix.c_str(), "c%*d-w%d-%d", &w, &i);
        return 1 + (i + w) % 3;
      }();
      ASSERT_EQ(count, expected) << "append " << prefix << " is half there";
    }
    const std::vector<VerifyReport> all = store.VerifyAll();
    ASSERT_FALSE(all.empty());
    ASSERT_TRUE(all.back().ok()) << "cycle " << cycle << ": " << all.back().problem;
  }
  std::cout << "crash test: " << cycles << " kill -9 cycles, " << all_acks.size()
            << " acknowledged appends, " << last_total << " events, all present\n";
}

}  // namespace
}  // namespace rotonde::eventstore
