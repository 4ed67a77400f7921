// A child process for tests that run real programs (`rotonde serve`, nginx, openssl), with
// stdout and stderr captured by a reader thread (so a chatty child never blocks on a full
// pipe). Every wait is bounded; the destructor kills and reaps a child still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace rotonde::test_support {

class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;

  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Starts `binary` with `args` (argv[1..]). False (with *error) if it cannot.
  bool Start(const std::string& binary, const std::vector<std::string>& args, std::string* error);

  // Starts `rotonde serve --data DIR --listen 127.0.0.1:0 --web ""` and `more` (`--web DIR`
  // among them replaces `--web ""`) with the `rotonde` binary and waits (at most a minute) for
  // "listening on http://127.0.0.1:PORT"; returns the port, or 0 (with *error) if the child did not
  // get there.
  uint16_t StartServe(const std::string& rotonde, const std::string& dir,
                      const std::vector<std::string>& more, std::string* error);

  pid_t pid() const { return pid_; }

  // Waits for a stdout line starting with `prefix`; returns it, or nullopt when the timeout
  // passes or stdout closes first.
  std::optional<std::string> WaitForLine(const std::string& prefix, Clock::duration timeout);

  void Signal(int signal);

  // Waits up to `timeout` for the child to end and returns its wait status (nullopt if it is
  // still running). Once it ended, its output is complete.
  std::optional<int> Wait(Clock::duration timeout);

  std::string Stdout();
  std::string Stderr();

 private:
  void Read(int out_fd, int err_fd);

  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string out_, err_;
  bool out_closed_ = false;
};

// A wait status as words: "exit 0", "signal 9", "still running".
std::string DescribeStatus(std::optional<int> status);

}  // namespace rotonde::test_support
