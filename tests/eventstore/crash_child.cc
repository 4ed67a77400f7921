// The process the crash test kills: appends under concurrency until it is killed, printing
// one line "<first id prefix> <first position> <event count>" per acknowledged append, only
// after Append returned (the events are durable).
//
// usage: eventstore_crash_child DIR CYCLE WRITERS
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rotonde/eventstore/event_store.h"

using rotonde::eventstore::EventStore;
using rotonde::eventstore::ExpectedVersion;
using rotonde::eventstore::NewEvent;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR CYCLE WRITERS\n", argv[0]);
    return 2;
  }
  const std::string cycle = argv[2];
  const int writers = std::atoi(argv[3]);
  auto opened = EventStore::Open(argv[1], rotonde::eventstore::Options());
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  EventStore& store = *opened.value();
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0;; ++i) {
        // 1 to 3 events an append, on streams shared by writers, in 20 platforms (each writer
        // moves from one to the next).
        const int count = 1 + (i + w) % 3;
        const std::string prefix = "c" + cycle + "-w" + std::to_string(w) + "-" + std::to_string(i);
        std::vector<NewEvent> events;
        for (int k = 0; k < count; ++k) {
          events.push_back(NewEvent{prefix + "-" + std::to_string(k), "crash.Appended",
                                    std::string(150, static_cast<char>('a' + k)), "crash", prefix});
        }
        const std::string platform = "buurt" + std::to_string((w + i) % 20);
        const std::string stream = platform + "/s/" + std::to_string(i % 5);
        auto result = store.Append(stream, ExpectedVersion::Any(), std::move(events));
        if (!result.ok()) {
          std::fprintf(stderr, "append: %s\n", result.status.ToString().c_str());
          std::abort();  // the parent sees a death other than its SIGKILL and fails the cycle
        }
        const std::string line = prefix + " " + platform + " " +
                                 std::to_string(result.positions.front()) + " " +
                                 std::to_string(count) + "\n";
        std::lock_guard lock(out_mu);
        if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          std::abort();  // an acknowledgement the parent cannot see must not go unnoticed
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return 0;
}
