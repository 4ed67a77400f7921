// Given-events / when-command / then-events for the deciders, on a real PlatformState.
//
//   Do(Propose(...), kBram);                 // given: decided and folded, must succeed
//   Decision d = When(Cancel(...), kAnna);   // when: decided, not folded
//   EXPECT_EQ(TypesOf(d), (Types{"InitiativeCancelled", "ClashResolved"}));  // then
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decide.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/projections/platform_state.h"

namespace rotonde::commands {

using Types = std::vector<std::string>;

// The platform every decider test starts from: "kolenkit", founded by Anna (admin), with
// Carla (coordinator), Bram and Dewi (members) and Olaf (auditor).
inline constexpr const char* kPlatform = "kolenkit";
inline constexpr const char* kAnna = "m-anna";
inline constexpr const char* kCarla = "m-carla";
inline constexpr const char* kBram = "m-bram";
inline constexpr const char* kDewi = "m-dewi";
inline constexpr const char* kOlaf = "m-olaf";

class DeciderTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Decides `command` as `actor` against the current state; nothing is folded.
  Decision When(v1::Command command, const std::string& actor);
  // Decides and folds; the command must succeed. Returns its events.
  std::vector<PlannedEvent> Do(v1::Command command, const std::string& actor);
  // Folds events as if they had been appended.
  void Fold(const Decision& decision, const std::string& actor, const std::string& command_id);

  // A fresh command id for each command built here.
  v1::Command NewCommand();

  // Everything folded so far (the fixture's founding and joins too), as a read model.
  projections::PlatformModel FoldedModel() const;

  projections::PlatformState state_;
  std::vector<v1::EventRecord> folded_;  // every record Fold made, in order
  uint64_t next_position_ = 1;
  int next_command_ = 1;
};

// The event type names of a decision, in order ("InitiativeProposed", ...).
Types TypesOf(const Decision& decision);
// The events of one type in a decision.
std::vector<v1::DomainEvent> EventsOf(const Decision& decision, const std::string& type);
// Expects a refusal with `code`, and no events.
void ExpectRefused(const Decision& decision, const std::string& code);

}  // namespace rotonde::commands
