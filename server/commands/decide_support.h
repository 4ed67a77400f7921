// What the area deciders share: refusing with a code, checking who may act, checking input
// (text, dates, money), deriving ids from command ids, and building the decision.
#pragma once

#include <string>
#include <string_view>

#include "decide.h"

namespace rotonde::commands {

// Documented limits of user text, in bytes of UTF-8.
inline constexpr size_t kMaxNameBytes = 100;
inline constexpr size_t kMaxTitleBytes = 200;
inline constexpr size_t kMaxTextBytes = 5'000;      // descriptions, notes, reasons
inline constexpr size_t kMaxMinutesBytes = 50'000;  // meeting minutes
inline constexpr size_t kMaxIdBytes = 64;
// Money: at most a million euro in one amount.
inline constexpr int64_t kMaxAmountCents = 100'000'000;

// A refused command.
Decision Refuse(std::string code, std::string message);

// Builds a decision event by event.
class DecisionBuilder {
 public:
  explicit DecisionBuilder(const CommandContext& context) : context_(context) {}
  // Adds an event; returns it for filling in. `actor`: see PlannedEvent.
  v1::DomainEvent& Add(std::string actor = {});
  Decision Done() &&;

 private:
  const CommandContext& context_;
  std::vector<PlannedEvent> events_;
};

// Checks return nullopt when fine, or the refusal.
using Check = std::optional<Decision>;

// The actor is an active member with one of the roles that may do this.
Check RequireRole(const projections::PlatformState& state, const CommandContext& context,
                  std::initializer_list<v1::Role> roles, std::string_view what);
// Any active member except an auditor (who reads everything and writes nothing).
Check RequireWriter(const projections::PlatformState& state, const CommandContext& context);
Check RequireFounded(const projections::PlatformState& state);

// Text: valid UTF-8, no control characters (newlines and tabs only where `multiline`),
// within max_bytes, and not blank when required (spaces, including no-break spaces, are
// blank).
Check CheckText(std::string_view field, std::string_view value, size_t max_bytes, bool required,
                bool multiline = false);
// An id given by the client: visible ASCII, no '/', at most kMaxIdBytes.
Check CheckId(std::string_view field, std::string_view value);
// The same for an id the client may leave empty (NewId then derives one).
Check CheckOptionalId(std::string_view field, std::string_view value);
Check CheckDate(std::string_view field, std::string_view value, bool required);
Check CheckTime(std::string_view field, std::string_view value);
Check CheckAmount(std::string_view field, int64_t cents);
// invalid_argument unless the command's expectedVersion is "", "none" or a version number:
// checked before anything else of the command, since it is input, not state.
Check CheckExpectedVersionForm(const v1::Command& command);
// The command's expected_version, if given, against the stream's current version.
Check CheckExpectedVersion(const v1::Command& command, const projections::PlatformState& state,
                           const std::string& stream);

// The id for a new thing: the client's if given (the caller checks it with CheckId first),
// else derived from the command id and `salt`, as "<prefix>-<13 base32 chars>".
std::string NewId(const v1::Command& command, std::string_view given, std::string_view prefix,
                  std::string_view salt = "");

}  // namespace rotonde::commands
