// `rotonde verify` on a healthy store and on one with a byte flipped behind the store's back.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_harness.h"
#include "raw_store.h"
#include "rotonde/base/hex.h"

namespace rotonde::cli_test {
namespace {

TEST(Verify, HealthyStoreReportsCountAndHead) {
  const TempDir tmp;
  eventstore::HeadInfo head;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 250);
    head = store->Head();
  }
  ASSERT_EQ(head.position, 250u);

  const CliResult run = RunCli({"verify", "--data", tmp.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("ok: 250 events verified\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("head position: 250\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("head hash: " + HexOf(head.hash) + "\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.err, "");
}

TEST(Verify, EmptyStoreIsHealthy) {
  const TempDir tmp;
  OpenStore(tmp.path()).reset();  // creates an empty store

  const CliResult run = RunCli({"verify", "--data", tmp.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("ok: 0 events verified\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("head hash: " + std::string(64, '0') + "\n"), std::string::npos);
}

TEST(Verify, FlippedPayloadByteIsReportedAtItsPosition) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 300);
  }
  // Healthy first, so the exit code below is the flip's doing.
  ASSERT_EQ(RunCli({"verify", "--data", tmp.path()}).exit_code, 0);

  constexpr uint64_t kDamaged = 137;
  test_support::FlipPayloadByte(tmp.path(), kDamaged);

  const CliResult run = RunCli({"verify", "--data", tmp.path()});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.out, "damaged: first bad position 137\n");
  EXPECT_EQ(run.err.rfind("rotonde: verify: damage at position 137: ", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

}  // namespace
}  // namespace rotonde::cli_test
