// `rotonde admin create-platform` without a running server: a founding link, refused
// twice for the same platform id only once the platform exists, clear errors otherwise.
// `rotonde admin public-key`: the verifier key of the signing key, or why there is none.
#include <gtest/gtest.h>

#include <fstream>

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

TEST(AdminTest, PublicKeyPrintsTheVerifierKeyOfTheSigningKey) {
  TempDir tmp;
  const std::string dir = tmp.Sub("data");
  ASSERT_EQ(RunCli({"demo", "--data", dir}).exit_code, 0);
  CliResult none = RunCli({"admin", "public-key", "--data", dir});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("rotonde serve"), std::string::npos) << none.err;

  // Go's golang.org/x/mod/sumdb/note example key, in a file of its own.
  const std::string file = tmp.Sub("key");
  std::ofstream(file) << "PRIVATE+KEY+PeterNeumann+c74f20a3+"
                         "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz\n";
  CliResult given = RunCli({"admin", "public-key", "--signing-key", file});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(given.out, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n");

  std::ofstream(file) << "not a key\n";
  CliResult bad = RunCli({"admin", "public-key", "--signing-key", file});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(Lines(bad.err).size(), 1u) << bad.err;
}

}  // namespace
}  // namespace rotonde::cli_test
