#include "prepare.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "hash_chain.h"

namespace rotonde::eventstore {
namespace {

bool SameEvent(const EventRecord& stored, std::string_view stream, const NewEvent& event) {
  return stored.stream() == stream && stored.type() == event.type &&
         stored.payload() == event.payload && stored.actor() == event.actor;
}

}  // namespace

google::protobuf::Timestamp Now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
  google::protobuf::Timestamp now;
  now.set_seconds(nanos / 1'000'000'000);
  now.set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  return now;
}

bool PrepareAppend(WriteRequest& request, const google::protobuf::Timestamp& now, LogView& log) {
  AppendResult& result = request.result;
  bool replayed_at_hand = false;
  std::vector<std::string_view> ids;
  ids.reserve(request.event_count);
  for (const StreamAppend& part : request.appends) {
    for (const NewEvent& e : part.events) ids.push_back(e.id);
  }
  std::vector<std::optional<IdLocation>> found;
  if (Status s = log.FindIds(ids, &found); !s.ok()) {
    result.status = s;
    return false;
  }
  const size_t stored = static_cast<size_t>(
      std::count_if(found.begin(), found.end(), [](const auto& p) { return p.has_value(); }));
  if (stored == ids.size()) {
    // A retry: every event is stored already. Confirm they are the same events.
    size_t i = 0;
    for (const StreamAppend& part : request.appends) {
      for (const NewEvent& event : part.events) {
        const IdLocation& where = *found[i];
        EventRecord loaded;
        const EventRecord* original = where.record.get();
        if (original == nullptr) {
          if (Status s = log.LoadRecord(where, &loaded); !s.ok()) {
            result.status = s;
            return false;
          }
          original = &loaded;
        } else {
          replayed_at_hand = true;
        }
        if (!SameEvent(*original, part.stream, event)) {
          result.status = {codes::kIdConflict, "event id " + event.id +
                                                   " is stored already for a different event "
                                                   "(position " +
                                                   std::to_string(where.position) + ")"};
          return replayed_at_hand;
        }
        result.positions.push_back(where.position);
        result.stream_version = original->version();
        ++i;
      }
    }
    result.idempotent_replay = true;
    return replayed_at_hand;
  }
  if (stored > 0) {
    const size_t i = static_cast<size_t>(
        std::find_if(found.begin(), found.end(), [](const auto& p) { return p.has_value(); }) -
        found.begin());
    result.status = {codes::kIdConflict,
                     "event id " + std::string(ids[i]) +
                         " is stored already but other ids of this "
                         "append are not: an append is retried whole or not at all"};
    return false;
  }

  PlatformTail& tail = log.Tail(request.platform);
  if (request.options.expected_position &&
      *request.options.expected_position != tail.next_position - 1) {
    result.status = {codes::kWrongExpectedVersion,
                     "platform " + request.platform + " is at position " +
                         std::to_string(tail.next_position - 1) + ", the append expected " +
                         std::to_string(*request.options.expected_position)};
    return false;
  }
  // Check every part before writing any: an append is all or nothing.
  std::vector<uint64_t> next_versions;
  next_versions.reserve(request.appends.size());
  for (const StreamAppend& part : request.appends) {
    auto current_or = log.CurrentVersion(part.stream);
    if (!current_or.ok()) {
      result.status = current_or.status();
      return false;
    }
    const std::optional<uint64_t> current = *current_or;
    const ExpectedVersion& expected = part.expected;
    const bool matches = expected.kind() == ExpectedVersion::Kind::kAny ||
                         (expected.kind() == ExpectedVersion::Kind::kNoStream && !current) ||
                         (expected.kind() == ExpectedVersion::Kind::kExact && current &&
                          *current == expected.version());
    if (!matches) {
      result.status = {codes::kWrongExpectedVersion,
                       "stream " + part.stream + " is at version " +
                           (current ? std::to_string(*current) : std::string("no_stream")) +
                           ", the append expected " + expected.ToString()};
      result.stream_version = current;
      return false;
    }
    next_versions.push_back(current ? *current + 1 : 0);
  }

  result.positions.reserve(request.event_count);
  for (size_t p = 0; p < request.appends.size(); ++p) {
    StreamAppend& part = request.appends[p];
    uint64_t version = next_versions[p];
    for (NewEvent& e : part.events) {
      auto record = std::make_shared<EventRecord>();
      record->set_id(std::move(e.id));
      record->set_stream(part.stream);
      record->set_version(version);
      record->set_position(tail.next_position);
      record->set_type(std::move(e.type));
      *record->mutable_recorded_at() = now;
      record->set_actor(std::move(e.actor));
      record->set_correlation_id(std::move(e.correlation_id));
      record->set_payload(std::move(e.payload));
      std::string hash;
      std::string bytes = SealRecord(*record, tail.hash, &hash);
      record->set_prev_hash(tail.hash);
      record->set_hash(std::move(hash));
      result.positions.push_back(record->position());
      if (request.wants_prepared) request.prepared_records.push_back(record);
      log.AddRecord(std::move(record), std::move(bytes), tail);
      ++version;
    }
    log.SetVersion(part.stream, version - 1);
    result.stream_version = version - 1;
  }
  return false;
}

void PrepareImport(WriteRequest& request, LogView& log) {
  AppendResult& result = request.result;
  size_t index = 0;
  auto fail = [&](const EventRecord& record, std::string_view code, const std::string& problem) {
    result.status = {code,
                     "event at position " + std::to_string(record.position()) + ": " + problem};
    result.positions = {index};  // QueuedLog::Import reports it as the failing record
  };
  std::vector<std::string_view> ids;
  for (const EventRecord& r : request.import_records) ids.push_back(r.id());
  std::vector<std::optional<IdLocation>> found;
  if (Status s = log.FindIds(ids, &found); !s.ok()) {
    result.status = s;
    return;
  }

  // Check everything before writing anything: an import request is all or nothing.
  PlatformTail& tail = log.Tail(request.platform);
  std::unordered_map<std::string, std::optional<uint64_t>> versions;
  std::unordered_set<std::string_view> seen_ids;
  uint64_t position = tail.next_position;
  std::string prev_hash = tail.hash;
  std::vector<std::string> stored(request.import_records.size());
  for (size_t i = 0; i < request.import_records.size(); ++i) {
    const EventRecord& r = request.import_records[i];
    index = i;
    if (PlatformOf(r.stream()) != request.platform) {
      return fail(r, codes::kInvalidArgument,
                  "stream " + r.stream() + " is not of platform " + request.platform);
    }
    if (r.position() != position) {
      return fail(r, codes::kInvalidArgument, "expected position " + std::to_string(position));
    }
    if (r.prev_hash() != prev_hash) {
      return fail(r, codes::kInvalidArgument, "prev_hash does not link to the platform's head");
    }
    EventRecord body = r;
    body.clear_prev_hash();
    body.clear_hash();
    std::string hash;
    stored[i] = SealRecord(body, prev_hash, &hash);
    if (hash != r.hash()) return fail(r, codes::kInvalidArgument, "hash does not recompute");
    if (found[i] || !seen_ids.insert(r.id()).second) {
      return fail(r, codes::kIdConflict, "event id " + r.id() + " is stored already");
    }
    auto it = versions.find(r.stream());
    if (it == versions.end()) {
      auto version = log.CurrentVersion(r.stream());
      if (!version.ok()) {
        result.status = version.status();
        return;
      }
      it = versions.emplace(r.stream(), *version).first;
    }
    const uint64_t expected_version = it->second ? *it->second + 1 : 0;
    if (r.version() != expected_version) {
      return fail(r, codes::kInvalidArgument,
                  "stream " + r.stream() + " expects version " + std::to_string(expected_version));
    }
    it->second = r.version();
    prev_hash = r.hash();
    ++position;
  }

  for (size_t i = 0; i < request.import_records.size(); ++i) {
    auto record = std::make_shared<const EventRecord>(std::move(request.import_records[i]));
    result.positions.push_back(record->position());
    log.AddRecord(std::move(record), std::move(stored[i]), tail);
  }
  for (auto& [stream, version] : versions) log.SetVersion(stream, *version);
}

}  // namespace rotonde::eventstore
