// The rules of the neighbourhood: decide(command, state) -> events | error.
//
// Decide is pure: a function of the command, who gives it, and the platform's state
// (projections::PlatformState, folded from the platform's events). It changes nothing and
// reads no clock, so every rule is tested as given-events / when-command / then-events, and
// a command decided twice against the same state gives the same answer. The command
// service appends the events (all of them atomically, with the streams' expected versions)
// and folds them back into the state.
//
// A refused command yields a failed Status with a stable lower_snake_case code (listed in
// docs/domain.md) and a message for people; it yields no events.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/projections/platform_state.h"
#include "rotonde/v1/commands.pb.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::commands {

// One event to append, with the stream it belongs to.
struct PlannedEvent {
  std::string stream;
  v1::DomainEvent event;
  // Who caused it: empty for the command's actor; kSystemActor for what the platform itself
  // concludes (a clash it detected, resolved or reopened).
  std::string actor;
};

inline constexpr const char* kSystemActor = "system";

// The events a command produces (none for a command that changes nothing), or its refusal.
using Decision = Result<std::vector<PlannedEvent>>;

struct CommandContext {
  std::string platform;  // the platform the command is addressed to (its partition name)
  std::string actor_id;  // the authenticated member (for JoinPlatform: the joining account)
};

Decision Decide(const v1::Command& command, const CommandContext& context,
                const projections::PlatformState& state);

// The stream a decided event is appended to; also where a command's expected_version
// is checked. E.g. "kbuurt/initiative/i-3f2a".
std::string StreamOf(const CommandContext& context, const v1::DomainEvent& event);

// The event's type as stored in EventRecord.type: the message name of the DomainEvent field
// that is set, e.g. "InitiativeProposed"; "" if none is.
std::string EventTypeName(const v1::DomainEvent& event);

}  // namespace rotonde::commands
