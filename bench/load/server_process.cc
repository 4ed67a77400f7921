#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace rotonde::load {

namespace {

constexpr char kListening[] = "listening on http://127.0.0.1:";

// The port after "listening on http://127.0.0.1:" in the log, or 0 while there is none.
uint16_t PortFromLog(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t at = line.find(kListening);
    if (at == std::string::npos) continue;
    unsigned long port = 0;
    for (size_t i = at + sizeof(kListening) - 1;
         i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
      port = port * 10 + static_cast<unsigned long>(line[i] - '0');
      if (port > 65535) return 0;
    }
    return static_cast<uint16_t>(port);
  }
  return 0;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

std::string TailOfFile(const std::string& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& kept : tail) out += (out.empty() ? "" : " | ") + kept;
  return out;
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(const std::string& binary,
                                                            const std::string& data_dir,
                                                            const std::string& log_path,
                                                            std::chrono::seconds timeout) {
  if (access(binary.c_str(), X_OK) != 0) {
    return Status::InvalidArgument("cannot run " + binary + ": " + std::strerror(errno));
  }
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Status::IOError("cannot write " + log_path + ": " + std::strerror(errno));
  }
  // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
  std::vector<std::string> args = {binary,     "serve",       "--data", data_dir,
                                   "--listen", "127.0.0.1:0", "--demo"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return Status::IOError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log_fd);

  std::unique_ptr<ServerProcess> server(new ServerProcess(pid, log_path));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (const uint16_t port = PortFromLog(log_path); port != 0) {
      server->port_ = port;
      return server;
    }
    if (!server->Running()) {
      return Status::IOError("the server ended (" + DescribeWaitStatus(server->wait_status_) +
                             ") before listening: " + TailOfFile(log_path, 5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server->Stop(std::chrono::seconds(5));
  return Status(codes::kTimeout, "the server printed no \"listening on\" line within " +
                                     std::to_string(timeout.count()) +
                                     " s: " + TailOfFile(log_path, 5));
}

ServerProcess::~ServerProcess() {
  if (!exited_) Stop(std::chrono::seconds(30));
}

uint64_t ServerProcess::RssBytes() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    uint64_t kib = 0;
    fields >> kib;
    return kib * 1024;
  }
  return 0;
}

double ServerProcess::CpuSeconds() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // Fields after the command name, which is in parentheses and may hold spaces: state is
  // field 3, utime and stime are fields 14 and 15.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) std::from_chars(field.data(), field.data() + field.size(), utime);
    if (i == 15) std::from_chars(field.data(), field.data() + field.size(), stime);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

bool ServerProcess::Running() {
  if (exited_) return false;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_ || (done < 0 && errno == ECHILD)) {
    exited_ = true;
    wait_status_ = status;
    return false;
  }
  return true;
}

std::string ServerProcess::Stop(std::chrono::seconds grace) {
  if (!Running()) return DescribeWaitStatus(wait_status_);
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return DescribeWaitStatus(wait_status_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  exited_ = true;
  wait_status_ = status;
  return "killed after " + std::to_string(grace.count()) + " s";
}

}  // namespace rotonde::load
