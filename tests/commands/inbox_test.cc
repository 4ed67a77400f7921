// The inbox (projections/inbox.h): who hears of what, given events / when a command / then
// each member's notifications; and the view of it, read marks and all.
#include "rotonde/projections/inbox.h"

#include <gtest/gtest.h>

#include "decider_fixture.h"
#include "rotonde/projections/snapshot.h"

namespace rotonde::commands {
namespace {

class InboxTest : public DeciderTest {
 protected:
  std::string Propose(const std::string& actor, const std::string& title, const std::string& date) {
    v1::Command c = NewCommand();
    c.mutable_propose_initiative()->set_kind(v1::INITIATIVE_KIND_STREET_MARKET);
    c.mutable_propose_initiative()->set_title(title);
    c.mutable_propose_initiative()->mutable_when()->set_start_date(date);
    return Do(c, actor).at(0).event.initiative_proposed().initiative_id();
  }
  // The kinds in a member's inbox, oldest first.
  Types KindsOf(const std::string& member) {
    Types kinds;
    const projections::PlatformModel model = FoldedModel();
    for (const v1::Notification& n : model.InboxOf(member)) kinds.push_back(n.kind());
    return kinds;
  }
};

TEST_F(InboxTest, AClashAndItsMergeReachTheOrganizersOfBothSidesButNotWhoActed) {
  const std::string a = Propose(kBram, "Braderie", "2026-06-13");
  const std::string b = Propose(kDewi, "Rommelmarkt", "2026-06-13");
  // The platform found the clash ("system"): both organizers hear of it, from their side.
  auto model = FoldedModel();
  ASSERT_EQ(model.InboxOf(kBram).size(), 1u);
  const v1::Notification& bram = model.InboxOf(kBram).back();
  EXPECT_EQ(bram.kind(), "clash_detected");
  EXPECT_EQ(bram.initiative_id(), a);
  EXPECT_EQ(bram.other_initiative_id(), b);
  EXPECT_EQ(model.InboxOf(kDewi).back().initiative_id(), b);
  EXPECT_TRUE(model.InboxOf(kAnna).empty());
  EXPECT_TRUE(model.InboxOf(kCarla).empty());

  const std::string clash = state_.ClashBetween(a, b)->id;
  v1::Command merge = NewCommand();
  merge.mutable_propose_merge()->set_clash_id(clash);
  merge.mutable_propose_merge()->set_surviving_initiative_id(a);
  Do(merge, kBram);
  v1::Command accept = NewCommand();
  accept.mutable_accept_merge()->set_clash_id(clash);
  Do(accept, kDewi);

  // Bram proposed the merge: Dewi hears of it; Dewi said yes and they merged: Bram hears.
  EXPECT_EQ(KindsOf(kDewi), (Types{"clash_detected", "merge_proposed"}));
  // Bram's own yes came with his proposal, and Dewi's yes completed the merge: neither is
  // news of its own.
  EXPECT_EQ(KindsOf(kBram), (Types{"clash_detected", "initiatives_merged"}));
}

TEST_F(InboxTest, LearningSpendingActionsAndProposalsReachWhomTheyConcern) {
  const std::string a = Propose(kBram, "Braderie", "2026-06-13");
  v1::Command task = NewCommand();
  task.mutable_create_task()->set_initiative_id(a);
  task.mutable_create_task()->set_title("Flyer maken");
  task.mutable_create_task()->set_due_date("2026-06-01");
  const std::string task_id = Do(task, kBram).at(0).event.task_created().task_id();
  v1::Command claim = NewCommand();
  claim.mutable_claim_task()->set_task_id(task_id);
  Do(claim, kCarla);
  v1::Command learn = NewCommand();
  learn.mutable_request_learning()->set_task_id(task_id);
  Do(learn, kDewi);
  // Carla claimed the task: she hears that Dewi wants to learn it.
  ASSERT_EQ(KindsOf(kCarla), (Types{"learning_requested"}));
  EXPECT_EQ(FoldedModel().InboxOf(kCarla).back().member_id(), std::string(kDewi));
  v1::Command teach = NewCommand();
  teach.mutable_offer_to_teach()->set_task_id(task_id);
  teach.mutable_offer_to_teach()->set_learner_id(kDewi);
  Do(teach, kCarla);
  EXPECT_EQ(KindsOf(kDewi), (Types{"teaching_offered"}));
  EXPECT_EQ(FoldedModel().InboxOf(kDewi).back().member_id(), kCarla);

  v1::Command allocate = NewCommand();
  allocate.mutable_allocate_budget()->set_source("Stadsdeel");
  allocate.mutable_allocate_budget()->set_amount_cents(100'000);
  allocate.mutable_allocate_budget()->set_period("2026");
  Do(allocate, kCarla);
  v1::Command ask = NewCommand();
  ask.mutable_propose_spending()->set_initiative_id(a);
  ask.mutable_propose_spending()->set_amount_cents(30'000);
  ask.mutable_propose_spending()->set_purpose("Kramen");
  const std::string line = Do(ask, kBram).at(0).event.spending_proposed().spending_id();
  v1::Command decide = NewCommand();
  decide.mutable_decide_spending()->set_spending_id(line);
  decide.mutable_decide_spending()->set_approved(false);
  decide.mutable_decide_spending()->set_note("te duur");
  Do(decide, kCarla);
  auto model = FoldedModel();
  const v1::Notification& decided = model.InboxOf(kBram).back();
  EXPECT_EQ(decided.kind(), "spending_decided");
  EXPECT_FALSE(decided.approved());
  EXPECT_EQ(decided.reason(), "te duur");

  v1::Command meeting = NewCommand();
  meeting.mutable_schedule_meeting()->set_title("Bewonersavond");
  meeting.mutable_schedule_meeting()->set_date("2026-06-20");
  const std::string meeting_id = Do(meeting, kCarla).at(0).event.meeting_scheduled().meeting_id();
  v1::Command action = NewCommand();
  action.mutable_add_action_item()->set_meeting_id(meeting_id);
  action.mutable_add_action_item()->set_description("Zaal reserveren");
  action.mutable_add_action_item()->set_owner_id(kDewi);
  action.mutable_add_action_item()->set_due_date("2026-06-15");
  Do(action, kCarla);
  const v1::Notification assigned = FoldedModel().InboxOf(kDewi).back();
  EXPECT_EQ(assigned.kind(), "action_assigned");
  EXPECT_EQ(assigned.due_date(), "2026-06-15");

  v1::Command proposal = NewCommand();
  proposal.mutable_submit_proposal()->set_title("Meer bankjes");
  proposal.mutable_submit_proposal()->set_submitter_name("Een bewoner");
  proposal.mutable_submit_proposal()->set_submitter_contact("bewoner@example.org");
  Do(proposal, kDewi);
  // The coordinators and admins hear of a residents' proposal; members do not.
  model = FoldedModel();
  EXPECT_EQ(model.InboxOf(kAnna).back().kind(), "proposal_submitted");
  EXPECT_EQ(model.InboxOf(kCarla).back().kind(), "proposal_submitted");
  EXPECT_NE(model.InboxOf(kBram).back().kind(), "proposal_submitted");
  EXPECT_TRUE(model.InboxOf(kOlaf).empty());
}

TEST_F(InboxTest, TheViewIsNewestFirstWithTitlesNamesAndReadMarks) {
  const std::string a = Propose(kBram, "Braderie", "2026-06-13");
  Propose(kDewi, "Rommelmarkt", "2026-06-13");
  Propose(kDewi, "Kleedjesmarkt", "2026-06-13");
  const auto model = FoldedModel();
  ASSERT_EQ(model.InboxOf(kBram).size(), 2u);
  projections::InboxReadMarks read;
  v1::InboxView view = projections::BuildInbox(model, kBram, read);
  ASSERT_EQ(view.items_size(), 2);
  EXPECT_EQ(view.unread(), 2);
  EXPECT_GT(view.items(0).position(), view.items(1).position());
  EXPECT_EQ(view.items(0).title(), "Braderie");
  EXPECT_EQ(view.items(0).other_title(), "Kleedjesmarkt");
  EXPECT_EQ(view.items(1).other_title(), "Rommelmarkt");

  read.positions.insert(view.items(0).position());
  view = projections::BuildInbox(model, kBram, read);
  EXPECT_EQ(view.unread(), 1);
  EXPECT_TRUE(view.items(0).read());
  EXPECT_FALSE(view.items(1).read());
  read.through = view.items(1).position();
  EXPECT_EQ(projections::BuildInbox(model, kBram, read).unread(), 0);
  // Nobody else sees Bram's inbox by asking for theirs.
  EXPECT_EQ(projections::BuildInbox(model, kCarla, {}).items_size(), 0);
  (void)a;
}

TEST_F(InboxTest, AnInboxKeepsItsLastItemsAndSurvivesACheckpoint) {
  const std::string a = Propose(kBram, "Braderie", "2026-06-13");
  // Each new market on the same day clashes with Bram's: more than an inbox keeps.
  for (size_t i = 0; i < projections::kMaxInboxItems + 5; ++i) {
    Propose(kDewi, "Markt " + std::to_string(i), "2026-06-13");
  }
  const auto model = FoldedModel();
  ASSERT_EQ(model.InboxOf(kBram).size(), projections::kMaxInboxItems);
  // The newest stayed, the oldest fell off.
  const v1::InboxView view = projections::BuildInbox(model, kBram, {});
  EXPECT_EQ(view.items(0).other_title(),
            "Markt " + std::to_string(projections::kMaxInboxItems + 4));
  EXPECT_EQ(view.items(view.items_size() - 1).other_title(), "Markt 5");
  EXPECT_EQ(view.items(0).initiative_id(), a);
  const auto restored =
      projections::ModelSnapshots::Restore(projections::ModelSnapshots::Take(model));
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(projections::ModelSnapshots::Bytes(*restored),
            projections::ModelSnapshots::Bytes(model));
  EXPECT_EQ(restored->InboxOf(kBram).size(), projections::kMaxInboxItems);
}

}  // namespace
}  // namespace rotonde::commands
