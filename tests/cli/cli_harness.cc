// See cli_harness.h.
#include "cli_harness.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

#include "event_json.h"
#include "rotonde/base/base64.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/event_store.h"

extern char** environ;

namespace rotonde::cli_test {

namespace fs = std::filesystem;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

}  // namespace

CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_data) {
  // The child's stdin, stdout and stderr are files: no pipes to pump, no deadlock however
  // much it writes.
  const TempDir io;
  const std::string in_path = io.Sub("stdin");
  const std::string out_path = io.Sub("stdout");
  const std::string err_path = io.Sub("stderr");
  WriteFile(in_path, stdin_data);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<std::string> argv_strings = {"rotonde"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawn_error =
      posix_spawn(&pid, ROTONDE_CLI_PATH, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    throw std::runtime_error(std::string("cannot run " ROTONDE_CLI_PATH ": ") +
                             std::strerror(spawn_error));
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  CliResult result;
  result.exit_code =
      WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::unique_ptr<eventstore::EventStore> OpenStore(const std::string& dir) {
  auto store = eventstore::EventStore::Open(dir, eventstore::Options{});
  if (!store.ok())
    throw std::runtime_error("cannot open " + dir + ": " + store.status().ToString());
  return std::move(store).value();
}

void Populate(eventstore::EventStore& store, int count, const std::string& platform) {
  // Streams of two kinds; appends of up to 25 events keep the fsync count low.
  constexpr int kBatch = 25;
  const std::string id_prefix = platform == "kbuurt" ? "evt-" : platform + "-evt-";
  int next = 0;
  while (next < count) {
    const int stream_no = (next / kBatch) % 7;
    const std::string stream =
        platform + (stream_no % 2 == 0 ? "/initiative/i" : "/task/t") + std::to_string(stream_no);
    std::vector<eventstore::NewEvent> events;
    for (int i = 0; i < kBatch && next < count; ++i, ++next) {
      eventstore::NewEvent event;
      event.id = id_prefix + std::to_string(next);
      event.type = "rotonde.v1.InitiativeProposed";
      if (next % 10 == 1) {
        event.payload = std::string("\x00\xff\x80 binary\x7f", 12) + std::to_string(next);
      } else if (next % 10 != 0) {
        event.payload =
            "Straatfeest bij café ‘De Rotonde’ — €12,50, Zoë & Jürgen 🎉 #" + std::to_string(next);
      }
      event.actor = next % 3 == 0 ? "zoë" : "system";
      event.correlation_id = "cmd-" + std::to_string(next / kBatch);
      events.push_back(std::move(event));
    }
    const eventstore::AppendResult result =
        store.Append(stream, eventstore::ExpectedVersion::Any(), std::move(events));
    if (!result.ok()) throw std::runtime_error("append failed: " + result.status.ToString());
  }
}

std::vector<eventstore::EventRecord> ReadEverything(const std::string& dir) {
  auto store = OpenStore(dir);
  std::vector<eventstore::EventRecord> all;
  for (const std::string& platform : store->Platforms()) {
    for (uint64_t after = 0;;) {
      std::vector<eventstore::EventRecord> page;
      if (Status s = store->Read(platform, after, 1000, &page); !s.ok()) {
        throw std::runtime_error("Read(" + platform + ") failed: " + s.ToString());
      }
      if (page.empty()) break;
      after = page.back().position();
      all.insert(all.end(), page.begin(), page.end());
    }
  }
  return all;
}

std::vector<std::string> Lines(const std::string& text) {
  if (!text.empty() && text.back() != '\n') throw std::runtime_error("output lacks final newline");
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

eventstore::EventRecord ParseLine(const std::string& line) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(line, ec);
  const boost::json::object* object = ec ? nullptr : value.if_object();
  auto text = [&](std::string_view key) -> std::string {
    const boost::json::value* field = object == nullptr ? nullptr : object->if_contains(key);
    if (field == nullptr || !field->is_string()) {
      throw std::runtime_error("no " + std::string(key) + " in export line: " + line);
    }
    return std::string(field->as_string());
  };
  eventstore::EventRecord record;
  const auto body = BytesOfBase64(text("body"));
  const auto prev_hash = BytesOfLowerHex(text("prevHash"), 32);
  const auto hash = BytesOfLowerHex(text("hash"), 32);
  if (!body || !record.ParseFromString(*body) || !prev_hash || !hash) {
    throw std::runtime_error("not an export line: " + line);
  }
  record.set_prev_hash(*prev_hash);
  record.set_hash(*hash);
  return record;
}

std::string ExportLineOf(const eventstore::EventRecord& record) {
  return wire::EventJson(record, projections::KeylessOpener(), eventstore::EventBody(record));
}

}  // namespace rotonde::cli_test
