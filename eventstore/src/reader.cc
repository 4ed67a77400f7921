// Reads: the log, a partition, a stream; live subscriptions; chain verification. Every read
// is bounded by the committed head, so nothing not yet durable is ever shown.
#include <algorithm>
#include <unordered_map>

#include "hash_chain.h"
#include "keys.h"
#include "store_impl.h"

namespace rotonde::eventstore {
namespace {

// Reads of at least this many events go around the block cache (see ReadAll).
constexpr uint64_t kLongScan = 16384;

Status ParseRecord(std::string_view bytes, uint64_t position, EventRecord* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status::Corruption("event at position " + std::to_string(position) +
                              " cannot be parsed");
  }
  return Status::Ok();
}

}  // namespace

Status EventStore::Impl::ReadAll(uint64_t after, size_t limit, uint64_t upto,
                                 std::vector<EventRecord>* out) const {
  // Records already in *out are parsed into, not rebuilt: their strings keep their capacity,
  // which spares a catch-up reader most of its allocations.
  size_t count = 0;
  struct Trim {
    std::vector<EventRecord>* out;
    const size_t* count;
    ~Trim() { out->resize(std::min(out->size(), *count)); }
  } trim{out, &count};
  if (after >= upto || limit == 0) return Status::Ok();
  const uint64_t last = limit >= upto - after ? upto : after + limit;
  const std::string start = keys::LogKey(after + 1);
  const std::string end = keys::LogKey(last + 1);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  read_options.adaptive_readahead = true;
  // A long scan (a rebuild, a far-behind reader) reads each block once: keeping it would
  // only push the blocks that live readers share out of the cache.
  read_options.fill_cache = last - after < kLongScan;
  out->reserve(static_cast<size_t>(last - after));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, log_cf_));
  uint64_t expected = after + 1;
  for (it->Seek(start); it->Valid(); it->Next(), ++expected) {
    if (count == out->size()) out->emplace_back();
    EventRecord& record = (*out)[count++];
    if (Status s = ParseRecord(it->value().ToStringView(), expected, &record); !s.ok()) return s;
    if (record.position() != expected) {
      return Status::Corruption("the log has no event at position " + std::to_string(expected));
    }
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  if (expected != last + 1) {
    return Status::Corruption("the log has no event at position " + std::to_string(expected));
  }
  return Status::Ok();
}

// Fetches the log records at `positions` (ascending) into *out.
static Status FetchPositions(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log_cf,
                             const std::vector<uint64_t>& positions,
                             std::vector<EventRecord>* out) {
  std::vector<std::string> key_bytes;
  key_bytes.reserve(positions.size());
  for (uint64_t p : positions) key_bytes.push_back(keys::LogKey(p));
  std::vector<rocksdb::Slice> lookups(key_bytes.begin(), key_bytes.end());
  std::vector<rocksdb::PinnableSlice> values(lookups.size());
  std::vector<rocksdb::Status> statuses(lookups.size());
  db->MultiGet(rocksdb::ReadOptions(), log_cf, lookups.size(), lookups.data(), values.data(),
               statuses.data(), /*sorted_input=*/true);
  out->reserve(out->size() + positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return Status::Corruption("an index names position " + std::to_string(positions[i]) +
                                " but the log has no event there");
    }
    if (!statuses[i].ok()) return Status::IOError("cannot read the log: " + statuses[i].ToString());
    if (Status s = ParseRecord(values[i].ToStringView(), positions[i], &out->emplace_back());
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Status EventStore::Impl::ReadPartition(std::string_view partition, uint64_t after, size_t limit,
                                       uint64_t upto, std::vector<EventRecord>* out,
                                       uint64_t* scanned_to) const {
  out->clear();
  *scanned_to = std::max(after, upto);
  if (after >= upto || limit == 0) return Status::Ok();
  const std::string start = keys::PartitionKey(partition, after + 1);
  const std::string end = keys::PartitionKey(partition, upto + 1);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, partitions_cf_));
  std::vector<uint64_t> positions;
  for (it->Seek(start); it->Valid() && positions.size() < limit; it->Next()) {
    uint64_t position = 0;
    if (!keys::DecodeTrailingU64(it->key().ToStringView(), &position)) {
      return Status::Corruption("a partition index key is damaged");
    }
    positions.push_back(position);
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  // Stopping at the limit means the partition was read completely only up to its last event.
  if (positions.size() == limit) *scanned_to = positions.back();
  return FetchPositions(db_.get(), log_cf_, positions, out);
}

Status EventStore::Impl::ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                                    std::vector<EventRecord>* out) const {
  out->clear();
  if (limit == 0) return Status::Ok();
  const uint64_t upto = head();
  const std::string start = keys::StreamKey(stream, from_version);
  const std::string end = keys::StreamEnd(stream);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, streams_cf_));
  std::vector<uint64_t> positions;
  for (it->Seek(start); it->Valid() && positions.size() < limit; it->Next()) {
    uint64_t position = 0;
    if (!keys::DecodeU64(it->value().ToStringView(), &position)) {
      return Status::Corruption("a stream index entry of " + std::string(stream) + " is damaged");
    }
    if (position > upto) break;
    positions.push_back(position);
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  return FetchPositions(db_.get(), log_cf_, positions, out);
}

Result<std::optional<uint64_t>> EventStore::Impl::StoredStreamVersion(std::string_view stream,
                                                                      uint64_t upto) const {
  const std::string end = keys::StreamEnd(stream);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, streams_cf_));
  // The stream's last entry at or below `upto`: entries above it (written, not yet durable)
  // are at most a few groups, stepped over backwards.
  for (it->SeekForPrev(keys::StreamKey(stream, UINT64_MAX)); it->Valid(); it->Prev()) {
    const std::string_view key = it->key().ToStringView();
    if (key.size() != stream.size() + 9 || key.substr(0, stream.size()) != stream ||
        key[stream.size()] != '\0') {
      break;  // another stream's key: this one has none
    }
    uint64_t version = 0, position = 0;
    if (!keys::DecodeTrailingU64(key, &version) ||
        !keys::DecodeU64(it->value().ToStringView(), &position)) {
      return Status::Corruption("a stream index entry of " + std::string(stream) + " is damaged");
    }
    if (position <= upto) return std::optional<uint64_t>(version);
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  return std::optional<uint64_t>();
}

bool EventStore::Impl::ReadRecent(uint64_t after, size_t max_events, std::string_view partition,
                                  std::vector<EventRecord>* out, uint64_t* scanned_to) const {
  std::lock_guard lock(state_mu_);
  if (recent_.empty() || recent_.front()->position() > after + 1) return false;
  size_t index = static_cast<size_t>(after + 1 - recent_.front()->position());
  *scanned_to = after;
  for (; index < recent_.size() && out->size() < max_events; ++index) {
    const EventRecord& record = *recent_[index];
    *scanned_to = record.position();
    if (partition.empty() || PartitionOf(record.stream()) == partition) out->push_back(record);
  }
  return true;
}

namespace {

// The index entries one event must have, gathered for a batched look-up.
struct IndexProbe {
  uint64_t position;
  std::string id_key, stream_key, partition_key;
};

}  // namespace

// Checks that each probed event's id, stream and partition entries exist and point at it;
// returns the first position that fails, with the problem.
static std::optional<std::pair<uint64_t, std::string>> CheckIndexes(
    rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
    const std::vector<IndexProbe>& probes) {
  const char* names[] = {"id", "stream", "partition"};
  std::vector<rocksdb::Slice> lookups(probes.size());
  std::vector<rocksdb::PinnableSlice> values(probes.size());
  std::vector<rocksdb::Status> statuses(probes.size());
  std::optional<std::pair<uint64_t, std::string>> first;
  for (size_t f = 0; f < 3; ++f) {
    for (size_t i = 0; i < probes.size(); ++i) {
      const IndexProbe& p = probes[i];
      lookups[i] = f == 0 ? p.id_key : f == 1 ? p.stream_key : p.partition_key;
    }
    db->MultiGet(rocksdb::ReadOptions(), families[f], probes.size(), lookups.data(), values.data(),
                 statuses.data());
    for (size_t i = 0; i < probes.size(); ++i) {
      uint64_t target = 0;
      const bool points_here =
          statuses[i].ok() && (f == 2 || (keys::DecodeU64(values[i].ToStringView(), &target) &&
                                          target == probes[i].position));
      if (!points_here && (!first || probes[i].position < first->first)) {
        first = {{probes[i].position, std::string("its ") + names[f] + " index entry is " +
                                          (statuses[i].IsNotFound() ? "missing" : "wrong")}};
      }
      values[i].Reset();
    }
  }
  return first;
}

VerifyReport EventStore::Impl::CheckChain(uint64_t from, uint64_t to, std::string prev_hash,
                                          bool full) const {
  VerifyReport report;
  auto fail = [&](uint64_t position, std::string problem) {
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return report;
  };
  std::unordered_map<std::string, uint64_t> next_version;
  std::vector<IndexProbe> probes;
  const std::vector<rocksdb::ColumnFamilyHandle*> index_families = {ids_cf_, streams_cf_,
                                                                    partitions_cf_};
  auto check_probes = [&]() -> bool {
    if (auto bad = CheckIndexes(db_.get(), index_families, probes)) {
      fail(bad->first, bad->second);
      return false;
    }
    probes.clear();
    return true;
  };

  rocksdb::ReadOptions read_options;
  read_options.adaptive_readahead = true;
  read_options.fill_cache = false;       // a full walk would only evict what serving needs
  read_options.total_order_seek = true;  // the ids family is hashed by prefix
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, log_cf_));
  uint64_t expected = from;
  EventRecord record;
  for (it->Seek(keys::LogKey(from)); it->Valid() && expected <= to; it->Next(), ++expected) {
    uint64_t key_position = 0;
    if (!keys::DecodeU64(it->key().ToStringView(), &key_position)) {
      return fail(expected, "a log key is not a position");
    }
    if (key_position != expected) return fail(expected, "the event is missing");
    record.Clear();
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return fail(expected, "the stored bytes do not parse as an event");
    }
    if (record.position() != expected) return fail(expected, "the event names another position");
    if (record.prev_hash() != prev_hash) {
      return fail(expected, "prev_hash does not match the previous event's hash");
    }
    if (ComputeEventHash(record) != record.hash()) {
      return fail(expected, "the hash does not recompute: the event was altered");
    }
    if (full) {
      auto [entry, inserted] = next_version.try_emplace(record.stream(), 0);
      if (record.version() != entry->second) {
        return fail(expected, "stream " + record.stream() + " expects version " +
                                  std::to_string(entry->second) + ", the event has " +
                                  std::to_string(record.version()));
      }
      ++entry->second;
      probes.push_back({expected, record.id(), keys::StreamKey(record.stream(), record.version()),
                        keys::PartitionKey(PartitionOf(record.stream()), expected)});
      if (probes.size() == 1024 && !check_probes()) return report;
    }
    prev_hash = record.hash();
    ++report.events;
  }
  if (!it->status().ok()) {
    report.status = Status::IOError("cannot read the log after position " +
                                    std::to_string(expected - 1) + ": " + it->status().ToString());
    return report;
  }
  if (expected <= to) return fail(expected, "the event is missing");
  if (full && !probes.empty() && !check_probes()) return report;
  if (full) {
    // Every event has its entries; equal counts then mean no index holds an extra one.
    for (auto* family : index_families) {
      uint64_t entries = 0;
      std::unique_ptr<rocksdb::Iterator> index(db_->NewIterator(read_options, family));
      for (index->SeekToFirst(); index->Valid(); index->Next()) {
        uint64_t target = 0;
        const bool by_key = family == partitions_cf_;
        if (by_key ? keys::DecodeTrailingU64(index->key().ToStringView(), &target)
                   : keys::DecodeU64(index->value().ToStringView(), &target)) {
          if (target <= to) ++entries;
        }
      }
      if (!index->status().ok()) {
        report.status = Status::IOError("cannot read an index: " + index->status().ToString());
        return report;
      }
      if (entries != report.events) {
        return fail(to, "the " + family->GetName() + " index holds " + std::to_string(entries) +
                            " entries for " + std::to_string(report.events) + " events");
      }
    }
  }
  report.head.position = to;
  report.head.hash = prev_hash;
  return report;
}

// ---- Subscription ---------------------------------------------------------------------------

Subscription::Subscription(const EventStore::Impl* store, uint64_t after_position,
                           std::string partition)
    : store_(store), position_(after_position), partition_(std::move(partition)) {}

Subscription::~Subscription() = default;

Status Subscription::Next(std::vector<EventRecord>* out, size_t max_events,
                          std::chrono::milliseconds timeout) {
  out->clear();
  if (max_events == 0) return Status::Ok();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (store_->closed()) return Status::Closed("the event store is closed");
    const uint64_t head = store_->WaitForHead(position_, deadline);
    if (store_->closed()) return Status::Closed("the event store is closed");
    if (head <= position_) return Status::Ok();  // timed out

    uint64_t scanned_to = position_;
    // Live: from memory. Behind the memory window: catch up from disk. Either way by
    // position, so the switch between them can neither skip nor repeat an event.
    if (!store_->ReadRecent(position_, max_events, partition_, out, &scanned_to)) {
      Status s = partition_.empty() ? store_->ReadAll(position_, max_events, head, out)
                                    : store_->ReadPartition(partition_, position_, max_events, head,
                                                            out, &scanned_to);
      if (!s.ok()) return s;
      if (partition_.empty() && !out->empty()) scanned_to = out->back().position();
    }
    position_ = scanned_to;
    if (!out->empty() || std::chrono::steady_clock::now() >= deadline) return Status::Ok();
  }
}

}  // namespace rotonde::eventstore
