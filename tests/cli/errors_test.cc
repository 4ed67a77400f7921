// Usage errors, environment errors and refused imports: clear one-line errors, documented
// exit codes, and nothing changed.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "cli_harness.h"

namespace rotonde::cli_test {
namespace {

// True if `err` is exactly one line starting with `prefix`.
testing::AssertionResult IsOneLineError(const std::string& err, const std::string& prefix) {
  if (err.rfind(prefix, 0) != 0) return testing::AssertionFailure() << "stderr: " << err;
  if (std::count(err.begin(), err.end(), '\n') != 1 || err.back() != '\n') {
    return testing::AssertionFailure() << "not one line: " << err;
  }
  return testing::AssertionSuccess();
}

TEST(Usage, HelpExitsZeroForRotondeAndEveryVerb) {
  const std::vector<std::vector<std::string>> invocations = {
      {"--help"},           {"-h"},           {"verify", "--help"}, {"export", "-h"},
      {"import", "--help"}, {"backup", "-h"}, {"restore", "--help"}};
  for (const auto& args : invocations) {
    const CliResult run = RunCli(args);
    EXPECT_EQ(run.exit_code, 0) << args[0] << ": " << run.err;
    EXPECT_EQ(run.out.rfind("usage: rotonde", 0), 0u) << run.out;
    EXPECT_NE(run.out.find("exit codes:"), std::string::npos) << run.out;
    EXPECT_EQ(run.err, "");
  }
  EXPECT_NE(RunCli({"export", "--help"}).out.find("--from"), std::string::npos);
}

TEST(Usage, UnknownVerbOrNoVerbExitsTwoWithUsage) {
  const CliResult unknown = RunCli({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("rotonde: unknown verb 'frobnicate'\nusage: rotonde", 0), 0u)
      << unknown.err;
  EXPECT_EQ(unknown.out, "");

  const CliResult none = RunCli({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("usage: rotonde"), std::string::npos) << none.err;
}

TEST(Usage, BadFlagsExitTwoWithUsage) {
  const TempDir tmp;
  const std::vector<std::vector<std::string>> invocations = {
      {"verify", "--bogus"},
      {"verify"},  // --data is required
      {"verify", "--data"},
      {"verify", "--data", tmp.path(), "stray"},
      {"export", "--data", tmp.path(), "--from", "abc"},
      {"export", "--data", tmp.path(), "--from", "-1"},
      {"export", "--data", tmp.path(), "--from", "12x"},
      {"import", "--data", tmp.path(), "--from", "3"},
      {"backup", "--data", tmp.path()},     // --to is required
      {"restore", "--to", tmp.Sub("new")},  // --from is required
  };
  for (const auto& args : invocations) {
    const CliResult run = RunCli(args);
    EXPECT_EQ(run.exit_code, 2) << args.back() << ": " << run.err;
    EXPECT_EQ(run.err.rfind("rotonde: ", 0), 0u) << run.err;
    EXPECT_EQ(run.out, "");
  }
  // None of them created a store.
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(Errors, MissingOrUnusableDataDirIsOneLineError) {
  const TempDir tmp;
  const std::string missing = tmp.Sub("missing");
  const std::string file = tmp.Sub("file");
  std::ofstream(file) << "not a store";
  const std::string empty = tmp.Sub("empty");
  std::filesystem::create_directory(empty);

  for (const std::string verb : {"verify", "export"}) {
    for (const std::string& dir : {missing, file, empty}) {
      const CliResult run = RunCli({verb, "--data", dir});
      EXPECT_EQ(run.exit_code, 2) << verb << " " << dir;
      EXPECT_TRUE(IsOneLineError(run.err, "rotonde: cannot open store at " + dir + ": "));
      EXPECT_EQ(run.out, "");
    }
  }
  // Read-only verbs create nothing.
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_TRUE(std::filesystem::is_empty(empty));
}

// Writes an export of `events` populated events, for the import tests.
std::vector<std::string> ExportOf(const TempDir& tmp, int events) {
  const std::string dir = tmp.Sub("source");
  {
    auto store = OpenStore(dir);
    Populate(*store, events);
  }
  const CliResult run = RunCli({"export", "--data", dir});
  if (run.exit_code != 0) throw std::runtime_error("export failed: " + run.err);
  return Lines(run.out);
}

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

TEST(Import, APlatformTheStoreHoldsIsRefusedAndUnchanged) {
  const TempDir tmp;
  const std::vector<std::string> input = ExportOf(tmp, 5);
  const std::string target = tmp.Sub("target");
  eventstore::HeadInfo before;
  {
    auto store = OpenStore(target);
    Populate(*store, 20);
    before = store->Head("kbuurt");
  }
  const CliResult run = RunCli({"import", "--data", target}, Join(input));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(IsOneLineError(run.err,
                             "rotonde: import: line 1: invalid_argument: platform kbuurt "
                             "exists in " +
                                 target + " already"))
      << run.err;
  auto store = OpenStore(target);
  EXPECT_EQ(store->Head("kbuurt").position, before.position);
  EXPECT_EQ(store->Head("kbuurt").hash, before.hash);
}

// Imports `input` into a fresh store, expecting line `bad_line` to be refused and every line
// before it imported.
void ExpectRefusedAt(const TempDir& tmp, const std::string& input, uint64_t bad_line) {
  const std::string target = tmp.Sub("target");
  const CliResult run = RunCli({"import", "--data", target}, input);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(IsOneLineError(run.err, "rotonde: import: line " + std::to_string(bad_line) + ": "));
  EXPECT_NE(run.err.find("(the " + std::to_string(bad_line - 1) + " events before it"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(ReadEverything(target).size(), bad_line - 1);
  EXPECT_EQ(RunCli({"verify", "--data", target}).exit_code, 0);
}

TEST(Import, LineThatIsNotJsonIsNamed) {
  const TempDir tmp;
  std::vector<std::string> lines = ExportOf(tmp, 6);
  lines[3] = "{\"id\": \"evt-3\", oops";
  ExpectRefusedAt(tmp, Join(lines), 4);
}

TEST(Import, BlankLineInTheMiddleIsNamed) {
  const TempDir tmp;
  std::vector<std::string> lines = ExportOf(tmp, 6);
  lines.insert(lines.begin() + 2, "");
  ExpectRefusedAt(tmp, Join(lines), 3);
}

TEST(Import, RecordWhoseHashDoesNotRecomputeIsRefused) {
  const TempDir tmp;
  std::vector<std::string> lines = ExportOf(tmp, 10);
  eventstore::EventRecord record = ParseLine(lines[5]);
  ASSERT_FALSE(record.payload().empty());
  record.mutable_payload()->front() ^= 0x01;
  lines[5] = ExportLineOf(record);  // the body changed, the hashes did not
  ExpectRefusedAt(tmp, Join(lines), 6);
}

TEST(Import, RepeatedRecordIsRefused) {
  const TempDir tmp;
  std::vector<std::string> lines = ExportOf(tmp, 4);
  lines.insert(lines.begin() + 2, lines[1]);
  ExpectRefusedAt(tmp, Join(lines), 3);
}

}  // namespace
}  // namespace rotonde::cli_test
