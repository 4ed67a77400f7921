// The demo neighbourhood: a fictional, lived-in platform "kolenkit" (Buurtplatform
// Kolenkitbuurt, Amsterdam Nieuw-West), from its founding in February 2026 to the summer being
// planned in May. Its story is data, kolenkit.ndjson (the format is documented at its top),
// embedded in the binary and played command by command through the CommandService, so every
// event in it was decided by the real rules. It shows a newcomer what the product is for:
// members and roles, initiatives of every kind, the seed stories (braderieën joined by consent,
// three give-aways under one canopy, one buurtkrant, the council's action review, the
// buurtbudget, a resident's proposal), and open clashes on the samenwerkingsrotonde.
//
// The people, organisations and events are invented; the streets and places are real.
// Command ids are "demo-0001", "demo-0002", ... and every id is fixed, so two demo stores
// hold the same events (ids, streams, payloads, actors) and differ only in recorded_at and
// the hashes that cover it. recorded_at is the store's clock, as for every event: the story's
// own times ("at" in the script) document it and are not written into the log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_service.h"
#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/v1/domain.pb.h"

namespace rotonde::demo {

// The demo platform's id (its partition in the store).
inline constexpr const char* kDemoPlatform = "kolenkit";

struct DemoMember {
  std::string id;  // "m-anna"
  std::string name;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  bool active = true;  // false for a member who left
};

// What the demo wrote, read back from the folded state.
struct DemoSummary {
  std::string platform_id;
  std::string platform_name;
  uint64_t commands = 0;        // commands handled
  uint64_t events_written = 0;  // events they produced
  std::vector<DemoMember> members;
  size_t initiatives = 0;
  size_t active_initiatives = 0;
  size_t held_initiatives = 0;
  size_t cancelled_initiatives = 0;
  size_t merged_initiatives = 0;
  size_t open_clashes = 0;
  size_t tasks = 0;
  size_t meetings = 0;
  int64_t allocated_cents = 0;
  int64_t spent_cents = 0;
  int64_t balance_cents = 0;

  // When a command was refused: which one and why (the refusal's stable code), so the
  // demo fails naming it instead of writing a platform with a hole in it. A malformed line of
  // the script stops it before anything is written: then only failed_line and refusal_code
  // ("invalid_argument") are set.
  std::string failed_command_id;  // "demo-0042"
  std::string failed_command;     // "ProposeInitiative as m-bram"
  std::string refusal_code;       // "already_exists", or "unavailable" if the store failed
  uint64_t failed_line = 0;       // the script's line of that command, from 1
};

// How the story is told. A story of dates in spring 2026 shown in December would hold only
// the past: no clash still to come, every task overdue. Told as of `today`, its dates move by
// whole weeks (weekdays and ISO weeks stay as written) so that its last step's day falls in
// the week of `today`; its times of day, the texts and the budget's periods stay as written.
struct DemoOptions {
  std::optional<int32_t> today;  // a day number (projections/dates.h); nullopt: as written
};

// The day the story's last step happens (2026-05-31 for kolenkit): told as of this day, the
// story keeps its dates.
int32_t StoryDay(std::string_view script);

// Writes the demo into `store`, which must hold no events at all (else kInvalidArgument and
// nothing is written). A refused command stops the demo: the result is an error naming the
// command and the refusal, and `out` says which (the events of the commands before it stay
// written; the store is then only fit for deleting).
Status WriteDemo(eventstore::EventLog& store, DemoSummary* out, DemoOptions options = {});

// The same through a service that already runs on a store (e.g. a server started with the
// demo): the platform "kolenkit" must hold no events; other platforms are left alone.
Status WriteDemo(app::CommandService& service, DemoSummary* out, DemoOptions options = {});
// The kolenkit story's StoryDay.
int32_t KolenkitStoryDay();

// What WriteDemo does with the kolenkit story, for any script in its format (demo_script.h):
// parses all of it (a malformed line fails with its line number, writing nothing), then plays
// it into the platform "kolenkit", which must hold no events. `name` names the script in
// errors ("kolenkit.ndjson line 12: ...").
Status PlayDemoScript(app::CommandService& service, std::string_view name, std::string_view script,
                      DemoSummary* out, DemoOptions options = {});

}  // namespace rotonde::demo
