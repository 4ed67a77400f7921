// Erasure (docs/privacy.md) over a real data directory: personal fields are sealed in the
// log; erasing Bram shows "verwijderd lid" in the live model, in a replay as of any earlier
// position and in the export, leaves the chain and its head hash as they were, deletes his
// account, and afterwards no file of the data directory holds his name, his address or his
// key. A kill -9 at every step of an erasure leaves him fully there or fully erased.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "child_process.h"
#include "demo_data.h"
#include "erasure_data_dir.h"
#include "event_json.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/personal_data.h"
#include "temp_dir.h"

namespace rotonde::app {
namespace {

using projections::kErasedName;
constexpr const char* kPlatform = demo::kDemoPlatform;

std::unique_ptr<ErasureDataDir> OpenOrFail(const std::string& dir) {
  std::string error;
  auto d = ErasureDataDir::Open(dir, &error);
  EXPECT_NE(d, nullptr) << error;
  return d;
}

// Every event of the platform as `rotonde export` writes it.
std::string Export(ErasureDataDir& d) {
  std::vector<eventstore::EventRecord> events;
  EXPECT_TRUE(d.store->Read(kPlatform, 0, SIZE_MAX, &events).ok());
  std::string out;
  for (const auto& record : events) {
    out += wire::EventJson(record, d.service->opener(), eventstore::EventBody(record)) + "\n";
  }
  return out;
}

// The files under `dir` holding `needle`, by path.
std::vector<std::string> FilesHolding(const std::string& dir, const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) out.push_back(entry.path().string());
  }
  return out;
}

TEST(ErasureTest, PersonalFieldsAreSealedInTheLogAndOpenWithTheKey) {
  test_support::TempDir tmp;
  auto d = OpenOrFail(tmp.path());
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->NameOf("m-bram"), kBramName);
  std::vector<eventstore::EventRecord> events;
  ASSERT_TRUE(d->store->Read(kPlatform, 0, SIZE_MAX, &events).ok());
  size_t sealed = 0;
  for (const auto& record : events) {
    EXPECT_EQ(record.payload().find(kBramName), std::string::npos) << record.type();
    v1::DomainEvent raw;
    ASSERT_TRUE(raw.ParseFromString(record.payload()));
    sealed += raw.has_sealed();
  }
  EXPECT_GE(sealed, 10u);  // the founder, every join, the resident's proposal
  EXPECT_NE(Export(*d).find(kBramName), std::string::npos);  // opened with the keys
  // A sealed part moved to another event does not open: the associated data binds it.
  v1::EventRecord moved;
  for (const auto& record : events) {
    if (record.type() == "MemberJoined") moved = record;
  }
  moved.set_id(moved.id() + "-elsewhere");
  v1::DomainEvent opened;
  ASSERT_TRUE(d->service->opener().Open(moved, &opened));
  EXPECT_EQ(opened.member_joined().display_name(), kErasedName);
}

TEST(ErasureTest, ErasingBramLeavesTheChainAndEveryFileWithoutHim) {
  test_support::TempDir tmp;
  auto d = OpenOrFail(tmp.path());
  ASSERT_NE(d, nullptr);
  const auto head_before = d->store->Head(kPlatform);
  const auto key = d->keys->Find({kPlatform, "m-bram"});
  ASSERT_TRUE(key.has_value());
  ASSERT_FALSE(FilesHolding(tmp.path(), kBramName).empty());  // the scan can see him

  // Only an admin erases another; the erasure then runs to its end.
  EXPECT_EQ(d->app->erasure().Erase(d->As("m-bram"), kPlatform, "m-anna").status().code(),
            "forbidden");
  auto erased = d->app->erasure().Erase(d->As("m-anna"), kPlatform, "m-bram");
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_TRUE(erased->account_deleted);
  EXPECT_GT(erased->position, head_before.position);

  // The live model, a replay as of a position before the erasure, the export.
  EXPECT_EQ(d->NameOf("m-bram"), kErasedName);
  auto replay = d->app->audit().ModelAsOf(kPlatform, 20);
  ASSERT_TRUE(replay.ok());
  ASSERT_NE(replay->state().Member("m-bram"), nullptr);
  EXPECT_EQ(replay->state().Member("m-bram")->name, kErasedName);
  EXPECT_EQ(replay->state().Member("m-anna")->name, "Anna de Vries");  // the others stay
  EXPECT_EQ(Export(*d).find(kBramName), std::string::npos);
  // His initiatives still add up: the demo's ones he organizes are there, with him.
  size_t his = 0;
  ASSERT_TRUE(d->service
                  ->Read(kPlatform,
                         [&](const projections::PlatformModel& m) {
                           for (const auto& [id, i] : m.state().initiatives()) {
                             his += i.IsOrganizer("m-bram");
                           }
                         })
                  .ok());
  EXPECT_GE(his, 1u);

  // The chain verifies; what was before the erasure hashes as it did.
  EXPECT_TRUE(d->store->Verify(kPlatform).status.ok());
  std::vector<eventstore::EventRecord> at;
  ASSERT_TRUE(d->store->Read(kPlatform, head_before.position - 1, 1, &at).ok());
  EXPECT_EQ(at.at(0).hash(), head_before.hash);

  // The account, its sessions and mail settings are gone; his key too.
  EXPECT_FALSE(d->auth->GetAccount("m-bram").has_value());
  EXPECT_FALSE(d->keys->Find({kPlatform, "m-bram"}).has_value());
  EXPECT_TRUE(d->notifications->Settings("m-bram")->address().empty());
  EXPECT_TRUE(d->keys->Erasures()->empty());

  // Gone means gone: no file of the data directory holds him, once the stores are closed.
  const std::string key_bytes(key->begin(), key->end());
  d.reset();
  EXPECT_EQ(FilesHolding(tmp.path(), kBramName), std::vector<std::string>{});
  EXPECT_EQ(FilesHolding(tmp.path(), kBramAddress), std::vector<std::string>{});
  EXPECT_EQ(FilesHolding(tmp.path(), key_bytes), std::vector<std::string>{});

  // And reopened (checkpoint, log, keys), he stays erased.
  auto reopened = OpenOrFail(tmp.path());
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->NameOf("m-bram"), kErasedName);
  EXPECT_EQ(reopened->NameOf("m-anna"), "Anna de Vries");
}

// A kill -9 after each step of an erasure (the crash child stops itself there): after a
// restart and Recover() (or the erasure asked again), Bram is either fully there (the erasure
// was not in the log yet) or fully erased.
TEST(ErasureTest, AKillAtAnyStepLeavesThePersonFullyThereOrFullyErased) {
  const std::string child = ROTONDE_ERASURE_CRASH_CHILD;
  for (const std::string step :
       {"begun", "appended", "key_destroyed", "checkpoint_rewritten", "accounts_forgotten"}) {
    SCOPED_TRACE(step);
    test_support::TempDir tmp;
    test_support::ChildProcess process;
    std::string error;
    ASSERT_TRUE(process.Start(child, {tmp.path(), step}, &error)) << error;
    const auto status = process.Wait(std::chrono::seconds(120));
    ASSERT_TRUE(status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
        << test_support::DescribeStatus(status) << "\n"
        << process.Stderr();

    auto d = OpenOrFail(tmp.path());
    ASSERT_NE(d, nullptr);
    if (step == "checkpoint_rewritten") {
      // Asked again, an unfinished erasure is finished then, not only at the next start.
      EXPECT_TRUE(d->app->erasure().Erase(d->As("m-anna"), kPlatform, "m-bram").ok());
    } else {
      ASSERT_TRUE(d->app->erasure().Recover().ok());
    }
    EXPECT_TRUE(d->keys->Erasures()->empty());
    const bool erased = step != "begun";
    EXPECT_EQ(d->NameOf("m-bram"), erased ? kErasedName : kBramName);
    EXPECT_EQ(d->keys->Find({kPlatform, "m-bram"}).has_value(), !erased);
    EXPECT_EQ(d->auth->GetAccount("m-bram").has_value(), !erased);
    EXPECT_EQ(d->app->audit().ModelAsOf(kPlatform, 20)->state().Member("m-bram")->name,
              erased ? kErasedName : kBramName);
    EXPECT_TRUE(d->store->Verify(kPlatform).status.ok());
    if (erased) {
      d.reset();
      EXPECT_EQ(FilesHolding(tmp.path(), kBramName), std::vector<std::string>{});
    } else {
      // Fully there, so it can be erased as if nothing happened.
      EXPECT_TRUE(d->app->erasure().Erase(d->As("m-anna"), kPlatform, "m-bram").ok());
    }
  }
}

}  // namespace
}  // namespace rotonde::app
