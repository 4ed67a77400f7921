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
    head = store->Head("kbuurt");
  }
  ASSERT_EQ(head.position, 250u);

  const CliResult run = RunCli({"verify", "--data", tmp.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "platform kbuurt: 250 events verified, head hash " + HexOf(head.hash) +
                         "\nok: 250 events verified\n");
  EXPECT_EQ(run.err, "");

  const CliResult one = RunCli({"verify", "--data", tmp.path(), "--platform", "kbuurt"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, run.out);
  const CliResult absent = RunCli({"verify", "--data", tmp.path(), "--platform", "oost"});
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_EQ(absent.out, "");
  EXPECT_EQ(absent.err, "rotonde: verify: " + tmp.path() + " holds no platform oost\n");
}

TEST(Verify, EmptyStoreIsHealthy) {
  const TempDir tmp;
  OpenStore(tmp.path()).reset();  // creates an empty store

  const CliResult run = RunCli({"verify", "--data", tmp.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "ok: 0 events verified\n");
}

TEST(Verify, FlippedPayloadByteIsReportedAtItsPosition) {
  const TempDir tmp;
  {
    auto store = OpenStore(tmp.path());
    Populate(*store, 300);
    Populate(*store, 40, "oost");
  }
  // Healthy first, so the exit code below is the flip's doing.
  ASSERT_EQ(RunCli({"verify", "--data", tmp.path()}).exit_code, 0);

  constexpr uint64_t kDamaged = 137;
  test_support::FlipPayloadByte(tmp.path(), "kbuurt", kDamaged);

  const CliResult run = RunCli({"verify", "--data", tmp.path()});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.out, "damaged: kbuurt, first bad position 137\n");
  EXPECT_EQ(run.err.rfind("rotonde: verify: damage in kbuurt at position 137: ", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;

  // The other platform's log is its own chain: untouched by the damage.
  const CliResult oost = RunCli({"verify", "--data", tmp.path(), "--platform", "oost"});
  EXPECT_EQ(oost.exit_code, 0) << oost.err;
  EXPECT_EQ(oost.out.rfind("platform oost: 40 events verified", 0), 0u) << oost.out;
}

}  // namespace
}  // namespace rotonde::cli_test
