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

TEST(Export, EachLineIsTheStoredRecordWithItsBodyAndHashes) {
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
    EXPECT_EQ(lines[i], ExportLineOf(stored[i]));
  }
  // The feed's readable fields beside the bytes a verifier hashes.
  EXPECT_NE(lines[0].find("\"platform\":\"kbuurt\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"position\":1,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"correlationId\":\"cmd-0\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"prevHash\":\"" + HexOf(eventstore::GenesisHash("kbuurt")) + "\""),
            std::string::npos)
      << lines[0];
}

TEST(Export, FromPrintsExactlyThePlatformsEventsAfterIt) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 300);
  }
  const CliResult run =
      RunCli({"export", "--data", tmp.path(), "--platform", "kbuurt", "--from", "123"});
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

  const CliResult at_head =
      RunCli({"export", "--data", tmp.path(), "--platform", "kbuurt", "--from", "300"});
  EXPECT_EQ(at_head.exit_code, 0) << at_head.err;
  EXPECT_EQ(at_head.out, "");
  // Past the head, a platform that is not there, or positions without a platform: refused.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--platform", "kbuurt", "--from", "5000"}, {"--platform", "oost"}, {"--from", "10"}}) {
    std::vector<std::string> command = {"export", "--data", tmp.path()};
    command.insert(command.end(), args.begin(), args.end());
    const CliResult refused = RunCli(command);
    EXPECT_EQ(refused.exit_code, 2) << args[1];
    EXPECT_EQ(refused.out, "");
    EXPECT_EQ(refused.err.rfind("rotonde: ", 0), 0u) << refused.err;
  }
}

TEST(Export, PlatformsComeWholeAndOneCanBeTakenAlone) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 30, "oost");
    Populate(*store, 20, "kbuurt");
  }
  const std::vector<std::string> all = Lines(RunCli({"export", "--data", tmp.path()}).out);
  ASSERT_EQ(all.size(), 50u);
  // kbuurt's whole log first (name order), each log from position 1.
  for (size_t i = 0; i < all.size(); ++i) {
    const eventstore::EventRecord record = ParseLine(all[i]);
    EXPECT_EQ(eventstore::PlatformOf(record.stream()), i < 20 ? "kbuurt" : "oost");
    EXPECT_EQ(record.position(), i < 20 ? i + 1 : i - 19);
  }
  const CliResult oost = RunCli({"export", "--data", tmp.path(), "--platform", "oost"});
  ASSERT_EQ(oost.exit_code, 0) << oost.err;
  EXPECT_EQ(Lines(oost.out), std::vector<std::string>(all.begin() + 20, all.end()));
}

// Export → import into a fresh directory → verify → export again, byte for byte.
void ExpectRoundTrip(int events) {
  const TempDir tmp;
  eventstore::HeadInfo head, oost_head;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, events);
    Populate(*store, 7, "oost");
    head = store->Head("kbuurt");
    oost_head = store->Head("oost");
  }
  const CliResult first = RunCli({"export", "--data", tmp.path()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(Lines(first.out).size(), static_cast<size_t>(events) + 7);

  const std::string copy = tmp.Sub("nested/copy");  // neither directory exists yet
  const CliResult imported = RunCli({"import", "--data", copy}, first.out);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported " + std::to_string(events + 7) + " events\n"),
            std::string::npos)
      << imported.out;

  const CliResult verified = RunCli({"verify", "--data", copy});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(verified.out, "platform kbuurt: " + std::to_string(events) +
                              " events verified, head hash " + HexOf(head.hash) +
                              "\nplatform oost: 7 events verified, head hash " +
                              HexOf(oost_head.hash) + "\nok: " + std::to_string(events + 7) +
                              " events verified\n");

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

TEST(Import, APlatformJoinsAStoreThatHoldsOthers) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.Sub("source"));
    Populate(*store, 12, "oost");
  }
  const std::string input = RunCli({"export", "--data", tmp.Sub("source")}).out;
  {
    auto store = OpenStore(tmp.Sub("target"));
    Populate(*store, 9);
  }
  const CliResult run = RunCli({"import", "--data", tmp.Sub("target")}, input);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(RunCli({"export", "--data", tmp.Sub("target"), "--platform", "oost"}).out, input);
  EXPECT_EQ(ReadEverything(tmp.Sub("target")).size(), 21u);
  EXPECT_EQ(RunCli({"verify", "--data", tmp.Sub("target")}).exit_code, 0);
}

}  // namespace
}  // namespace rotonde::cli_test
