#include "view_catalog.h"

#include <algorithm>
#include <optional>

#include "rotonde/projections/dates.h"
#include "rotonde/projections/views.h"

namespace rotonde::app {

namespace {

using ViewMessage = Result<std::unique_ptr<google::protobuf::Message>>;

ViewMessage Fail(std::string_view code, std::string message) {
  return Status(code, std::move(message));
}

ViewMessage BuildCalendarView(const ViewParams& params, const projections::PlatformModel& model) {
  if (params.from.empty() || params.to.empty()) {
    return Fail("invalid_argument",
                "the calendar needs from and to, the first and last day (YYYY-MM-DD)");
  }
  const auto first = projections::ParseIsoDate(params.from);
  const auto last = projections::ParseIsoDate(params.to);
  if (!first || !last) {
    return Fail("invalid_date", "from and to must be dates that exist (YYYY-MM-DD)");
  }
  if (*first > *last) return Fail("invalid_date", "from must not be after to");
  if (*last - *first + 1 > kMaxCalendarDays) {
    return Fail("invalid_date",
                "the calendar spans at most " + std::to_string(kMaxCalendarDays) + " days");
  }
  return std::make_unique<v1::CalendarView>(projections::BuildCalendar(model, *first, *last));
}

// The view's today, if one is given. Views take it as a parameter, so time passing changes
// what they show without an event, and neither the folds nor the catalog read a clock.
Result<std::optional<int32_t>> TodayOf(const ViewParams& params) {
  if (params.today.empty()) return std::optional<int32_t>();
  const auto day = projections::ParseIsoDate(params.today);
  if (!day) return Status("invalid_date", "today must be a date that exists (YYYY-MM-DD)");
  return *day;
}

// A history's entity is a stream of the platform: "<platform>/<kind>[/<id>]", 1-256 visible
// ASCII characters (docs/operations.md, "Limits"). Anything else names no stream, and an
// empty history would say it had none.
Status CheckEntity(std::string_view entity, const std::string& platform) {
  const bool visible =
      std::all_of(entity.begin(), entity.end(), [](char c) { return c > ' ' && c < 0x7f; });
  const std::string prefix = platform + "/";
  const bool ours = platform.empty()
                        ? entity.find('/') != std::string_view::npos
                        : entity.rfind(prefix, 0) == 0 && entity.size() > prefix.size();
  if (entity.size() <= 256 && visible && ours) return Status::Ok();
  const std::string shown = entity.size() <= 256 ? "'" + std::string(entity) + "'"
                                                 : std::to_string(entity.size()) + " bytes";
  return Status("invalid_argument", "entity must be a stream of the platform, e.g. " +
                                        (platform.empty() ? std::string("<platform>") : platform) +
                                        "/initiative/<id>; " + shown + " is none");
}

}  // namespace

Status CheckPeriod(std::string_view period) {
  const bool year = period.size() == 4 && std::all_of(period.begin(), period.end(),
                                                      [](char c) { return c >= '0' && c <= '9'; });
  if (period.empty() || year) return Status::Ok();
  return Status("invalid_argument", "period must be a year (2026), or left out for everything");
}

const std::vector<std::string>& ViewNames() {
  static const std::vector<std::string> names = {"board",     "calendar", "clashes", "tasks",
                                                 "meetings",  "budget",   "report",  "members",
                                                 "proposals", "inbox",    "figures", "history"};
  return names;
}

ViewMessage BuildView(std::string_view name, const ViewParams& params,
                      const projections::PlatformModel& model, const EventReader& event_at) {
  if (name == "board") return std::make_unique<v1::BoardView>(projections::BuildBoard(model));
  if (name == "calendar") return BuildCalendarView(params, model);
  if (name == "clashes" || name == "tasks") {
    auto today = TodayOf(params);
    if (!today.ok()) return today.status();
    if (name == "tasks") {
      return std::make_unique<v1::TasksView>(projections::BuildTasks(model, today.value()));
    }
    return std::make_unique<v1::ClashesView>(projections::BuildClashes(model, today.value()));
  }
  if (name == "meetings") {
    return std::make_unique<v1::MeetingsView>(projections::BuildMeetings(model));
  }
  if (name == "budget") return std::make_unique<v1::BudgetView>(projections::BuildBudget(model));
  if (name == "report") {
    if (Status period = CheckPeriod(params.period); !period.ok()) return period;
    return std::make_unique<v1::AccountabilityReport>(
        projections::BuildAccountabilityReport(model, params.period));
  }
  if (name == "members") return std::make_unique<v1::MembersView>(projections::BuildMembers(model));
  if (name == "proposals") {
    return std::make_unique<v1::ProposalsView>(projections::BuildProposals(model));
  }
  if (name == "inbox") {
    if (params.member.empty()) {
      return Fail("invalid_argument", "the inbox is a member's own: sign in to read it");
    }
    return std::make_unique<v1::InboxView>(
        projections::BuildInbox(model, params.member, params.read));
  }
  if (name == "figures") return std::make_unique<v1::FiguresView>(projections::BuildFigures(model));
  if (name == "history") {
    if (params.entity.empty()) {
      return Fail("invalid_argument",
                  "the history needs entity: an entity's stream, e.g. <platform>/initiative/<id>");
    }
    if (Status entity = CheckEntity(params.entity, model.state().platform_id()); !entity.ok()) {
      return entity;
    }
    // BuildHistory calls the reader for every entry; an empty std::function cannot be called,
    // and with no reader there is nothing to read: the entries are left out.
    const EventReader none = [](uint64_t, v1::EventRecord*) { return false; };
    return std::make_unique<v1::HistoryView>(
        projections::BuildHistory(model, params.entity, event_at ? event_at : none));
  }
  return Fail("not_found", "unknown view '" + std::string(name) + "'");
}

}  // namespace rotonde::app
