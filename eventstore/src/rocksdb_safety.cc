#include "rotonde/eventstore/rocksdb_safety.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/listener.h>

namespace rotonde::eventstore {
namespace {

constexpr off_t kMaxLogBytes = 8 << 20;

class InfoLog final : public rocksdb::Logger {
 public:
  explicit InfoLog(std::string path)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), path_(std::move(path)) {}
  ~InfoLog() override {
    if (fd_ >= 0) ::close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[2048];
    timeval now{};
    ::gettimeofday(&now, nullptr);
    tm local{};
    ::localtime_r(&now.tv_sec, &local);
    int n = std::snprintf(line, sizeof(line), "%04d/%02d/%02d-%02d:%02d:%02d.%06ld ",
                          local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                          local.tm_min, local.tm_sec, static_cast<long>(now.tv_usec));
    va_list copy;
    va_copy(copy, ap);
    const int body =
        std::vsnprintf(line + n, sizeof(line) - static_cast<size_t>(n) - 1, format, copy);
    va_end(copy);
    if (body < 0) return;
    n = std::min<int>(n + body, static_cast<int>(sizeof(line)) - 2);
    if (line[n - 1] != '\n') line[n++] = '\n';

    std::lock_guard lock(mu_);
    if (fd_ < 0) Open();
    if (fd_ < 0) return;
    if (bytes_ > kMaxLogBytes) {
      ::close(fd_);
      std::rename(path_.c_str(), (path_ + ".old").c_str());
      Open();
      if (fd_ < 0) return;
    }
    // A line that cannot be written (a full disk) is dropped; the next one is tried anew.
    const ssize_t written = ::write(fd_, line, static_cast<size_t>(n));
    if (written > 0) bytes_ += written;
  }

 private:
  void Open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    struct stat st {};
    bytes_ = fd_ >= 0 && ::fstat(fd_, &st) == 0 ? st.st_size : 0;
  }

  const std::string path_;
  std::mutex mu_;
  int fd_ = -1;
  off_t bytes_ = 0;
};

class ManualRecoveryListener final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    const bool no_space =
        bg_error.IsNoSpace() || bg_error.subcode() == rocksdb::Status::SubCode::kSpaceLimit;
    if (no_space && bg_error.severity() >= rocksdb::Status::Severity::kHardError) {
      *auto_recovery = false;
    }
  }
};

}  // namespace

std::shared_ptr<rocksdb::EventListener> NewManualRecoveryListener() {
  return std::make_shared<ManualRecoveryListener>();
}

std::shared_ptr<rocksdb::Logger> NewInfoLog(const std::string& dir) {
  return std::make_shared<InfoLog>(dir + "/LOG");
}

Status ForgetDeleted(rocksdb::DB& db) {
  rocksdb::FlushOptions flush;
  flush.wait = true;
  if (rocksdb::Status s = db.Flush(flush); !s.ok()) {
    return Status::IOError("cannot flush " + db.GetName() + ": " + s.ToString());
  }
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  if (rocksdb::Status s = db.CompactRange(compact, nullptr, nullptr); !s.ok()) {
    return Status::IOError("cannot compact " + db.GetName() + ": " + s.ToString());
  }
  return Status::Ok();
}

}  // namespace rotonde::eventstore
