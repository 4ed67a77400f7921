#include "decider_fixture.h"

namespace rotonde::commands {

void DeciderTest::SetUp() {
  v1::Command found = NewCommand();
  auto& f = *found.mutable_found_platform();
  f.set_platform_id(kPlatform);
  f.set_name("Buurtplatform Kolenkitbuurt");
  f.set_neighbourhood("Kolenkitbuurt");
  f.set_founder_name("Anna de Vries");
  Do(found, kAnna);
  struct Joiner {
    const char* id;
    const char* name;
    v1::Role role;
  };
  for (const Joiner& j : {Joiner{kCarla, "Carla Mendes", v1::ROLE_COORDINATOR},
                          Joiner{kBram, "Bram Jansen", v1::ROLE_MEMBER},
                          Joiner{kDewi, "Dewi Santoso", v1::ROLE_MEMBER},
                          Joiner{kOlaf, "Olaf Bakker", v1::ROLE_AUDITOR}}) {
    v1::Command invite = NewCommand();
    invite.mutable_invite_member()->set_role(j.role);
    const Decision invited = Do(invite, kAnna);
    v1::Command join = NewCommand();
    join.mutable_join_platform()->set_invite_id(
        invited.value().at(0).event.member_invited().invite_id());
    join.mutable_join_platform()->set_display_name(j.name);
    Do(join, j.id);
  }
}

v1::Command DeciderTest::NewCommand() {
  v1::Command command;
  command.set_command_id("cmd-" + std::to_string(next_command_++));
  return command;
}

Decision DeciderTest::When(v1::Command command, const std::string& actor) {
  return Decide(command, CommandContext{kPlatform, actor}, state_);
}

std::vector<PlannedEvent> DeciderTest::Do(v1::Command command, const std::string& actor) {
  Decision decision = When(command, actor);
  EXPECT_TRUE(decision.ok()) << command.ShortDebugString()
                             << " refused: " << decision.status().ToString();
  Fold(decision, actor, command.command_id());
  return decision.ok() ? std::move(decision).value() : std::vector<PlannedEvent>();
}

void DeciderTest::Fold(const Decision& decision, const std::string& actor,
                       const std::string& command_id) {
  if (!decision.ok()) return;
  for (const PlannedEvent& planned : decision.value()) {
    v1::EventRecord record;
    record.set_id(command_id + ":" + std::to_string(next_position_));
    record.set_stream(planned.stream);
    const auto version = state_.StreamVersion(planned.stream);
    record.set_version(version ? *version + 1 : 0);
    record.set_position(next_position_++);
    record.set_type(EventTypeName(planned.event));
    record.set_actor(planned.actor.empty() ? actor : planned.actor);
    record.set_correlation_id(command_id);
    record.set_payload(planned.event.SerializeAsString());
    state_.Apply(record, planned.event);
    folded_.push_back(std::move(record));
  }
}

projections::PlatformModel DeciderTest::FoldedModel() const {
  projections::PlatformModel model;
  for (const v1::EventRecord& record : folded_) model.Apply(record);
  return model;
}

Types TypesOf(const Decision& decision) {
  Types types;
  if (!decision.ok()) return types;
  for (const PlannedEvent& planned : decision.value())
    types.push_back(EventTypeName(planned.event));
  return types;
}

std::vector<v1::DomainEvent> EventsOf(const Decision& decision, const std::string& type) {
  std::vector<v1::DomainEvent> out;
  const Types types = TypesOf(decision);
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i] == type) out.push_back(decision.value()[i].event);
  }
  return out;
}

void ExpectRefused(const Decision& decision, const std::string& code) {
  ASSERT_FALSE(decision.ok()) << "expected " << code << ", got events";
  EXPECT_EQ(decision.error().code, code) << decision.error().message;
  EXPECT_FALSE(decision.error().message.empty());
}

}  // namespace rotonde::commands
