#include "faulty_disk.h"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <chrono>
#include <string>
#include <thread>

namespace rotonde::test_support {

void DiskFaults::HoldSyncs() {
  std::lock_guard lock(mu_);
  held_ = true;
}

void DiskFaults::ReleaseSyncs() {
  {
    std::lock_guard lock(mu_);
    held_ = false;
  }
  released_.notify_all();
}

void DiskFaults::WaitWhileHeld() {
  std::unique_lock lock(mu_);
  released_.wait(lock, [&] { return !held_; });
}

namespace {

bool IsWal(const std::string& name) { return name.size() > 4 && name.ends_with(".log"); }

class FaultyWal : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWal(std::unique_ptr<rocksdb::FSWritableFile> file, DiskFaults* faults)
      : FSWritableFileOwnerWrapper(std::move(file)), faults_(faults) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (faults_->fail_wal_writes) return rocksdb::IOStatus::IOError("injected: write failed");
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    faults_->WaitWhileHeld();
    if (faults_->fail_wal_syncs) return FailedSync();
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    faults_->WaitWhileHeld();
    if (faults_->fail_wal_syncs) return FailedSync();
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }

 private:
  rocksdb::IOStatus FailedSync() {
    std::this_thread::sleep_for(std::chrono::milliseconds(faults_->sync_delay_ms.load()));
    return rocksdb::IOStatus::IOError("injected: fsync failed");
  }

  DiskFaults* faults_;
};

class FaultyFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultyFileSystem(DiskFaults* faults)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), faults_(faults) {}
  const char* Name() const override { return "FaultyFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(name, options, file, dbg);
    if (s.ok() && IsWal(name)) *file = std::make_unique<FaultyWal>(std::move(*file), faults_);
    return s;
  }

 private:
  DiskFaults* faults_;
};

}  // namespace

std::unique_ptr<rocksdb::Env> NewFaultyEnv(DiskFaults* faults) {
  return rocksdb::NewCompositeEnv(std::make_shared<FaultyFileSystem>(faults));
}

}  // namespace rotonde::test_support
