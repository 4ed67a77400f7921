// What every backend of the event log (event_log.h) does the same way before and around its
// own durable write: a caller's append or import as a request in a writer's queue
// (QueuedLog, queued_log.h), its checks against the documented limits, and the counters of
// outcomes.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rotonde/base/done_flag.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/eventstore/queued_log.h"

namespace rotonde::eventstore {

// One caller's append (or import) waiting in a writer's queue.
struct WriteRequest {
  std::string platform;  // every stream's (or record's) platform
  // Append: the parts, one per stream. Import: records.
  std::vector<StreamAppend> appends;
  AppendOptions options;
  size_t event_count = 0;
  std::vector<EventRecord> import_records;
  bool is_import = false;
  size_t bytes = 0;

  AppendResult result;
  // Set once `result` is final. The writer's threads and the caller share the request, so a
  // caller returning the moment it sees `done` cannot pull it from under the notifier.
  DoneFlag done;
  // For AppendAsync: called with the final result instead of anyone waiting on `done`.
  EventLog::AppendDone on_done;

  void MarkDone() {
    // Dropped once called: a callback may own what owns this request (a batch of commands
    // holding its PendingAppends), and a kept one would keep both alive forever.
    EventLog::AppendDone callback = std::move(on_done);
    on_done = nullptr;
    // Set first: the callback may wait for this very append (a batch of commands finished
    // by its last append's callback waits for each of them). `result` is final here.
    done.Set();
    if (callback) callback(result);
  }
  void WaitDone() { done.Wait(); }

  // For a PendingAppend (see event_log.h): the answer as prepared, and the records it will
  // write, published by `prepared`. Written by the writer thread only, before `prepared`;
  // a separate copy, as the writer may still replace `result` (a failed write).
  bool wants_prepared = false;
  AppendResult prepared_result;
  std::vector<std::shared_ptr<const EventRecord>> prepared_records;
  DoneFlag prepared;

  void MarkPrepared() {
    if (!wants_prepared) return;
    prepared_result = result;
    prepared.Set();
  }
  void WaitPrepared() { prepared.Wait(); }

  size_t EventCount() const { return is_import ? import_records.size() : event_count; }
};

using WriteGroup = std::vector<std::shared_ptr<WriteRequest>>;

// Checks an append's arguments against the documented limits (event_store_types.h); on
// success *request holds them, ready to queue.
Status MakeAppendRequest(std::vector<StreamAppend> appends, AppendOptions options,
                         WriteRequest* request);
// The same for an import; *failed_index is the failing record's index, or records.size().
Status MakeImportRequest(std::string_view platform, std::vector<EventRecord> records,
                         WriteRequest* request, size_t* failed_index);

// The counters of Stats that count outcomes of appends, as every backend counts them.
struct AppendCounters {
  std::atomic<uint64_t> appends{0}, events_written{0}, groups_written{0}, syncs{0},
      idempotent_replays{0}, rejected_appends{0}, sync_micros_total{0}, sync_micros_max{0};

  // One request's outcome as decided: refused, replayed, or an append (or import) written.
  void CountOutcome(const AppendResult& result);
  // One durable write of `groups` groups holding `events` events, that took `micros`.
  void CountSync(uint64_t groups, uint64_t events, uint64_t micros);
  // Copies the counters into *stats.
  void Fill(Stats* stats) const;
};

}  // namespace rotonde::eventstore
