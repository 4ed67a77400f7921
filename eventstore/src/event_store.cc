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

bool IsVisibleAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

Status CheckName(std::string_view what, std::string_view value, size_t max_bytes) {
  if (value.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(std::string(what) + " is longer than " +
                                   std::to_string(max_bytes) + " bytes");
  }
  if (!IsVisibleAscii(value)) {
    return Status::InvalidArgument(std::string(what) +
                                   " may hold visible ASCII characters only (no spaces)");
  }
  return Status::Ok();
}

// `status` with "<where>: " before its message. Called on failure only: the append path
// builds no message for events that are fine.
Status Within(const std::string& where, Status status) {
  return Status(status.code(), where + ": " + status.message());
}

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
    heads_.emplace(it->key().ToString(), std::move(head));
  }
  if (!it->status().ok()) {
    return Status::IOError("cannot read the platforms' heads: " + it->status().ToString());
  }
  return Status::Ok();
}

Status EventStore::Impl::CheckTails() {
  if (options_.tail_check_events == 0) return Status::Ok();
  for (const auto& [platform, head] : heads_) {
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
    {
      std::lock_guard lock(state_mu_);
      closed_.store(true, std::memory_order_release);
    }
    head_cv_.notify_all();
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

HeadInfo EventStore::Impl::Head(std::string_view platform) const {
  {
    std::lock_guard lock(state_mu_);
    if (auto it = heads_.find(platform); it != heads_.end()) return it->second;
  }
  return HeadInfo{0, GenesisHashOf(platform)};
}

std::vector<std::string> EventStore::Impl::Platforms() const {
  std::lock_guard lock(state_mu_);
  std::vector<std::string> out;
  out.reserve(heads_.size());
  for (const auto& [platform, head] : heads_) out.push_back(platform);
  return out;
}

uint64_t EventStore::Impl::WaitForHead(std::string_view platform, uint64_t after,
                                       std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(state_mu_);
  auto now = [&]() -> uint64_t {
    if (platform.empty()) return sequence_;
    auto it = heads_.find(platform);
    return it == heads_.end() ? 0 : it->second.position;
  };
  head_cv_.wait_until(lock, deadline, [&] { return now() > after || closed(); });
  return now();
}

uint64_t EventStore::Impl::sequence() const {
  std::lock_guard lock(state_mu_);
  return sequence_;
}

Stats EventStore::Impl::GetStats() const {
  Stats stats;
  stats.appends = counters_.appends.load();
  stats.events_written = counters_.events_written.load();
  stats.groups_written = counters_.groups_written.load();
  stats.syncs = counters_.syncs.load();
  stats.idempotent_replays = counters_.idempotent_replays.load();
  stats.rejected_appends = counters_.rejected_appends.load();
  stats.sync_micros_total = counters_.sync_micros_total.load();
  stats.sync_micros_max = counters_.sync_micros_max.load();
  stats.disk_full = counters_.disk_full.load() ? 1 : 0;
  stats.disk_full_episodes = counters_.disk_full_episodes.load();
  if (db_ != nullptr) {
    static_cast<void>(db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables,
                                                    &stats.memtable_bytes));
  }
  if (block_cache_ != nullptr) stats.block_cache_bytes = block_cache_->GetUsage();
  {
    std::lock_guard lock(state_mu_);
    stats.recent_events = recent_.size();
    stats.platforms = heads_.size();
  }

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

namespace {

// Checks an AppendAll's arguments against the documented limits; on success *request holds
// them, ready to queue.
Status MakeAppendRequest(std::vector<StreamAppend> appends, AppendOptions options,
                         WriteRequest* request) {
  if (appends.empty()) return Status::InvalidArgument("an append needs at least one event");
  std::unordered_set<std::string_view> streams, ids;
  size_t total = 0;
  request->platform = std::string(PlatformOf(appends[0].stream));
  if (Status s = CheckName("platform", request->platform, kMaxPlatformBytes); !s.ok()) return s;
  for (const StreamAppend& part : appends) {
    if (Status s = CheckName("stream name", part.stream, kMaxStreamNameBytes); !s.ok()) {
      return s;
    }
    if (PlatformOf(part.stream) != request->platform) {
      return Status::InvalidArgument("an append writes to one platform: stream " + part.stream +
                                     " is not of " + request->platform);
    }
    if (!streams.insert(part.stream).second) {
      return Status::InvalidArgument("stream " + part.stream + " appears twice");
    }
    if (part.events.empty()) {
      return Status::InvalidArgument("an append needs at least one event");
    }
    for (const NewEvent& e : part.events) {
      auto where = [&] { return "event " + std::to_string(request->event_count); };
      if (Status s = CheckName("id", e.id, kMaxEventIdBytes); !s.ok()) return Within(where(), s);
      if (Status s = CheckName("type", e.type, kMaxEventTypeBytes); !s.ok()) {
        return Within(where(), s);
      }
      if (!ids.insert(e.id).second) {
        return Status::InvalidArgument(where() + ": id " + e.id + " appears twice");
      }
      // Envelope fields beyond the payload are small; bound the whole event conservatively.
      const size_t size = e.payload.size() + e.actor.size() + e.correlation_id.size() +
                          e.id.size() + e.type.size() + part.stream.size() + 128;
      if (size > kMaxEventBytes) {
        return {codes::kTooLarge,
                where() + ": larger than " + std::to_string(kMaxEventBytes) + " bytes"};
      }
      total += size;
      if (++request->event_count > kMaxEventsPerAppend) {
        return {codes::kTooLarge,
                "an append holds at most " + std::to_string(kMaxEventsPerAppend) + " events"};
      }
    }
  }
  if (total > kMaxAppendBytes) {
    return {codes::kTooLarge,
            "an append holds at most " + std::to_string(kMaxAppendBytes) + " bytes"};
  }
  request->appends = std::move(appends);
  request->options = options;
  request->bytes = total;
  return Status::Ok();
}

}  // namespace

AppendResult EventStore::AppendAll(std::vector<StreamAppend> appends, AppendOptions options) {
  auto request = std::make_shared<WriteRequest>();
  if (Status s = MakeAppendRequest(std::move(appends), options, request.get()); !s.ok()) {
    AppendResult result;
    result.status = std::move(s);
    return result;
  }
  return impl_->Submit(std::move(request));
}

void EventStore::AppendAsync(std::vector<StreamAppend> appends, AppendOptions options,
                             AppendDone done) {
  auto request = std::make_shared<WriteRequest>();
  if (Status s = MakeAppendRequest(std::move(appends), options, request.get()); !s.ok()) {
    AppendResult refused;
    refused.status = std::move(s);
    return done(std::move(refused));
  }
  request->on_done = std::move(done);
  // A refused request is answered here; a queued one by the notifier once it is durable.
  if (!impl_->Enqueue(request)) request->MarkDone();
}

namespace {

// An append of this store started by StartAppendAll: the writer's request, shared with it.
class StorePendingAppend final : public PendingAppend {
 public:
  explicit StorePendingAppend(std::shared_ptr<WriteRequest> request)
      : request_(std::move(request)) {}
  explicit StorePendingAppend(AppendResult refused) : refused_(std::move(refused)) {}

  const AppendResult& Prepared() override {
    if (!request_) return refused_;
    request_->WaitPrepared();
    return request_->prepared_result;
  }
  const std::vector<std::shared_ptr<const EventRecord>>& records() override {
    static const std::vector<std::shared_ptr<const EventRecord>> kNone;
    if (!request_) return kNone;
    request_->WaitPrepared();
    if (!request_->prepared_result.ok() || request_->prepared_result.idempotent_replay) {
      return kNone;
    }
    return request_->prepared_records;
  }
  AppendResult Wait() override {
    if (!request_) return refused_;
    request_->WaitDone();
    return request_->result;
  }

 private:
  std::shared_ptr<WriteRequest> request_;  // null when refused before queueing
  AppendResult refused_;
};

}  // namespace

std::unique_ptr<PendingAppend> EventStore::StartAppendAll(std::vector<StreamAppend> appends,
                                                          AppendOptions options, AppendDone done) {
  auto request = std::make_shared<WriteRequest>();
  request->wants_prepared = true;
  Status s = MakeAppendRequest(std::move(appends), options, request.get());
  request->on_done = std::move(done);
  if (s.ok() && impl_->Enqueue(request)) return std::make_unique<StorePendingAppend>(request);
  AppendResult refused;
  refused.status = s.ok() ? std::move(request->result.status) : std::move(s);
  if (request->on_done) request->on_done(refused);
  return std::make_unique<StorePendingAppend>(std::move(refused));
}

Status EventStore::Import(std::string_view platform, std::vector<EventRecord> records,
                          size_t* failed_index) {
  size_t unused_index = 0;
  if (failed_index == nullptr) failed_index = &unused_index;
  *failed_index = records.size();
  if (records.empty()) return Status::Ok();
  if (Status s = CheckName("platform", platform, kMaxPlatformBytes); !s.ok()) return s;
  if (records.size() > kMaxEventsPerAppend) {
    return {codes::kTooLarge,
            "an import call holds at most " + std::to_string(kMaxEventsPerAppend) + " events"};
  }
  auto request = std::make_shared<WriteRequest>();
  request->is_import = true;
  request->platform = std::string(platform);
  for (size_t i = 0; i < records.size(); ++i) {
    const EventRecord& r = records[i];
    *failed_index = i;
    auto where = [&] { return "event at position " + std::to_string(r.position()); };
    if (Status s = CheckName("stream name", r.stream(), kMaxStreamNameBytes); !s.ok()) {
      return Within(where(), s);
    }
    if (Status s = CheckName("id", r.id(), kMaxEventIdBytes); !s.ok()) return Within(where(), s);
    if (Status s = CheckName("type", r.type(), kMaxEventTypeBytes); !s.ok())
      return Within(where(), s);
    const size_t size = r.ByteSizeLong();
    if (size > kMaxEventBytes) return {codes::kTooLarge, where() + ": too large"};
    request->bytes += size;
  }
  *failed_index = records.size();
  if (request->bytes > kMaxAppendBytes) {
    return {codes::kTooLarge,
            "an import call holds at most " + std::to_string(kMaxAppendBytes) + " bytes"};
  }
  request->import_records = std::move(records);
  AppendResult result = impl_->Submit(std::move(request));
  // PrepareImport reports the failing record's index as the only position.
  if (!result.ok() && result.positions.size() == 1) *failed_index = result.positions[0];
  return result.status;
}

Status EventStore::Read(std::string_view platform, uint64_t after_position, size_t limit,
                        std::vector<EventRecord>* out) const {
  if (impl_->closed()) return Status::Closed("the event store is closed");
  return impl_->Read(platform, after_position, limit, impl_->Head(platform).position, out);
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

HeadInfo EventStore::Head(std::string_view platform) const { return impl_->Head(platform); }

std::vector<std::string> EventStore::Platforms() const { return impl_->Platforms(); }

std::unique_ptr<Subscription> EventStore::Subscribe(std::string platform, uint64_t after_position) {
  return impl_->Subscribe(std::move(platform), after_position);
}

std::unique_ptr<LiveFeed> EventStore::FollowAll() { return impl_->FollowAll(); }

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
  if (closed_ || db_ == nullptr) return Status::Closed("the store is closed");
  return BackupDatabase(*db_, backup_dir, backup_id);
}

Status EventStore::Backup(const std::string& backup_dir, uint32_t* backup_id) {
  return impl_->Backup(backup_dir, backup_id);
}

}  // namespace rotonde::eventstore
