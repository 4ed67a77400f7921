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

Status EventStore::Impl::Read(std::string_view platform, uint64_t after, size_t limit,
                              uint64_t upto, std::vector<EventRecord>* out) const {
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
  const std::string start = keys::LogKey(platform, after + 1);
  const std::string end = keys::LogKey(platform, last + 1);
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
      return Status::Corruption("the log of " + std::string(platform) +
                                " has no event at position " + std::to_string(expected));
    }
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  if (expected != last + 1) {
    return Status::Corruption("the log of " + std::string(platform) + " has no event at position " +
                              std::to_string(expected));
  }
  return Status::Ok();
}

// Fetches `platform`'s log records at `positions` (ascending) into *out.
static Status FetchPositions(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log_cf,
                             std::string_view platform, const std::vector<uint64_t>& positions,
                             std::vector<EventRecord>* out) {
  std::vector<std::string> key_bytes;
  key_bytes.reserve(positions.size());
  for (uint64_t p : positions) key_bytes.push_back(keys::LogKey(platform, p));
  std::vector<rocksdb::Slice> lookups(key_bytes.begin(), key_bytes.end());
  std::vector<rocksdb::PinnableSlice> values(lookups.size());
  std::vector<rocksdb::Status> statuses(lookups.size());
  db->MultiGet(rocksdb::ReadOptions(), log_cf, lookups.size(), lookups.data(), values.data(),
               statuses.data(), /*sorted_input=*/true);
  out->reserve(out->size() + positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return Status::Corruption("an index names position " + std::to_string(positions[i]) + " of " +
                                std::string(platform) + " but its log has no event there");
    }
    if (!statuses[i].ok()) return Status::IOError("cannot read the log: " + statuses[i].ToString());
    if (Status s = ParseRecord(values[i].ToStringView(), positions[i], &out->emplace_back());
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Status EventStore::Impl::ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                                    std::vector<EventRecord>* out) const {
  out->clear();
  if (limit == 0) return Status::Ok();
  const std::string_view platform = PlatformOf(stream);
  const uint64_t upto = Head(platform).position;
  const std::string start = keys::StreamKey(stream, from_version);
  const std::string end = keys::NameEnd(stream);
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
  return FetchPositions(db_.get(), log_cf_, platform, positions, out);
}

Result<std::optional<uint64_t>> EventStore::Impl::StoredStreamVersion(std::string_view stream,
                                                                      uint64_t upto) const {
  const std::string end = keys::NameEnd(stream);
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
    std::string_view name;
    uint64_t version = 0, position = 0;
    if (!keys::DecodeNameKey(key, &name, &version) ||
        !keys::DecodeU64(it->value().ToStringView(), &position)) {
      return Status::Corruption("a stream index entry of " + std::string(stream) + " is damaged");
    }
    if (position <= upto) return std::optional<uint64_t>(version);
  }
  if (!it->status().ok()) return Status::IOError("cannot read the log: " + it->status().ToString());
  return std::optional<uint64_t>();
}

namespace {

// The index entries one event must have, gathered for a batched look-up.
struct IndexProbe {
  uint64_t position;
  std::string id_key, id_value, stream_key, stream_value;
};

}  // namespace

// Checks that each probed event's id and stream entries exist and point at it; returns the
// first position that fails, with the problem.
static std::optional<std::pair<uint64_t, std::string>> CheckIndexes(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* ids, rocksdb::ColumnFamilyHandle* streams,
    const std::vector<IndexProbe>& probes) {
  std::vector<rocksdb::Slice> lookups(probes.size());
  std::vector<rocksdb::PinnableSlice> values(probes.size());
  std::vector<rocksdb::Status> statuses(probes.size());
  std::optional<std::pair<uint64_t, std::string>> first;
  for (int f = 0; f < 2; ++f) {
    for (size_t i = 0; i < probes.size(); ++i) {
      lookups[i] = f == 0 ? probes[i].id_key : probes[i].stream_key;
    }
    db->MultiGet(rocksdb::ReadOptions(), f == 0 ? ids : streams, probes.size(), lookups.data(),
                 values.data(), statuses.data());
    for (size_t i = 0; i < probes.size(); ++i) {
      const std::string& expected = f == 0 ? probes[i].id_value : probes[i].stream_value;
      const bool points_here = statuses[i].ok() && values[i].ToStringView() == expected;
      if (!points_here && (!first || probes[i].position < first->first)) {
        first = {{probes[i].position, std::string("its ") + (f == 0 ? "id" : "stream") +
                                          " index entry is " +
                                          (statuses[i].IsNotFound() ? "missing" : "wrong")}};
      }
      values[i].Reset();
    }
  }
  return first;
}

VerifyReport EventStore::Impl::CheckChain(std::string_view platform, uint64_t from, uint64_t to,
                                          std::string prev_hash, bool full) const {
  VerifyReport report;
  report.platform = std::string(platform);
  std::unordered_map<std::string, uint64_t> next_version;
  std::vector<IndexProbe> probes;
  auto check_probes = [&]() -> bool {
    if (auto bad = CheckIndexes(db_.get(), ids_cf_, streams_cf_, probes)) {
      report.Fail(bad->first, bad->second);
      return false;
    }
    probes.clear();
    return true;
  };

  const std::string end = keys::NameEnd(platform);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  read_options.adaptive_readahead = true;
  read_options.fill_cache = false;  // a full walk would only evict what serving needs
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, log_cf_));
  uint64_t expected = from;
  EventRecord record;
  for (it->Seek(keys::LogKey(platform, from)); it->Valid() && expected <= to;
       it->Next(), ++expected) {
    std::string_view key_platform;
    uint64_t key_position = 0;
    if (!keys::DecodeNameKey(it->key().ToStringView(), &key_platform, &key_position) ||
        key_platform != platform) {
      return report.Fail(expected, "a log key is not a position of the platform");
    }
    if (key_position != expected) return report.Fail(expected, "the event is missing");
    std::string problem = CheckLink(platform, expected, prev_hash, it->value().ToStringView(),
                                    &record, full ? &next_version : nullptr);
    if (!problem.empty()) return report.Fail(expected, std::move(problem));
    if (full) {
      probes.push_back({expected, record.id(), keys::LogKey(platform, expected),
                        keys::StreamKey(record.stream(), record.version()),
                        keys::EncodeU64(expected)});
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
  if (expected <= to) return report.Fail(expected, "the event is missing");
  if (full && !probes.empty() && !check_probes()) return report;
  if (full) {
    // Nothing beyond the head: an event there is one no reader would ever see.
    if (it->Valid()) return report.Fail(to + 1, "an event follows the platform's head");
    std::string head_value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), heads_cf_, platform, &head_value);
    uint64_t head_position = 0;
    std::string head_hash;
    const bool no_events_no_head = to == 0 && s.IsNotFound();
    if (!no_events_no_head &&
        (!s.ok() || !keys::DecodeHeadValue(head_value, &head_position, &head_hash) ||
         head_position != to || head_hash != prev_hash)) {
      return report.Fail(to, "the platform's head does not name its last event");
    }
  }
  report.head.position = to;
  report.head.hash = prev_hash;
  return report;
}

VerifyReport EventStore::Impl::CheckSharedIndexes(uint64_t events) const {
  VerifyReport report;
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  read_options.total_order_seek = true;  // the ids family is hashed by prefix
  // Every event has its two entries (CheckChain); equal counts mean neither index holds more.
  for (auto* family : {ids_cf_, streams_cf_}) {
    uint64_t entries = 0;
    std::unique_ptr<rocksdb::Iterator> index(db_->NewIterator(read_options, family));
    for (index->SeekToFirst(); index->Valid(); index->Next()) ++entries;
    if (!index->status().ok()) {
      report.status = Status::IOError("cannot read an index: " + index->status().ToString());
      return report;
    }
    if (entries != events) {
      report.first_bad_position = events;
      report.problem = "the " + family->GetName() + " index holds " + std::to_string(entries) +
                       " entries for " + std::to_string(events) + " events";
      return report;
    }
  }
  report.events = events;
  return report;
}

}  // namespace rotonde::eventstore
