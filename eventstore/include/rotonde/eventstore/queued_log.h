// QueuedLog: an EventLog whose appends and imports go through a writer's queue, and whose
// readers are served from what the writer published, as every backend's are (EventStore,
// PgEventLog). What that makes alike is written once here:
// - appending: the input is checked against the documented limits, a refusal is answered
//   in the caller's thread, and the rest by the backend's writer through the queued request
//   (src/write_request.h);
// - reading: heads, platforms, reads of a platform's log bounded by its published head, and
//   subscriptions and the live feed over the window of recent events (src/published_log.h).
// A backend supplies Enqueue, what it published, and how it reads stored events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/eventstore/event_log.h"

namespace rotonde::eventstore {

struct WriteRequest;
class PublishedLog;

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

  Status Read(std::string_view platform, uint64_t after_position, size_t limit,
              std::vector<EventRecord>* out) const override;
  HeadInfo Head(std::string_view platform) const override;
  std::vector<std::string> Platforms() const override;
  // Live subscribers are served from the recent events in memory; one that falls behind
  // them reads the backend's storage.
  std::unique_ptr<Subscription> Subscribe(std::string platform, uint64_t after_position) override;
  std::unique_ptr<LiveFeed> FollowAll() override;

 protected:
  // Queues a checked request for the backend's writer, which answers it (MarkPrepared, then
  // MarkDone); false (and request->result says why) if the log takes no appends now.
  virtual bool Enqueue(const std::shared_ptr<WriteRequest>& request) = 0;
  // What the backend's writer published: the durable heads and the recent events.
  virtual const PublishedLog& published() const = 0;
  // `platform`'s stored events with after < position <= upto, at most `limit`, into *out.
  virtual Status ReadStored(std::string_view platform, uint64_t after, size_t limit, uint64_t upto,
                            std::vector<EventRecord>* out) const = 0;
};

}  // namespace rotonde::eventstore
