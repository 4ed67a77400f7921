// A demo script: a neighbourhood's story as data, one command a line, for the demo player
// (demo_data.h). The format is documented at the top of kolenkit.ndjson, the story it holds:
// comment lines ('#') and blank lines are skipped; every other line is a JSON object
//   {"at": RFC 3339 time, "actor": member id or "", "command": v1::Command in protobuf's
//    canonical JSON mapping, "clashBetween": ["i-a", "i-b"] (optional)}
// Parsing is pure and complete before anything is played: a malformed line fails the whole
// script, naming the line, so a bad edit writes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/v1/commands.pb.h"

namespace rotonde::demo {

// One line of a script that holds a command.
struct ScriptStep {
  uint64_t line = 0;  // its line number in the script, from 1
  std::string at;     // when it happens in the story: RFC 3339, e.g. "2026-03-12T21:45:00+01:00"
  std::string actor;  // who issues the command; "" for a visitor (not a member)
  // Empty, or the two initiatives whose clash the command is about: its clash id is the one
  // the rules derived when they found that clash, known only once the story has run so far.
  std::vector<std::string> clash_between;
  v1::Command command;  // with an empty clash id when clash_between is given
};

// Parses a script. Fails with kInvalidArgument "<name> line <n>: <reason>" at the first line
// that is not a comment, blank, or a well-formed step: a JSON object with exactly the keys
// above (at, actor and command required), `at` an RFC 3339 time with its offset, `command` a
// Command with a command id not used on an earlier line and one command set (unknown fields
// refused), and `clashBetween` two different initiative ids, only on a command that has a
// clash id, which it leaves empty.
Result<std::vector<ScriptStep>> ParseScript(std::string_view name, std::string_view text);

// "ProposeMerge": the name of the command's one command ("Command" if none is set).
std::string CommandName(const v1::Command& command);

// Sets the clash id of `command` (DismissClash, ProposeMerge, AcceptMerge, DeclineMerge);
// false, changing nothing, for a command that has none.
bool SetClashId(v1::Command& command, const std::string& clash_id);

// The kolenkit story (kolenkit.ndjson), embedded in the binary at build time.
std::string_view KolenkitScript();

}  // namespace rotonde::demo
