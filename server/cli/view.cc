// `rotonde view --data DIR --platform P --view NAME [--as-of POS] ...`: a platform's read
// model as JSON, live or as it was at any log position (the auditor's replay: the same fold
// on a prefix of the log).
#include <google/protobuf/util/json_util.h>

#include <iostream>
#include <string>

#include "cli.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/platform_model.h"
#include "view_catalog.h"

namespace rotonde::cli {

namespace {

constexpr char kUsage[] =
    "usage: rotonde view --data DIR --platform P --view NAME [--as-of POS] [flags]\n\n"
    "Prints a read model of platform P as JSON (protobuf JSON mapping), built by folding the\n"
    "platform's events; with --as-of, only the events up to that log position: the platform\n"
    "as it was then. NAME is one of: board, calendar (--from, --to), clashes, tasks, meetings,\n"
    "budget, report (--period), members, figures, history (--entity STREAM).\n"
    "Opens the store read-only: safe next to a running server.\n";

}  // namespace

int RunView(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string dir, platform, view, period, entity, from = "2026-01-01", to = "2026-12-31";
  uint64_t as_of = UINT64_MAX;
  po::options_description flags("flags");
  flags.add_options()("data", po::value(&dir)->required()->value_name("DIR"),
                      "the store's directory")(
      "platform", po::value(&platform)->required()->value_name("P"), "the platform, e.g. kolenkit")(
      "view", po::value(&view)->required()->value_name("NAME"), "which read model")(
      "as-of", po::value(&as_of)->value_name("POS"), "fold only events up to this log position")(
      "from", po::value(&from)->value_name("DATE"), "calendar: first day (YYYY-MM-DD)")(
      "to", po::value(&to)->value_name("DATE"), "calendar: last day (at most a year on)")(
      "period", po::value(&period)->value_name("PERIOD"), "report: e.g. 2026 (default: all)")(
      "entity", po::value(&entity)->value_name("STREAM"),
      "history: e.g. kolenkit/initiative/i-...");
  po::variables_map vm;
  if (auto exit_code = ParseFlags(argc, argv, kUsage, flags, &vm)) return *exit_code;

  eventstore::Options options;
  options.read_only = true;
  options.create_if_missing = false;
  auto store = OpenStore(dir, options);
  if (!store.ok()) return ReportOpenFailure(dir, store.status());

  const KeysForReading keys = OpenKeysForReading(dir);
  projections::PlatformModel model(&keys.opener());
  std::vector<eventstore::EventRecord> page;
  for (uint64_t after = 0;;) {
    if (Status s = (*store)->Read(platform, after, 4096, &page); !s.ok()) {
      PrintError("view: cannot read the log: " + s.ToString());
      return kExitUsage;
    }
    for (const auto& record : page) {
      if (record.position() <= as_of) model.Apply(record);
    }
    if (page.size() < 4096 || page.back().position() >= as_of) break;
    after = page.back().position();
  }
  if (!model.state().founded()) {
    PrintError("view: no platform " + platform + (as_of != UINT64_MAX ? " at that position" : ""));
    return kExitUsage;
  }

  auto event_at = [&](uint64_t position, v1::EventRecord* record) {
    std::vector<eventstore::EventRecord> one;
    if (!(*store)->Read(platform, position - 1, 1, &one).ok() || one.empty()) return false;
    *record = std::move(one[0]);
    return true;
  };
  app::ViewParams params;
  params.from = from;
  params.to = to;
  params.period = period;
  params.entity = entity;
  const auto out = app::BuildView(view, params, model, event_at);
  if (!out.ok()) {
    PrintError("view: " + out.status().message());
    if (out.status().code() == "not_found") std::cerr << kUsage;
    return kExitUsage;
  }
  google::protobuf::util::JsonPrintOptions json;
  json.add_whitespace = true;
  json.always_print_primitive_fields = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(**out, &text, json).ok()) {
    PrintError("view: cannot render the view as JSON");
    return kExitUsage;
  }
  std::cout << text;
  return kExitOk;
}

}  // namespace rotonde::cli
