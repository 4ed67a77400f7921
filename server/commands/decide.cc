// Decide: routes a command to its area's decider. StreamOf: where each event belongs.
#include "decide.h"

#include "decide_support.h"

namespace rotonde::commands {
namespace {

// The string field `name` of the message set in `event`'s oneof, or "".
std::string OneofField(const v1::DomainEvent& event, const char* name) {
  const auto* oneof = v1::DomainEvent::descriptor()->FindOneofByName("event");
  const auto* reflection = event.GetReflection();
  const auto* set = reflection->GetOneofFieldDescriptor(event, oneof);
  if (set == nullptr) return {};
  const auto& message = reflection->GetMessage(event, set);
  const auto* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr) return {};
  return message.GetReflection()->GetString(message, field);
}

}  // namespace

std::string EventTypeName(const v1::DomainEvent& event) {
  const auto* oneof = v1::DomainEvent::descriptor()->FindOneofByName("event");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  return field == nullptr ? std::string() : field->message_type()->name();
}

std::string StreamOf(const CommandContext& context, const v1::DomainEvent& event) {
  // Field numbers group the events by entity (see events.proto).
  const int field = static_cast<int>(event.event_case());
  if (field < 10) return projections::PlatformStream(context.platform);
  if (field < 15) {
    return projections::EntityStream(context.platform, "initiative",
                                     OneofField(event, "initiative_id"));
  }
  if (field < 20) {
    return projections::EntityStream(context.platform, "proposal",
                                     OneofField(event, "proposal_id"));
  }
  if (field < 30)
    return projections::EntityStream(context.platform, "task", OneofField(event, "task_id"));
  if (field < 40) {
    return projections::EntityStream(context.platform, "meeting", OneofField(event, "meeting_id"));
  }
  if (field < 50) return projections::EntityStream(context.platform, "budget", "");
  return projections::EntityStream(context.platform, "clash", OneofField(event, "clash_id"));
}

Decision Decide(const v1::Command& command, const CommandContext& context,
                const projections::PlatformState& state) {
  if (auto refusal = CheckId("command_id", command.command_id())) return *refusal;
  const int field = static_cast<int>(command.command_case());
  if (field == 0) return Refuse("unknown_command", "the command names no known command");
  if (field < 20) return DecidePlatform(command, context, state);
  if (field < 30) return DecideInitiatives(command, context, state);
  if (field < 40) return DecideTasks(command, context, state);
  if (field < 50) return DecideMeetings(command, context, state);
  if (field < 60) return DecideBudget(command, context, state);
  return DecideClashes(command, context, state);
}

}  // namespace rotonde::commands
