// `rotonde view`: read models as JSON, live and as of an earlier log position.
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include "cli_harness.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde::cli_test {
namespace {

template <typename View>
View Parse(const CliResult& run) {
  View view;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(run.out, &view).ok())
      << run.out << run.err;
  return view;
}

class ViewTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(RunCli({"demo", "--data", dir()}).exit_code, 0); }
  std::string dir() const { return tmp_.Sub("store"); }
  CliResult View(std::vector<std::string> args) {
    std::vector<std::string> all = {"view", "--data", dir(), "--platform", "kolenkit"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all);
  }
  TempDir tmp_;
};

TEST_F(ViewTest, AsOfAPositionShowsThePlatformAsItWasThen) {
  const auto now = Parse<v1::ClashesView>(View({"--view", "clashes"}));
  // The braderie merge: find the clash, then look just before it was merged.
  const v1::ClashSummary* braderie = nullptr;
  for (const auto& c : now.closed()) {
    if (c.initiative_a() == "i-braderie-kolenkitplein") braderie = &c;
  }
  ASSERT_NE(braderie, nullptr);
  EXPECT_EQ(braderie->status(), "merged");
  const auto history = Parse<v1::HistoryView>(
      View({"--view", "history", "--entity", "kolenkit/clash/" + braderie->id()}));
  uint64_t merged_at = 0;
  for (const auto& e : history.entries()) {
    if (e.type() == "InitiativesMerged") merged_at = e.position();
  }
  ASSERT_GT(merged_at, 0u);

  const auto before =
      Parse<v1::BoardView>(View({"--view", "board", "--as-of", std::to_string(merged_at - 1)}));
  const auto after =
      Parse<v1::BoardView>(View({"--view", "board", "--as-of", std::to_string(merged_at)}));
  EXPECT_EQ(before.position(), merged_at - 1);
  auto status_of = [](const v1::BoardView& board, const std::string& id) {
    for (const auto& i : board.initiatives()) {
      if (i.id() == id) return i.status();
    }
    return std::string("missing");
  };
  EXPECT_EQ(status_of(before, "i-braderie-bos-en-lommerweg"), "active");
  EXPECT_EQ(status_of(after, "i-braderie-bos-en-lommerweg"), "merged");
  EXPECT_EQ(status_of(after, "i-braderie-kolenkitplein"), "active");
}

TEST_F(ViewTest, EveryViewRendersAndBadRequestsAreClearErrors) {
  for (const std::string view : {"board", "calendar", "clashes", "tasks", "meetings", "budget",
                                 "report", "members", "figures"}) {
    const CliResult run = View({"--view", view});
    EXPECT_EQ(run.exit_code, 0) << view << ": " << run.err;
    EXPECT_NE(run.out.find("\"position\""), std::string::npos) << view;
  }
  const auto budget = Parse<v1::BudgetView>(View({"--view", "budget"}));
  EXPECT_GE(budget.balance_cents(), 0);
  EXPECT_EQ(budget.balance_cents(), budget.allocated_cents() - budget.spent_cents());

  EXPECT_EQ(View({"--view", "nonsense"}).exit_code, 2);
  EXPECT_EQ(View({"--view", "calendar", "--from", "2026-02-30"}).exit_code, 2);
  EXPECT_EQ(RunCli({"view", "--data", dir(), "--platform", "elders", "--view", "board"}).exit_code,
            2);
  EXPECT_EQ(
      RunCli({"view", "--data", tmp_.Sub("missing"), "--platform", "kolenkit", "--view", "board"})
          .exit_code,
      2);
}

}  // namespace
}  // namespace rotonde::cli_test
