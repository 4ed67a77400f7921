// The demo player: parses a script (demo_script.h), plays its commands one after another
// through the CommandService as their actors, and reads back what they wrote. The story itself
// is kolenkit.ndjson; nothing here knows it.
#include "demo_data.h"

#include <google/protobuf/message.h>

#include <algorithm>
#include <vector>

#include "demo_script.h"
#include "rotonde/projections/dates.h"

namespace rotonde::demo {
namespace {

using app::CommandOutcome;
using app::CommandService;
using projections::PlatformModel;
using projections::PlatformState;

constexpr std::string_view kKolenkitScriptName = "kolenkit.ndjson";

// The demo platform as the player sees it: the only code here that talks to the service.
class DemoPlatform {
 public:
  explicit DemoPlatform(CommandService& service) : service_(service) {}

  // Whether the platform holds no events yet.
  Result<bool> IsNew() {
    bool is_new = false;
    Status read = service_.Read(
        kDemoPlatform, [&](const PlatformModel& model) { is_new = model.position() == 0; });
    if (!read.ok()) return read;
    return is_new;
  }

  CommandOutcome Handle(const std::string& actor, const v1::Command& command) {
    return service_.Handle(kDemoPlatform, actor, command);
  }

  // The id of the clash the rules found between two initiatives; "" when there is none.
  Result<std::string> ClashBetween(const std::string& a, const std::string& b) {
    std::string id;
    Status read = service_.Read(kDemoPlatform, [&](const PlatformModel& model) {
      if (const auto* clash = model.state().ClashBetween(a, b)) id = clash->id;
    });
    if (!read.ok()) return read;
    return id;
  }

  // Reads the platform's state into `out`.
  Status Summarize(DemoSummary* out);

 private:
  CommandService& service_;
};

void SummarizeState(const PlatformState& state, DemoSummary* out) {
  out->platform_id = state.platform_id();
  out->platform_name = state.name();
  out->members.clear();
  for (const auto& [id, member] : state.members()) {
    out->members.push_back(DemoMember{id, member.name, member.role, member.active});
  }
  out->initiatives = state.initiatives().size();
  for (const auto& [id, initiative] : state.initiatives()) {
    switch (initiative.status) {
      case projections::InitiativeStatus::kActive:
        ++out->active_initiatives;
        break;
      case projections::InitiativeStatus::kHeld:
        ++out->held_initiatives;
        break;
      case projections::InitiativeStatus::kCancelled:
        ++out->cancelled_initiatives;
        break;
      case projections::InitiativeStatus::kMerged:
        ++out->merged_initiatives;
        break;
    }
  }
  for (const auto& [id, clash] : state.clashes()) {
    out->open_clashes += clash.status == projections::ClashStatus::kOpen;
  }
  out->tasks = state.tasks().size();
  out->meetings = state.meetings().size();
  out->allocated_cents = state.budget().allocated_cents;
  out->spent_cents = state.budget().spent_cents;
  out->balance_cents = state.budget().balance_cents();
}

Status DemoPlatform::Summarize(DemoSummary* out) {
  return service_.Read(kDemoPlatform,
                       [&](const PlatformModel& model) { SummarizeState(model.state(), out); });
}

// Plays `steps` in order. The first command that fails stops it: the result names the
// command, its line and the refusal, and so does `out`.
Status Play(DemoPlatform& platform, std::string_view script_name,
            const std::vector<ScriptStep>& steps, DemoSummary* out) {
  for (const ScriptStep& step : steps) {
    const std::string what =
        CommandName(step.command) + " as " + (step.actor.empty() ? "a visitor" : step.actor);
    auto stop = [&](std::string_view code, const std::string& message) {
      out->failed_command_id = step.command.command_id();
      out->failed_command = what;
      out->failed_line = step.line;
      out->refusal_code = std::string(code);
      const bool unavailable = code == "unavailable";
      return Status(unavailable ? codes::kIOError : codes::kInvalidArgument,
                    "demo command " + step.command.command_id() + " (" + what +
                        (unavailable ? ") failed: " : ") was refused: ") + std::string(code) +
                        ": " + message + " (" + std::string(script_name) + " line " +
                        std::to_string(step.line) + ")");
    };

    v1::Command command = step.command;
    if (!step.clash_between.empty()) {
      const std::string& a = step.clash_between[0];
      const std::string& b = step.clash_between[1];
      const Result<std::string> clash = platform.ClashBetween(a, b);
      if (!clash.ok()) return stop("unavailable", clash.status().ToString());
      if (clash->empty()) {
        return stop("clash_not_found", "no clash between " + a + " and " + b +
                                           "; the story needs the clash rules to find one");
      }
      SetClashId(command, *clash);
    }
    const CommandOutcome outcome = platform.Handle(step.actor, command);
    ++out->commands;
    if (!outcome.ok()) return stop(outcome.status.code(), outcome.status.message());
    if (outcome.first_position != 0) {
      out->events_written += outcome.last_position - outcome.first_position + 1;
    }
  }
  return Status::Ok();
}

int32_t FloorDiv(int32_t a, int32_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// The day of the story's latest step (steps step back where a new thread starts).
int32_t LastDay(const std::vector<ScriptStep>& steps) {
  int32_t last = 0;
  for (const ScriptStep& step : steps) {
    if (auto day = projections::ParseIsoDate(std::string_view(step.at).substr(0, 10))) {
      last = std::max(last, *day);
    }
  }
  return last;
}

// Moves every date a command names (start_date, end_date, due_date, date: whatever message
// holds it) by `days`. Reflection, so that a command added to the schema moves too.
void MoveDates(google::protobuf::Message& message, int32_t days) {
  if (days == 0) return;
  const auto* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    using Field = google::protobuf::FieldDescriptor;
    if (field->cpp_type() == Field::CPPTYPE_MESSAGE && !field->is_repeated()) {
      MoveDates(*reflection->MutableMessage(&message, field), days);
    } else if (field->cpp_type() == Field::CPPTYPE_MESSAGE) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        MoveDates(*reflection->MutableRepeatedMessage(&message, field, i), days);
      }
    } else if (field->cpp_type() == Field::CPPTYPE_STRING && !field->is_repeated() &&
               (field->name() == "date" || field->name().ends_with("_date"))) {
      if (auto day = projections::ParseIsoDate(reflection->GetString(message, field))) {
        reflection->SetString(&message, field, projections::FormatIsoDate(*day + days));
      }
    }
  }
}

}  // namespace

Status PlayDemoScript(CommandService& service, std::string_view name, std::string_view script,
                      DemoSummary* out, DemoOptions options) {
  *out = DemoSummary();
  Result<std::vector<ScriptStep>> steps = ParseScript(name, script);
  if (!steps.ok()) {
    out->refusal_code = std::string(steps.status().code());
    if (const ErrorDetail* line = steps.error().Detail("line")) {
      out->failed_line = static_cast<uint64_t>(std::get<int64_t>(line->value));
    }
    return steps.status();
  }
  if (options.today) {
    const int32_t weeks = FloorDiv(*options.today - LastDay(*steps), 7);
    for (ScriptStep& step : *steps) MoveDates(step.command, weeks * 7);
  }
  DemoPlatform platform(service);
  const Result<bool> is_new = platform.IsNew();
  if (!is_new.ok()) return is_new.status();
  if (!*is_new) {
    return Status::InvalidArgument(std::string("platform ") + kDemoPlatform +
                                   " holds events already; the demo needs a new one");
  }
  if (Status played = Play(platform, name, *steps, out); !played.ok()) return played;
  return platform.Summarize(out);
}

Status WriteDemo(CommandService& service, DemoSummary* out, DemoOptions options) {
  return PlayDemoScript(service, kKolenkitScriptName, KolenkitScript(), out, options);
}

int32_t StoryDay(std::string_view script) {
  Result<std::vector<ScriptStep>> steps = ParseScript("script", script);
  return steps.ok() ? LastDay(*steps) : 0;
}

int32_t KolenkitStoryDay() { return StoryDay(KolenkitScript()); }

Status WriteDemo(eventstore::EventLog& store, DemoSummary* out, DemoOptions options) {
  if (!store.Platforms().empty()) {
    *out = DemoSummary();
    return Status::InvalidArgument("the store holds events already; the demo needs an empty one");
  }
  CommandService service(store);
  return WriteDemo(service, out, options);
}

}  // namespace rotonde::demo
