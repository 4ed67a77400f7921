// ServerProcess: `rotonde serve` as a child of the load tool, on loopback.
//
// Start() runs `BINARY serve --data DIR --listen 127.0.0.1:0 --demo` with its stdout and
// stderr going to `log_path` (the server logs every connection: a pipe nobody drained would
// stall it), and waits, bounded, for its "listening on http://127.0.0.1:PORT" line. The child
// inherits this process's file limits, so raise RLIMIT_NOFILE before Start(). Should the load
// tool die first, the kernel sends the child SIGTERM (PR_SET_PDEATHSIG): no server outlives a
// crashed run. Not thread-safe; call from the thread that started it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "rotonde/base/status.h"

namespace rotonde::load {

class ServerProcess {
 public:
  // Fails if the binary cannot be started, exits early, or prints no "listening on" line
  // within `timeout` (the message then quotes the log's last lines).
  static Result<std::unique_ptr<ServerProcess>> Start(const std::string& binary,
                                                      const std::string& data_dir,
                                                      const std::string& log_path,
                                                      std::chrono::seconds timeout);
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  // Stops the server if Stop() was not called.
  ~ServerProcess();

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // The server's resident set (VmRSS of /proc/PID/status) in bytes; 0 if it cannot be read.
  uint64_t RssBytes() const;

  // CPU time the server has used so far (user + system), in seconds; 0 if unreadable.
  double CpuSeconds() const;

  // False once the child has exited (reaps it).
  bool Running();

  // SIGTERM (the server drains), waits up to `grace`, then SIGKILL. Returns how it ended,
  // e.g. "exit 0" or "killed after 30 s".
  std::string Stop(std::chrono::seconds grace);

 private:
  ServerProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  uint16_t port_ = 0;
  bool exited_ = false;
  int wait_status_ = 0;
};

// The last `lines` lines of a text file, for error messages; "" if it cannot be read.
std::string TailOfFile(const std::string& path, int lines);

}  // namespace rotonde::load
