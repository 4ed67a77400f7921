// `rotonde admin add-cluster NAME URL --store HOME_URL`,
// `rotonde admin move-platform P --to CLUSTER --store HOME_URL` and
// `rotonde admin unfreeze-platform P --store HOME_URL`: the directory of platforms
// across PostgreSQL clusters (eventstore's pg_directory.h), kept in the home cluster that
// every server's --store names.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.h"
#include "rotonde/base/hex.h"
#include "rotonde/eventstore/pg_directory.h"

namespace rotonde::cli {

namespace {

constexpr char kAddClusterUsage[] =
    "usage: rotonde admin add-cluster NAME URL --store HOME_URL\n\n"
    "Names another PostgreSQL cluster (URL: a libpq URL, as --store takes) in the directory\n"
    "kept in the home cluster HOME_URL, so platforms can be moved there and servers started\n"
    "with `rotonde serve --store HOME_URL --cluster NAME` serve them. Given again, it changes\n"
    "the cluster's URL. The home cluster itself is named \"home\".\n";

constexpr char kMoveUsage[] =
    "usage: rotonde admin move-platform P --to CLUSTER --store HOME_URL\n\n"
    "Moves platform P's log to CLUSTER (a name from add-cluster, or \"home\"): freezes P\n"
    "(servers answer its commands 503 unavailable, to retry shortly), waits for an append in\n"
    "flight, copies its events with their stored bytes, checks the head position and hash\n"
    "on both sides and verifies the copy, switches the directory, unfreezes, and removes P\n"
    "from the source cluster. Positions and hashes are unchanged: clients resume by\n"
    "position. Interrupted, it can be run again; it prints what it moved.\n";

// Parses a task's `flags` and its positional arguments, each required, into `args` in order.
// Returns the exit code when the task must stop now: kExitOk after printing help, kExitUsage
// after printing the error and `usage`; nullopt when every value is set.
std::optional<int> ParseTask(int argc, char** argv, const std::string& task, const char* usage,
                             boost::program_options::options_description& flags,
                             const std::vector<std::pair<const char*, std::string*>>& args) {
  namespace po = boost::program_options;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::cout << usage << '\n' << flags << '\n' << kExitCodesHelp;
      return kExitOk;
    }
  }
  po::options_description hidden;
  po::positional_options_description positional;
  for (const auto& [name, value] : args) {
    hidden.add_options()(name, po::value(value)->required());
    positional.add(name, 1);
  }
  po::options_description all;
  all.add(flags).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    PrintError("admin " + task + ": " + e.what());
    std::cerr << usage;
    return kExitUsage;
  }
  return std::nullopt;
}

bool IsPostgresUrl(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// Opens the directory in the home cluster; prints why not.
std::unique_ptr<eventstore::PgDirectory> OpenDirectory(const std::string& verb,
                                                       const std::string& home) {
  if (!IsPostgresUrl(home)) {
    PrintError("admin " + verb + ": --store is the home cluster's PostgreSQL URL");
    return nullptr;
  }
  auto directory = eventstore::PgDirectory::Open(home);
  if (!directory.ok()) {
    // Not the URL in the message: it may hold a password.
    PrintError("admin " + verb +
               ": cannot open the directory in the home cluster: " + directory.status().ToString());
    return nullptr;
  }
  return std::move(directory.value());
}

constexpr char kUnfreezeUsage[] =
    "usage: rotonde admin unfreeze-platform P --store HOME_URL\n\n"
    "Gives platform P back to the cluster the directory names for it, after a move that\n"
    "stopped before it switched (a move that cannot finish, e.g. the target holds another\n"
    "log of P): its directory entry and its head row there unfrozen, its servers take its\n"
    "commands again. A copy the move left in the target stays there, unused.\n";

}  // namespace

int RunAddCluster(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string name, url, home;
  po::options_description flags("flags");
  flags.add_options()("store", po::value(&home)->required()->value_name("HOME_URL"),
                      "the home cluster, where the directory is kept");
  if (auto exit_code = ParseTask(argc, argv, "add-cluster", kAddClusterUsage, flags,
                                 {{"name", &name}, {"url", &url}})) {
    return *exit_code;
  }
  if (!IsPostgresUrl(url)) {
    PrintError("admin add-cluster: URL is a PostgreSQL URL, postgresql://...");
    return kExitUsage;
  }
  auto directory = OpenDirectory("add-cluster", home);
  if (!directory) return kExitUsage;
  if (Status s = directory->AddCluster(name, url); !s.ok()) {
    PrintError("admin add-cluster: " + s.ToString());
    return kExitUsage;
  }
  std::cout << "cluster " << name << " added\n";
  return kExitOk;
}

int RunMovePlatform(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string platform, to, home;
  po::options_description flags("flags");
  flags.add_options()("to", po::value(&to)->required()->value_name("CLUSTER"),
                      "the cluster to move it to")(
      "store", po::value(&home)->required()->value_name("HOME_URL"),
      "the home cluster, where the directory is kept");
  if (auto exit_code =
          ParseTask(argc, argv, "move-platform", kMoveUsage, flags, {{"platform", &platform}})) {
    return *exit_code;
  }
  auto directory = OpenDirectory("move-platform", home);
  if (!directory) return kExitUsage;
  eventstore::MoveReport report;
  const auto started = std::chrono::steady_clock::now();
  if (Status s = directory->MovePlatform(platform, to, &report); !s.ok()) {
    PrintError("admin move-platform: " + s.ToString());
    return s.code() == codes::kCorruption ? kExitDamage : kExitUsage;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::cout << "moved " << platform << " from " << report.from << " to " << report.to << ": "
            << report.events << " events copied, head " << report.position << " "
            << HexOf(report.hash) << " on both sides; frozen for " << report.frozen_for.count()
            << " ms, " << took.count() << " ms in all\n";
  return kExitOk;
}

int RunUnfreezePlatform(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string platform, home;
  po::options_description flags("flags");
  flags.add_options()("store", po::value(&home)->required()->value_name("HOME_URL"),
                      "the home cluster, where the directory is kept");
  if (auto exit_code = ParseTask(argc, argv, "unfreeze-platform", kUnfreezeUsage, flags,
                                 {{"platform", &platform}})) {
    return *exit_code;
  }
  auto directory = OpenDirectory("unfreeze-platform", home);
  if (!directory) return kExitUsage;
  auto entry = directory->Lookup(platform);
  if (Status s = entry.ok() ? directory->Unfreeze(platform) : entry.status(); !s.ok()) {
    PrintError("admin unfreeze-platform: " + s.ToString());
    return kExitUsage;
  }
  std::cout << platform << " is served in cluster " << entry->cluster << " again\n";
  return kExitOk;
}

}  // namespace rotonde::cli
