// `rotonde <verb> [flags]`: finds the verb in a table and hands it the rest of the command line.
// New verbs (serve, demo, admin, ...) are one row in kVerbs and one file of their own.
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "cli.h"

namespace {

struct Verb {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, char** argv);
};

constexpr Verb kVerbs[] = {
    {"verify", "check every event and the whole hash chain of a store", rotonde::cli::RunVerify},
    {"export", "write the platforms' events (or one's) to stdout as NDJSON",
     rotonde::cli::RunExport},
    {"import", "load an NDJSON export's platforms into a store that lacks them",
     rotonde::cli::RunImport},
    {"sample", "write a synthetic log into a new store, to try a store or a disk",
     rotonde::cli::RunSample},
    {"demo", "write the demo neighbourhood \"kolenkit\" into a new store", rotonde::cli::RunDemo},
    {"view", "print a platform's read model as JSON, live or as of a log position",
     rotonde::cli::RunView},
    {"serve", "serve the HTTP API, WebSocket push and web client", rotonde::cli::RunServe},
    {"admin",
     "create-platform: a link that founds a neighbourhood; public-key: the signing key; "
     "add-cluster, move-platform: platforms across PostgreSQL clusters",
     rotonde::cli::RunAdmin},
    {"migrate", "rewrite a data directory of the one-log format, a log per platform",
     rotonde::cli::RunMigrate},
    {"backup", "back up a data directory, also while it is served; incremental",
     rotonde::cli::RunBackup},
    {"restore", "restore a backup into a new data directory, and verify it",
     rotonde::cli::RunRestore},
};

void PrintUsage(std::ostream& out) {
  out << "usage: rotonde <verb> [flags]\n"
         "       rotonde <verb> --help\n\n"
         "verbs:\n";
  for (const Verb& verb : kVerbs) {
    out << "  " << verb.name << std::string(8 - verb.name.size(), ' ') << verb.summary << '\n';
  }
  out << '\n' << rotonde::cli::kExitCodesHelp;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    rotonde::cli::PrintError("no verb given");
    PrintUsage(std::cerr);
    return rotonde::cli::kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return rotonde::cli::kExitOk;
  }
  for (const Verb& verb : kVerbs) {
    if (verb.name != name) continue;
    // Verbs report their own errors; this only keeps an unexpected exception (e.g. out of
    // memory) from ending as an abort with a core dump instead of a one-line error.
    try {
      return verb.run(argc - 1, argv + 1);
    } catch (const std::exception& e) {
      rotonde::cli::PrintError(std::string(name) + ": " + e.what());
      return rotonde::cli::kExitUsage;
    }
  }
  rotonde::cli::PrintError("unknown verb '" + std::string(name) + "'");
  PrintUsage(std::cerr);
  return rotonde::cli::kExitUsage;
}
