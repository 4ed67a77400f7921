// QueuedLog: an EventLog whose appends and imports go through a writer's queue, as every
// backend's do (EventStore, PgEventLog). The appending methods are written once here: the
// input is checked against the documented limits, a refusal is answered in the caller's
// thread, and the rest is answered by the backend's writer through the queued request
// (src/write_request.h). A backend supplies Enqueue.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "rotonde/eventstore/event_log.h"

namespace rotonde::eventstore {

struct WriteRequest;

class QueuedLog : public EventLog {
 public:
  void AppendAsync(std::vector<StreamAppend> appends, AppendOptions options,
                   AppendDone done) override;
  using EventLog::StartAppendAll;
  std::unique_ptr<PendingAppend> StartAppendAll(std::vector<StreamAppend> appends,
                                                AppendOptions options, AppendDone done) override;
  // Waits on the writer's answer directly, without a callback.
  AppendResult AppendAll(std::vector<StreamAppend> appends, AppendOptions options = {}) override;
  Status Import(std::string_view platform, std::vector<EventRecord> records,
                size_t* failed_index = nullptr) override;

 protected:
  // Queues a checked request for the backend's writer, which answers it (MarkPrepared, then
  // MarkDone); false (and request->result says why) if the log takes no appends now.
  virtual bool Enqueue(const std::shared_ptr<WriteRequest>& request) = 0;
};

}  // namespace rotonde::eventstore
