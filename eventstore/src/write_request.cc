#include "write_request.h"

#include <unordered_set>

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

// An append started by QueuedLog::StartAppendAll: the writer's request, shared with it.
class StartedAppend final : public PendingAppend {
 public:
  explicit StartedAppend(std::shared_ptr<WriteRequest> request) : request_(std::move(request)) {}
  explicit StartedAppend(AppendResult refused) : refused_(std::move(refused)) {}

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

AppendResult Refusal(Status status) {
  AppendResult refused;
  refused.status = std::move(status);
  return refused;
}

}  // namespace

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

Status MakeImportRequest(std::string_view platform, std::vector<EventRecord> records,
                         WriteRequest* request, size_t* failed_index) {
  *failed_index = records.size();
  if (Status s = CheckName("platform", platform, kMaxPlatformBytes); !s.ok()) return s;
  if (records.size() > kMaxEventsPerAppend) {
    return {codes::kTooLarge,
            "an import call holds at most " + std::to_string(kMaxEventsPerAppend) + " events"};
  }
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
  return Status::Ok();
}

AppendResult QueuedLog::AppendAll(std::vector<StreamAppend> appends, AppendOptions options) {
  auto request = std::make_shared<WriteRequest>();
  if (Status s = MakeAppendRequest(std::move(appends), options, request.get()); !s.ok()) {
    return Refusal(std::move(s));
  }
  if (Enqueue(request)) request->WaitDone();
  return std::move(request->result);
}

void QueuedLog::AppendAsync(std::vector<StreamAppend> appends, AppendOptions options,
                            AppendDone done) {
  auto request = std::make_shared<WriteRequest>();
  if (Status s = MakeAppendRequest(std::move(appends), options, request.get()); !s.ok()) {
    return done(Refusal(std::move(s)));
  }
  request->on_done = std::move(done);
  // A refused request is answered here; a queued one by the writer once it is durable.
  if (!Enqueue(request)) request->MarkDone();
}

std::unique_ptr<PendingAppend> QueuedLog::StartAppendAll(std::vector<StreamAppend> appends,
                                                         AppendOptions options, AppendDone done) {
  auto request = std::make_shared<WriteRequest>();
  request->wants_prepared = true;
  Status s = MakeAppendRequest(std::move(appends), options, request.get());
  request->on_done = std::move(done);
  if (s.ok() && Enqueue(request)) return std::make_unique<StartedAppend>(request);
  AppendResult refused = Refusal(s.ok() ? std::move(request->result.status) : std::move(s));
  if (request->on_done) request->on_done(refused);
  return std::make_unique<StartedAppend>(std::move(refused));
}

Status QueuedLog::Import(std::string_view platform, std::vector<EventRecord> records,
                         size_t* failed_index) {
  size_t unused_index = 0;
  if (failed_index == nullptr) failed_index = &unused_index;
  *failed_index = records.size();
  if (records.empty()) return Status::Ok();
  auto request = std::make_shared<WriteRequest>();
  if (Status s = MakeImportRequest(platform, std::move(records), request.get(), failed_index);
      !s.ok()) {
    return s;
  }
  if (Enqueue(request)) request->WaitDone();
  const AppendResult& result = request->result;
  // PrepareImport reports the failing record's index as the only position.
  if (!result.ok() && result.positions.size() == 1) *failed_index = result.positions[0];
  return result.status;
}

void AppendCounters::CountOutcome(const AppendResult& result) {
  if (!result.ok()) {
    rejected_appends.fetch_add(1, std::memory_order_relaxed);
  } else if (result.idempotent_replay) {
    idempotent_replays.fetch_add(1, std::memory_order_relaxed);
  } else {
    appends.fetch_add(1, std::memory_order_relaxed);
  }
}

void AppendCounters::CountSync(uint64_t groups, uint64_t events, uint64_t micros) {
  syncs.fetch_add(1, std::memory_order_relaxed);
  groups_written.fetch_add(groups, std::memory_order_relaxed);
  events_written.fetch_add(events, std::memory_order_relaxed);
  sync_micros_total.fetch_add(micros, std::memory_order_relaxed);
  if (micros > sync_micros_max.load(std::memory_order_relaxed)) {
    sync_micros_max.store(micros, std::memory_order_relaxed);
  }
}

void AppendCounters::Fill(Stats* stats) const {
  stats->appends = appends.load();
  stats->events_written = events_written.load();
  stats->groups_written = groups_written.load();
  stats->syncs = syncs.load();
  stats->idempotent_replays = idempotent_replays.load();
  stats->rejected_appends = rejected_appends.load();
  stats->sync_micros_total = sync_micros_total.load();
  stats->sync_micros_max = sync_micros_max.load();
}

}  // namespace rotonde::eventstore
