// `rotonde sample`: a synthetic log that verifies, refused on a store that holds events.
#include <gtest/gtest.h>

#include "cli_harness.h"

namespace rotonde::cli_test {
namespace {

TEST(Sample, WritesALogThatVerifies) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  const CliResult run = RunCli({"sample", "--data", dir, "--events", "500", "--writers", "4"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Spread over three platforms, each a log of its own.
  for (const char* line :
       {"platform bosenlommer: head position 167, ", "platform gaasperdam: head position 166, ",
        "platform kolenkit: head position 167, "}) {
    EXPECT_NE(run.out.find(line), std::string::npos) << run.out;
  }

  const auto events = ReadEverything(dir);
  ASSERT_EQ(events.size(), 500u);
  for (const auto& e : events) EXPECT_EQ(e.type(), "rotonde.sample.Noted");
  EXPECT_EQ(RunCli({"verify", "--data", dir}).exit_code, 0);
}

TEST(Sample, RefusesAStoreThatHoldsEvents) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  ASSERT_EQ(RunCli({"sample", "--data", dir, "--events", "10"}).exit_code, 0);
  const CliResult again = RunCli({"sample", "--data", dir, "--events", "10"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_EQ(ReadEverything(dir).size(), 10u);
  EXPECT_EQ(RunCli({"sample", "--data", dir, "--writers", "0"}).exit_code, 2);
}

}  // namespace
}  // namespace rotonde::cli_test
