// The demo as data writes exactly the events the demo as code wrote: the same ids, streams,
// versions, types, actors, correlation ids and payloads, in the same order. The fingerprint
// below was taken from a store written by the C++ script that the data file replaced, and
// retaken once when ProposalSubmitted gained submitter_id (whom the sender's data is about,
// docs/privacy.md): the only change to the three proposals' payloads.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "cli_harness.h"
#include "demo_data.h"

namespace rotonde::cli_test {
namespace {

// FNV-1a over length-prefixed fields: any changed, added, dropped or reordered byte changes
// it. Not a defence against forgery, only a witness of sameness.
class Fingerprint {
 public:
  void Add(std::string_view bytes) {
    Mix(std::to_string(bytes.size()));
    Mix(":");
    Mix(bytes);
  }
  std::string Hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[(hash_ >> shift) & 0xf];
    return out;
  }

 private:
  void Mix(std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash_ ^= c;
      hash_ *= 1099511628211ull;
    }
  }
  uint64_t hash_ = 1469598103934665603ull;
};

TEST(DemoGolden, WritesTheSameEventsAsTheScriptItReplaced) {
  const TempDir tmp;
  const std::string dir = tmp.Sub("store");
  {
    auto store = OpenStore(dir);
    demo::DemoSummary summary;
    const Status written = demo::WriteDemo(*store, &summary);
    ASSERT_TRUE(written.ok()) << written.ToString();
  }
  const auto events = ReadEverything(dir);
  std::map<std::string, int> per_type;
  Fingerprint fingerprint;
  for (const auto& e : events) {
    ++per_type[e.type()];
    fingerprint.Add(e.id());
    fingerprint.Add(e.stream());
    fingerprint.Add(std::to_string(e.version()));
    fingerprint.Add(e.type());
    fingerprint.Add(e.actor());
    fingerprint.Add(e.correlation_id());
    fingerprint.Add(e.payload());
  }
  const std::map<std::string, int> expected_per_type = {
      {"ActionItemAdded", 7},   {"ActionItemDone", 3},      {"ActionItemNotDone", 3},
      {"AgendaItemAdded", 10},  {"BudgetAllocated", 2},     {"ClashDetected", 8},
      {"ClashDismissed", 1},    {"ClashResolved", 1},       {"DecisionRecorded", 4},
      {"ExpenseRecorded", 18},  {"InitiativeCancelled", 1}, {"InitiativeHeld", 10},
      {"InitiativeJoined", 2},  {"InitiativeProposed", 24}, {"InitiativeUpdated", 2},
      {"InitiativesMerged", 4}, {"LearningPairFormed", 2},  {"LearningRequested", 2},
      {"MeetingHeld", 2},       {"MeetingScheduled", 3},    {"MemberInvited", 15},
      {"MemberJoined", 14},     {"MemberLeft", 1},          {"MergeAccepted", 8},
      {"MergeProposed", 4},     {"MinutesRecorded", 2},     {"OverheadCapSet", 1},
      {"PlatformFounded", 1},   {"ProposalAdopted", 1},     {"ProposalDeclined", 1},
      {"ProposalDiscussed", 2}, {"ProposalSubmitted", 3},   {"RoleGranted", 1},
      {"SpendingDecided", 18},  {"SpendingMoved", 2},       {"SpendingProposed", 19},
      {"TaskClaimed", 30},      {"TaskCreated", 31},        {"TaskDone", 15},
      {"TaskMoved", 2},         {"TaskReleased", 2},
  };
  EXPECT_EQ(per_type, expected_per_type);
  EXPECT_EQ(events.size(), 282u);
  EXPECT_EQ(fingerprint.Hex(), "98d5ca70fd40aaf6");
}

}  // namespace
}  // namespace rotonde::cli_test
