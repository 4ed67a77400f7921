// `rotonde export` and `rotonde import`: what export prints, --from, and that an export
// imported into a fresh store verifies and exports again byte for byte.
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "cli_harness.h"
#include "rotonde/base/hex.h"

namespace rotonde::cli_test {
namespace {

using google::protobuf::util::MessageDifferencer;

TEST(Export, EachLineIsTheStoredRecordInCanonicalJson) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 40);
  }
  const std::vector<eventstore::EventRecord> stored = ReadEverything(tmp.path());
  ASSERT_EQ(stored.size(), 40u);

  const CliResult run = RunCli({"export", "--data", tmp.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), stored.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(ParseLine(lines[i]), stored[i])) << lines[i];
  }
  // lowerCamelCase names, and empty fields printed rather than left out (position 1 has an
  // empty payload).
  EXPECT_NE(lines[0].find("\"correlationId\":\"cmd-0\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"payload\":\"\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"position\":\"1\""), std::string::npos) << lines[0];
}

TEST(Export, FromPrintsExactlyTheEventsAfterIt) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 300);
  }
  const CliResult run = RunCli({"export", "--data", tmp.path(), "--from", "123"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 177u);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(ParseLine(lines[i]).position(), 124 + i);
  }
  // The same lines as the tail of a full export.
  const std::vector<std::string> all = Lines(RunCli({"export", "--data", tmp.path()}).out);
  ASSERT_EQ(all.size(), 300u);
  EXPECT_EQ(std::vector<std::string>(all.begin() + 123, all.end()), lines);

  const CliResult at_head = RunCli({"export", "--data", tmp.path(), "--from", "300"});
  EXPECT_EQ(at_head.exit_code, 0) << at_head.err;
  EXPECT_EQ(at_head.out, "");
  const CliResult past_head = RunCli({"export", "--data", tmp.path(), "--from", "5000"});
  EXPECT_EQ(past_head.exit_code, 0) << past_head.err;
  EXPECT_EQ(past_head.out, "");
}

// Export → import into a fresh directory → verify → export again, byte for byte.
void ExpectRoundTrip(int events) {
  const TempDir tmp;
  eventstore::HeadInfo head;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, events);
    head = store->Head();
  }
  const CliResult first = RunCli({"export", "--data", tmp.path()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(Lines(first.out).size(), static_cast<size_t>(events));

  const std::string copy = tmp.Sub("nested/copy");  // neither directory exists yet
  const CliResult imported = RunCli({"import", "--data", copy}, first.out);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported " + std::to_string(events) + " events\n"),
            std::string::npos)
      << imported.out;

  const CliResult verified = RunCli({"verify", "--data", copy});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("head hash: " + HexOf(head.hash) + "\n"), std::string::npos)
      << verified.out;

  const CliResult second = RunCli({"export", "--data", copy});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_TRUE(second.out == first.out) << "the re-export differs from the original export";
}

TEST(ExportImport, RoundTripIsByteIdentical) { ExpectRoundTrip(400); }

// More events than one export page (4096) and several import chunks (1000).
TEST(ExportImport, RoundTripAcrossPageAndChunkBoundaries) { ExpectRoundTrip(4500); }

TEST(Import, InputWithoutFinalNewlineIsAccepted) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 5);
  }
  std::string input = RunCli({"export", "--data", tmp.path()}).out;
  ASSERT_EQ(input.back(), '\n');
  input.pop_back();

  const CliResult run = RunCli({"import", "--data", tmp.Sub("copy")}, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadEverything(tmp.Sub("copy")).size(), 5u);
}

}  // namespace
}  // namespace rotonde::cli_test
