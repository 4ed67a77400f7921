#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace rotonde::test_support {

namespace {

bool Fail(const char* what, std::string* error) {
  *error = std::string(what) + ": " + std::strerror(errno);
  return false;
}

}  // namespace

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
  }
  if (reader_.joinable()) reader_.join();
}

bool ChildProcess::Start(const std::string& binary, const std::vector<std::string>& args,
                         std::string* error) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Fail("pipe", error);
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return Fail("pipe", error);
  }
  // Everything the child needs is built before fork: between fork and exec only
  // async-signal-safe calls are allowed (this process has other threads).
  std::vector<std::string> owned;
  owned.push_back(binary);
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : owned) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) return Fail("fork", error);
  if (pid == 0) {
    // dup2 clears close-on-exec on the new descriptors; the pipes' others close on exec.
    if (::dup2(out[1], STDOUT_FILENO) < 0 || ::dup2(err[1], STDERR_FILENO) < 0) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  ::close(out[1]);
  ::close(err[1]);
  reader_ = std::thread([this, out_fd = out[0], err_fd = err[0]] { Read(out_fd, err_fd); });
  return true;
}

std::optional<std::string> ChildProcess::WaitForLine(const std::string& prefix,
                                                     Clock::duration timeout) {
  std::unique_lock lock(mu_);
  std::optional<std::string> found;
  cv_.wait_for(lock, timeout, [&] {
    std::istringstream lines(out_);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(prefix, 0) == 0 && lines.good()) {  // a whole line, newline seen
        found = line;
        return true;
      }
    }
    return out_closed_;
  });
  return found;
}

uint16_t ChildProcess::StartServe(const std::string& rotonde, const std::string& dir,
                                  const std::vector<std::string>& more, std::string* error) {
  std::vector<std::string> args = {"serve", "--data", dir, "--listen", "127.0.0.1:0"};
  if (std::find(more.begin(), more.end(), "--web") == more.end()) {
    args.insert(args.end(), {"--web", ""});
  }
  args.insert(args.end(), more.begin(), more.end());
  if (!Start(rotonde, args, error)) return 0;
  constexpr char kPrefix[] = "listening on http://127.0.0.1:";
  auto line = WaitForLine(kPrefix, std::chrono::seconds(60));
  if (!line) {
    *error = "no \"listening on\" line; stdout: " + Stdout() + "\nstderr: " + Stderr();
    return 0;
  }
  const int port = std::atoi(line->c_str() + sizeof(kPrefix) - 1);
  if (port <= 0 || port > 65535) {
    *error = "cannot read the port in: " + *line;
    return 0;
  }
  return static_cast<uint16_t>(port);
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::Wait(Clock::duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  if (!reaped_) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
      if (done == pid_) break;
      if (done < 0 || Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    reaped_ = true;
  }
  if (reader_.joinable()) reader_.join();  // the pipes reach EOF now that the child is gone
  return status_;
}

std::string ChildProcess::Stdout() {
  std::lock_guard lock(mu_);
  return out_;
}

std::string ChildProcess::Stderr() {
  std::lock_guard lock(mu_);
  return err_;
}

void ChildProcess::Read(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (::poll(fds, 2, 1000) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(mu_);
      if (n > 0) {
        (i == 0 ? out_ : err_).append(buffer, static_cast<size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
        if (i == 0) out_closed_ = true;
      }
      cv_.notify_all();
    }
  }
  std::lock_guard lock(mu_);
  for (auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  out_closed_ = true;
  cv_.notify_all();
}

std::string DescribeStatus(std::optional<int> status) {
  if (!status) return "still running";
  if (WIFEXITED(*status)) return "exit " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "signal " + std::to_string(WTERMSIG(*status));
  return "status " + std::to_string(*status);
}

}  // namespace rotonde::test_support
