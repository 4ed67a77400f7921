// Group commit, pipelined. Callers queue their appends; the writer thread gathers what is
// queued into one group, checks each request (idempotency, expected version), assigns
// positions and versions and extends the hash chain; the applier thread writes the group's
// WriteBatch unsynced (its WAL record into the file, its entries into the memtables); the
// syncer thread fsyncs the WAL over all groups written so far and publishes them; the
// notifier thread wakes the callers. While the WAL is fsynced the next groups are prepared
// and written, so a caller is acknowledged only after its batch is durable, the disk is
// never idle while work is queued, and the memtable inserts (a third of a synced write's
// time) are off the critical path.
//
// A started append (StartAppendAll) is prepared by its caller instead, into the same open
// group, under the same lock as the writer's preparing: its caller wants the prepared
// result at once, and two thread hand-offs per append would cost more than the preparing.
//
// Invariants:
//  - groups are written in the order they were prepared, by one thread, so positions stay
//    gap-free on disk after any crash: RocksDB recovers a prefix of whole WriteBatches, and
//    a sync covers every group written before it;
//  - a group is published (head_) only after a sync that started after its write returned;
//  - whoever prepares holds prepare_mu_ (the writer, or a caller of StartAppendAll); it
//    answers questions about the log (a stream's version, whether an id is
//    used) from the open group, then the groups in flight, then RocksDB, so a request
//    sees every request prepared before it, durable or not;
//  - after a failed write or sync nothing more is written: later groups fail with it. A
//    full disk is the one way back: once every group in flight has failed, the recovery
//    thread resumes RocksDB, publishes what the failed groups left durable, drops the tails
//    and versions prepared on top of them, and only then takes appends again.
#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "hash_chain.h"
#include "keys.h"
#include "store_impl.h"

namespace rotonde::eventstore {
namespace {

// Bound on the writer's stream-version cache; it is only a cache, so it is simply dropped
// when full and refilled from RocksDB on demand.
constexpr size_t kMaxCachedStreams = 1 << 20;

// At most this many callers are woken by the syncer itself (see Complete).
constexpr size_t kWakeDirectly = 4;

}  // namespace

void EventStore::Impl::StartWriter() {
  writer_ = std::thread([this] { WriterLoop(); });
  applier_ = std::thread([this] { ApplierLoop(); });
  syncer_ = std::thread([this] { SyncerLoop(); });
  notifier_ = std::thread([this] { NotifierLoop(); });
  recovery_ = std::thread([this] { RecoveryLoop(); });
}

void EventStore::Impl::StopWriter() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  recovery_cv_.notify_all();
  if (recovery_.joinable()) recovery_.join();
  // The writer hands its last group to the applier and stops it; the applier stops the
  // syncer once every group is written, the syncer the notifier once every caller is
  // answered.
  if (writer_.joinable()) writer_.join();
  if (applier_.joinable()) applier_.join();
  if (syncer_.joinable()) syncer_.join();
  if (notifier_.joinable()) notifier_.join();
}

bool EventStore::Impl::Refused(WriteRequest& request) {
  Status refusal;
  if (options_.read_only) {
    refusal = Status::InvalidArgument("the event store is open read-only");
  } else if (stopping_) {
    refusal = Status::Closed("the event store is closed");
  } else if (!write_error_.ok()) {
    refusal = write_error_;
  }
  if (refusal.ok()) return false;
  counters_.rejected_appends.fetch_add(1, std::memory_order_relaxed);
  request.result.status = std::move(refusal);
  return true;
}

bool EventStore::Impl::Enqueue(const std::shared_ptr<WriteRequest>& request) {
  if (request->wants_prepared) return PrepareNow(request);
  {
    std::lock_guard lock(queue_mu_);
    if (Refused(*request)) return false;
    queue_.push_back(request);
  }
  queue_cv_.notify_one();
  return true;
}

void EventStore::Impl::Complete(WriteGroup group) {
  if (group.empty()) return;
  // A few callers are woken at once, saving the hop to the notifier thread (which costs a
  // lone writer more latency than the wake-ups themselves); many are left to the notifier,
  // so the syncer can start on the next group.
  if (group.size() <= kWakeDirectly) {
    for (auto& request : group) request->MarkDone();
    return;
  }
  {
    std::lock_guard lock(completed_mu_);
    completed_.push_back(std::move(group));
  }
  completed_cv_.notify_one();
}

void EventStore::Impl::NotifierLoop() {
  for (;;) {
    WriteGroup group;
    {
      std::unique_lock lock(completed_mu_);
      completed_cv_.wait(lock, [&] { return writer_done_ || !completed_.empty(); });
      if (completed_.empty()) return;  // the syncer has stopped and everyone is woken
      group = std::move(completed_.front());
      completed_.pop_front();
    }
    for (auto& request : group) request->MarkDone();
  }
}

void EventStore::Impl::WriterLoop() {
  for (;;) {
    WriteGroup taken, refused;
    Status write_error;
    bool stopping = false;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] {
        const bool room =
            open_events_ < options_.max_group_events && open_bytes_ < options_.max_group_bytes;
        return (!queue_.empty() && room) || (open_waiting_ && !applier_busy_) ||
               (stopping_ && !open_waiting_);
      });
      stopping = stopping_;
      write_error = write_error_;
      if (stopping) {
        for (auto& request : queue_) {
          request->result.status = Status::Closed("the event store closed before this append");
          request->MarkPrepared();
          refused.push_back(std::move(request));
        }
        queue_.clear();
      }
      // Take what is queued, up to the group's bounds (a request larger than the bounds
      // goes alone).
      size_t events = open_events_, bytes = open_bytes_;
      while (!queue_.empty()) {
        const WriteRequest& next = *queue_.front();
        const bool empty_group = events == 0;
        if (!empty_group && (events + next.EventCount() > options_.max_group_events ||
                             bytes + next.bytes > options_.max_group_bytes)) {
          break;
        }
        events += next.EventCount();
        bytes += next.bytes;
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Complete(std::move(refused));

    std::lock_guard prepare_lock(prepare_mu_);
    RetireFinished();
    for (auto& request : taken) PrepareIntoOpenGroup(std::move(request), write_error);
    if (HandOffOpenGroup(/*writer_stopping=*/stopping)) return;
  }
}

bool EventStore::Impl::PrepareNow(const std::shared_ptr<WriteRequest>& request) {
  std::lock_guard prepare_lock(prepare_mu_);
  {
    std::lock_guard lock(queue_mu_);
    if (Refused(*request)) return false;
  }
  RetireFinished();
  PrepareIntoOpenGroup(request, Status::Ok());
  HandOffOpenGroup(/*writer_stopping=*/false);
  return true;
}

void EventStore::Impl::PrepareIntoOpenGroup(std::shared_ptr<WriteRequest> request,
                                            const Status& write_error) {
  if (!open_) {
    open_ = std::make_shared<GroupCommit>();
    open_->now = Now();
  }
  if (!write_error.ok()) {
    request->result.status = write_error;
    open_->in_batch.push_back(false);
  } else {
    Prepare(*request, *open_);
  }
  request->MarkPrepared();
  open_->events += request->EventCount();
  open_->bytes += request->bytes;
  open_->requests.push_back(std::move(request));
}

bool EventStore::Impl::HandOffOpenGroup(bool writer_stopping) {
  std::lock_guard lock(queue_mu_);
  if (open_ && !applier_busy_) {
    // Each platform's head goes into the same batch as its events.
    for (const auto& [platform, tail] : open_->tails) {
      open_->batch.Put(heads_cf_, platform, keys::HeadValue(tail.next_position - 1, tail.hash));
    }
    applier_busy_ = true;
    in_flight_.push_back(open_);
    handoff_ = std::move(open_);
    open_.reset();
    applier_cv_.notify_one();
  }
  open_waiting_ = open_ != nullptr;
  open_events_ = open_ ? open_->events : 0;
  open_bytes_ = open_ ? open_->bytes : 0;
  if (open_waiting_) queue_cv_.notify_one();  // the writer hands it off once the applier is free
  if (writer_stopping && !open_ && queue_.empty()) {
    applier_stop_ = true;
    applier_cv_.notify_one();
    return true;
  }
  return false;
}

void EventStore::Impl::RetireFinished() {
  while (!in_flight_.empty() && in_flight_.front()->finished.load(std::memory_order_acquire)) {
    const GroupCommit& done = *in_flight_.front();
    if (done.durable) {
      if (stream_versions_.size() + done.versions.size() > kMaxCachedStreams)
        stream_versions_.clear();
      for (const auto& [stream, version] : done.versions) {
        if (version) stream_versions_[stream] = *version;
      }
    }
    in_flight_.pop_front();
  }
}

void EventStore::Impl::ApplierLoop() {
  for (;;) {
    std::shared_ptr<GroupCommit> group;
    Status write_error;
    {
      std::unique_lock lock(queue_mu_);
      applier_cv_.wait(lock, [&] { return handoff_ != nullptr || applier_stop_; });
      if (!handoff_) break;
      group = std::move(handoff_);
      write_error = write_error_;
    }
    if (!write_error.ok()) {
      FailGroup(*group, write_error);  // an earlier group failed: nothing after it may stand
    } else if (!group->records.empty()) {
      WriteUnsynced(*group);
    }
    {
      std::lock_guard lock(written_mu_);
      written_.push_back(group);
    }
    written_cv_.notify_one();
    {
      // A group prepared meanwhile is taken at once: waking the writer only for it to wake
      // this thread again cost two thread switches per group.
      std::lock_guard prepare_lock(prepare_mu_);
      {
        std::lock_guard lock(queue_mu_);
        applier_busy_ = false;
      }
      HandOffOpenGroup(/*writer_stopping=*/false);
    }
    queue_cv_.notify_one();
  }
  {
    std::lock_guard lock(written_mu_);
    applier_done_ = true;
  }
  written_cv_.notify_one();
}

void EventStore::Impl::SyncerLoop() {
  std::vector<std::shared_ptr<GroupCommit>> groups;
  for (;;) {
    groups.clear();
    {
      std::unique_lock lock(written_mu_);
      written_cv_.wait(lock, [&] { return applier_done_ || !written_.empty(); });
      if (written_.empty()) break;  // the applier has stopped and every group is synced
      groups.assign(std::make_move_iterator(written_.begin()),
                    std::make_move_iterator(written_.end()));
      written_.clear();
    }
    SyncGroups(groups);
    // Callers are woken together: one hand-off to the notifier for all of them.
    WriteGroup callers;
    for (auto& group : groups) {
      group->finished.store(true, std::memory_order_release);
      if (callers.empty()) {
        callers = std::move(group->requests);
      } else {
        std::move(group->requests.begin(), group->requests.end(), std::back_inserter(callers));
      }
    }
    Complete(std::move(callers));
  }
  {
    std::lock_guard lock(completed_mu_);
    writer_done_ = true;
  }
  completed_cv_.notify_one();
}

void EventStore::Impl::FailGroup(GroupCommit& group, const Status& error) {
  group.written = false;
  for (size_t i = 0; i < group.requests.size(); ++i) {
    if (group.in_batch[i]) group.requests[i]->result = AppendResult{error, {}, {}, false};
  }
}

void EventStore::Impl::FailWrites(GroupCommit& group, std::string_view what,
                                  const rocksdb::Status& s) {
  // A full disk: nothing after this group is written either, until TryResume finds room.
  // RocksDB refuses writes meanwhile (its background error) and keeps what it wrote.
  const bool no_space = s.IsNoSpace() || s.subcode() == rocksdb::Status::SubCode::kSpaceLimit;
  // Otherwise the disk's state after a failed write or sync is unknown: stop accepting
  // writes rather than risk acknowledging something a restart would not find.
  Status error =
      no_space ? Status(codes::kUnavailable, "the disk is full (" + std::string(what) +
                                                 " failed: " + s.ToString() +
                                                 "); appends are taken again once space is freed")
               : Status::IOError(std::string(what) +
                                 " failed, the store accepts no more writes: " + s.ToString());
  bool wake_recovery = false;
  {
    std::lock_guard lock(queue_mu_);
    // A sticky error is never replaced by a passing one.
    if (write_error_.ok() || (write_error_.code() == codes::kUnavailable && !no_space)) {
      write_error_ = error;
      wake_recovery = no_space;
      if (no_space) {
        counters_.disk_full.store(true);
        counters_.disk_full_episodes.fetch_add(1, std::memory_order_relaxed);
      }
    }
    error = write_error_;
  }
  if (wake_recovery) recovery_cv_.notify_all();
  FailGroup(group, error);
}

void EventStore::Impl::RecoveryLoop() {
  std::unique_lock lock(queue_mu_);
  for (;;) {
    recovery_cv_.wait(lock,
                      [&] { return stopping_ || write_error_.code() == codes::kUnavailable; });
    if (stopping_) return;
    lock.unlock();
    const bool resumed = TryResume();
    lock.lock();
    if (!resumed) {
      recovery_cv_.wait_for(lock, options_.disk_full_retry_interval, [&] { return stopping_; });
    }
  }
}

bool EventStore::Impl::TryResume() {
  {
    // Every group prepared before the failure (or since, failing) must have been answered:
    // a group still in flight was prepared on the failed ones.
    std::lock_guard prepare_lock(prepare_mu_);
    RetireFinished();
    if (open_ || !in_flight_.empty()) return false;
  }
  if (FreeBytes() < options_.resume_min_free_bytes) return false;
  // Flushes the memtables (acknowledged groups, and failed ones whose write returned) to
  // table files and opens a new WAL file; the old one, which may end in half a failed
  // record, is no longer needed. Fails while there is no room for that.
  if (rocksdb::Status s = db_->Resume(); !s.ok()) return false;
  if (!PutMemtableMarker().ok()) return false;
  // A failed group that reached the WAL but was not flushed (RocksDB was not stopped) is
  // made durable here, before it is published.
  if (rocksdb::Status s = db_->SyncWAL(); !s.ok()) return false;

  std::lock_guard prepare_lock(prepare_mu_);
  RetireFinished();
  if (open_ || !in_flight_.empty()) return false;  // refused appends still passing through
  if (!PublishFoundDurable().ok()) return false;
  // Prepared on groups that failed: read again from the published heads and RocksDB.
  tails_.clear();
  stream_versions_.clear();
  {
    std::lock_guard lock(queue_mu_);
    if (write_error_.code() != codes::kUnavailable) return true;  // a sticky error since
    write_error_ = Status::Ok();
    counters_.disk_full.store(false);
  }
  queue_cv_.notify_all();
  return true;
}

Status EventStore::Impl::PublishFoundDurable() {
  std::map<std::string, HeadInfo> stored;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), heads_cf_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      HeadInfo head;
      if (!keys::DecodeHeadValue(it->value().ToStringView(), &head.position, &head.hash)) {
        return Status::Corruption("the head of platform " + it->key().ToString() + " is damaged");
      }
      stored.emplace(it->key().ToString(), std::move(head));
    }
    if (!it->status().ok()) {
      return Status::IOError("cannot read the platforms' heads: " + it->status().ToString());
    }
  }
  auto found = std::make_shared<GroupCommit>();
  for (const auto& [platform, head] : stored) {
    const uint64_t published = Head(platform).position;
    if (head.position <= published) continue;
    std::vector<EventRecord> events;
    for (uint64_t after = published; after < head.position;) {
      events.clear();
      if (Status s = Read(platform, after, 4096, head.position, &events); !s.ok()) return s;
      if (events.empty()) {
        return Status::Corruption("the log of " + platform + " ends before its head");
      }
      for (EventRecord& event : events) {
        found->records.push_back(std::make_shared<const EventRecord>(std::move(event)));
      }
      after = found->records.back()->position();
    }
    found->tails[platform] = PlatformTail{head.position + 1, head.hash};
  }
  if (found->records.empty()) return Status::Ok();
  counters_.events_written.fetch_add(found->records.size(), std::memory_order_relaxed);
  PublishCommitted({found});
  return Status::Ok();
}

void EventStore::Impl::WriteUnsynced(GroupCommit& group) {
  // Unsynced: the WAL record reaches the file (and survives a crash of this process) and
  // the memtable, while the syncer fsyncs the groups before it. Nothing reads it before
  // the syncer publishes it (see head_).
  rocksdb::WriteOptions unsynced;
  unsynced.sync = false;
  // Each family's keys in a group ascend (positions, versions): hint the memtable inserts.
  unsynced.memtable_insert_hint_per_batch = true;
  // Near a full disk, a write and a sync of the WAL take turns (see wal_turn_).
  std::unique_lock turn(wal_turn_, std::defer_lock);
  if (low_space_.load(std::memory_order_acquire)) turn.lock();
  rocksdb::Status s = db_->Write(unsynced, &group.batch);
  if (!s.ok()) return FailWrites(group, "writing a group", s);
  group.written = true;
}

void EventStore::Impl::SyncGroups(const std::vector<std::shared_ptr<GroupCommit>>& groups) {
  const bool low_space = FreeBytes() < options_.low_space_bytes;
  low_space_.store(low_space, std::memory_order_release);
  std::unique_lock turn(wal_turn_, std::defer_lock);
  if (low_space) turn.lock();
  Status earlier_error;
  {
    std::lock_guard lock(queue_mu_);
    earlier_error = write_error_;
  }
  if (!earlier_error.ok()) {
    // A group before these failed. Even a group that writes nothing may answer a retry
    // with the positions of the failed one, and must not stand.
    for (const auto& group : groups) FailGroup(*group, earlier_error);
    return;
  }
  std::vector<std::shared_ptr<GroupCommit>> synced;
  size_t first_written = groups.size();
  for (size_t i = 0; i < groups.size(); ++i) {
    if (!groups[i]->written) continue;
    if (synced.empty()) first_written = i;
    synced.push_back(groups[i]);
  }
  if (synced.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  // Syncs every WAL file up to the current one, so all groups written before this call;
  // writes of later groups go on meanwhile (RocksDB does not block them).
  rocksdb::Status s = db_->SyncWAL();
  const auto micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - started)
                                                .count());
  if (!s.ok()) {
    // Every group from the first written one on: those that write nothing may answer
    // retries with positions of the written ones.
    for (size_t i = first_written; i < groups.size(); ++i) {
      FailWrites(*groups[i], "syncing the log", s);
    }
    return;
  }
  size_t events = 0;
  for (const auto& group : synced) {
    events += group->records.size();
    group->durable = true;
  }
  counters_.CountSync(synced.size(), events, micros);
  PublishCommitted(synced);
}

void EventStore::Impl::PublishCommitted(const std::vector<std::shared_ptr<GroupCommit>>& groups) {
  // Shared, not moved: the writer may still read the group's records until it retires it.
  std::vector<std::shared_ptr<const EventRecord>> records;
  for (const auto& group : groups) {
    records.insert(records.end(), group->records.begin(), group->records.end());
  }
  published_.Publish(records);
}

// The LogView of preparing into `group`: the open group, then the groups in flight, then
// RocksDB (see the invariants above).
class EventStore::Impl::GroupView final : public LogView {
 public:
  GroupView(Impl& store, GroupCommit& group) : store_(store), group_(group) {}

  Status FindIds(const std::vector<std::string_view>& ids,
                 std::vector<std::optional<IdLocation>>* found) override {
    return store_.CheckIds(ids, group_, found);
  }
  Status LoadRecord(const IdLocation& where, EventRecord* out) override {
    std::string bytes;
    rocksdb::Status s = store_.db_->Get(rocksdb::ReadOptions(), store_.log_cf_,
                                        keys::LogKey(where.platform, where.position), &bytes);
    if (!s.ok() || !out->ParseFromString(bytes)) {
      return Status::IOError("cannot read event " + where.platform + "/" +
                             std::to_string(where.position));
    }
    return Status::Ok();
  }
  Result<std::optional<uint64_t>> CurrentVersion(const std::string& stream) override {
    return store_.CurrentVersion(stream, group_);
  }
  PlatformTail& Tail(const std::string& platform) override { return store_.TailOf(platform); }
  void AddRecord(std::shared_ptr<const EventRecord> record, std::string stored_bytes,
                 PlatformTail& tail) override {
    store_.AddRecord(group_, std::move(record), std::move(stored_bytes), tail);
  }
  void SetVersion(const std::string& stream, uint64_t version) override {
    group_.versions[stream] = version;
  }

 private:
  Impl& store_;
  GroupCommit& group_;
};

void EventStore::Impl::Prepare(WriteRequest& request, GroupCommit& group) {
  const size_t before = group.records.size();
  GroupView view(*this, group);
  bool replays_in_flight = false;
  if (request.is_import) {
    PrepareImport(request, view);
  } else {
    replays_in_flight = PrepareAppend(request, group.now, view);
  }
  const AppendResult& result = request.result;
  // Its answer depends on this batch if it wrote, or replays ids of a group in flight.
  const bool in_batch = result.ok() && (group.records.size() != before || replays_in_flight);
  group.in_batch.push_back(in_batch);
  counters_.CountOutcome(result);
}

Result<std::optional<uint64_t>> EventStore::Impl::CurrentVersion(const std::string& stream,
                                                                 const GroupCommit& group) {
  if (auto it = group.versions.find(stream); it != group.versions.end()) return it->second;
  for (auto g = in_flight_.rbegin(); g != in_flight_.rend(); ++g) {
    if (auto it = (*g)->versions.find(stream); it != (*g)->versions.end()) return it->second;
  }
  if (auto it = stream_versions_.find(stream); it != stream_versions_.end()) {
    return std::optional<uint64_t>(it->second);
  }
  return StoredStreamVersion(stream, UINT64_MAX);
}

PlatformTail& EventStore::Impl::TailOf(const std::string& platform) {
  auto it = tails_.find(platform);
  if (it == tails_.end()) {
    const HeadInfo head = Head(platform);  // no group in flight has written the platform yet
    it = tails_.emplace(platform, PlatformTail{head.position + 1, head.hash}).first;
  }
  return it->second;
}

Status EventStore::Impl::CheckIds(const std::vector<std::string_view>& ids,
                                  const GroupCommit& group,
                                  std::vector<std::optional<IdLocation>>* found) {
  found->assign(ids.size(), std::nullopt);
  auto in_memory = [](const std::shared_ptr<const EventRecord>& record) {
    return IdLocation{std::string(PlatformOf(record->stream())), record->position(), record};
  };
  std::vector<rocksdb::Slice> lookups;
  std::vector<size_t> lookup_index;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string id(ids[i]);
    if (auto it = group.ids.find(id); it != group.ids.end()) {
      (*found)[i] = in_memory(it->second);
      continue;
    }
    for (const auto& g : in_flight_) {
      if (auto it = g->ids.find(id); it != g->ids.end()) (*found)[i] = in_memory(it->second);
    }
    if (!(*found)[i]) {
      lookups.emplace_back(ids[i].data(), ids[i].size());
      lookup_index.push_back(i);
    }
  }
  if (lookups.empty()) return Status::Ok();
  std::vector<rocksdb::PinnableSlice> values(lookups.size());
  std::vector<rocksdb::Status> statuses(lookups.size());
  db_->MultiGet(rocksdb::ReadOptions(), ids_cf_, lookups.size(), lookups.data(), values.data(),
                statuses.data());
  for (size_t k = 0; k < lookups.size(); ++k) {
    if (statuses[k].IsNotFound()) continue;
    if (!statuses[k].ok())
      return Status::IOError("cannot look up event ids: " + statuses[k].ToString());
    std::string_view platform;
    uint64_t position = 0;
    if (!keys::DecodeNameKey(values[k].ToStringView(), &platform, &position)) {
      return Status::Corruption("id index entry for " + lookups[k].ToString() + " is damaged");
    }
    (*found)[lookup_index[k]] = IdLocation{std::string(platform), position, nullptr};
  }
  return Status::Ok();
}

void EventStore::Impl::AddRecord(GroupCommit& g, std::shared_ptr<const EventRecord> record,
                                 std::string stored_bytes, PlatformTail& tail) {
  const std::string& platform =
      g.tails.try_emplace(std::string(PlatformOf(record->stream()))).first->first;
  const std::string position_bytes = keys::EncodeU64(record->position());
  g.batch.Put(log_cf_, keys::LogKey(platform, record->position()), stored_bytes);
  g.batch.Put(streams_cf_, keys::StreamKey(record->stream(), record->version()), position_bytes);
  g.batch.Put(ids_cf_, record->id(), keys::NameKey(platform, record->position()));
  tail.next_position = record->position() + 1;
  tail.hash = record->hash();
  g.tails[platform] = tail;
  g.ids.emplace(record->id(), record);
  g.records.push_back(std::move(record));
}

}  // namespace rotonde::eventstore
