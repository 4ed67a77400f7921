// CommandRunner: a member's command, end to end: may they give it, decide and append it
// (CommandService), count it, and answer with the positions of its events.
//
// Run and RunComposed may block (a platform's lock, the disk): call them on a worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "access.h"
#include "command_service.h"
#include "counters.h"
#include "rotonde/eventstore/event_store.h"

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
  CommandRunner(eventstore::EventStore& store, CommandService& commands, Counters& counters);

  // A member's command: read_only for a feed key or an auditor, platform_not_found for a
  // stranger, forbidden for founding or joining (those go through invite links); then the
  // domain's refusals (docs/domain.md) or unavailable.
  Result<CommandResult> Run(const Caller& caller, const std::string& platform,
                            const v1::Command& command, bool with_events);
  // Run, answered through `done` once the command is durable or refused (see
  // CommandService::Submit: the calling thread may first decide a batch of the platform's
  // commands, or return at once with the command queued). `done` must not block.
  void RunAsync(const Caller& caller, const std::string& platform, v1::Command command,
                bool with_events, std::function<void(Result<CommandResult>)> done);
  // A command the server composes itself (founding, joining, inviting), as `actor`.
  Result<CommandResult> RunComposed(const std::string& platform, const std::string& actor,
                                    const v1::Command& command);

 private:
  // The command's events, read back from the log into result->events (none if unreadable).
  void AttachEvents(const std::string& platform, CommandResult* result);
  Status MayRun(const Caller& caller, const std::string& platform, const v1::Command& command);
  // Counts a handled command; its outcome as a result.
  Result<CommandResult> Counted(CommandOutcome outcome,
                                std::chrono::steady_clock::time_point started);

  eventstore::EventStore& store_;
  CommandService& commands_;
  Access access_;
  Counters& counters_;
};

}  // namespace rotonde::app
