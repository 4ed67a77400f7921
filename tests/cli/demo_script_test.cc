// The demo as data: the script format (demo_script.h) refuses every malformed line naming it,
// the player finds clashes by the initiatives they are between and stops at the first
// command it cannot get through, and the kolenkit story in the binary is the one in the
// source tree.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "cli_harness.h"
#include "command_service.h"
#include "demo_data.h"
#include "demo_script.h"
#include "rotonde/projections/dates.h"

namespace rotonde::demo {
namespace {

using cli_test::OpenStore;
using cli_test::ReadEverything;
using cli_test::TempDir;

constexpr char kFound[] =
    R"({"at":"2026-02-02T19:30:00+01:00","actor":"m-anna","command":{"commandId":"c-1",)"
    R"("foundPlatform":{"platformId":"kolenkit","name":"Buurtplatform","neighbourhood":"Kolenkit",)"
    R"("founderName":"Anna"}}})";
constexpr char kInviteBram[] =
    R"({"at":"2026-02-02T19:40:00+01:00","actor":"m-anna","command":{"commandId":"c-2",)"
    R"("inviteMember":{"inviteId":"inv-bram","role":"ROLE_MEMBER"}}})";
constexpr char kBramJoins[] =
    R"({"at":"2026-02-03T09:00:00+01:00","actor":"m-bram","command":{"commandId":"c-3",)"
    R"("joinPlatform":{"inviteId":"inv-bram","displayName":"Bram"}}})";
constexpr char kAnnasBraderie[] =
    R"({"at":"2026-05-01T10:00:00+02:00","actor":"m-anna","command":{"commandId":"c-4",)"
    R"("proposeInitiative":{"initiativeId":"i-plein","kind":"INITIATIVE_KIND_STREET_MARKET",)"
    R"("title":"Braderie op het plein","when":{"startDate":"2026-06-13"},)"
    R"("place":{"text":"Kolenkitplein","locationId":"kolenkitplein"}}}})";
// On Anna's day and place: a clash.
constexpr char kBramsBraderie[] =
    R"({"at":"2026-05-02T10:00:00+02:00","actor":"m-bram","command":{"commandId":"c-5",)"
    R"("proposeInitiative":{"initiativeId":"i-weg","kind":"INITIATIVE_KIND_STREET_MARKET",)"
    R"("title":"Zomerbraderie","when":{"startDate":"2026-06-13"},)"
    R"("place":{"text":"Kolenkitplein","locationId":"kolenkitplein"}}}})";
// Months later and elsewhere: no clash.
constexpr char kBramsAutumnMarket[] =
    R"({"at":"2026-05-02T10:00:00+02:00","actor":"m-bram","command":{"commandId":"c-5",)"
    R"("proposeInitiative":{"initiativeId":"i-weg","kind":"INITIATIVE_KIND_STREET_MARKET",)"
    R"("title":"Herfstmarkt","when":{"startDate":"2026-10-03"},"place":{"text":"Erasmuspark"}}}})";
constexpr char kAnnaProposesTheMerge[] =
    R"({"at":"2026-05-03T10:00:00+02:00","actor":"m-anna","clashBetween":["i-plein","i-weg"],)"
    R"("command":{"commandId":"c-6","proposeMerge":{"survivingInitiativeId":"i-plein"}}})";
constexpr char kBramAccepts[] =
    R"({"at":"2026-05-03T12:00:00+02:00","actor":"m-bram","clashBetween":["i-weg","i-plein"],)"
    R"("command":{"commandId":"c-7","acceptMerge":{}}})";

std::string Script(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

TEST(DemoScript, ReadsStepsAndSkipsCommentsAndBlankLines) {
  const std::string text = "# The story.\n\n" + std::string(kFound) + "\n   # indented\r\n" +
                           kAnnaProposesTheMerge;  // the last line without its newline
  const auto steps = ParseScript("test.ndjson", text);
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  ASSERT_EQ(steps->size(), 2u);
  const ScriptStep& found = (*steps)[0];
  EXPECT_EQ(found.line, 3u);
  EXPECT_EQ(found.at, "2026-02-02T19:30:00+01:00");
  EXPECT_EQ(found.actor, "m-anna");
  EXPECT_EQ(found.command.command_id(), "c-1");
  EXPECT_EQ(found.command.found_platform().founder_name(), "Anna");
  EXPECT_TRUE(found.clash_between.empty());
  const ScriptStep& merge = (*steps)[1];
  EXPECT_EQ(merge.line, 5u);
  EXPECT_EQ(merge.clash_between, (std::vector<std::string>{"i-plein", "i-weg"}));
  EXPECT_EQ(merge.command.propose_merge().surviving_initiative_id(), "i-plein");
  EXPECT_EQ(merge.command.propose_merge().clash_id(), "");
  EXPECT_EQ(CommandName(merge.command), "ProposeMerge");
}

TEST(DemoScript, AMalformedLineFailsNamingItsLineAndWhy) {
  const std::string step_start = R"({"at":"2026-02-02T20:00:00+01:00","actor":"m-anna",)";
  const std::string claim = R"("command":{"commandId":"c-2","claimTask":{"taskId":"t-1"}})";
  const std::string accept = R"("command":{"commandId":"c-2","acceptMerge":{"clashId":"c-x"}})";
  struct Case {
    std::string line;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {R"({"at":)", "not JSON"},
      {R"(["at"])", "not a JSON object"},
      {step_start + claim + R"(,"when":1})", "unknown key \"when\""},
      {R"({"actor":"m-anna",)" + claim + "}", "\"at\" is missing"},
      {R"({"at":"yesterday","actor":"m-anna",)" + claim + "}", "\"at\" is not an RFC 3339 time"},
      {R"({"at":"2026-02-02T20:00:00","actor":"m-anna",)" + claim + "}",
       "\"at\" is not an RFC 3339 time"},
      {R"({"at":"2026-02-02T20:00:00Z","actor":7,)" + claim + "}", "\"actor\" is not a string"},
      {R"({"at":"2026-02-02T20:00:00Z","command":{"commandId":"c-2"}})", "\"actor\" is missing"},
      {step_start + R"("command":"claimTask"})", "\"command\" is missing or not an object"},
      {step_start + R"("command":{"commandId":"c-2","claimTask":{"taskID":"t-1"}}})",
       "\"command\" is not a Command"},
      {step_start + R"("command":{"claimTask":{"taskId":"t-1"}}})", "no commandId"},
      {step_start + R"("command":{"commandId":"c-2"}})", "c-2 asks for nothing"},
      {step_start + R"("command":{"commandId":"c-1","claimTask":{"taskId":"t-1"}}})",
       "the command id c-1 is used on line 2 already"},
      {step_start + R"("clashBetween":["i-a","i-b"],)" + claim + "}",
       "\"clashBetween\" on ClaimTask, which names no clash"},
      {step_start + R"("clashBetween":["i-a","i-b"],)" + accept + "}", "give one"},
      {step_start + R"("clashBetween":["i-a"],)" + claim + "}", "not two initiative ids"},
      {step_start + R"("clashBetween":["i-a","i-a"],)" + claim + "}",
       "not two different initiative ids"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    const auto parsed = ParseScript("test.ndjson", Script({"# a comment", kFound, c.line}));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), codes::kInvalidArgument);
    const std::string& message = parsed.status().message();
    EXPECT_EQ(message.rfind("test.ndjson line 3: ", 0), 0u) << message;
    EXPECT_NE(message.find(c.reason), std::string::npos) << message;
    const ErrorDetail* line = parsed.error().Detail("line");
    ASSERT_NE(line, nullptr);
    EXPECT_EQ(std::get<int64_t>(line->value), 3);
  }
}

TEST(DemoScript, TheStoryInTheBinaryIsTheFileInTheSourceTree) {
  std::ifstream in(ROTONDE_DEMO_SCRIPT_PATH, std::ios::binary);
  ASSERT_TRUE(in) << ROTONDE_DEMO_SCRIPT_PATH;
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(KolenkitScript(), file);
  const auto steps = ParseScript("kolenkit.ndjson", KolenkitScript());
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  EXPECT_GT(steps->size(), 200u);
}

class DemoPlayerTest : public ::testing::Test {
 protected:
  // Plays `lines` into a new store; the store stays for reading afterwards.
  Status Play(const std::vector<std::string>& lines, DemoOptions options = {}) {
    auto store = OpenStore(tmp_.Sub("store"));
    app::CommandService service(*store);
    return PlayDemoScript(service, "test.ndjson", Script(lines), &summary_, options);
  }
  size_t EventsWritten() const { return ReadEverything(tmp_.Sub("store")).size(); }
  // The platform as a fresh service folds it from the store, as a restarted server would.
  projections::PlatformState State() const {
    auto store = OpenStore(tmp_.Sub("store"));
    app::CommandService service(*store);
    projections::PlatformState state;
    EXPECT_TRUE(service
                    .Read(kDemoPlatform,
                          [&](const projections::PlatformModel& model) { state = model.state(); })
                    .ok());
    return state;
  }

  TempDir tmp_;
  DemoSummary summary_;
};

TEST_F(DemoPlayerTest, FindsAClashByTheInitiativesItIsBetween) {
  const Status played = Play({kFound, kInviteBram, kBramJoins, kAnnasBraderie, kBramsBraderie,
                              kAnnaProposesTheMerge, kBramAccepts});
  ASSERT_TRUE(played.ok()) << played.ToString();
  EXPECT_EQ(summary_.commands, 7u);
  EXPECT_EQ(summary_.events_written, EventsWritten());
  EXPECT_EQ(summary_.merged_initiatives, 1u);
  EXPECT_EQ(summary_.failed_line, 0u);
  const auto state = State();
  ASSERT_NE(state.Initiative("i-weg"), nullptr);
  EXPECT_EQ(state.Initiative("i-weg")->merged_into, "i-plein");
}

// A story told as of a later day moves by whole weeks: its last step's day falls in the week
// of that day, weekdays stay, and what clashed then clashes now.
TEST_F(DemoPlayerTest, ToldAsOfAnotherDayItsDatesMoveByWholeWeeks) {
  const auto day = [](const char* date) { return *projections::ParseIsoDate(date); };
  EXPECT_EQ(StoryDay(Script({kFound, kAnnasBraderie, kBramsBraderie})), day("2026-05-02"));
  // 2026-05-02 + 31 weeks = 2026-12-05, the Saturday before Monday 7 December.
  const Status played = Play({kFound, kInviteBram, kBramJoins, kAnnasBraderie, kBramsBraderie,
                              kAnnaProposesTheMerge, kBramAccepts},
                             DemoOptions{day("2026-12-07")});
  ASSERT_TRUE(played.ok()) << played.ToString();
  const auto state = State();
  ASSERT_NE(state.Initiative("i-plein"), nullptr);
  EXPECT_EQ(state.Initiative("i-plein")->when.start_date(), "2027-01-16");  // 2026-06-13 + 217
  EXPECT_EQ(projections::Weekday(day("2027-01-16")), 5) << "a Saturday, as written";
  EXPECT_EQ(state.Initiative("i-weg")->merged_into, "i-plein");
  EXPECT_EQ(KolenkitStoryDay(), day("2026-05-31"));
}

TEST_F(DemoPlayerTest, StopsAtAClashTheRulesDidNotFindNamingTheLine) {
  const Status played =
      Play({kFound, kInviteBram, kBramJoins, kAnnasBraderie, "# no clash:", kBramsAutumnMarket,
            kAnnaProposesTheMerge, kBramAccepts});
  EXPECT_EQ(played.code(), codes::kInvalidArgument);
  EXPECT_EQ(played.message(),
            "demo command c-6 (ProposeMerge as m-anna) was refused: clash_not_found: no clash "
            "between i-plein and i-weg; the story needs the clash rules to find one "
            "(test.ndjson line 7)");
  EXPECT_EQ(summary_.failed_command_id, "c-6");
  EXPECT_EQ(summary_.failed_command, "ProposeMerge as m-anna");
  EXPECT_EQ(summary_.failed_line, 7u);
  EXPECT_EQ(summary_.refusal_code, "clash_not_found");
  EXPECT_EQ(summary_.commands, 5u);
  EXPECT_EQ(summary_.events_written, EventsWritten());  // what came before stays written
  EXPECT_GT(summary_.events_written, 0u);
}

TEST_F(DemoPlayerTest, StopsAtTheFirstCommandTheRulesRefuseNamingTheLine) {
  // Bram proposes before he is a member.
  const Status played = Play({kFound, kBramsBraderie, kInviteBram, kBramJoins});
  EXPECT_EQ(played.code(), codes::kInvalidArgument);
  EXPECT_EQ(
      played.message().rfind("demo command c-5 (ProposeInitiative as m-bram) was refused: ", 0), 0u)
      << played.message();
  EXPECT_NE(played.message().find(" (test.ndjson line 2)"), std::string::npos) << played.message();
  EXPECT_EQ(summary_.failed_command_id, "c-5");
  EXPECT_EQ(summary_.failed_line, 2u);
  EXPECT_FALSE(summary_.refusal_code.empty());
  EXPECT_NE(summary_.refusal_code, "unavailable");
  EXPECT_EQ(summary_.commands, 2u);
  EXPECT_EQ(EventsWritten(), 1u);  // the founding
}

TEST_F(DemoPlayerTest, AMalformedLineWritesNothing) {
  const Status played = Play({kFound, kInviteBram, R"({"at":"2026-02-03T09:00:00+01:00"})"});
  EXPECT_EQ(played.code(), codes::kInvalidArgument);
  EXPECT_EQ(played.message().rfind("test.ndjson line 3: ", 0), 0u) << played.message();
  EXPECT_EQ(summary_.failed_line, 3u);
  EXPECT_EQ(summary_.refusal_code, "invalid_argument");
  EXPECT_EQ(summary_.commands, 0u);
  EXPECT_EQ(EventsWritten(), 0u);
}

}  // namespace
}  // namespace rotonde::demo
