// The helpers every verb shares; see cli.h.
#include "cli.h"
#include "rotonde/eventstore/event_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace rotonde::cli {

namespace po = boost::program_options;

const char kExitCodesHelp[] =
    "exit codes:\n"
    "  0  ok\n"
    "  1  the data failed a check (verify found damage, import refused a record)\n"
    "  2  usage or environment error (unknown verb or flag, store cannot be opened)\n";

void PrintError(std::string_view message) {
  std::string line(message);
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::cerr << "rotonde: " << line << '\n';
}

std::optional<int> ParseFlags(int argc, char** argv, std::string_view usage,
                              po::options_description& flags, po::variables_map* vm) {
  flags.add_options()("help,h", "print this help and exit");
  try {
    // An empty positional description makes stray arguments an error instead of ignored.
    const po::positional_options_description no_positionals;
    po::store(po::command_line_parser(argc, argv).options(flags).positional(no_positionals).run(),
              *vm);
    // Help wins over missing required flags, which only notify() checks.
    if (vm->count("help") != 0) {
      std::cout << usage << '\n' << flags << '\n' << kExitCodesHelp;
      return kExitOk;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    PrintError(e.what());
    std::cerr << usage << '\n' << flags << '\n' << kExitCodesHelp;
    return kExitUsage;
  }
  return std::nullopt;
}

Result<std::unique_ptr<eventstore::EventStore>> OpenStore(const std::string& dir,
                                                          const eventstore::Options& options) {
  // RocksDB's own messages for these cases name internal files (CURRENT, LOCK), and a
  // permission problem would read as "no event store"; say each plainly.
  if (!options.create_if_missing) {
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(dir, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
      return Status::NotFound("no such directory");
    }
    if (ec) return Status::IOError(ec.message());
    if (!std::filesystem::is_directory(status)) return Status::InvalidArgument("not a directory");
    if (::access(dir.c_str(), R_OK | X_OK) != 0) {
      return Status::IOError(std::string("cannot read the directory: ") + std::strerror(errno));
    }
  }
  return eventstore::EventStore::Open(dir, options);
}

KeysForReading OpenKeysForReading(const std::string& dir) {
  KeysForReading out;
  auto keys = privacy::PersonKeys::Open(dir + "/keys", /*read_only=*/true);
  if (keys.ok()) {
    out.keys = std::move(keys.value());
    out.sealed = std::make_unique<privacy::SealedEvents>(*out.keys);
  }
  return out;
}

int ReportOpenFailure(const std::string& dir, const Status& status) {
  PrintError("cannot open store at " + dir + ": " + status.ToString());
  return status.code() == codes::kCorruption ? kExitDamage : kExitUsage;
}

const char* RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_COORDINATOR:
      return "coordinator";
    case v1::ROLE_AUDITOR:
      return "auditor";
    case v1::ROLE_MEMBER:
      return "member";
    default:
      return "-";
  }
}

}  // namespace rotonde::cli
