// CommandRunner: a member's command, end to end: may they give it, decide and append it
// (CommandService), count it, and answer with the positions of its events.
//
// No thread waits for the disk: a command is answered by a callback once durable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "access.h"
#include "command_service.h"
#include "counters.h"
#include "rotonde/eventstore/event_log.h"

namespace rotonde::app {

struct CommandResult {
  uint64_t first_position = 0;  // the events it produced; both 0 if it produced none
  uint64_t last_position = 0;
  bool repeated = false;  // the command id was handled before: this is its first outcome
  // The command's events, in order, when asked for (HTTP answers carry them; WebSocket
  // clients get them through their subscription).
  std::vector<eventstore::EventRecord> events;
};

class CommandRunner {
 public:
  CommandRunner(eventstore::EventLog& store, CommandService& commands, Counters& counters);

  using Done = std::function<void(Result<CommandResult>)>;
  // A member's command: read_only for a feed key or an auditor, platform_not_found for a
  // stranger, forbidden for founding, joining (those go through invite links) and erasing
  // (Erasure); then the domain's refusals (docs/domain.md) or unavailable. Answered through `done`
  // once the command is durable or refused (see CommandService::Submit: the calling thread may
  // first decide a batch of the platform's commands, or return at once with the command queued),
  // from the calling thread or the one that finishes the batch. `done` must not block long.
  void RunAsync(const Caller& caller, const std::string& platform, v1::Command command,
                bool with_events, Done done);
  // A command the server composes itself (founding, joining, inviting), as `actor`;
  // answered as RunAsync's.
  void RunComposedAsync(const std::string& platform, const std::string& actor, v1::Command command,
                        bool with_events, Done done);

 private:
  // The command's events, read back from the log into result->events (none if unreadable).
  void AttachEvents(const std::string& platform, CommandResult* result);
  Status MayRun(const Caller& caller, const std::string& platform, const v1::Command& command);
  // Counts a handled command; its outcome as a result.
  Result<CommandResult> Counted(CommandOutcome outcome,
                                std::chrono::steady_clock::time_point started);

  eventstore::EventLog& store_;
  CommandService& commands_;
  Access access_;
  Counters& counters_;
};

}  // namespace rotonde::app
