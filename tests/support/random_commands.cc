#include "random_commands.h"

#include "rotonde/projections/dates.h"

namespace rotonde::test_support {
namespace {

const std::vector<std::string> kTitles = {"Braderie op het plein",
                                          "Rommelmarkt",
                                          "Kledingweggeefactie",
                                          "Weggeefmarkt kleding",
                                          "Buurtfeest",
                                          "Straatfeest zomer",
                                          "Opschoonactie park",
                                          "Zwerfafval prikken",
                                          "Buurtkrant",
                                          "Nieuwsbrief voor de buurt",
                                          "Bewonersavond",
                                          "Actiegroep metro 53",
                                          "Taalcafé",
                                          "Voorleesmiddag",
                                          "Kookworkshop",
                                          "Boekenruil",
                                          "Plantjesmarkt",
                                          "Repair café",
                                          "Spelletjesmiddag ouderen",
                                          "Muziek in het park"};
const std::vector<std::string> kPlaces = {
    "Kolenkitplein", "Buurthuis", "Erasmuspark", "Speeltuin", "Metrostation Kolenkit", ""};
const std::vector<std::string> kTaskTitles = {"flyer maken",    "flyer omzetten naar spandoek",
                                              "kramen regelen", "vergunning aanvragen",
                                              "koffie en thee", "opruimen"};

}  // namespace

RandomCommands::RandomCommands(uint64_t seed, std::string platform, int members,
                               int commands_per_day)
    : random_(seed),
      platform_(std::move(platform)),
      members_(members),
      commands_per_day_(commands_per_day) {}

v1::Command RandomCommands::NewCommand() {
  v1::Command command;
  command.set_command_id("r" + std::to_string(next_command_++));
  return command;
}

std::string RandomCommands::Pick(const std::vector<std::string>& from) {
  return from.empty() ? std::string()
                      : from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(random_)];
}

int RandomCommands::Uniform(int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random_);
}

bool RandomCommands::Chance(double p) { return std::bernoulli_distribution(p)(random_); }

std::string RandomCommands::RandomDate() {
  static const int32_t kFirst = *projections::ParseIsoDate("2026-03-01");
  if (commands_per_day_ <= 0) return projections::FormatIsoDate(kFirst + Uniform(0, 120));
  const auto today =
      kFirst + static_cast<int32_t>(next_command_ / static_cast<uint64_t>(commands_per_day_));
  return projections::FormatIsoDate(today + Uniform(0, 90));
}

std::string RandomCommands::MemberWithRole(const projections::PlatformState& state,
                                           bool coordinator) {
  std::vector<std::string> ids;
  for (const auto& [id, m] : state.members()) {
    if (!m.active || m.role == v1::ROLE_AUDITOR) continue;
    if (coordinator && m.role != v1::ROLE_COORDINATOR && m.role != v1::ROLE_ADMIN) continue;
    ids.push_back(id);
  }
  return Pick(ids);
}

std::pair<v1::Command, std::string> RandomCommands::Setup(const projections::PlatformState& state) {
  v1::Command c = NewCommand();
  if (!state.founded()) {
    auto& f = *c.mutable_found_platform();
    f.set_platform_id(platform_);
    f.set_name("Buurtplatform " + platform_);
    f.set_neighbourhood(platform_);
    f.set_founder_name("Beheerder " + platform_);
    return {c, "m-0"};
  }
  // An unused invite: join it; else invite the next member.
  for (const auto& [id, invite] : state.invites()) {
    if (invite.used) continue;
    c.mutable_join_platform()->set_invite_id(id);
    c.mutable_join_platform()->set_display_name("Lid " + std::to_string(state.members().size()));
    return {c, "m-" + std::to_string(state.members().size())};
  }
  const size_t n = state.members().size();
  c.mutable_invite_member()->set_role(n % 5 == 1 ? v1::ROLE_COORDINATOR
                                      : n == 4   ? v1::ROLE_AUDITOR
                                                 : v1::ROLE_MEMBER);
  return {c, "m-0"};
}

std::pair<v1::Command, std::string> RandomCommands::Initiative(
    const projections::PlatformState& state) {
  v1::Command c = NewCommand();
  std::vector<std::string> active;
  for (const auto& [id, i] : state.initiatives()) {
    if (i.active()) active.push_back(id);
  }
  const int choice = Uniform(0, 9);
  if (active.empty() || choice < 5) {
    auto& p = *c.mutable_propose_initiative();
    const auto kind = static_cast<v1::InitiativeKind>(Uniform(1, 8));
    p.set_kind(kind);
    p.set_title(Pick(kTitles) + (Chance(0.3) ? " " + std::to_string(Uniform(1, 9)) : ""));
    p.set_description(Chance(0.5) ? "Samen met de buren, voor iedereen." : "");
    p.mutable_when()->set_start_date(RandomDate());
    if ((kind == v1::INITIATIVE_KIND_NEWSLETTER || kind == v1::INITIATIVE_KIND_ACTION_GROUP) &&
        Chance(0.7)) {
      p.mutable_when()->set_ongoing(true);
    }
    p.mutable_place()->set_text(Pick(kPlaces));
    if (Chance(0.05)) p.mutable_when()->set_start_date("2026-02-30");  // refused: no such date
    return {c, MemberWithRole(state, false)};
  }
  const std::string id = Pick(active);
  const auto& initiative = *state.Initiative(id);
  const std::string organizer =
      initiative.organizers.empty() ? "m-0" : initiative.organizers.front();
  switch (choice) {
    case 5: {
      auto& u = *c.mutable_update_initiative();
      u.set_initiative_id(id);
      u.set_kind(initiative.kind);
      u.set_title(Chance(0.5) ? initiative.title + "!" : initiative.title);
      *u.mutable_when() = initiative.when;
      if (!initiative.when.ongoing()) u.mutable_when()->set_start_date(RandomDate());
      *u.mutable_place() = initiative.place;
      return {c, organizer};
    }
    case 6:
    case 7:
      c.mutable_join_initiative()->set_initiative_id(id);
      return {c, MemberWithRole(state, false)};
    case 8:
      c.mutable_mark_initiative_held()->set_initiative_id(id);
      c.mutable_mark_initiative_held()->set_participants(Uniform(0, 200));
      return {c, organizer};
    default:
      c.mutable_cancel_initiative()->set_initiative_id(id);
      c.mutable_cancel_initiative()->set_reason("geen tijd");
      return {c, organizer};
  }
}

std::pair<v1::Command, std::string> RandomCommands::Clash(const projections::PlatformState& state) {
  v1::Command c = NewCommand();
  std::vector<std::string> open, proposed;
  for (const auto& [id, clash] : state.clashes()) {
    if (clash.status == projections::ClashStatus::kOpen) open.push_back(id);
    if (clash.status == projections::ClashStatus::kMergeProposed) proposed.push_back(id);
  }
  auto organizer_of = [&](const std::string& initiative) {
    const auto* i = state.Initiative(initiative);
    return i == nullptr || i->organizers.empty() ? std::string("m-0") : i->organizers.back();
  };
  if (!proposed.empty() && Chance(0.6)) {
    const auto& clash = *state.Clash(Pick(proposed));
    const std::string side = Chance(0.5) ? clash.initiative_a : clash.initiative_b;
    if (Chance(0.8)) {
      c.mutable_accept_merge()->set_clash_id(clash.id);
    } else {
      c.mutable_decline_merge()->set_clash_id(clash.id);
      c.mutable_decline_merge()->set_reason("liever apart");
    }
    return {c, organizer_of(side)};
  }
  if (open.empty()) return Initiative(state);
  const auto& clash = *state.Clash(Pick(open));
  if (Chance(0.3)) {
    c.mutable_dismiss_clash()->set_clash_id(clash.id);
    c.mutable_dismiss_clash()->set_reason("bewust apart");
    return {c, organizer_of(clash.initiative_a)};
  }
  c.mutable_propose_merge()->set_clash_id(clash.id);
  c.mutable_propose_merge()->set_surviving_initiative_id(Chance(0.5) ? clash.initiative_a
                                                                     : clash.initiative_b);
  return {c, organizer_of(clash.initiative_b)};
}

std::pair<v1::Command, std::string> RandomCommands::Task(const projections::PlatformState& state) {
  v1::Command c = NewCommand();
  std::vector<std::string> tasks, initiatives;
  for (const auto& [id, t] : state.tasks()) {
    if (!t.done) tasks.push_back(id);
  }
  for (const auto& [id, i] : state.initiatives()) {
    if (i.active()) initiatives.push_back(id);
  }
  if (tasks.empty() || Chance(0.3)) {
    if (initiatives.empty()) return Initiative(state);
    const auto& initiative = *state.Initiative(Pick(initiatives));
    c.mutable_create_task()->set_initiative_id(initiative.id);
    c.mutable_create_task()->set_title(Pick(kTaskTitles));
    return {c, initiative.organizers.empty() ? "m-0" : initiative.organizers.front()};
  }
  const auto& task = *state.Task(Pick(tasks));
  const std::string member = MemberWithRole(state, false);
  switch (Uniform(0, 5)) {
    case 0:
    case 1:
      c.mutable_claim_task()->set_task_id(task.id);
      return {c, member};
    case 2:
      c.mutable_release_task()->set_task_id(task.id);
      return {c, task.claimed_by.empty() ? member : task.claimed_by};
    case 3:
      c.mutable_complete_task()->set_task_id(task.id);
      return {c, task.claimed_by.empty() ? member : task.claimed_by};
    case 4:
      c.mutable_request_learning()->set_task_id(task.id);
      return {c, member};
    default:
      c.mutable_offer_to_teach()->set_task_id(task.id);
      c.mutable_offer_to_teach()->set_learner_id(
          task.learners_waiting.empty() ? member : task.learners_waiting.front());
      return {c, member};
  }
}

std::pair<v1::Command, std::string> RandomCommands::Meeting(
    const projections::PlatformState& state) {
  v1::Command c = NewCommand();
  const std::string coordinator = MemberWithRole(state, true);
  std::vector<std::string> meetings;
  for (const auto& [id, m] : state.meetings()) meetings.push_back(id);
  if (meetings.empty() || Chance(0.15)) {
    auto& s = *c.mutable_schedule_meeting();
    s.set_title("Raad van bewonerskernen");
    s.set_date(RandomDate());
    s.set_start_time("19:30");
    s.set_hybrid(Chance(0.5));
    return {c, coordinator};
  }
  const auto& meeting = *state.Meeting(Pick(meetings));
  std::vector<std::string> open_actions;
  for (const auto& a : meeting.actions) {
    if (a.outcome == v1::ACTION_OUTCOME_OPEN) open_actions.push_back(a.id);
  }
  switch (Uniform(0, 6)) {
    case 0:
      c.mutable_add_agenda_item()->set_meeting_id(meeting.id);
      c.mutable_add_agenda_item()->set_title("Terugblik");
      return {c, coordinator};
    case 1:
      c.mutable_record_minutes()->set_meeting_id(meeting.id);
      c.mutable_record_minutes()->set_text("Besproken: de acties van het voorjaar.");
      return {c, coordinator};
    case 2:
      c.mutable_record_decision()->set_meeting_id(meeting.id);
      c.mutable_record_decision()->set_text("We doen het samen.");
      return {c, coordinator};
    case 3:
    case 4: {
      auto& a = *c.mutable_add_action_item();
      a.set_meeting_id(meeting.id);
      a.set_description("Flyers rondbrengen");
      a.set_owner_id(MemberWithRole(state, false));
      a.set_added_during_period(Chance(0.2));
      return {c, coordinator};
    }
    case 5:
      if (open_actions.empty()) break;
      c.mutable_mark_action_done()->set_meeting_id(meeting.id);
      c.mutable_mark_action_done()->set_action_id(Pick(open_actions));
      return {c, coordinator};
    default:
      if (open_actions.empty()) break;
      c.mutable_mark_action_not_done()->set_meeting_id(meeting.id);
      c.mutable_mark_action_not_done()->set_action_id(Pick(open_actions));
      c.mutable_mark_action_not_done()->set_reason(v1::NOT_DONE_REASON_NOT_DELIVERED);
      return {c, coordinator};
  }
  c.mutable_mark_meeting_held()->set_meeting_id(meeting.id);
  c.mutable_mark_meeting_held()->set_attendees(Uniform(5, 60));
  return {c, coordinator};
}

std::pair<v1::Command, std::string> RandomCommands::Budget(
    const projections::PlatformState& state) {
  v1::Command c = NewCommand();
  const std::string coordinator = MemberWithRole(state, true);
  const auto& b = state.budget();
  std::vector<std::string> proposed, approved, initiatives;
  for (const auto& [id, line] : b.spending) {
    if (line.status == projections::SpendingStatus::kProposed) proposed.push_back(id);
    if (line.status == projections::SpendingStatus::kApproved) approved.push_back(id);
  }
  for (const auto& [id, i] : state.initiatives()) {
    if (i.active()) initiatives.push_back(id);
  }
  switch (Uniform(0, 9)) {
    case 0:
      c.mutable_allocate_budget()->set_source("Stadsdeel, buurtbudget");
      c.mutable_allocate_budget()->set_amount_cents(Uniform(1, 5) * 100'000);
      c.mutable_allocate_budget()->set_period("2026");
      return {c, coordinator};
    case 1:
      c.mutable_set_overhead_cap()->set_percent(Uniform(5, 12));
      return {c, coordinator};
    case 2:
    case 3:
    case 4: {
      auto& p = *c.mutable_propose_spending();
      const bool overhead = initiatives.empty() || Chance(0.2);
      p.set_overhead(overhead);
      if (!overhead) p.set_initiative_id(Pick(initiatives));
      p.set_amount_cents(Uniform(1, 400) * 500);
      p.set_purpose(overhead ? "administratie" : "materiaal");
      return {c, MemberWithRole(state, false)};
    }
    case 5:
    case 6:
    case 7: {
      if (proposed.empty()) break;
      auto& d = *c.mutable_decide_spending();
      d.set_spending_id(Pick(proposed));
      d.set_approved(Chance(0.8));
      d.set_votes_for(Uniform(3, 20));
      d.set_votes_against(Uniform(0, 5));
      return {c, coordinator};
    }
    default: {
      if (approved.empty()) break;
      const auto& line = b.spending.at(Pick(approved));
      auto& e = *c.mutable_record_expense();
      e.set_spending_id(line.id);
      // Sometimes more than is left, which the rules refuse.
      e.set_amount_cents(std::max<int64_t>(
          1, (line.amount_cents - line.spent_cents) / Uniform(1, 3) + (Chance(0.1) ? 100 : 0)));
      e.set_receipt_reference("bon " + std::to_string(next_command_));
      e.set_date(RandomDate());
      return {c, coordinator};
    }
  }
  c.mutable_allocate_budget()->set_source("Fonds");
  c.mutable_allocate_budget()->set_amount_cents(50'000);
  return {c, coordinator};
}

std::pair<v1::Command, std::string> RandomCommands::Next(const projections::PlatformState& state) {
  if (!state.founded() || static_cast<int>(state.members().size()) < members_) return Setup(state);
  const int area = Uniform(0, 99);
  if (area < 35) return Initiative(state);
  if (area < 50) return Clash(state);
  if (area < 70) return Task(state);
  if (area < 82) return Meeting(state);
  if (area < 95) return Budget(state);
  v1::Command c = NewCommand();
  c.mutable_submit_proposal()->set_title("Idee voor de buurt");
  c.mutable_submit_proposal()->set_submitter_name("Bewoner");
  return {c, ""};
}

}  // namespace rotonde::test_support
