// A generator of plausible commands for one platform, for property tests and benchmarks:
// given the platform's state it picks a command a real member might give next (mostly valid,
// sometimes not), with a fixed seed, so runs are reproducible.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rotonde/projections/platform_state.h"
#include "rotonde/v1/commands.pb.h"

namespace rotonde::test_support {

class RandomCommands {
 public:
  // `commands_per_day` > 0 lets time pass: "today" moves one day on every that many
  // commands, and new dates fall in the 90 days after it, as on a platform that lives for
  // years. 0 keeps every date in one 120-day window (a dense calendar: many clashes).
  RandomCommands(uint64_t seed, std::string platform, int members = 12, int commands_per_day = 0);

  // The next command and the member who gives it.
  std::pair<v1::Command, std::string> Next(const projections::PlatformState& state);

 private:
  v1::Command NewCommand();
  std::string Pick(const std::vector<std::string>& from);
  int Uniform(int low, int high);
  bool Chance(double p);
  std::string RandomDate();
  std::string MemberWithRole(const projections::PlatformState& state, bool coordinator);

  std::pair<v1::Command, std::string> Setup(const projections::PlatformState& state);
  std::pair<v1::Command, std::string> Initiative(const projections::PlatformState& state);
  std::pair<v1::Command, std::string> Clash(const projections::PlatformState& state);
  std::pair<v1::Command, std::string> Task(const projections::PlatformState& state);
  std::pair<v1::Command, std::string> Meeting(const projections::PlatformState& state);
  std::pair<v1::Command, std::string> Budget(const projections::PlatformState& state);

  std::mt19937_64 random_;
  std::string platform_;
  int members_;
  int commands_per_day_;
  uint64_t next_command_ = 1;
};

}  // namespace rotonde::test_support
