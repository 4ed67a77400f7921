// The PostgreSQL backend (pg_event_log.h): a writer thread committing groups of appends, a
// listener thread turning other servers' NOTIFYs into reads by position, and readers on a
// pool of connections.
#include "rotonde/eventstore/pg_event_log.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "hash_chain.h"
#include "pg_connection.h"
#include "pg_rows.h"
#include "prepare.h"
#include "published_log.h"
#include "write_request.h"

namespace rotonde::eventstore {
namespace {

// Quietly: "already exists, skipping" is every open's but the first.
constexpr const char* kSchema = R"sql(
SET client_min_messages = warning;
BEGIN;
SELECT pg_advisory_xact_lock(7300191);
CREATE SCHEMA IF NOT EXISTS rotonde;
CREATE TABLE IF NOT EXISTS rotonde.heads (
  platform text COLLATE "C" PRIMARY KEY,
  position bigint NOT NULL,
  hash bytea NOT NULL);
CREATE TABLE IF NOT EXISTS rotonde.events (
  platform text COLLATE "C" NOT NULL,
  position bigint NOT NULL,
  stream text COLLATE "C" NOT NULL,
  version bigint NOT NULL,
  id text COLLATE "C" NOT NULL UNIQUE,
  record bytea NOT NULL,
  PRIMARY KEY (platform, position),
  UNIQUE (stream, version));
CREATE TABLE IF NOT EXISTS rotonde.streams (
  stream text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL);
ALTER TABLE rotonde.heads ADD COLUMN IF NOT EXISTS holder text COLLATE "C";
ALTER TABLE rotonde.heads ADD COLUMN IF NOT EXISTS term bigint NOT NULL DEFAULT 0;
ALTER TABLE rotonde.heads ADD COLUMN IF NOT EXISTS lease_until timestamptz;
ALTER TABLE rotonde.heads ADD COLUMN IF NOT EXISTS frozen boolean NOT NULL DEFAULT false;
COMMIT;
)sql";

constexpr std::string_view kChannel = "rotonde_log";
// NOTIFY payloads stay under PostgreSQL's 8000 bytes.
constexpr size_t kMaxPayload = 7000;
// Rows read per SELECT of a long read, and inserted per INSERT of a large group.
constexpr size_t kReadPage = 4096;
constexpr size_t kInsertBytes = 8 << 20;
// Tries of a group that met a lost connection or another server's commit of one of its ids.
constexpr int kGroupTries = 3;

// The records of `rows` (columns: position, record), checked to be `platform`'s positions
// after `after` without a gap.
Status ParseRecords(const PgResult& rows, std::string_view platform, uint64_t after,
                    std::vector<EventRecord>* out) {
  for (int i = 0; i < rows.rows(); ++i) {
    const uint64_t position = rows.U64(i, 0);
    if (position != after + 1) {
      return Status::Corruption("the log of " + std::string(platform) +
                                " has no event at position " + std::to_string(after + 1));
    }
    const std::string_view bytes = rows.Bytes(i, 1);
    EventRecord& record = out->emplace_back();
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Status::Corruption("event at position " + std::to_string(position) +
                                " cannot be parsed");
    }
    after = position;
  }
  return Status::Ok();
}

// `platform`'s events with after < position <= upto, read on `conn`.
Status ReadRange(PgConnection& conn, std::string_view platform, uint64_t after, uint64_t upto,
                 std::vector<EventRecord>* out) {
  while (after < upto) {
    const uint64_t last = std::min<uint64_t>(upto, after + kReadPage);
    auto rows = conn.Exec(
        "SELECT position, record FROM rotonde.events WHERE platform = $1 AND position > $2 "
        "AND position <= $3 ORDER BY position",
        PgParams().Text(platform).Int(after).Int(last));
    if (!rows.ok()) return rows.status();
    if (Status s = ParseRecords(*rows, platform, after, out); !s.ok()) return s;
    if (out->empty() || out->back().position() != last) {
      return Status::Corruption("the log of " + std::string(platform) + " ends before position " +
                                std::to_string(last));
    }
    after = last;
  }
  return Status::Ok();
}

// A group's rows to insert: one per event.
struct EventRow {
  std::string platform;
  std::shared_ptr<const EventRecord> record;
  std::string stored;
};

// The LogView of one group transaction: the head rows it locked, the ids and stream versions
// it read at its start, and what the group's earlier appends added.
class GroupView final : public LogView {
 public:
  Status FindIds(const std::vector<std::string_view>& ids,
                 std::vector<std::optional<IdLocation>>* found) override {
    found->assign(ids.size(), std::nullopt);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (auto it = ids_.find(std::string(ids[i])); it != ids_.end()) (*found)[i] = it->second;
    }
    return Status::Ok();
  }
  Status LoadRecord(const IdLocation& where, EventRecord*) override {
    // Every stored id was read with its record.
    return Status::Corruption("no record at hand for " + where.platform + "/" +
                              std::to_string(where.position));
  }
  Result<std::optional<uint64_t>> CurrentVersion(const std::string& stream) override {
    if (auto it = versions_.find(stream); it != versions_.end()) return it->second;
    return std::optional<uint64_t>();
  }
  PlatformTail& Tail(const std::string& platform) override { return tails_.at(platform); }
  void AddRecord(std::shared_ptr<const EventRecord> record, std::string stored_bytes,
                 PlatformTail& tail) override {
    const std::string platform(PlatformOf(record->stream()));
    tail.next_position = record->position() + 1;
    tail.hash = record->hash();
    written_platforms_.insert(platform);
    ids_[record->id()] = IdLocation{platform, record->position(), record};
    rows_.push_back(EventRow{platform, std::move(record), std::move(stored_bytes)});
  }
  void SetVersion(const std::string& stream, uint64_t version) override {
    versions_[stream] = version;
    written_streams_.insert(stream);
  }

  std::map<std::string, PlatformTail> tails_;
  std::unordered_map<std::string, IdLocation> ids_;
  std::unordered_map<std::string, std::optional<uint64_t>> versions_;
  std::vector<EventRow> rows_;
  std::set<std::string> written_platforms_, written_streams_;
};

std::vector<std::string_view> Views(const std::set<std::string>& values) {
  return std::vector<std::string_view>(values.begin(), values.end());
}

// A lease time as a PostgreSQL interval parameter ($n * interval '1 millisecond').
uint64_t Millis(std::chrono::milliseconds time) { return static_cast<uint64_t>(time.count()); }

Status NotServedHere(const std::string& platform, const std::string& holder) {
  Status refused(codes::kUnavailable,
                 holder.empty()
                     ? "no server serves platform " + platform + " at the moment; retry shortly"
                     : "another server serves platform " + platform + " (" + holder +
                           "); retry there or shortly");
  if (!holder.empty()) refused.WithDetail("holder", holder);
  return refused;
}

std::string RandomToken() {
  std::random_device random;
  return std::to_string(random()) + "-" + std::to_string(random());
}

}  // namespace

class PgEventLog::Impl {
 public:
  Impl(std::string conninfo, const PgOptions& options)
      : published_(options.recent_events_cache),
        conninfo_(std::move(conninfo)),
        options_(options),
        pool_(conninfo_, options.max_idle_connections),
        token_(RandomToken()) {}
  ~Impl() { Close(); }

  Status Open();
  void Close();
  bool Enqueue(const std::shared_ptr<WriteRequest>& request);

  Status Read(std::string_view platform, uint64_t after, size_t limit, uint64_t upto,
              std::vector<EventRecord>* out) const;
  Status ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                    std::vector<EventRecord>* out) const;
  Result<std::optional<uint64_t>> StreamVersion(std::string_view stream) const;
  VerifyReport Verify(std::string_view platform) const;
  VerifyReport VerifyOn(PgConnection& db, std::string_view platform) const;
  Status ReadStreamOn(PgConnection& conn, std::string_view stream, uint64_t from_version,
                      size_t limit, uint64_t upto, std::vector<EventRecord>* out) const;
  PlatformLease LeaseOf(std::string_view platform) const;
  void PauseRenewal(bool paused) { renewal_paused_.store(paused); }
  Stats GetStats() const {
    Stats stats;
    counters_.Fill(&stats);
    published_.FillGauges(&stats);
    return stats;
  }

  PublishedLog published_;

 private:
  void WriterLoop();
  // Commits `group` (falling back to one transaction per request), then answers each.
  void CommitGroup(const WriteGroup& group);
  // One try at committing `group` in one transaction; *written gets its records on success.
  // *commit_sent tells whether it got as far as sending COMMIT (then a lost connection leaves
  // its outcome unknown).
  Status TryGroup(const WriteGroup& group, std::vector<std::shared_ptr<const EventRecord>>* written,
                  bool* commit_sent);
  // The statements that write `view`'s rows, move its streams and heads and wake the readers.
  std::vector<PgStatement> WriteRows(const GroupView& view) const;
  // The writer's connection, connected again if lost; it catches up the platforms whose
  // last commit's outcome was not known.
  Status WriterConnection();
  void ListenerLoop();
  // Publishes `platform`'s events after its published head up to `upto`, read on `conn`.
  Status CatchUp(PgConnection& conn, const std::string& platform, uint64_t upto);
  // Publishes what the writer committed, after whatever another server committed before it.
  void PublishWritten(const std::vector<std::shared_ptr<const EventRecord>>& records);
  // Catches up every platform, or those in `only` if given, from their head rows.
  Status CatchUpFromHeads(PgConnection& conn, const std::set<std::string>* only);

  const std::string conninfo_;
  const PgOptions options_;
  mutable PgPool pool_;
  const std::string token_;  // names this log's NOTIFYs, which its own listener skips
  mutable AppendCounters counters_;
  std::once_flag close_once_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::shared_ptr<WriteRequest>> queue_;
  bool stopping_ = false;
  std::thread writer_;
  // The writer thread's own.
  std::unique_ptr<PgConnection> writer_conn_;
  std::set<std::string> unknown_outcome_;  // platforms of a commit whose reply was lost

  std::thread listener_;
  int wake_fd_ = -1;  // wakes the listener to stop
  std::atomic<bool> listener_stop_{false};

  // Serialises publishing, so each platform's events are published in order, once.
  std::mutex publish_mu_;

  // ---- Leases (with options_.holder only) ----
  using Clock = std::chrono::steady_clock;
  struct Held {
    uint64_t term = 0;
    Clock::time_point until;  // by this process's clock: the lease as it last renewed it
  };
  bool leasing() const { return !options_.holder.empty(); }
  void RenewalLoop();
  // One renewal: extends the leases held, drops those lost, claims the free and expired
  // platforms and reads who holds the others.
  Status RenewAndClaim(PgConnection& conn);
  // Ends the leases held (at a clean close), so another server claims them at once.
  void ReleaseLeases();
  // The platforms held, with their terms.
  std::map<std::string, uint64_t> HeldTerms() const;

  mutable std::mutex lease_mu_;
  std::map<std::string, Held, std::less<>> held_;
  // Every other platform with a head row: its live holder, "" if free or expired.
  std::map<std::string, std::string, std::less<>> others_;
  std::atomic<bool> renewal_paused_{false};
  std::condition_variable renewal_cv_;
  bool renewal_stop_ = false;  // under lease_mu_
  std::thread renewer_;
};

Status PgEventLog::Impl::Open() {
  auto conn = PgConnection::Connect(conninfo_);
  if (!conn.ok()) return conn.status();
  if (Status s = (*conn)->Script(kSchema); !s.ok()) return s;
  auto heads =
      (*conn)->Exec("SELECT platform, position, hash FROM rotonde.heads WHERE position > 0");
  if (!heads.ok()) return heads.status();
  for (int i = 0; i < heads->rows(); ++i) {
    published_.LoadHead(std::string(heads->Bytes(i, 0)),
                        HeadInfo{heads->U64(i, 1), std::string(heads->Bytes(i, 2))});
  }
  writer_conn_ = std::move(conn.value());
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return Status::IOError("cannot create an eventfd");
  if (leasing()) {
    // Its platforms from an earlier run, and the free ones, before the first append.
    if (Status s = RenewAndClaim(*writer_conn_); !s.ok()) return s;
    renewer_ = std::thread([this] { RenewalLoop(); });
  }
  writer_ = std::thread([this] { WriterLoop(); });
  listener_ = std::thread([this] { ListenerLoop(); });
  return Status::Ok();
}

std::map<std::string, uint64_t> PgEventLog::Impl::HeldTerms() const {
  std::lock_guard lock(lease_mu_);
  std::map<std::string, uint64_t> terms;
  for (const auto& [platform, held] : held_) terms.emplace(platform, held.term);
  return terms;
}

Status PgEventLog::Impl::RenewAndClaim(PgConnection& conn) {
  const Clock::time_point sent = Clock::now();
  const std::map<std::string, uint64_t> terms = HeldTerms();
  std::vector<std::string_view> platforms;
  std::vector<uint64_t> term_values;
  for (const auto& [platform, term] : terms) {
    platforms.push_back(platform);
    term_values.push_back(term);
  }
  // Locked in name order, as a group's head rows are: no deadlock with any server's group.
  auto renewed = conn.Exec(
      "WITH mine AS (SELECT h.platform FROM rotonde.heads h JOIN unnest($2::text[], "
      "$3::bigint[]) AS t(platform, term) ON h.platform = t.platform AND h.term = t.term "
      "WHERE h.holder = $1 AND NOT h.frozen ORDER BY h.platform FOR UPDATE OF h) "
      "UPDATE rotonde.heads h SET lease_until = now() + $4 * interval '1 millisecond' "
      "FROM mine WHERE h.platform = mine.platform RETURNING h.platform",
      PgParams()
          .Text(options_.holder)
          .TextArray(platforms)
          .IntArray(term_values)
          .Int(Millis(options_.lease_time)));
  if (!renewed.ok()) return renewed.status();
  std::set<std::string> kept;
  for (int i = 0; i < renewed->rows(); ++i) kept.emplace(renewed->Bytes(i, 0));
  // Free, expired, or its own from an earlier run (or a term it lost track of). Rows locked
  // by another transaction are skipped: an append in flight holds them, whose holder is live.
  auto claimed = conn.Exec(
      "WITH free AS (SELECT platform FROM rotonde.heads WHERE NOT frozen AND (holder IS NULL "
      "OR lease_until IS NULL OR lease_until < now() OR (holder = $1 AND NOT platform = "
      "ANY($2))) ORDER BY platform FOR UPDATE SKIP LOCKED) "
      "UPDATE rotonde.heads h SET holder = $1, term = h.term + 1, "
      "lease_until = now() + $3 * interval '1 millisecond' FROM free "
      "WHERE h.platform = free.platform RETURNING h.platform, h.term",
      PgParams().Text(options_.holder).TextArray(Views(kept)).Int(Millis(options_.lease_time)));
  if (!claimed.ok()) return claimed.status();
  std::set<std::string> newly;
  for (int i = 0; i < claimed->rows(); ++i) newly.emplace(claimed->Bytes(i, 0));
  // A platform claimed is served only once this log shows all its events, so the commands
  // it takes are decided on the whole log.
  if (!newly.empty()) {
    if (Status s = CatchUpFromHeads(conn, &newly); !s.ok()) return s;
  }
  auto rows = conn.Exec(
      "SELECT platform, CASE WHEN lease_until > now() AND NOT frozen THEN holder ELSE '' END "
      "FROM rotonde.heads WHERE holder IS DISTINCT FROM $1 OR frozen",
      PgParams().Text(options_.holder));
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::string, std::less<>> others;
  for (int i = 0; i < rows->rows(); ++i) {
    others.emplace(std::string(rows->Bytes(i, 0)),
                   rows->IsNull(i, 1) ? std::string() : std::string(rows->Bytes(i, 1)));
  }
  const Clock::time_point until = sent + options_.lease_time;
  std::lock_guard lock(lease_mu_);
  for (const auto& [platform, term] : terms) {
    auto it = held_.find(platform);
    if (it == held_.end() || it->second.term != term) continue;  // claimed anew meanwhile
    if (kept.contains(platform)) {
      it->second.until = until;
    } else {
      held_.erase(it);  // lost: another server claimed it, or the row went
    }
  }
  for (int i = 0; i < claimed->rows(); ++i) {
    held_[std::string(claimed->Bytes(i, 0))] = Held{claimed->U64(i, 1), until};
  }
  for (const auto& [platform, held] : held_) others.erase(platform);
  others_ = std::move(others);
  return Status::Ok();
}

void PgEventLog::Impl::RenewalLoop() {
  std::unique_ptr<PgConnection> conn;
  std::unique_lock lock(lease_mu_);
  while (!renewal_cv_.wait_for(lock, options_.lease_time / 3, [&] { return renewal_stop_; })) {
    if (renewal_paused_.load()) continue;
    lock.unlock();
    if (conn && conn->broken()) conn.reset();
    if (!conn) {
      if (auto connected = PgConnection::Connect(conninfo_); connected.ok()) {
        conn = std::move(connected.value());
      }
    }
    // A renewal that fails is tried at the next tick; meanwhile the leases run out by this
    // process's clock (LeaseOf), as they do by PostgreSQL's.
    if (conn) static_cast<void>(RenewAndClaim(*conn));
    lock.lock();
  }
}

void PgEventLog::Impl::ReleaseLeases() {
  const std::map<std::string, uint64_t> terms = HeldTerms();
  if (terms.empty() || renewal_paused_.load()) return;
  std::vector<std::string_view> platforms;
  std::vector<uint64_t> term_values;
  for (const auto& [platform, term] : terms) {
    platforms.push_back(platform);
    term_values.push_back(term);
  }
  auto conn = PgConnection::Connect(conninfo_);
  if (!conn.ok()) return;  // they run out by themselves
  static_cast<void>((*conn)->Exec(
      "WITH mine AS (SELECT h.platform FROM rotonde.heads h JOIN unnest($2::text[], "
      "$3::bigint[]) AS t(platform, term) ON h.platform = t.platform AND h.term = t.term "
      "WHERE h.holder = $1 ORDER BY h.platform FOR UPDATE OF h) "
      "UPDATE rotonde.heads h SET lease_until = now() FROM mine WHERE h.platform = mine.platform",
      PgParams().Text(options_.holder).TextArray(platforms).IntArray(term_values)));
  std::lock_guard lock(lease_mu_);
  held_.clear();
}

PlatformLease PgEventLog::Impl::LeaseOf(std::string_view platform) const {
  if (!leasing()) return PlatformLease{true, ""};
  std::lock_guard lock(lease_mu_);
  if (auto it = held_.find(platform); it != held_.end()) {
    if (Clock::now() < it->second.until) return PlatformLease{true, options_.holder};
    return PlatformLease{false, ""};  // not renewed in time: maybe another server's by now
  }
  if (auto it = others_.find(platform); it != others_.end())
    return PlatformLease{false, it->second};
  // No row seen: a new platform, which this server founds with its first append (a row made
  // since the last renewal is refused by the append itself).
  if (published_.Head(platform).position == 0) return PlatformLease{true, ""};
  return PlatformLease{false, ""};
}

void PgEventLog::Impl::Close() {
  std::call_once(close_once_, [this] {
    {
      std::lock_guard lock(queue_mu_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
      std::lock_guard lock(lease_mu_);
      renewal_stop_ = true;
    }
    renewal_cv_.notify_all();
    if (renewer_.joinable()) {
      renewer_.join();
      ReleaseLeases();
    }
    listener_stop_.store(true);
    if (wake_fd_ >= 0) {
      const uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
    }
    if (listener_.joinable()) listener_.join();
    if (wake_fd_ >= 0) ::close(wake_fd_);
    writer_conn_.reset();
    pool_.Clear();
    published_.Close();
  });
}

bool PgEventLog::Impl::Enqueue(const std::shared_ptr<WriteRequest>& request) {
  {
    std::lock_guard lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(request);
      queue_cv_.notify_one();
      return true;
    }
  }
  counters_.rejected_appends.fetch_add(1, std::memory_order_relaxed);
  request->result.status = Status::Closed("the event store is closed");
  return false;
}

void PgEventLog::Impl::WriterLoop() {
  for (;;) {
    WriteGroup group;
    bool stopping = false;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      stopping = stopping_;
      size_t events = 0, bytes = 0;
      while (!queue_.empty()) {
        const WriteRequest& next = *queue_.front();
        // A request larger than the bounds goes alone.
        if (!group.empty() && (events + next.EventCount() > options_.max_group_events ||
                               bytes + next.bytes > options_.max_group_bytes)) {
          break;
        }
        events += next.EventCount();
        bytes += next.bytes;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (stopping) group.back()->result.status = Status::Closed("the event store closed");
      }
    }
    if (stopping) {
      for (auto& request : group) {
        counters_.CountOutcome(request->result);
        request->MarkPrepared();
        request->MarkDone();
      }
      std::lock_guard lock(queue_mu_);
      if (queue_.empty()) return;
      continue;
    }
    CommitGroup(group);
  }
}

void PgEventLog::Impl::CommitGroup(const WriteGroup& group) {
  // What preparing consumes, kept for another try: of the whole group, or of each alone.
  std::vector<std::vector<StreamAppend>> appends;
  std::vector<std::vector<EventRecord>> imports;
  for (const auto& request : group) {
    appends.push_back(request->appends);
    imports.push_back(request->import_records);
  }
  auto restore = [&](size_t i) {
    WriteRequest& request = *group[i];
    request.result = AppendResult{};
    request.prepared_records.clear();
    request.appends = appends[i];
    request.import_records = imports[i];
  };
  std::vector<std::shared_ptr<const EventRecord>> written;
  Status s;
  for (int attempt = 1;; ++attempt) {
    bool commit_sent = false;
    written.clear();
    s = WriterConnection();
    if (s.ok()) s = TryGroup(group, &written, &commit_sent);
    if (s.ok() || attempt == kGroupTries) break;
    // Lost before its COMMIT was sent (a failover, a restarted server: the connection was
    // dead before the group began): nothing of it stands, so again on a new connection.
    // Not one that timed out: PostgreSQL is there but does not answer (a lock held by a
    // commit that waits for a synchronous standby), and would not answer another try either.
    const bool lost_before_commit =
        !commit_sent && writer_conn_ != nullptr && writer_conn_->broken() && !TimedOut(s);
    // An id that another server's transaction stored alongside this one: tried again, the
    // group finds it stored and decides as for any stored id (a replay or a conflict). Two
    // such transactions waiting on each other's ids: PostgreSQL ends one (a deadlock), which
    // goes again too.
    const std::string state = SqlState(s);
    const bool raced = state == "23505" || state == "40P01";
    if (!lost_before_commit && !raced) break;
    for (size_t i = 0; i < group.size(); ++i) restore(i);
  }
  if (!s.ok() && s.code() != codes::kUnavailable && group.size() > 1) {
    // One refused statement fails the whole transaction: each request alone, so that it
    // fails only itself.
    for (size_t i = 0; i < group.size(); ++i) {
      restore(i);
      CommitGroup({group[i]});
    }
    return;
  }
  if (s.ok()) {
    PublishWritten(written);
  } else {
    if (s.code() == codes::kUnavailable) {
      s = Status(codes::kUnavailable,
                 s.message() + "; the append may have been stored: retry it with the same ids");
    }
    for (const auto& request : group) {
      request->result = AppendResult{};
      request->result.status = s;
      request->prepared_records.clear();
    }
  }
  for (const auto& request : group) {
    counters_.CountOutcome(request->result);
    request->MarkPrepared();
    request->MarkDone();
  }
}

Status PgEventLog::Impl::WriterConnection() {
  if (writer_conn_ && writer_conn_->broken()) writer_conn_.reset();
  if (!writer_conn_) {
    auto conn = PgConnection::Connect(conninfo_);
    if (!conn.ok()) return conn.status();
    writer_conn_ = std::move(conn.value());
  }
  if (!unknown_outcome_.empty()) {
    if (Status s = CatchUpFromHeads(*writer_conn_, &unknown_outcome_); !s.ok()) return s;
    unknown_outcome_.clear();
  }
  return Status::Ok();
}

Status PgEventLog::Impl::TryGroup(const WriteGroup& group,
                                  std::vector<std::shared_ptr<const EventRecord>>* written,
                                  bool* commit_sent) {
  PgConnection& conn = *writer_conn_;
  // Every round trip of the group waits for its answer at most write_timeout.
  auto exec = [&](std::string_view sql, const PgParams& params = {}) {
    return conn.Exec(sql, params, options_.write_timeout);
  };
  std::set<std::string> platforms, ids, streams;
  for (const auto& request : group) {
    platforms.insert(request->platform);
    for (const StreamAppend& part : request->appends) {
      streams.insert(part.stream);
      for (const NewEvent& event : part.events) ids.insert(event.id);
    }
    for (const EventRecord& record : request->import_records) {
      streams.insert(record.stream());
      ids.insert(record.id());
    }
  }
  GroupView view;
  auto rollback = [&](Status failure) {
    if (!conn.broken()) static_cast<void>(exec("ROLLBACK"));
    if (*commit_sent && conn.broken()) {
      unknown_outcome_.insert(platforms.begin(), platforms.end());
    }
    return failure;
  };
  const auto begun_at = std::chrono::steady_clock::now();
  // One round trip: the transaction begun, the head rows locked until the commit (positions
  // follow commit order), and then, under those locks, which of the group's ids are stored
  // and its streams' versions.
  const std::string lock_heads =
      "SELECT platform, position, hash, coalesce(holder, ''), term, "
      "CASE WHEN frozen THEN 1::bigint ELSE 0::bigint END FROM rotonde.heads "
      "WHERE platform = ANY($1) ORDER BY platform FOR UPDATE";
  auto reads = [&](bool begin) {
    std::vector<PgStatement> statements;
    if (begin) statements.push_back({"BEGIN", {}});
    statements.push_back({lock_heads, PgParams().TextArray(Views(platforms))});
    statements.push_back(
        {"SELECT id, platform, position, record FROM rotonde.events "
         "WHERE id = ANY($1)",
         PgParams().TextArray(Views(ids))});
    statements.push_back({"SELECT stream, version FROM rotonde.streams WHERE stream = ANY($1)",
                          PgParams().TextArray(Views(streams))});
    return conn.Pipeline(statements, options_.write_timeout);
  };
  auto read = reads(true);
  if (!read.ok()) return rollback(read.status());
  // With leases, a platform this transaction founds starts with this log's lease.
  std::map<std::string, uint64_t> founded;
  if (static_cast<size_t>((*read)[1].rows()) < platforms.size()) {
    // A platform's first append makes its row; what was read before it was locked is read
    // again under the lock.
    auto made =
        leasing()
            ? exec(
                  "INSERT INTO rotonde.heads (platform, position, hash, holder, term, "
                  "lease_until) SELECT p, 0, ''::bytea, $2, 1, now() + $3 * interval "
                  "'1 millisecond' FROM unnest($1::text[]) AS p ORDER BY p "
                  "ON CONFLICT (platform) DO NOTHING RETURNING platform",
                  PgParams()
                      .TextArray(Views(platforms))
                      .Text(options_.holder)
                      .Int(Millis(options_.lease_time)))
            : exec(
                  "INSERT INTO rotonde.heads (platform, position, hash) SELECT p, 0, ''::bytea "
                  "FROM unnest($1::text[]) AS p ORDER BY p ON CONFLICT (platform) DO NOTHING "
                  "RETURNING platform",
                  PgParams().TextArray(Views(platforms)));
    if (!made.ok()) return rollback(made.status());
    for (int i = 0; i < made->rows(); ++i) founded.emplace(made->Bytes(i, 0), 1);
    read = reads(false);
    if (!read.ok()) return rollback(read.status());
  }
  const size_t first = read->size() - 3;
  const PgResult& heads = (*read)[first];
  const PgResult& stored = (*read)[first + 1];
  const PgResult& versions = (*read)[first + 2];
  // The fence: with leases, each locked row must name this log and the term it holds.
  std::map<std::string, Status> refused;
  const std::map<std::string, uint64_t> terms =
      leasing() ? HeldTerms() : std::map<std::string, uint64_t>();
  for (int i = 0; i < heads.rows(); ++i) {
    const std::string platform(heads.Bytes(i, 0));
    const uint64_t position = heads.U64(i, 1);
    view.tails_[platform] = PlatformTail{
        position + 1, position == 0 ? GenesisHashOf(platform) : std::string(heads.Bytes(i, 2))};
    if (heads.U64(i, 5) != 0) {
      // Frozen by a move (pg_directory.h): checked under this lock, so a move that froze
      // the row has no append after it, whoever holds the lease.
      refused.emplace(platform, Status(codes::kUnavailable,
                                       "platform " + platform +
                                           " is being moved, or was moved, to another cluster; "
                                           "retry shortly"));
      continue;
    }
    if (!leasing()) continue;
    const std::string holder(heads.Bytes(i, 3));
    uint64_t my_term = 0;  // terms begin at 1
    if (auto it = founded.find(platform); it != founded.end()) {
      my_term = it->second;
    } else if (auto held = terms.find(platform); held != terms.end()) {
      my_term = held->second;
    }
    if (my_term == 0 || holder != options_.holder || heads.U64(i, 4) != my_term) {
      refused.emplace(platform, NotServedHere(platform, holder == options_.holder ? "" : holder));
    }
  }
  if (view.tails_.size() != platforms.size()) {
    return rollback(Status::IOError("the head rows of the group's platforms cannot be locked"));
  }
  for (int i = 0; i < stored.rows(); ++i) {
    auto record = std::make_shared<EventRecord>();
    const std::string_view bytes = stored.Bytes(i, 3);
    if (!record->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return rollback(Status::Corruption("the stored event of id " +
                                         std::string(stored.Bytes(i, 0)) + " cannot be parsed"));
    }
    view.ids_[std::string(stored.Bytes(i, 0))] =
        IdLocation{std::string(stored.Bytes(i, 1)), stored.U64(i, 2), std::move(record)};
  }
  for (int i = 0; i < versions.rows(); ++i) {
    view.versions_[std::string(versions.Bytes(i, 0))] = versions.U64(i, 1);
  }

  const google::protobuf::Timestamp now = Now();
  for (const auto& request : group) {
    if (auto it = refused.find(request->platform); it != refused.end()) {
      request->result.status = it->second;
      continue;
    }
    if (request->is_import) {
      PrepareImport(*request, view);
    } else {
      PrepareAppend(*request, now, view);
    }
  }
  if (view.rows_.empty()) {
    // Nothing to write (replays and refusals): the locks go, no commit to wait for.
    if (auto done = exec("ROLLBACK"); !done.ok()) return rollback(done.status());
    return Status::Ok();
  }
  // One more round trip: the rows written, the heads moved, the wake-ups sent and the commit.
  std::vector<PgStatement> writes = WriteRows(view);
  writes.push_back({"COMMIT", {}});
  const auto started = std::chrono::steady_clock::now();
  *commit_sent = true;
  auto committed = conn.Pipeline(writes, options_.write_timeout);
  if (!committed.ok()) return rollback(committed.status());
  const auto micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::steady_clock::now() - started)
                                                .count());
  counters_.CountSync(1, view.rows_.size(), micros);
  for (EventRow& row : view.rows_) written->push_back(std::move(row.record));
  if (leasing() && !founded.empty()) {
    // Its lease began no earlier than BEGIN was sent; this process's clock ends it from then.
    std::lock_guard lock(lease_mu_);
    for (const auto& [platform, term] : founded) {
      if (view.written_platforms_.contains(platform)) {
        held_.try_emplace(platform, Held{term, begun_at + options_.lease_time});
      }
    }
  }
  return Status::Ok();
}

std::vector<PgStatement> PgEventLog::Impl::WriteRows(const GroupView& view) const {
  std::vector<PgStatement> statements;
  for (size_t begin = 0; begin < view.rows_.size();) {
    PgEventRows rows;
    size_t bytes = 0;
    for (; begin < view.rows_.size() && (bytes == 0 || bytes < kInsertBytes); ++begin) {
      const EventRow& row = view.rows_[begin];
      rows.Add(row.platform, row.record->position(), row.record->stream(), row.record->version(),
               row.record->id(), row.stored);
      bytes += row.stored.size();
    }
    statements.push_back(rows.Insert());
  }
  std::vector<std::string_view> streams;
  std::vector<uint64_t> versions;
  for (const std::string& stream : view.written_streams_) {
    streams.push_back(stream);
    versions.push_back(*view.versions_.at(stream));
  }
  statements.push_back(UpsertStreamVersions(streams, versions));

  std::vector<std::string_view> platforms, hashes;
  std::vector<uint64_t> positions;
  std::vector<std::string> payloads{token_};
  for (const std::string& platform : view.written_platforms_) {
    const PlatformTail& tail = view.tails_.at(platform);
    platforms.push_back(platform);
    positions.push_back(tail.next_position - 1);
    hashes.push_back(tail.hash);
    std::string line = "\n" + platform + " " + std::to_string(tail.next_position - 1);
    if (payloads.back().size() + line.size() > kMaxPayload) payloads.push_back(token_);
    payloads.back() += line;
  }
  statements.push_back(
      {"UPDATE rotonde.heads AS h SET position = t.position, hash = t.hash FROM "
       "unnest($1::text[], $2::bigint[], $3::bytea[]) AS t(platform, position, hash) "
       "WHERE h.platform = t.platform",
       PgParams().TextArray(platforms).IntArray(positions).BytesArray(hashes)});
  for (const std::string& payload : payloads) {
    statements.push_back({"SELECT pg_notify($1, $2)", PgParams().Text(kChannel).Text(payload)});
  }
  return statements;
}

Status PgEventLog::Impl::CatchUp(PgConnection& conn, const std::string& platform, uint64_t upto) {
  std::lock_guard lock(publish_mu_);
  const uint64_t head = published_.Head(platform).position;
  if (upto <= head) return Status::Ok();
  std::vector<EventRecord> events;
  if (Status s = ReadRange(conn, platform, head, upto, &events); !s.ok()) return s;
  std::vector<std::shared_ptr<const EventRecord>> records;
  records.reserve(events.size());
  for (EventRecord& event : events) {
    records.push_back(std::make_shared<const EventRecord>(std::move(event)));
  }
  published_.Publish(records);
  return Status::Ok();
}

void PgEventLog::Impl::PublishWritten(
    const std::vector<std::shared_ptr<const EventRecord>>& records) {
  std::lock_guard lock(publish_mu_);
  // Each platform's first position in this commit: what another server committed before it
  // and this process has not seen yet is read first.
  std::map<std::string, uint64_t, std::less<>> first;
  for (const auto& record : records) {
    first.try_emplace(std::string(PlatformOf(record->stream())), record->position());
  }
  std::vector<std::shared_ptr<const EventRecord>> all;
  std::set<std::string, std::less<>> unreadable;
  for (const auto& [platform, position] : first) {
    const uint64_t head = published_.Head(platform).position;
    if (position == head + 1) continue;
    std::vector<EventRecord> before;
    if (!ReadRange(*writer_conn_, platform, head, position - 1, &before).ok()) {
      unreadable.insert(platform);  // published by the next catch-up instead
      unknown_outcome_.insert(platform);
      continue;
    }
    for (EventRecord& event : before) {
      all.push_back(std::make_shared<const EventRecord>(std::move(event)));
    }
  }
  for (const auto& record : records) {
    if (!unreadable.contains(PlatformOf(record->stream()))) all.push_back(record);
  }
  published_.Publish(all);
}

Status PgEventLog::Impl::CatchUpFromHeads(PgConnection& conn, const std::set<std::string>* only) {
  auto heads =
      only == nullptr
          ? conn.Exec("SELECT platform, position FROM rotonde.heads WHERE position > 0")
          : conn.Exec("SELECT platform, position FROM rotonde.heads WHERE platform = ANY($1)",
                      PgParams().TextArray(Views(*only)));
  if (!heads.ok()) return heads.status();
  for (int i = 0; i < heads->rows(); ++i) {
    if (Status s = CatchUp(conn, std::string(heads->Bytes(i, 0)), heads->U64(i, 1)); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

// How long the listener waits for a notification before it reads the heads again.
constexpr int kHeadsRereadMs = 1000;

void PgEventLog::Impl::ListenerLoop() {
  std::unique_ptr<PgConnection> conn;
  while (!listener_stop_.load()) {
    if (!conn) {
      auto connected = PgConnection::Connect(conninfo_);
      // Notifications missed while not listening are made up for by the heads.
      if (connected.ok() && (*connected)->Exec("LISTEN " + std::string(kChannel)).ok() &&
          CatchUpFromHeads(**connected, nullptr).ok()) {
        conn = std::move(connected.value());
      } else {
        pollfd wake{wake_fd_, POLLIN, 0};
        ::poll(&wake, 1, 500);  // PostgreSQL is away: try again shortly
        continue;
      }
    }
    pollfd fds[2] = {{PQsocket(conn->raw()), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, kHeadsRereadMs);
    if (ready < 0) continue;
    if (listener_stop_.load()) break;
    if (ready == 0) {
      // PostgreSQL queues a NOTIFY before its transaction commits: one that was committing
      // while LISTEN took effect is not delivered, yet may become visible only after the
      // heads were read above (a commit waiting for its synchronous standby, for seconds).
      // Reading the heads again while idle makes up for it, late but never lost.
      if (!CatchUpFromHeads(*conn, nullptr).ok() && conn->broken()) conn.reset();
      continue;
    }
    if (PQconsumeInput(conn->raw()) == 0) {
      conn.reset();
      continue;
    }
    while (PGnotify* notice = PQnotifies(conn->raw())) {
      const std::string payload = notice->extra;
      PQfreemem(notice);
      // "token\nplatform position\n...": this process's own commits are published already.
      size_t line = payload.find('\n');
      if (payload.substr(0, line) == token_) continue;
      while (line != std::string::npos) {
        const size_t end = payload.find('\n', line + 1);
        const std::string entry = payload.substr(line + 1, end - line - 1);
        const size_t space = entry.rfind(' ');
        if (space != std::string::npos) {
          const uint64_t position = std::strtoull(entry.c_str() + space + 1, nullptr, 10);
          if (!CatchUp(*conn, entry.substr(0, space), position).ok() && conn->broken()) break;
        }
        line = end;
      }
      if (conn->broken()) break;
    }
    if (conn->broken()) conn.reset();
  }
}

Status PgEventLog::Impl::Read(std::string_view platform, uint64_t after, size_t limit,
                              uint64_t upto, std::vector<EventRecord>* out) const {
  out->clear();
  if (after >= upto || limit == 0) return Status::Ok();
  const uint64_t last = limit >= upto - after ? upto : after + limit;
  return pool_.Run([&](PgConnection& conn) {
    out->clear();
    return ReadRange(conn, platform, after, last, out);
  });
}

Status PgEventLog::Impl::ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                                    std::vector<EventRecord>* out) const {
  out->clear();
  if (limit == 0) return Status::Ok();
  const uint64_t upto = published_.Head(PlatformOf(stream)).position;
  return pool_.Run([&](PgConnection& conn) {
    return ReadStreamOn(conn, stream, from_version, limit, upto, out);
  });
}

Status PgEventLog::Impl::ReadStreamOn(PgConnection& conn, std::string_view stream,
                                      uint64_t from_version, size_t limit, uint64_t upto,
                                      std::vector<EventRecord>* out) const {
  out->clear();
  for (uint64_t version = from_version; out->size() < limit;) {
    const size_t page = std::min(limit - out->size(), kReadPage);
    auto rows = conn.Exec(
        "SELECT version, record FROM rotonde.events WHERE stream = $1 AND version >= $2 "
        "AND position <= $3 ORDER BY version LIMIT $4",
        PgParams().Text(stream).Int(version).Int(upto).Int(page));
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->rows(); ++i) {
      const std::string_view bytes = rows->Bytes(i, 1);
      if (!out->emplace_back().ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return Status::Corruption("an event of " + std::string(stream) + " cannot be parsed");
      }
    }
    if (static_cast<size_t>(rows->rows()) < page) break;
    version = out->back().version() + 1;
  }
  return Status::Ok();
}

Result<std::optional<uint64_t>> PgEventLog::Impl::StreamVersion(std::string_view stream) const {
  const uint64_t upto = published_.Head(PlatformOf(stream)).position;
  std::optional<uint64_t> version;
  Status s = pool_.Run([&](PgConnection& conn) {
    // Bounded by the published head, as every read: a version shown is one ReadStream shows.
    auto rows = conn.Exec(
        "SELECT version FROM rotonde.events WHERE stream = $1 AND position <= $2 "
        "ORDER BY version DESC LIMIT 1",
        PgParams().Text(stream).Int(upto));
    if (!rows.ok()) return rows.status();
    if (rows->rows() > 0) version = rows->U64(0, 0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

VerifyReport PgEventLog::Impl::Verify(std::string_view platform) const {
  VerifyReport report;
  report.status = pool_.Run([&](PgConnection& conn) {
    report = VerifyOn(conn, platform);
    return report.status;
  });
  report.platform = std::string(platform);
  return report;
}

VerifyReport PgEventLog::Impl::VerifyOn(PgConnection& db, std::string_view platform) const {
  VerifyReport report;
  report.platform = std::string(platform);
  struct EndTransaction {
    PgConnection& db;
    ~EndTransaction() { static_cast<void>(db.Exec("ROLLBACK")); }
  };
  // One snapshot: the events, the head row and the streams as of one moment.
  if (auto begun = db.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !begun.ok()) {
    report.status = begun.status();
    return report;
  }
  EndTransaction end{db};
  std::string prev_hash = GenesisHashOf(platform);
  uint64_t expected = 1;
  std::unordered_map<std::string, uint64_t> next_version;
  EventRecord record;
  for (;;) {
    auto rows = db.Exec(
        "SELECT position, record, stream, version, id FROM rotonde.events WHERE platform = $1 "
        "AND position >= $2 ORDER BY position LIMIT $3",
        PgParams().Text(platform).Int(expected).Int(kReadPage));
    if (!rows.ok()) {
      report.status = rows.status();
      return report;
    }
    for (int i = 0; i < rows->rows(); ++i, ++expected) {
      if (rows->U64(i, 0) != expected) return report.Fail(expected, "the event is missing");
      std::string problem =
          CheckLink(platform, expected, prev_hash, rows->Bytes(i, 1), &record, &next_version);
      if (!problem.empty()) return report.Fail(expected, std::move(problem));
      if (rows->Bytes(i, 2) != record.stream() || rows->U64(i, 3) != record.version() ||
          rows->Bytes(i, 4) != record.id()) {
        return report.Fail(expected, "its stream, version or id column is not its record's");
      }
      prev_hash = record.hash();
      ++report.events;
    }
    if (static_cast<size_t>(rows->rows()) < kReadPage) break;
  }
  const uint64_t last = expected - 1;
  auto head = db.Exec("SELECT position, hash FROM rotonde.heads WHERE platform = $1",
                      PgParams().Text(platform));
  if (!head.ok()) {
    report.status = head.status();
    return report;
  }
  const bool no_events_no_head = last == 0 && (head->rows() == 0 || head->U64(0, 0) == 0);
  if (!no_events_no_head && (head->rows() == 0 || head->U64(0, 0) != last ||
                             head->Bytes(0, 1) != std::string_view(prev_hash))) {
    return report.Fail(last, "the platform's head does not name its last event");
  }
  std::vector<std::string_view> streams;
  for (const auto& [stream, next] : next_version) streams.push_back(stream);
  auto versions = db.Exec("SELECT stream, version FROM rotonde.streams WHERE stream = ANY($1)",
                          PgParams().TextArray(streams));
  if (!versions.ok()) {
    report.status = versions.status();
    return report;
  }
  size_t matching = 0;
  for (int i = 0; i < versions->rows(); ++i) {
    auto it = next_version.find(std::string(versions->Bytes(i, 0)));
    if (it != next_version.end() && versions->U64(i, 1) + 1 == it->second) ++matching;
  }
  if (matching != next_version.size()) {
    return report.Fail(last, "the streams table does not hold each stream's last version");
  }
  report.head = HeadInfo{last, prev_hash};
  return report;
}

// ---- PgEventLog: the public API ------------------------------------------------------------

PgEventLog::PgEventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PgEventLog::~PgEventLog() = default;

Result<std::unique_ptr<PgEventLog>> PgEventLog::Open(const std::string& conninfo,
                                                     const PgOptions& options) {
  auto impl = std::make_unique<Impl>(conninfo, options);
  if (Status s = impl->Open(); !s.ok()) return s;
  return std::unique_ptr<PgEventLog>(new PgEventLog(std::move(impl)));
}

bool PgEventLog::Enqueue(const std::shared_ptr<WriteRequest>& request) {
  return impl_->Enqueue(request);
}

const PublishedLog& PgEventLog::published() const { return impl_->published_; }

Status PgEventLog::ReadStored(std::string_view platform, uint64_t after, size_t limit,
                              uint64_t upto, std::vector<EventRecord>* out) const {
  return impl_->Read(platform, after, limit, upto, out);
}

Status PgEventLog::ReadStream(std::string_view stream, uint64_t from_version, size_t limit,
                              std::vector<EventRecord>* out) const {
  if (impl_->published_.closed()) return Status::Closed("the event store is closed");
  return impl_->ReadStream(stream, from_version, limit, out);
}

Result<std::optional<uint64_t>> PgEventLog::StreamVersion(std::string_view stream) const {
  if (impl_->published_.closed()) return Status::Closed("the event store is closed");
  return impl_->StreamVersion(stream);
}

VerifyReport PgEventLog::Verify(std::string_view platform) const {
  if (impl_->published_.closed()) {
    VerifyReport closed;
    closed.platform = std::string(platform);
    closed.status = Status::Closed("the event store is closed");
    return closed;
  }
  return impl_->Verify(platform);
}

Stats PgEventLog::GetStats() const { return impl_->GetStats(); }

PlatformLease PgEventLog::LeaseOf(std::string_view platform) const {
  return impl_->LeaseOf(platform);
}

void PgEventLog::TEST_PauseRenewal(bool paused) { impl_->PauseRenewal(paused); }

void PgEventLog::Close() { impl_->Close(); }

}  // namespace rotonde::eventstore
