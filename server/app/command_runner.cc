#include "command_runner.h"

namespace rotonde::app {

CommandRunner::CommandRunner(eventstore::EventLog& store, CommandService& commands,
                             Counters& counters)
    : store_(store), commands_(commands), access_(commands), counters_(counters) {}

Status CommandRunner::MayRun(const Caller& caller, const std::string& platform,
                             const v1::Command& command) {
  if (caller.kind == auth::TokenKind::kFeed) {
    return Status(codes::kReadOnly, "a calendar feed key reads and nothing else");
  }
  if (Status writer = access_.RequireWriter(caller, platform); !writer.ok()) return writer;
  if (command.has_found_platform() || command.has_join_platform()) {
    return Status(codes::kForbidden, "platforms are founded and joined through invite links");
  }
  if (command.has_erase_person()) {
    // It is more than an event: the key and the account go too (erasure.h).
    return Status(codes::kForbidden, "a person is erased through POST .../people/{id}/erase");
  }
  return Status::Ok();
}

Result<CommandResult> CommandRunner::Counted(CommandOutcome outcome,
                                             std::chrono::steady_clock::time_point started) {
  counters_.command_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!outcome.ok()) {
    (outcome.status.code() == codes::kUnavailable ? counters_.commands_failed
                                                  : counters_.commands_refused)++;
    return std::move(outcome.status);
  }
  (outcome.repeated ? counters_.commands_repeated : counters_.commands_ok)++;
  CommandResult result;
  result.first_position = outcome.first_position;
  result.last_position = outcome.last_position;
  result.repeated = outcome.repeated;
  return result;
}

void CommandRunner::AttachEvents(const std::string& platform, CommandResult* result) {
  if (result->first_position == 0) return;
  // One append: the command's events are contiguous in the platform's log.
  const uint64_t count = result->last_position - result->first_position + 1;
  if (!store_.Read(platform, result->first_position - 1, count, &result->events).ok()) {
    result->events.clear();
  }
}

void CommandRunner::RunAsync(const Caller& caller, const std::string& platform, v1::Command command,
                             bool with_events, Done done) {
  if (Status may = MayRun(caller, platform, command); !may.ok()) return done(std::move(may));
  RunComposedAsync(platform, caller.account_id, std::move(command), with_events, std::move(done));
}

void CommandRunner::RunComposedAsync(const std::string& platform, const std::string& actor,
                                     v1::Command command, bool with_events, Done done) {
  const auto started = std::chrono::steady_clock::now();
  commands_.Submit(
      platform, actor, std::move(command),
      [this, platform, with_events, started, done = std::move(done)](CommandOutcome outcome) {
        auto result = Counted(std::move(outcome), started);
        if (result.ok() && with_events) AttachEvents(platform, &result.value());
        done(std::move(result));
      });
}

}  // namespace rotonde::app
