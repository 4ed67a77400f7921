// Opening and closing the store, validating callers' input, and the public API's forwarding.
#include "rotonde/eventstore/event_store.h"
#include "rotonde/eventstore/backup.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <unordered_set>

#include <sys/statvfs.h>

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include "hash_chain.h"
#include "keys.h"
#include "rotonde/eventstore/rocksdb_safety.h"
#include "store_impl.h"

namespace rotonde::eventstore {
namespace {

// How a column family is used, which decides its tuning.
enum class FamilyUse { kMeta, kLog, kNamedSequences, kPointLookups };

rocksdb::ColumnFamilyOptions FamilyOptions(FamilyUse use,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // XXH3 block checksums: as safe against bit rot as CRC32C and much faster where RocksDB is
  // built without hardware CRC (Debian's portable build).
  table.checksum = rocksdb::kXXH3;
  switch (use) {
    case FamilyUse::kMeta:
      break;
    case FamilyUse::kLog:
      cf.memtable_insert_with_hint_prefix_extractor = keys::SequencePerName();
      // Catch-up readers stream it: larger blocks and LZ4 (cheap to decompress) keep a
      // reader's cost per event low.
      table.block_size = 16 << 10;
      cf.compression = rocksdb::kLZ4Compression;
      break;
    case FamilyUse::kNamedSequences:
      cf.memtable_insert_with_hint_prefix_extractor = keys::SequencePerName();
      break;
    case FamilyUse::kPointLookups:
      // Idempotency checks look up every new id, which is almost never there: bloom
      // filters, also over the memtable, answer those without reading blocks. Ids arrive in
      // no order, so a hashed memtable inserts them far cheaper than one big skip list.
      // Its buckets hash the whole id (the "prefix" is the id itself): ids share long
      // prefixes ("<platform>:<command id>:0"), and with buckets by the first 16 bytes
      // every id of a platform named with 15 letters or more fell into one bucket, whose
      // skip list (4 levels) turned each insert into a walk along every id the memtable
      // held — the applier's CPU grew with the memtable, from 5 % to 23 % of a core in a
      // 70-second push run. Iterating this family needs total_order_seek.
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      table.whole_key_filtering = true;
      cf.memtable_whole_key_filtering = true;
      cf.memtable_prefix_bloom_size_ratio = 0.05;
      cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(kMaxEventIdBytes));
      cf.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 16));
      break;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

Result<ExpectedVersion> ExpectedVersion::Parse(std::string_view text) {
  if (text == "any") return Any();
  if (text == "no_stream") return NoStream();
  uint64_t version = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument(
        "expected version must be \"any\", \"no_stream\" or a version "
        "number, not \"" +
        std::string(text.substr(0, 40)) + "\"");
  }
  return Exact(version);
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kExact:
      return std::to_string(version_);
  }
  return "?";
}

std::string_view PlatformOf(std::string_view stream) { return stream.substr(0, stream.find('/')); }

std::string GenesisHash(std::string_view platform) { return GenesisHashOf(platform); }

std::string EventBody(const EventRecord& record) {
  if (record.prev_hash().empty() && record.hash().empty()) return record.SerializeAsString();
  EventRecord body = record;
  body.clear_prev_hash();
  body.clear_hash();
  return body.SerializeAsString();
}

std::string ComputeEventHash(const EventRecord& record) {
  return ChainHash(record.prev_hash(), record.position(), EventBody(record));
}

// ---- Impl: open and close ----------------------------------------------------------------

Status EventStore::Impl::OneLogFormatError() const {
  return Status(codes::kOldFormat,
                dir_ + " holds a store of the format before each platform had a log of its own (" +
                    keys::kFormatOneLog + "); rewrite it with `rotonde migrate --from " + dir_ +
                    " --to NEWDIR` and serve NEWDIR");
}

Status EventStore::Impl::OpenDb() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(fs::path(dir_) / "CURRENT", ec);
  if (ec) return Status::IOError("cannot read " + dir_ + ": " + ec.message());
  if (!exists) {
    if (!options_.create_if_missing || options_.read_only) {
      return Status::NotFound("no event store at " + dir_);
    }
    fs::create_directories(dir_, ec);
    if (ec) return Status::IOError("cannot create " + dir_ + ": " + ec.message());
  }

  rocksdb::DBOptions db_options;
  if (exists) {
    // Refused before RocksDB opens it, which would add this format's column families to it.
    std::vector<std::string> names;
    rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, dir_, &names);
    if (listed.ok() &&
        std::find(names.begin(), names.end(), keys::kOneLogPartitionsFamily) != names.end()) {
      return OneLogFormatError();
    }
  }
  db_options.create_if_missing = options_.create_if_missing;
  db_options.create_missing_column_families = true;
  // A crash leaves a consistent prefix of whole WriteBatches: what was synced, nothing half.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // The group commit's single writer applies every batch; memtable insert hints (see
  // FamilyOptions) need this off.
  db_options.allow_concurrent_memtable_write = false;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  db_options.max_log_file_size = 8 << 20;
  // WAL files are kept until every family's memtable holding their writes is flushed; past
  // this much, the families holding the oldest one are flushed (RocksDB's default is four
  // times every memtable together, 2.5 GiB here). It bounds the disk the WAL takes and the
  // replay of a restart.
  db_options.max_total_wal_size = 256 << 20;
  // The memtable marker is the only write that skips the WAL; it need not be flushed at
  // close, and closing must not wait for flushes on a full disk.
  db_options.avoid_flush_during_shutdown = true;
  // The way back from a full disk is the store's (TryResume, every
  // disk_full_retry_interval), not RocksDB's, which polls every 5 s, refuses a manual
  // Resume() while it runs, and can leave the store unable to write (rocksdb_safety.h).
  db_options.listeners.push_back(NewManualRecoveryListener());
  if (options_.env != nullptr) db_options.env = options_.env;
  // Not RocksDB's own writer of LOG, which aborts the process on a full disk.
  if (!options_.read_only) db_options.info_log = NewInfoLog(dir_);

  auto cache = rocksdb::NewLRUCache(64 << 20);
  block_cache_ = cache;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, FamilyOptions(FamilyUse::kMeta, cache)},
      {keys::kLogFamily, FamilyOptions(FamilyUse::kLog, cache)},
      {keys::kStreamsFamily, FamilyOptions(FamilyUse::kNamedSequences, cache)},
      {keys::kIdsFamily, FamilyOptions(FamilyUse::kPointLookups, cache)},
      {keys::kHeadsFamily, FamilyOptions(FamilyUse::kMeta, cache)},
  };
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options_.read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir_, families, &handles_, &raw)
                         : rocksdb::DB::Open(db_options, dir_, families, &handles_, &raw);
  if (!s.ok()) {
    if (s.IsInvalidArgument() || s.IsNotFound()) {
      return Status::NotFound("no event store at " + dir_ + " (" + s.ToString() + ")");
    }
    return Status::IOError("cannot open " + dir_ + ": " + s.ToString());
  }
  db_.reset(raw);
  log_cf_ = handles_[1];
  streams_cf_ = handles_[2];
  ids_cf_ = handles_[3];
  heads_cf_ = handles_[4];
  std::string format;
  s = db_->Get(rocksdb::ReadOptions(), keys::kFormatKey, &format);
  if (s.IsNotFound() && !options_.read_only) {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = db_->Put(sync, keys::kFormatKey, keys::kFormatVersion);
    format = keys::kFormatVersion;
  }
  if (!s.ok()) return Status::IOError("cannot read the store's format: " + s.ToString());
  if (format == keys::kFormatOneLog) return OneLogFormatError();
  if (format != keys::kFormatVersion) {
    return Status::Corruption(dir_ + " holds format \"" + format + "\", expected \"" +
                              keys::kFormatVersion + "\"");
  }
  if (!options_.read_only) {
    if (Status marker = PutMemtableMarker(); !marker.ok()) return marker;
  }
  // Each platform's head, as written with its last group.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), heads_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    HeadInfo head;
    if (!keys::DecodeHeadValue(it->value().ToStringView(), &head.position, &head.hash)) {
      return Status::Corruption("the head of platform " + it->key().ToString() + " is damaged");
    }
    published_.LoadHead(it->key().ToString(), std::move(head));
  }
  if (!it->status().ok()) {
    return Status::IOError("cannot read the platforms' heads: " + it->status().ToString());
  }
  return Status::Ok();
}

Status EventStore::Impl::CheckTails() {
  if (options_.tail_check_events == 0) return Status::Ok();
  for (const std::string& platform : Platforms()) {
    const HeadInfo head = Head(platform);
    const uint64_t from = head.position > options_.tail_check_events
                              ? head.position - options_.tail_check_events + 1
                              : 1;
    std::string prev_hash = GenesisHashOf(platform);
    if (from > 1) {
      std::vector<EventRecord> before;
      if (Status s = Read(platform, from - 2, 1, head.position, &before); !s.ok()) return s;
      prev_hash = before[0].hash();
    }
    // The log's events must reach exactly to the head: none missing, none beyond it.
    VerifyReport report = CheckChain(platform, from, head.position, prev_hash, false);
    if (!report.status.ok()) return report.status;
    if (report.ok() && report.head.hash != head.hash) {
      report.first_bad_position = head.position;
      report.problem = "the platform's head does not name its last event";
    }
    if (report.ok()) {
      std::string beyond;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), log_cf_,
                                   keys::LogKey(platform, head.position + 1), &beyond);
      if (s.ok()) {
        report.first_bad_position = head.position + 1;
        report.problem = "the log holds an event beyond the platform's head";
      }
    }
    if (!report.ok()) {
      return Status::Corruption("the hash chain of " + platform + " is broken at position " +
                                std::to_string(*report.first_bad_position) + ": " + report.problem +
                                " (run `rotonde verify`)");
    }
  }
  return Status::Ok();
}

void EventStore::Impl::Close() {
  std::call_once(close_once_, [this] {
    StopWriter();  // queued appends are answered with kClosed, prepared ones are written
    published_.Close();
  });
}

Status EventStore::Impl::PutMemtableMarker() {
  rocksdb::WriteOptions memtable_only;
  memtable_only.disableWAL = true;
  rocksdb::Status s = db_->Put(memtable_only, keys::kMemtableMarkerKey, rocksdb::Slice());
  if (!s.ok()) return Status::IOError("cannot write the memtable marker: " + s.ToString());
  return Status::Ok();
}

uint64_t EventStore::Impl::FreeBytes() const {
  struct statvfs fs {};
  if (::statvfs(dir_.c_str(), &fs) != 0) return UINT64_MAX;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

EventStore::Impl::~Impl() {
  Close();
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  handles_.clear();
  if (db_) db_->Close().PermitUncheckedError();
}

Stats EventStore::Impl::GetStats() const {
  Stats stats;
  counters_.Fill(&stats);
  stats.disk_full = counters_.disk_full.load() ? 1 : 0;
  stats.disk_full_episodes = counters_.disk_full_episodes.load();
  if (db_ != nullptr) {
    static_cast<void>(db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables,
                                                    &stats.memtable_bytes));
  }
  if (block_cache_ != nullptr) stats.block_cache_bytes = block_cache_->GetUsage();
  published_.FillGauges(&stats);

  return stats;
}

// ---- EventStore: the public API ------------------------------------------------------------

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStore::~EventStore() = default;

Result<std::unique_ptr<EventStore>> EventStore::Open(const std::string& dir,
                                                     const Options& options) {
  auto impl = std::make_unique<Impl>(options, dir);
  Status s = impl->OpenDb();
  if (s.ok()) s = impl->CheckTails();
  if (!s.ok()) return s;
  if (!options.read_only) impl->StartWriter();
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

bool EventStore::Enqueue(const std::shared_ptr<WriteRequest>& request) {
  return impl_->Enqueue(request);
}

const PublishedLog& EventStore::published() const { return impl_->published(); }

Status EventStore::ReadStored(std::string_view platform, uint64_t after, size_t limit,
                              uint64_t upto, std::vector<EventRecord>* out) const {
  return impl_->Read(platform, after, limit, upto, out);
}

Status EventStore::ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                              std::vector<EventRecord>* out) const {
  if (impl_->closed()) return Status::Closed("the event store is closed");
  return impl_->ReadStream(stream, from_version, limit, out);
}

Result<std::optional<uint64_t>> EventStore::StreamVersion(std::string_view stream) const {
  if (impl_->closed()) return Status::Closed("the event store is closed");
  return impl_->StoredStreamVersion(stream, impl_->Head(PlatformOf(stream)).position);
}

VerifyReport EventStore::Verify(std::string_view platform) const {
  if (impl_->closed()) {
    VerifyReport closed;
    closed.platform = std::string(platform);
    closed.status = Status::Closed("the event store is closed");
    return closed;
  }
  return impl_->CheckChain(platform, 1, impl_->Head(platform).position, GenesisHashOf(platform),
                           true);
}

std::vector<VerifyReport> EventStore::VerifyAll() const {
  std::vector<VerifyReport> reports;
  uint64_t events = 0;
  for (const std::string& platform : Platforms()) {
    reports.push_back(Verify(platform));
    events += reports.back().events;
    if (!reports.back().ok()) return reports;  // the indexes cannot be counted against it
  }
  if (impl_->closed()) {
    reports.emplace_back().status = Status::Closed("the event store is closed");
  } else {
    reports.push_back(impl_->CheckSharedIndexes(events));
  }
  return reports;
}

Stats EventStore::GetStats() const { return impl_->GetStats(); }

void EventStore::Close() { impl_->Close(); }

Status EventStore::Impl::Backup(const std::string& backup_dir, uint32_t* backup_id) {
  if (closed() || db_ == nullptr) return Status::Closed("the store is closed");
  return BackupDatabase(*db_, backup_dir, backup_id);
}

Status EventStore::Backup(const std::string& backup_dir, uint32_t* backup_id) {
  return impl_->Backup(backup_dir, backup_id);
}

}  // namespace rotonde::eventstore
