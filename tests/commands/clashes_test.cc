// The samenwerkingsrotonde: clashes found as initiatives are proposed and changed, and the
// stories of the seeds, through commands and the folded state.
#include <functional>

#include "decider_fixture.h"
#include "rotonde/projections/dates.h"

namespace rotonde::commands {
namespace {

using projections::ClashStatus;

class ClashesTest : public DeciderTest {
 protected:
  std::vector<PlannedEvent> Propose(const std::string& actor, v1::InitiativeKind kind,
                                    const std::string& title, const std::string& date,
                                    const std::string& place = "", bool ongoing = false) {
    v1::Command command = NewCommand();
    auto& p = *command.mutable_propose_initiative();
    p.set_kind(kind);
    p.set_title(title);
    p.mutable_when()->set_start_date(date);
    p.mutable_when()->set_ongoing(ongoing);
    p.mutable_place()->set_text(place);
    return Do(command, actor);
  }
  v1::Command NewProposal(v1::InitiativeKind kind, const std::string& title,
                          const std::string& date) {
    v1::Command command = NewCommand();
    auto& p = *command.mutable_propose_initiative();
    p.set_kind(kind);
    p.set_title(title);
    p.mutable_when()->set_start_date(date);
    return command;
  }
  static std::string IdOf(const Decision& d) {
    return d.value().at(0).event.initiative_proposed().initiative_id();
  }
  static std::vector<v1::ClashDetected> Detected(const Decision& d) {
    std::vector<v1::ClashDetected> out;
    for (const auto& e : EventsOf(d, "ClashDetected")) out.push_back(e.clash_detected());
    return out;
  }
  std::string ClashOf(const std::string& a, const std::string& b) {
    const auto* clash = state_.ClashBetween(a, b);
    return clash == nullptr ? "" : clash->id;
  }
  Decision Command(const std::string& actor, const std::function<void(v1::Command&)>& fill) {
    v1::Command command = NewCommand();
    fill(command);
    return When(command, actor);
  }
  std::vector<PlannedEvent> DoCommand(const std::string& actor,
                                      const std::function<void(v1::Command&)>& fill) {
    v1::Command command = NewCommand();
    fill(command);
    return Do(command, actor);
  }
  void UpdateDate(const std::string& actor, const std::string& id, const std::string& date,
                  const std::string& title) {
    const auto* i = state_.Initiative(id);
    DoCommand(actor, [&](v1::Command& c) {
      auto& u = *c.mutable_update_initiative();
      u.set_initiative_id(id);
      u.set_kind(i->kind);
      u.set_title(title);
      u.mutable_when()->set_start_date(date);
      *u.mutable_place() = i->place;
    });
  }
};

// Story 1: "If Mrs A wants to hold a braderie on date Z and Mrs B on the same date Z, that
// is allowed. The neighbourhood is just better off if they then do it together."
TEST_F(ClashesTest, SameDateTwoOrganisersJoinForcesByConsent) {
  const std::string a = IdOf(Propose(kBram, v1::INITIATIVE_KIND_STREET_MARKET, "Braderie Kolenkit",
                                     "2026-06-14", "Kolenkitplein"));
  const Decision second =
      Propose(kDewi, v1::INITIATIVE_KIND_STREET_MARKET, "Zomerbraderie Bos en Lommer", "2026-06-14",
              "Bos en Lommerplein");
  // Allowed: a clash is a suggestion, never a block.
  ASSERT_EQ(TypesOf(second), (Types{"InitiativeProposed", "ClashDetected"}));
  const std::string b = IdOf(second);
  const auto clash = Detected(second).at(0);
  EXPECT_EQ(clash.initiative_a(), a);
  EXPECT_EQ(clash.initiative_b(), b);
  EXPECT_EQ(clash.rule(), v1::CLASH_RULE_SAME_DAY);
  EXPECT_EQ(clash.date(), "2026-06-14");
  EXPECT_EQ(second.value()[1].actor, kSystemActor);
  EXPECT_EQ(second.value()[1].stream, "kolenkit/clash/" + clash.clash_id());
  EXPECT_EQ(state_.Clash(clash.clash_id())->status, ClashStatus::kOpen);

  // A coordinator may connect them, but may not say yes for them.
  DoCommand(kCarla, [&](v1::Command& c) {
    c.mutable_propose_merge()->set_clash_id(clash.clash_id());
    c.mutable_propose_merge()->set_surviving_initiative_id(a);
  });
  EXPECT_EQ(state_.Clash(clash.clash_id())->status, ClashStatus::kMergeProposed);
  ExpectRefused(
      Command(kCarla,
              [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash.clash_id()); }),
      "forbidden");
  // Dewi says yes for her side; no merge without Bram's yes.
  const Decision dewi = DoCommand(
      kDewi, [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash.clash_id()); });
  EXPECT_EQ(TypesOf(dewi), (Types{"MergeAccepted"}));
  ExpectRefused(
      Command(kDewi,
              [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash.clash_id()); }),
      "already_accepted");
  EXPECT_EQ(state_.Initiative(b)->status, projections::InitiativeStatus::kActive);
  const Decision bram = DoCommand(
      kBram, [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash.clash_id()); });
  EXPECT_EQ(TypesOf(bram), (Types{"MergeAccepted", "InitiativesMerged"}));

  const auto* surviving = state_.Initiative(a);
  const auto* absorbed = state_.Initiative(b);
  EXPECT_EQ(surviving->organizers, (std::vector<std::string>{kBram, kDewi}));
  EXPECT_EQ(absorbed->status, projections::InitiativeStatus::kMerged);
  EXPECT_EQ(absorbed->merged_into, a);
  EXPECT_EQ(surviving->absorbed, (std::vector<std::string>{b}));
  EXPECT_EQ(state_.Clash(clash.clash_id())->status, ClashStatus::kMerged);
}

TEST_F(ClashesTest, AClashIsFoundByItsPairWhateverTheIdsLength) {
  // Long ids: a pair key that referred to temporaries would miss them in optimised builds.
  v1::Command first = NewCommand();
  first.mutable_propose_initiative()->set_initiative_id("i-repair-cafe-maart-in-het-buurthuis");
  first.mutable_propose_initiative()->set_kind(v1::INITIATIVE_KIND_OTHER);
  first.mutable_propose_initiative()->set_title("Repair café");
  first.mutable_propose_initiative()->mutable_when()->set_start_date("2026-03-14");
  Do(first, kBram);
  v1::Command second = first;
  second.set_command_id("cmd-long-2");
  second.mutable_propose_initiative()->set_initiative_id("i-voorleesochtend-maart-bibliotheek");
  second.mutable_propose_initiative()->set_title("Voorleesochtend");
  Do(second, kDewi);
  const auto* clash = state_.ClashBetween("i-voorleesochtend-maart-bibliotheek",
                                          "i-repair-cafe-maart-in-het-buurthuis");
  ASSERT_NE(clash, nullptr);
  EXPECT_EQ(clash->initiative_a, "i-repair-cafe-maart-in-het-buurthuis");
}

TEST_F(ClashesTest, SamePlaceSameDayIsAHardClash) {
  Propose(kBram, v1::INITIATIVE_KIND_STREET_PARTY, "Straatfeest", "2026-06-20", "Kolenkitplein");
  const Decision d = Propose(kDewi, v1::INITIATIVE_KIND_CLEAN_UP, "Opschoonochtend", "2026-06-20",
                             "  kolenkitplein ");
  ASSERT_EQ(Detected(d).size(), 1u);
  EXPECT_EQ(Detected(d)[0].rule(), v1::CLASH_RULE_SAME_PLACE_SAME_DAY);
  EXPECT_DOUBLE_EQ(Detected(d)[0].score(), 1.0);
}

// Story 2: three groups each planned a clothing give-away in the same week; the platform
// persuaded them to do it together under the metro station's canopy.
TEST_F(ClashesTest, ThreeGiveAwaysInOneWeekBecomeOne) {
  // Week 23 of 2026 runs from Monday 1 June to Sunday 7 June.
  const std::string a = IdOf(Propose(kBram, v1::INITIATIVE_KIND_GIVE_AWAY, "Kledingweggeefactie",
                                     "2026-06-02", "Buurthuis"));
  const Decision second = Propose(kDewi, v1::INITIATIVE_KIND_GIVE_AWAY, "Weggeefmarkt kleding",
                                  "2026-06-04", "Speeltuin");
  const std::string b = IdOf(second);
  ASSERT_EQ(Detected(second).size(), 1u);
  EXPECT_EQ(Detected(second)[0].rule(), v1::CLASH_RULE_SAME_WEEK_SIMILAR);
  EXPECT_EQ(Detected(second)[0].date(), "2026-06-01");
  const Decision third = Propose(kCarla, v1::INITIATIVE_KIND_GIVE_AWAY, "Gratis kleding ophalen",
                                 "2026-06-06", "Metrostation Kolenkit");
  const std::string c = IdOf(third);
  ASSERT_EQ(Detected(third).size(), 2u);
  // A give-away in the next week is no clash.
  EXPECT_TRUE(
      Detected(Propose(kBram, v1::INITIATIVE_KIND_GIVE_AWAY, "Boekenruil", "2026-06-08")).empty());

  // Carla's canopy event survives: B joins it, then A.
  const std::string bc = ClashOf(b, c);
  DoCommand(kCarla, [&](v1::Command& cmd) {
    cmd.mutable_propose_merge()->set_clash_id(bc);
    cmd.mutable_propose_merge()->set_surviving_initiative_id(c);
  });
  const Decision b_yes =
      DoCommand(kDewi, [&](v1::Command& cmd) { cmd.mutable_accept_merge()->set_clash_id(bc); });
  // B's clash with A is resolved by the merge; A and C still clash.
  EXPECT_EQ(TypesOf(b_yes), (Types{"MergeAccepted", "InitiativesMerged", "ClashResolved"}));
  EXPECT_EQ(state_.Clash(ClashOf(a, b))->status, ClashStatus::kResolved);
  const std::string ac = ClashOf(a, c);
  EXPECT_EQ(state_.Clash(ac)->status, ClashStatus::kOpen);
  DoCommand(kBram, [&](v1::Command& cmd) {
    cmd.mutable_propose_merge()->set_clash_id(ac);
    cmd.mutable_propose_merge()->set_surviving_initiative_id(c);
  });
  DoCommand(kCarla, [&](v1::Command& cmd) { cmd.mutable_accept_merge()->set_clash_id(ac); });

  const auto* together = state_.Initiative(c);
  EXPECT_EQ(together->organizers, (std::vector<std::string>{kCarla, kDewi, kBram}));
  EXPECT_EQ(together->absorbed, (std::vector<std::string>{b, a}));
  int active_give_aways = 0;
  for (const auto& [id, i] : state_.initiatives()) {
    active_give_aways += i.active() && i.kind == v1::INITIATIVE_KIND_GIVE_AWAY &&
                         projections::IsoWeek(i.days.first) == 202623;
  }
  EXPECT_EQ(active_give_aways, 1);
}

// Story 3: one newsletter is enough; the same for two big residents' meetings and two
// action groups against the same metro-line cut.
TEST_F(ClashesTest, OneNewsletterOneBigMeetingOneActionGroupPerCause) {
  Propose(kBram, v1::INITIATIVE_KIND_NEWSLETTER, "Buurtkrant Kolenkit", "2026-01-01", "", true);
  const Decision paper =
      Propose(kDewi, v1::INITIATIVE_KIND_NEWSLETTER, "De Kolenkitkoerier", "2026-03-01", "", true);
  ASSERT_EQ(Detected(paper).size(), 1u);
  EXPECT_EQ(Detected(paper)[0].rule(), v1::CLASH_RULE_DUPLICATE_CHANNEL);

  Propose(kCarla, v1::INITIATIVE_KIND_RESIDENTS_MEETING, "Grote bewonersavond", "2026-09-10");
  const Decision meeting = Propose(kBram, v1::INITIATIVE_KIND_RESIDENTS_MEETING,
                                   "Bewonersbijeenkomst najaar", "2026-10-01");
  ASSERT_EQ(Detected(meeting).size(), 1u);
  EXPECT_EQ(Detected(meeting)[0].rule(), v1::CLASH_RULE_DUPLICATE_CHANNEL);
  EXPECT_TRUE(Detected(Propose(kBram, v1::INITIATIVE_KIND_RESIDENTS_MEETING, "Bewonersavond winter",
                               "2026-12-10"))
                  .empty());

  Propose(kBram, v1::INITIATIVE_KIND_ACTION_GROUP, "Actiegroep tegen schrappen metrolijn 53",
          "2026-02-01", "", true);
  const Decision metro = Propose(kDewi, v1::INITIATIVE_KIND_ACTION_GROUP,
                                 "Actie: behoud metro 53 in onze buurt", "2026-02-15", "", true);
  ASSERT_EQ(Detected(metro).size(), 1u);
  EXPECT_EQ(Detected(metro)[0].rule(), v1::CLASH_RULE_DUPLICATE_CHANNEL);
  EXPECT_TRUE(Detected(Propose(kCarla, v1::INITIATIVE_KIND_ACTION_GROUP,
                               "Actiegroep voor meer groen op het plein", "2026-02-20", "", true))
                  .empty());
}

TEST_F(ClashesTest, ADismissedClashStaysClosedUnlessTheInitiativesChangeMaterially) {
  const std::string a = IdOf(Propose(kBram, v1::INITIATIVE_KIND_STREET_PARTY, "Buurtfeest",
                                     "2026-06-20", "Kolenkitplein"));
  const std::string b = IdOf(
      Propose(kDewi, v1::INITIATIVE_KIND_OTHER, "Voorleesmiddag", "2026-06-20", "Bibliotheek"));
  const std::string clash = ClashOf(a, b);
  ExpectRefused(
      Command(kDewi, [&](v1::Command& c) { c.mutable_dismiss_clash()->set_clash_id(clash); }),
      "missing_field");
  ExpectRefused(Command(kOlaf,
                        [&](v1::Command& c) {
                          c.mutable_dismiss_clash()->set_clash_id(clash);
                          c.mutable_dismiss_clash()->set_reason("x");
                        }),
                "forbidden");
  DoCommand(kDewi, [&](v1::Command& c) {
    c.mutable_dismiss_clash()->set_clash_id(clash);
    c.mutable_dismiss_clash()->set_reason("bewust apart: andere doelgroep");
  });
  EXPECT_EQ(state_.Clash(clash)->status, ClashStatus::kDismissed);

  // A new title is no material change: still dismissed, nothing new detected.
  UpdateDate(kDewi, b, "2026-06-20", "Voorleesmiddag voor kleuters");
  EXPECT_EQ(state_.Clash(clash)->status, ClashStatus::kDismissed);
  // Moving to another day of the same week keeps them apart (different kinds, texts).
  UpdateDate(kDewi, b, "2026-06-18", "Voorleesmiddag voor kleuters");
  EXPECT_EQ(state_.Clash(clash)->status, ClashStatus::kDismissed);
  // Moving back onto the party's day is material and clashes again: reopened.
  UpdateDate(kDewi, b, "2026-06-20", "Voorleesmiddag voor kleuters");
  EXPECT_EQ(state_.Clash(clash)->status, ClashStatus::kOpen);
  // Moving away resolves it; cancelling resolves what is left.
  UpdateDate(kDewi, b, "2026-07-20", "Voorleesmiddag voor kleuters");
  EXPECT_EQ(state_.Clash(clash)->status, ClashStatus::kResolved);
}

TEST_F(ClashesTest, CancellingResolvesItsOpenClashes) {
  const std::string a =
      IdOf(Propose(kBram, v1::INITIATIVE_KIND_CLEAN_UP, "Opschonen", "2026-04-11"));
  const std::string b =
      IdOf(Propose(kDewi, v1::INITIATIVE_KIND_CLEAN_UP, "Zwerfafval prikken", "2026-04-11"));
  const Decision cancel = DoCommand(
      kDewi, [&](v1::Command& c) { c.mutable_cancel_initiative()->set_initiative_id(b); });
  EXPECT_EQ(TypesOf(cancel), (Types{"InitiativeCancelled", "ClashResolved"}));
  EXPECT_EQ(state_.Clash(ClashOf(a, b))->status, ClashStatus::kResolved);
}

TEST_F(ClashesTest, AMergeMovesTasksAndBudgetLinesToTheSurvivor) {
  const std::string a =
      IdOf(Propose(kBram, v1::INITIATIVE_KIND_STREET_MARKET, "Braderie", "2026-06-14"));
  const std::string b =
      IdOf(Propose(kDewi, v1::INITIATIVE_KIND_STREET_MARKET, "Rommelmarkt", "2026-06-14"));
  // Given a task and a budget line under B (as facts, whatever their own rules).
  std::vector<PlannedEvent> given(2);
  auto& task = *given[0].event.mutable_task_created();
  task.set_task_id("t-flyer");
  task.set_initiative_id(b);
  task.set_title("flyer maken");
  given[0].stream = "kolenkit/task/t-flyer";
  auto& line = *given[1].event.mutable_spending_proposed();
  line.set_spending_id("sp-kramen");
  line.set_initiative_id(b);
  line.set_amount_cents(25000);
  line.set_purpose("kramen huren");
  given[1].stream = "kolenkit/budget";
  Fold(given, kDewi, "given-1");

  const std::string clash = ClashOf(a, b);
  DoCommand(kBram, [&](v1::Command& c) {
    c.mutable_propose_merge()->set_clash_id(clash);
    c.mutable_propose_merge()->set_surviving_initiative_id(a);
  });
  const Decision merged =
      DoCommand(kDewi, [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash); });
  EXPECT_EQ(TypesOf(merged),
            (Types{"MergeAccepted", "InitiativesMerged", "TaskMoved", "SpendingMoved"}));
  EXPECT_EQ(state_.Task("t-flyer")->initiative_id, a);
  EXPECT_EQ(state_.budget().spending.at("sp-kramen").initiative_id, a);
  // Nothing is lost: B is still there, pointing at A.
  EXPECT_EQ(state_.Initiative(b)->title, "Rommelmarkt");
  EXPECT_EQ(state_.Initiative(b)->merged_into, a);
}

TEST_F(ClashesTest, AMergeCanBeDeclinedAndTheClashStaysOpen) {
  const std::string a =
      IdOf(Propose(kBram, v1::INITIATIVE_KIND_STREET_PARTY, "Feest", "2026-06-20"));
  const std::string b =
      IdOf(Propose(kDewi, v1::INITIATIVE_KIND_STREET_PARTY, "Straatfeest", "2026-06-20"));
  const std::string clash = ClashOf(a, b);
  ExpectRefused(
      Command(kDewi, [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash); }),
      "merge_not_proposed");
  ExpectRefused(Command(kDewi,
                        [&](v1::Command& c) {
                          c.mutable_propose_merge()->set_clash_id(clash);
                          c.mutable_propose_merge()->set_surviving_initiative_id("i-elsewhere");
                        }),
                "invalid_argument");
  DoCommand(kBram, [&](v1::Command& c) {
    c.mutable_propose_merge()->set_clash_id(clash);
    c.mutable_propose_merge()->set_surviving_initiative_id(a);
  });
  DoCommand(kDewi, [&](v1::Command& c) {
    c.mutable_decline_merge()->set_clash_id(clash);
    c.mutable_decline_merge()->set_reason("wij willen het klein houden");
  });
  EXPECT_EQ(state_.Clash(clash)->status, ClashStatus::kOpen);
  EXPECT_TRUE(state_.Clash(clash)->accepted_sides.empty());
  EXPECT_EQ(state_.Initiative(b)->status, projections::InitiativeStatus::kActive);
}

TEST_F(ClashesTest, OneOrganizerOfBothSidesMergesAtOnce) {
  const std::string a =
      IdOf(Propose(kBram, v1::INITIATIVE_KIND_CLEAN_UP, "Opschonen noord", "2026-04-11"));
  const std::string b =
      IdOf(Propose(kBram, v1::INITIATIVE_KIND_CLEAN_UP, "Opschonen zuid", "2026-04-11"));
  const Decision d = DoCommand(kBram, [&](v1::Command& c) {
    c.mutable_propose_merge()->set_clash_id(ClashOf(a, b));
    c.mutable_propose_merge()->set_surviving_initiative_id(b);
  });
  EXPECT_EQ(TypesOf(d),
            (Types{"MergeProposed", "MergeAccepted", "MergeAccepted", "InitiativesMerged"}));
  EXPECT_EQ(state_.Initiative(a)->merged_into, b);
}

// Issue 15: an accepted merge says the two titles name one activity; the platform learns it,
// and a later pair naming the two that way clashes there (the text alone would not say so).
TEST_F(ClashesTest, AMergeTeachesThePlatformThatTwoTitlesNameOneActivity) {
  // Before: a potluck and a communal meal in one week are different plans to the text.
  Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Potluck in het park", "2026-05-04");
  const Decision before =
      When(NewProposal(v1::INITIATIVE_KIND_OTHER, "Gezamenlijke maaltijd", "2026-05-07"), kDewi);
  EXPECT_TRUE(Detected(before).empty());

  // Given: on one day, a potluck and a "samen eten", merged by both sides.
  const std::string a = IdOf(Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Potluck", "2026-06-13"));
  const std::string b = IdOf(Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Samen eten", "2026-06-13"));
  DoCommand(kBram, [&](v1::Command& c) {
    c.mutable_propose_merge()->set_clash_id(ClashOf(a, b));
    c.mutable_propose_merge()->set_surviving_initiative_id(a);
  });
  EXPECT_TRUE(state_.learned_terms().Same("potluck", "maaltijd"));

  // When the same pair comes up in a later week: then it clashes on the text.
  Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Potluck in het park", "2026-07-06");
  const Decision after =
      When(NewProposal(v1::INITIATIVE_KIND_OTHER, "Gezamenlijke maaltijd", "2026-07-09"), kDewi);
  ASSERT_EQ(Detected(after).size(), 1u);
  EXPECT_EQ(Detected(after)[0].rule(), v1::CLASH_RULE_SAME_WEEK_SIMILAR);
}

// A clash dismissed as "bewust apart" says its titles' differing terms keep plans apart:
// playing football is not watching it. A later pair that differs the same way does not clash.
TEST_F(ClashesTest, ADismissalTeachesThePlatformWhatKeepsPlansApart) {
  // Before: opening a court and watching a match on a big screen look alike to the text.
  Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Opening basketbalveld", "2026-05-04");
  const Decision before =
      When(NewProposal(v1::INITIATIVE_KIND_OTHER, "Basketbal kijken op groot scherm", "2026-05-07"),
           kDewi);
  EXPECT_EQ(Detected(before).size(), 1u);

  // Given: such a clash, dismissed with a reason.
  const std::string a =
      IdOf(Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Voetbalkooi opening", "2026-06-13"));
  const std::string b = IdOf(
      Propose(kDewi, v1::INITIATIVE_KIND_OTHER, "Voetbal kijken op groot scherm", "2026-06-13"));
  DoCommand(kDewi, [&](v1::Command& c) {
    c.mutable_dismiss_clash()->set_clash_id(ClashOf(a, b));
    c.mutable_dismiss_clash()->set_reason("bewust apart: spelen is geen kijken");
  });
  EXPECT_FALSE(state_.learned_terms().different.empty());

  // When the same kind of pair comes up later: then no clash.
  Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Opening basketbalveld", "2026-07-06");
  const Decision after =
      When(NewProposal(v1::INITIATIVE_KIND_OTHER, "Basketbal kijken op groot scherm", "2026-07-09"),
           kDewi);
  EXPECT_TRUE(Detected(after).empty());
}

// The learning is part of the state: a copy (as a snapshot restore makes) compares alike.
TEST_F(ClashesTest, WhatThePlatformLearnedIsInItsState) {
  const std::string a = IdOf(Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Potluck", "2026-06-13"));
  const std::string b = IdOf(Propose(kBram, v1::INITIATIVE_KIND_OTHER, "Samen eten", "2026-06-13"));
  DoCommand(kBram, [&](v1::Command& c) {
    c.mutable_propose_merge()->set_clash_id(ClashOf(a, b));
    c.mutable_propose_merge()->set_surviving_initiative_id(a);
  });
  const projections::PlatformState copy = state_;
  EXPECT_EQ(copy.learned_terms().same, state_.learned_terms().same);
  EXPECT_EQ(copy.similarity_context().documents, 2u);
  const auto* counts = copy.similarity_context().document_frequency;
  ASSERT_NE(counts, nullptr);
  EXPECT_EQ(counts->at(projections::TermHash("potluck")), 1u);
}

}  // namespace
}  // namespace rotonde::commands
