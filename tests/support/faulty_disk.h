// A disk that fails or stalls on demand: a RocksDB file system wrapping the real one, whose
// write-ahead log's writes or fsyncs fail, or whose fsyncs wait, while the test says so. For
// tests of what a failing or slow disk does to the store and to whoever waits on it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace rocksdb {
class Env;
}

namespace rotonde::test_support {

struct DiskFaults {
  std::atomic<bool> fail_wal_writes{false};
  std::atomic<bool> fail_wal_syncs{false};
  std::atomic<int> sync_delay_ms{0};  // before a failing fsync answers

  // While held, every fsync of the log waits (HoldSyncs / ReleaseSyncs).
  void HoldSyncs();
  void ReleaseSyncs();
  // Blocks while syncs are held. Called by the file system.
  void WaitWhileHeld();

 private:
  std::mutex mu_;
  std::condition_variable released_;
  bool held_ = false;
};

// An Env whose files are the real ones, with `faults` applied to the log (files "*.log").
// `faults` must outlive it.
std::unique_ptr<rocksdb::Env> NewFaultyEnv(DiskFaults* faults);

}  // namespace rotonde::test_support
