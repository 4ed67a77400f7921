// `rotonde demo --data DIR`: writes the demo neighbourhood (server/demo/demo_data.h) into a
// new store, through the same rules and command service the server uses, and says what it
// wrote and who is who, so a newcomer can start the server on it and find their way.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "cli.h"
#include "command_service.h"
#include "demo_data.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/dates.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde demo --data DIR [--today YYYY-MM-DD]\n\n"
    "Creates a store in DIR (which must hold no events) and writes the demo neighbourhood\n"
    "\"kolenkit\" into it: a fictional Buurtplatform Kolenkitbuurt with members, initiatives,\n"
    "tasks, meetings, a buurtbudget and clashes, from March to June 2026. Every event is\n"
    "decided by the platform's own rules; a command they refuse stops the demo (exit 1).\n"
    "Prints what was written and the members' ids and names.\n";

// "EUR 5750.00"; the summary is for a terminal, in the log's own unit, not a locale.
std::string Money(int64_t cents) {
  std::ostringstream out;
  out << "EUR " << cents / 100 << '.' << std::setw(2) << std::setfill('0') << cents % 100;
  return out.str();
}

void PrintSummary(const std::string& dir, const demo::DemoSummary& s) {
  size_t active_members = 0;
  size_t name_width = 0;
  size_t id_width = 0;
  for (const auto& m : s.members) {
    active_members += m.active;
    name_width = std::max(name_width, m.name.size());
    id_width = std::max(id_width, m.id.size());
  }
  std::cout << "wrote the demo platform \"" << s.platform_id << "\" (" << s.platform_name
            << ") into " << dir << "\n"
            << "  events written:  " << s.events_written << " (from " << s.commands
            << " commands)\n"
            << "  members:         " << s.members.size() << " (" << active_members << " active)\n"
            << "  initiatives:     " << s.initiatives << " (" << s.active_initiatives << " active, "
            << s.held_initiatives << " held, " << s.merged_initiatives << " merged, "
            << s.cancelled_initiatives << " cancelled)\n"
            << "  open clashes:    " << s.open_clashes << "\n"
            << "  tasks:           " << s.tasks << "\n"
            << "  meetings:        " << s.meetings << "\n"
            << "  buurtbudget:     " << Money(s.allocated_cents) << " allocated, "
            << Money(s.spent_cents) << " spent, balance " << Money(s.balance_cents) << "\n\n"
            << "who is who (member id, name, role):\n";
  for (const auto& m : s.members) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(id_width)) << m.id << "  "
              << std::setw(static_cast<int>(name_width)) << m.name << "  " << RoleName(m.role)
              << (m.active ? "" : " (left the platform)") << '\n';
  }
}

}  // namespace

int RunDemo(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir;
  std::string today;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory (created if missing; must hold no events)")(
      "today", po::value(&today)->value_name("YYYY-MM-DD"),
      "tell the story as of this day: its dates move by whole weeks (default: as written, "
      "ending in May 2026)");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;

  demo::DemoOptions told;
  if (!today.empty()) {
    told.today = projections::ParseIsoDate(today);
    if (!told.today) {
      PrintError("demo: --today must be a date that exists, YYYY-MM-DD");
      return kExitUsage;
    }
  }
  eventstore::Options options;
  auto store = OpenStore(dir, options);
  if (!store.ok()) return ReportOpenFailure(dir, store.status());
  if (!(*store)->Platforms().empty()) {
    PrintError("demo: the store at " + dir + " is not empty; use a new directory");
    return kExitUsage;
  }
  auto keys = privacy::PersonKeys::Open(dir + "/keys");
  if (!keys.ok()) return ReportOpenFailure(dir + "/keys", keys.status());
  const privacy::SealedEvents sealed(**keys);
  app::CommandService service(**store);
  service.SetPrivacy(&sealed);
  demo::DemoSummary summary;
  const Status written = demo::WriteDemo(service, &summary, told);
  if (!written.ok()) {
    PrintError("demo: " + written.message());
    // A refused command means the demo and the rules disagree: the data failed a check.
    // Anything else (the disk, the store) is the environment.
    const bool refused = !summary.refusal_code.empty() && summary.refusal_code != "unavailable";
    return refused ? kExitDamage : kExitUsage;
  }
  PrintSummary(dir, summary);
  return kExitOk;
}

}  // namespace rotonde::cli
