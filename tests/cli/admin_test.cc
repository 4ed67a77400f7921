// `rotonde admin create-platform` without a running server: a founding link, refused
// twice for the same platform id only once the platform exists, clear errors otherwise.
#include <gtest/gtest.h>

#include "cli_harness.h"

namespace rotonde::cli_test {
namespace {

TEST(AdminTest, CreatePlatformPrintsAOneTimeFoundingLink) {
  TempDir tmp;
  const std::string dir = tmp.Sub("data");
  ASSERT_EQ(RunCli({"demo", "--data", dir}).exit_code, 0);
  CliResult made = RunCli({"admin", "create-platform", "--data", dir, "--platform", "noord",
                           "--name", "Buurtplatform Noord", "--neighbourhood", "Banne Buiksloot",
                           "--url", "http://buurt.example"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto lines = Lines(made.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("http://buurt.example/#/invite/", 0), 0u) << lines[0];
  EXPECT_EQ(lines[0].size(), std::string("http://buurt.example/#/invite/").size() + 64);
  EXPECT_TRUE(made.err.empty());
}

TEST(AdminTest, AnExistingPlatformOrABadIdIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Sub("data");
  ASSERT_EQ(RunCli({"demo", "--data", dir}).exit_code, 0);
  CliResult exists = RunCli({"admin", "create-platform", "--data", dir, "--platform", "kolenkit",
                             "--name", "Nog een", "--neighbourhood", "Kolenkitbuurt"});
  EXPECT_EQ(exists.exit_code, 2);
  EXPECT_NE(exists.err.find("platform_exists"), std::string::npos) << exists.err;
  CliResult bad = RunCli({"admin", "create-platform", "--data", dir, "--platform", "a/b", "--name",
                          "X", "--neighbourhood", "Y"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Lines(bad.err).size(), 1u) << bad.err;
  CliResult task = RunCli({"admin", "delete-everything", "--data", dir});
  EXPECT_EQ(task.exit_code, 2);
}

}  // namespace
}  // namespace rotonde::cli_test
