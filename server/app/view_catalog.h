// The view catalog: every read model by its wire name, built from a PlatformModel with the
// parameters the API (docs/api.md, "Reads") and `rotonde view` take, as its protobuf message
// (the wire renders it). Pure: the same model and parameters always give the same message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/message.h>

#include "rotonde/base/status.h"
#include "rotonde/projections/inbox.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/v1/event.pb.h"

namespace rotonde::app {

// What a view may take besides the model. Unused fields are ignored.
struct ViewParams {
  std::string from, to;  // calendar: ISO dates "YYYY-MM-DD", both required, at most 366 days
  std::string period;    // report: "2026", or "" for everything
  std::string entity;    // history: the entity's stream, e.g. "kolenkit/initiative/i-..."
  // clashes, tasks: the day time has reached ("YYYY-MM-DD"): clashes whose days are all
  // before it are past, tasks due before it overdue. "" for none (as the log alone says);
  // Reads gives today in Amsterdam when a caller gives none.
  std::string today;
  // inbox: whose it is (the caller; never taken from a request) and what they have read.
  std::string member;
  projections::InboxReadMarks read;
};

// Reads the log's event at a position; false if it cannot. Views keep positions only (an
// entity's history), and read what happened at each from the log, which never changes.
using EventReader = std::function<bool(uint64_t, v1::EventRecord*)>;

// The longest calendar range, in days (inclusive): a year, leap day included.
inline constexpr int32_t kMaxCalendarDays = 366;

// The view names, in the order docs/api.md lists them: board calendar clashes tasks meetings
// budget report members proposals inbox figures history.
const std::vector<std::string>& ViewNames();

// A report period: "" (everything) or a year of four digits ("2026"); else invalid_argument.
Status CheckPeriod(std::string_view period);

// Builds view `name` of `model` as its protobuf message (v1::BoardView, ...). `event_at` reads
// the log's event at a position (false if it cannot); only "history" calls it, since the model
// keeps positions only. Fails with a stable code of docs/api.md: "not_found" (no view of that
// name), "invalid_argument" (a parameter is missing), "invalid_date" (a calendar date that does
// not exist, a reversed range or one over 366 days).
Result<std::unique_ptr<google::protobuf::Message>> BuildView(
    std::string_view name, const ViewParams& params, const projections::PlatformModel& model,
    const EventReader& event_at);

}  // namespace rotonde::app
