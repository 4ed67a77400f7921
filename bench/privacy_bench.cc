// The cost of personal data under a key per person (docs/privacy.md), in one run against the
// same work without keys:
// - BM_JoinMembers/sealed: members invited and joining through the CommandService on a real
//   store, each join's name sealed under a new key (a synced write to DATA/keys before the
//   append) or, with sealed = 0, appended as decided (the build before keys).
// - BM_FoldJoins/opened: the resulting log folded by a PlatformModel, every join's name
//   opened with its key (1), or a log written without keys folded (0).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "command_service.h"
#include "person_keys.h"
#include "rotonde/eventstore/event_store.h"
#include "sealed_events.h"
#include "temp_dir.h"

namespace rotonde::bench {
namespace {

constexpr const char* kPlatform = "buurt";

// A platform founded by m-admin, with `members` members invited and joined.
struct JoinedPlatform {
  test_support::TempDir dir;
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<privacy::PersonKeys> keys;
  std::unique_ptr<privacy::SealedEvents> sealed;
  std::unique_ptr<app::CommandService> service;
  int next_command = 0;

  explicit JoinedPlatform(bool with_keys) {
    store = std::move(eventstore::EventStore::Open(dir.Sub("log"), {}).value());
    service = std::make_unique<app::CommandService>(*store);
    if (with_keys) {
      keys = std::move(privacy::PersonKeys::Open(dir.Sub("keys")).value());
      sealed = std::make_unique<privacy::SealedEvents>(*keys);
      service->SetPrivacy(sealed.get());
    }
    v1::Command found = Next();
    found.mutable_found_platform()->set_platform_id(kPlatform);
    found.mutable_found_platform()->set_name("Buurtplatform");
    found.mutable_found_platform()->set_neighbourhood("Buurt");
    found.mutable_found_platform()->set_founder_name("Anna de Vries");
    service->Handle(kPlatform, "m-admin", found);
  }
  v1::Command Next() {
    v1::Command command;
    command.set_command_id("c" + std::to_string(++next_command));
    return command;
  }
  // Invites and joins one member; false if either was refused.
  bool Join(int member) {
    const std::string id = "m-" + std::to_string(member);
    v1::Command invite = Next();
    invite.mutable_invite_member()->set_invite_id("inv-" + std::to_string(member));
    invite.mutable_invite_member()->set_role(v1::ROLE_MEMBER);
    v1::Command join = Next();
    join.mutable_join_platform()->set_invite_id("inv-" + std::to_string(member));
    join.mutable_join_platform()->set_display_name("Bewoner " + std::to_string(member));
    return service->Handle(kPlatform, "m-admin", invite).ok() &&
           service->Handle(kPlatform, id, join).ok();
  }
};

void BM_JoinMembers(benchmark::State& state) {
  const bool with_keys = state.range(0) != 0;
  int joined = 0;
  for (auto _ : state) {
    state.PauseTiming();
    JoinedPlatform platform(with_keys);
    state.ResumeTiming();
    for (int member = 0; member < 200; ++member) {
      if (!platform.Join(member)) {
        state.SkipWithError("a join was refused");
        return;
      }
      ++joined;
    }
  }
  state.SetItemsProcessed(joined);
  state.SetLabel(with_keys ? "sealed" : "without keys");
}
BENCHMARK(BM_JoinMembers)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_FoldJoins(benchmark::State& state) {
  const bool with_keys = state.range(0) != 0;
  JoinedPlatform platform(with_keys);
  for (int member = 0; member < 2000; ++member) {
    if (!platform.Join(member)) {
      state.SkipWithError("a join was refused");
      return;
    }
  }
  std::vector<eventstore::EventRecord> events;
  if (!platform.store->Read(kPlatform, 0, SIZE_MAX, &events).ok()) {
    state.SkipWithError("read failed");
    return;
  }
  for (auto _ : state) {
    projections::PlatformModel model(&platform.service->opener());
    for (const auto& record : events) model.Apply(record);
    benchmark::DoNotOptimize(model.position());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
  state.SetLabel(with_keys ? "names opened with their keys" : "names in plain text");
}
BENCHMARK(BM_FoldJoins)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rotonde::bench
