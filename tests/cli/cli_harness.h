// Shared by the CLI tests: temporary directories, running the real `rotonde` binary, and
// filling stores through the event store library.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/eventstore/event_store.h"
#include "temp_dir.h"

namespace rotonde::cli_test {

using test_support::TempDir;

// What one run of the CLI did.
struct CliResult {
  int exit_code = -1;  // the process's exit status, or 128 + signal if a signal ended it
  std::string out;
  std::string err;
};

// Runs the built `rotonde` binary with `args` (not including argv[0]), feeding it `stdin_data`,
// and waits for it to end.
CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_data = "");

// Opens (creating if missing) a writable store in `dir`; throws if it cannot.
std::unique_ptr<eventstore::EventStore> OpenStore(const std::string& dir);

// Appends `count` events to `platform` in `store`, spread over several streams. Every tenth
// payload is empty, others hold non-ASCII UTF-8 text or raw binary bytes; actors are UTF-8.
// Ids are "evt-N" for the platform "kbuurt", "<platform>-evt-N" for others. Throws if an
// append fails.
void Populate(eventstore::EventStore& store, int count, const std::string& platform = "kbuurt");

// All events of `dir`'s store, read through the library (the store must not be open): each
// platform's log in order, platforms in name order (as `rotonde export` writes them).
std::vector<eventstore::EventRecord> ReadEverything(const std::string& dir);

// The lines of `text` without their newlines; `text` must end with one unless it is empty.
std::vector<std::string> Lines(const std::string& text);

// Parses one exported line back into a record (from its body and hashes); throws if it is not
// one.
eventstore::EventRecord ParseLine(const std::string& line);

// `record` as `rotonde export` writes it (without the newline).
std::string ExportLineOf(const eventstore::EventRecord& record);

}  // namespace rotonde::cli_test
