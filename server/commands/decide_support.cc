#include "decide_support.h"

#include <algorithm>

#include "rotonde/base/utf8.h"
#include "rotonde/projections/dates.h"

namespace rotonde::commands {
namespace {

std::string RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_MEMBER:
      return "member";
    case v1::ROLE_COORDINATOR:
      return "coordinator";
    case v1::ROLE_AUDITOR:
      return "auditor";
    case v1::ROLE_ADMIN:
      return "admin";
    default:
      return "none";
  }
}

}  // namespace

Decision Refuse(std::string code, std::string message) { return Status(code, std::move(message)); }

v1::DomainEvent& DecisionBuilder::Add(std::string actor) {
  events_.emplace_back();
  events_.back().actor = std::move(actor);
  return events_.back().event;
}

Decision DecisionBuilder::Done() && {
  for (auto& planned : events_) planned.stream = StreamOf(context_, planned.event);
  return std::move(events_);
}

Check RequireFounded(const projections::PlatformState& state) {
  if (!state.founded()) return Refuse("platform_not_found", "this platform does not exist");
  return std::nullopt;
}

Check RequireRole(const projections::PlatformState& state, const CommandContext& context,
                  std::initializer_list<v1::Role> roles, std::string_view what) {
  if (auto refusal = RequireFounded(state)) return refusal;
  const v1::Role role = state.RoleOf(context.actor_id);
  if (role == v1::ROLE_UNSPECIFIED) {
    return Refuse("not_a_member", "only members of this platform can do this");
  }
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    const std::string name = RoleName(role);
    const char* article = name == "auditor" || name == "admin" ? "an " : "a ";
    return Refuse("forbidden", article + name + " cannot " + std::string(what));
  }
  return std::nullopt;
}

Check RequireWriter(const projections::PlatformState& state, const CommandContext& context) {
  return RequireRole(state, context, {v1::ROLE_MEMBER, v1::ROLE_COORDINATOR, v1::ROLE_ADMIN},
                     "change anything: auditors read everything and write nothing");
}

Check CheckText(std::string_view field, std::string_view value, size_t max_bytes, bool required,
                bool multiline) {
  const std::string name(field);
  if (value.size() > max_bytes) {
    return Refuse("text_too_long", name + " is longer than " + std::to_string(max_bytes) +
                                       " bytes (" + std::to_string(value.size()) + ")");
  }
  bool blank = true;
  for (size_t i = 0; i < value.size();) {
    const utf8::Sequence sequence = utf8::Decode(value, i);
    if (!sequence.valid()) return Refuse("invalid_text", name + " is not valid UTF-8");
    const char32_t c = sequence.code_point;
    if (c < 0x20 || c == 0x7F) {
      if (!(multiline && (c == U'\n' || c == U'\t' || c == U'\r'))) {
        return Refuse("invalid_text", name + " holds a control character");
      }
    } else if (c != U' ' && c != 0xA0) {
      blank = false;  // anything but a space or a no-break space (U+00A0)
    }
    i += sequence.length;
  }
  if (required && blank) return Refuse("missing_field", name + " is required");
  return std::nullopt;
}

Check CheckId(std::string_view field, std::string_view value) {
  if (value.empty()) return Refuse("missing_field", std::string(field) + " is required");
  const bool ok = value.size() <= kMaxIdBytes &&
                  std::all_of(value.begin(), value.end(),
                              [](char c) { return c > 0x20 && c < 0x7F && c != '/'; });
  if (!ok) {
    return Refuse("invalid_argument",
                  std::string(field) + " must be at most 64 visible ASCII characters, no '/'");
  }
  return std::nullopt;
}

Check CheckOptionalId(std::string_view field, std::string_view value) {
  if (value.empty()) return std::nullopt;
  return CheckId(field, value);
}

Check CheckDate(std::string_view field, std::string_view value, bool required) {
  if (value.empty()) {
    if (required) return Refuse("missing_field", std::string(field) + " is required");
    return std::nullopt;
  }
  if (!projections::ParseIsoDate(value)) {
    return Refuse("invalid_date", std::string(field) + " \"" + std::string(value.substr(0, 20)) +
                                      "\" is not a date that exists (YYYY-MM-DD)");
  }
  return std::nullopt;
}

Check CheckTime(std::string_view field, std::string_view value) {
  if (value.empty() || projections::ParseTimeOfDay(value)) return std::nullopt;
  return Refuse("invalid_time", std::string(field) + " must be a time of day, HH:MM");
}

Check CheckAmount(std::string_view field, int64_t cents) {
  if (cents <= 0 || cents > kMaxAmountCents) {
    return Refuse("invalid_amount", std::string(field) +
                                        " must be a positive number of cents, at most " +
                                        std::to_string(kMaxAmountCents));
  }
  return std::nullopt;
}

Check CheckExpectedVersionForm(const v1::Command& command) {
  const std::string& expected = command.expected_version();
  if (expected.empty()) return std::nullopt;
  // "none", or a version as a number in its plain form: anything else is no version at all.
  const bool number =
      expected.size() <= 20 &&
      std::all_of(expected.begin(), expected.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      (expected == "0" || expected[0] != '0');
  if (expected != "none" && !number) {
    return Refuse("invalid_argument", "expectedVersion must be \"\", \"none\" or a version number");
  }
  return std::nullopt;
}

Check CheckExpectedVersion(const v1::Command& command, const projections::PlatformState& state,
                           const std::string& stream) {
  if (command.expected_version().empty()) return std::nullopt;
  if (auto r = CheckExpectedVersionForm(command)) return r;
  const auto current = state.StreamVersion(stream);
  const std::string now = current ? std::to_string(*current) : "none";
  if (command.expected_version() != now) {
    return Refuse("wrong_expected_version", "it changed since you saw it: it is at version " + now +
                                                ", you saw " + command.expected_version());
  }
  return std::nullopt;
}

std::string NewId(const v1::Command& command, std::string_view given, std::string_view prefix,
                  std::string_view salt) {
  if (!given.empty()) return std::string(given);
  // FNV-1a, 64 bits, rendered in base32: short, stable across builds and machines.
  uint64_t hash = 1469598103934665603ull;
  auto mix = [&](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  mix(command.command_id());
  mix("\x1f");
  mix(salt);
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id(prefix);
  id.push_back('-');
  for (int i = 0; i < 13; ++i) {
    id.push_back(kAlphabet[hash & 31]);
    hash >>= 5;
  }
  return id;
}

}  // namespace rotonde::commands
