// Initiatives and residents' proposals: what may be proposed, changed, joined, cancelled.
#include "decider_fixture.h"

namespace rotonde::commands {
namespace {

class InitiativesTest : public DeciderTest {
 protected:
  v1::Command Propose(v1::InitiativeKind kind, const std::string& title, const std::string& date,
                      const std::string& place = "") {
    v1::Command command = NewCommand();
    auto& p = *command.mutable_propose_initiative();
    p.set_kind(kind);
    p.set_title(title);
    p.mutable_when()->set_start_date(date);
    p.mutable_place()->set_text(place);
    return command;
  }
  std::string ProposeOk(v1::InitiativeKind kind, const std::string& title, const std::string& date,
                        const std::string& actor, const std::string& place = "") {
    return Do(Propose(kind, title, date, place), actor)
        .at(0)
        .event.initiative_proposed()
        .initiative_id();
  }
};

TEST_F(InitiativesTest, AMemberProposesAnInitiativeAndOrganizesIt) {
  v1::Command command = Propose(v1::INITIATIVE_KIND_CLEAN_UP, "Opschoonactie Kolenkitplein",
                                "2026-04-11", "Kolenkitplein");
  command.mutable_propose_initiative()->mutable_when()->set_start_time("10:00");
  command.mutable_propose_initiative()->add_co_organizer_ids(kDewi);
  const Decision d = When(command, kBram);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(TypesOf(d), (Types{"InitiativeProposed"}));
  const auto& e = d.value()[0].event.initiative_proposed();
  EXPECT_EQ(d.value()[0].stream, "kolenkit/initiative/" + e.initiative_id());
  EXPECT_EQ(e.organizer_ids_size(), 2);
  EXPECT_EQ(e.organizer_ids(0), kBram);
  EXPECT_EQ(e.when().time_zone(), "Europe/Amsterdam");
  Fold(d, kBram, command.command_id());
  const auto* initiative = state_.Initiative(e.initiative_id());
  ASSERT_NE(initiative, nullptr);
  EXPECT_TRUE(initiative->IsOrganizer(kDewi));
}

TEST_F(InitiativesTest, TheSameCommandNamesTheSameInitiative) {
  const v1::Command command = Propose(v1::INITIATIVE_KIND_OTHER, "Taalcafé", "2026-05-06");
  const auto first = When(command, kBram).value()[0].event.initiative_proposed().initiative_id();
  const auto again = When(command, kBram).value()[0].event.initiative_proposed().initiative_id();
  EXPECT_EQ(first, again);
  EXPECT_EQ(first.rfind("i-", 0), 0u);
}

TEST_F(InitiativesTest, DatesMustExistAndRangesBeSensible) {
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-02-29"), kBram),
                "invalid_date");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-13-01"), kBram),
                "invalid_date");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "14 juni"), kBram),
                "invalid_date");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", ""), kBram), "missing_field");
  EXPECT_TRUE(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2028-02-29"), kBram).ok());

  v1::Command backwards = Propose(v1::INITIATIVE_KIND_OTHER, "Zomerprogramma", "2026-07-10");
  backwards.mutable_propose_initiative()->mutable_when()->set_end_date("2026-07-01");
  ExpectRefused(When(backwards, kBram), "invalid_date");
  v1::Command too_long = Propose(v1::INITIATIVE_KIND_OTHER, "Heel lang", "2026-01-01");
  too_long.mutable_propose_initiative()->mutable_when()->set_end_date("2026-12-31");
  ExpectRefused(When(too_long, kBram), "invalid_date");
  v1::Command bad_time = Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-06-14");
  bad_time.mutable_propose_initiative()->mutable_when()->set_start_time("25:00");
  ExpectRefused(When(bad_time, kBram), "invalid_time");
  v1::Command ongoing_with_end =
      Propose(v1::INITIATIVE_KIND_NEWSLETTER, "Buurtkrant", "2026-01-01");
  ongoing_with_end.mutable_propose_initiative()->mutable_when()->set_ongoing(true);
  ongoing_with_end.mutable_propose_initiative()->mutable_when()->set_end_date("2026-02-01");
  ExpectRefused(When(ongoing_with_end, kBram), "invalid_date");
}

TEST_F(InitiativesTest, TextIsCheckedButHostileTextIsJustText) {
  ExpectRefused(
      When(Propose(v1::INITIATIVE_KIND_OTHER, std::string(201, 'a'), "2026-06-14"), kBram),
      "text_too_long");
  EXPECT_TRUE(
      When(Propose(v1::INITIATIVE_KIND_OTHER, std::string(200, 'a'), "2026-06-14"), kBram).ok());
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest\x01", "2026-06-14"), kBram),
                "invalid_text");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest\nmet regel", "2026-06-14"), kBram),
                "invalid_text");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Caf\xc3", "2026-06-14"), kBram),
                "invalid_text");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "   ", "2026-06-14"), kBram),
                "missing_field");
  const Decision hostile =
      When(Propose(v1::INITIATIVE_KIND_OTHER, "<img src=x onerror=alert(1)>", "2026-06-14"), kBram);
  ASSERT_TRUE(hostile.ok());
  EXPECT_EQ(hostile.value()[0].event.initiative_proposed().title(), "<img src=x onerror=alert(1)>");
  v1::Command multiline = Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-06-14");
  multiline.mutable_propose_initiative()->set_description("Regel één\nRegel twee");
  EXPECT_TRUE(When(multiline, kBram).ok());
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_UNSPECIFIED, "Feest", "2026-06-14"), kBram),
                "invalid_kind");
}

TEST_F(InitiativesTest, AuditorsAndStrangersCannotPropose) {
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-06-14"), kOlaf),
                "forbidden");
  ExpectRefused(When(Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-06-14"), "m-stranger"),
                "not_a_member");
  v1::Command with_auditor = Propose(v1::INITIATIVE_KIND_OTHER, "Feest", "2026-06-14");
  with_auditor.mutable_propose_initiative()->add_co_organizer_ids(kOlaf);
  ExpectRefused(When(with_auditor, kBram), "not_a_member");
}

TEST_F(InitiativesTest, OnlyOrganizersOrCoordinatorsChangeAnInitiative) {
  const std::string id =
      ProposeOk(v1::INITIATIVE_KIND_STREET_PARTY, "Straatfeest", "2026-06-20", kBram);
  v1::Command update = NewCommand();
  auto& u = *update.mutable_update_initiative();
  u.set_initiative_id(id);
  u.set_kind(v1::INITIATIVE_KIND_STREET_PARTY);
  u.set_title("Straatfeest Kolenkit");
  u.mutable_when()->set_start_date("2026-06-20");
  ExpectRefused(When(update, kDewi), "forbidden");
  const Decision d = When(update, kCarla);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value()[0].event.initiative_updated().changed_size(), 1);
  EXPECT_EQ(d.value()[0].event.initiative_updated().changed(0), "title");
  Fold(d, kCarla, update.command_id());
  EXPECT_EQ(state_.Initiative(id)->title, "Straatfeest Kolenkit");
  ExpectRefused(When(update, kBram), "nothing_changed");

  update.set_expected_version("0");
  u.set_title("Straatfeest Kolenkitbuurt");
  ExpectRefused(When(update, kBram), "wrong_expected_version");
  update.set_expected_version("1");
  EXPECT_TRUE(When(update, kBram).ok());
}

TEST_F(InitiativesTest, NoChangeToACancelledInitiative) {
  const std::string id =
      ProposeOk(v1::INITIATIVE_KIND_GIVE_AWAY, "Weggeefmarkt", "2026-05-16", kBram);
  v1::Command cancel = NewCommand();
  cancel.mutable_cancel_initiative()->set_initiative_id(id);
  cancel.mutable_cancel_initiative()->set_reason("te weinig vrijwilligers");
  ExpectRefused(When(cancel, kDewi), "forbidden");
  Do(cancel, kBram);
  EXPECT_EQ(state_.Initiative(id)->status, projections::InitiativeStatus::kCancelled);

  ExpectRefused(When(cancel, kBram), "initiative_not_active");
  v1::Command join = NewCommand();
  join.mutable_join_initiative()->set_initiative_id(id);
  ExpectRefused(When(join, kDewi), "initiative_not_active");
  v1::Command update = NewCommand();
  update.mutable_update_initiative()->set_initiative_id(id);
  update.mutable_update_initiative()->set_kind(v1::INITIATIVE_KIND_GIVE_AWAY);
  update.mutable_update_initiative()->set_title("Toch wel");
  update.mutable_update_initiative()->mutable_when()->set_start_date("2026-05-16");
  ExpectRefused(When(update, kBram), "initiative_not_active");
}

TEST_F(InitiativesTest, JoiningMakesYouAnOrganizerOnce) {
  const std::string id = ProposeOk(v1::INITIATIVE_KIND_CLEAN_UP, "Opschonen", "2026-04-11", kBram);
  v1::Command join = NewCommand();
  join.mutable_join_initiative()->set_initiative_id(id);
  Do(join, kDewi);
  EXPECT_TRUE(state_.Initiative(id)->IsOrganizer(kDewi));
  ExpectRefused(When(join, kDewi), "already_organizer");
  join.mutable_join_initiative()->set_initiative_id("i-none");
  ExpectRefused(When(join, kDewi), "not_found");
}

TEST_F(InitiativesTest, HeldInitiativesCountTheirParticipants) {
  const std::string id =
      ProposeOk(v1::INITIATIVE_KIND_STREET_PARTY, "Buurtfeest", "2026-06-20", kBram);
  v1::Command held = NewCommand();
  held.mutable_mark_initiative_held()->set_initiative_id(id);
  held.mutable_mark_initiative_held()->set_participants(-1);
  ExpectRefused(When(held, kBram), "invalid_argument");
  held.mutable_mark_initiative_held()->set_participants(140);
  Do(held, kBram);
  EXPECT_EQ(state_.Initiative(id)->status, projections::InitiativeStatus::kHeld);
  EXPECT_EQ(state_.Initiative(id)->participants, 140);
}

// Story 7: a resident's improvement proposal comes in through the form, is discussed with
// them, and a coordinator turns it into an initiative.
TEST_F(InitiativesTest, AResidentsProposalBecomesAnInitiative) {
  v1::Command submit = NewCommand();
  auto& s = *submit.mutable_submit_proposal();
  s.set_title("Bankje bij de speeltuin");
  s.set_description("Ouders hebben geen plek om te zitten.");
  s.set_submitter_name("Yusuf");
  s.set_submitter_contact("yusuf@example.org");
  const std::string proposal =
      Do(submit, "")[0].event.proposal_submitted().proposal_id();  // not a member

  v1::Command discuss = NewCommand();
  discuss.mutable_record_proposal_discussion()->set_proposal_id(proposal);
  discuss.mutable_record_proposal_discussion()->set_notes("Gebeld; hij wil meehelpen.");
  ExpectRefused(When(discuss, kBram), "forbidden");
  Do(discuss, kCarla);
  EXPECT_EQ(state_.Proposal(proposal)->status, projections::ProposalStatus::kDiscussed);

  v1::Command adopt = Propose(v1::INITIATIVE_KIND_OTHER, "Bankje bij de speeltuin", "2026-05-01");
  adopt.mutable_propose_initiative()->set_proposal_id(proposal);
  ExpectRefused(When(adopt, kBram), "forbidden");
  const Decision adopted = Do(adopt, kCarla);
  EXPECT_EQ(TypesOf(adopted), (Types{"InitiativeProposed", "ProposalAdopted"}));
  EXPECT_EQ(adopted.value()[1].stream, "kolenkit/proposal/" + proposal);
  EXPECT_EQ(state_.Proposal(proposal)->status, projections::ProposalStatus::kAdopted);

  v1::Command decline = NewCommand();
  decline.mutable_decline_proposal()->set_proposal_id(proposal);
  decline.mutable_decline_proposal()->set_reason("dubbel");
  ExpectRefused(When(decline, kCarla), "proposal_closed");
  v1::Command anonymous = NewCommand();
  anonymous.mutable_submit_proposal()->set_title("Zonder naam");
  ExpectRefused(When(anonymous, ""), "missing_field");
}

}  // namespace
}  // namespace rotonde::commands
