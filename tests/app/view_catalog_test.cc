// The view catalog: every view by its wire name on the demo's history, the parameters' errors,
// and the one JSON rendering.
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>
#include <boost/json.hpp>

#include "demo_log.h"
#include "proto_json.h"
#include "rotonde/projections/views.h"
#include "view_catalog.h"

namespace rotonde::app {
namespace {

using test_support::DemoLog;

ViewParams CalendarParams(std::string from, std::string to) {
  ViewParams params;
  params.from = std::move(from);
  params.to = std::move(to);
  return params;
}

TEST(ViewCatalog, NamesAreTheApiPagesInItsOrder) {
  EXPECT_EQ(ViewNames(), (std::vector<std::string>{"board", "calendar", "clashes", "tasks",
                                                   "meetings", "budget", "report", "members",
                                                   "proposals", "inbox", "figures", "history"}));
}

TEST(ViewCatalog, TheInboxIsAMembersOwn) {
  DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const projections::PlatformModel model = demo.Model();
  const auto nobody = BuildView("inbox", {}, model, demo.EventAt());
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.status().code(), "invalid_argument");
  ViewParams bram;
  bram.member = "m-bram";
  const auto built = BuildView("inbox", bram, model, demo.EventAt());
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const auto& inbox = static_cast<const v1::InboxView&>(*built.value());
  // The demo's story: Bram organizes the braderie whose clash was found and merged.
  EXPECT_GT(inbox.items_size(), 0);
  EXPECT_EQ(inbox.unread(), inbox.items_size());
}

TEST(ViewCatalog, EveryViewBuildsOnTheDemoAndReadsBackFromItsJson) {
  DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const projections::PlatformModel model = demo.Model();
  ViewParams params = CalendarParams("2026-01-01", "2026-12-31");
  params.period = "2026";
  params.entity = "kolenkit/initiative/i-braderie-kolenkitplein";
  params.member = "m-bram";
  for (const std::string& name : ViewNames()) {
    SCOPED_TRACE(name);
    const auto built = BuildView(name, params, model, demo.EventAt());
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const auto& view = built.value();
    const std::string json = wire::MessageJson(*view);
    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(json, ec);
    ASSERT_FALSE(ec) << json;
    ASSERT_TRUE(parsed.is_object());
    // Positions inside protobuf messages are strings (64-bit integers in the JSON mapping).
    EXPECT_EQ(parsed.at("position"), boost::json::value(std::to_string(demo.head())));
    // And it reads back as the same message.
    std::unique_ptr<google::protobuf::Message> back(view->New());
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, back.get()).ok());
    EXPECT_EQ(back->SerializeAsString(), view->SerializeAsString());
  }
}

TEST(ViewCatalog, BuildsTheSameMessagesAsTheProjections) {
  DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const projections::PlatformModel model = demo.ModelAt(demo.head() / 2);
  ViewParams params;
  params.period = "2026";
  const auto report = BuildView("report", params, model, demo.EventAt());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ((*report)->SerializeAsString(),
            projections::BuildAccountabilityReport(model, "2026").SerializeAsString());
  const auto board = BuildView("board", params, model, demo.EventAt());
  ASSERT_TRUE(board.ok());
  EXPECT_EQ((*board)->SerializeAsString(), projections::BuildBoard(model).SerializeAsString());
  EXPECT_EQ(dynamic_cast<const v1::BoardView&>(**board).position(), demo.head() / 2);
}

TEST(ViewCatalog, HistoryReadsTheEventsOfTheEntity) {
  DemoLog demo;
  ASSERT_TRUE(demo.ok());
  ViewParams params;
  params.entity = "kolenkit/initiative/i-braderie-kolenkitplein";
  const auto view = BuildView("history", params, demo.Model(), demo.EventAt());
  ASSERT_TRUE(view.ok());
  const auto& history = dynamic_cast<const v1::HistoryView&>(**view);
  ASSERT_GT(history.entries_size(), 1);
  EXPECT_EQ(history.entries(0).type(), "InitiativeProposed");
  EXPECT_TRUE(history.entries(0).has_recorded_at());
  for (const auto& entry : history.entries()) {
    EXPECT_EQ(demo.events().at(entry.position() - 1).type(), entry.type());
  }
}

TEST(ViewCatalog, HistoryWithoutAReaderIsEmptyNotACrash) {
  DemoLog demo;
  ASSERT_TRUE(demo.ok());
  ViewParams params;
  params.entity = "kolenkit/initiative/i-braderie-kolenkitplein";
  const auto view = BuildView("history", params, demo.Model(), {});
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(dynamic_cast<const v1::HistoryView&>(**view).entries_size(), 0);
}

TEST(ViewCatalog, RefusesWhatItCannotBuildWithAStableCode) {
  const projections::PlatformModel model;
  const auto code_of = [&](std::string_view name, const ViewParams& params) {
    const auto view = BuildView(name, params, model, {});
    EXPECT_FALSE(view.ok()) << name;
    if (view.ok()) return std::string();
    EXPECT_FALSE(view.error().message.empty()) << name;
    return view.error().code;
  };
  EXPECT_EQ(code_of("nonsense", {}), "not_found");
  EXPECT_EQ(code_of("Board", {}), "not_found");
  EXPECT_EQ(code_of("", {}), "not_found");
  EXPECT_EQ(code_of("calendar", {}), "invalid_argument");
  EXPECT_EQ(code_of("calendar", CalendarParams("2026-01-01", "")), "invalid_argument");
  EXPECT_EQ(code_of("calendar", CalendarParams("", "2026-01-01")), "invalid_argument");
  EXPECT_EQ(code_of("calendar", CalendarParams("2026-02-30", "2026-03-31")), "invalid_date");
  EXPECT_EQ(code_of("calendar", CalendarParams("2026-01-01", "2026-13-01")), "invalid_date");
  EXPECT_EQ(code_of("calendar", CalendarParams("1 januari", "2026-02-01")), "invalid_date");
  EXPECT_EQ(code_of("calendar", CalendarParams("2026-03-02", "2026-03-01")), "invalid_date");
  // 2028 is a leap year: its 366 days are allowed, one more is not.
  EXPECT_EQ(code_of("calendar", CalendarParams("2028-01-01", "2029-01-01")), "invalid_date");
  EXPECT_EQ(code_of("history", {}), "invalid_argument");

  EXPECT_TRUE(BuildView("calendar", CalendarParams("2028-01-01", "2028-12-31"), model, {}).ok());
  EXPECT_TRUE(BuildView("calendar", CalendarParams("2026-06-13", "2026-06-13"), model, {}).ok());
}

TEST(ViewCatalog, CalendarCoversExactlyTheAskedDays) {
  DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const auto view =
      BuildView("calendar", CalendarParams("2026-06-01", "2026-06-30"), demo.Model(), {});
  ASSERT_TRUE(view.ok());
  const auto& calendar = dynamic_cast<const v1::CalendarView&>(**view);
  EXPECT_EQ(calendar.from(), "2026-06-01");
  EXPECT_EQ(calendar.to(), "2026-06-30");
  ASSERT_GT(calendar.days_size(), 0);
  for (const auto& day : calendar.days()) {
    EXPECT_GE(day.date(), "2026-06-01");
    EXPECT_LE(day.date(), "2026-06-30");
  }
}

}  // namespace
}  // namespace rotonde::app
