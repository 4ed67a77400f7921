// The demo platform, told in the order it happened: founding and members (February 2026),
// spring (March), the give-aways and the proposal (April), the summer being planned (May).
// Each step is one command through the CommandService; the script names every new thing
// itself, so the demo is the same every time it is written.
//
// Dates are chosen with the clash rules in mind (same day, same ISO week and kind, residents'
// meetings within 30 days, a second running newsletter), so that exactly the clashes the
// stories need are found: the ones the organizers settle, and the two left open for the
// dashboard.
#include "demo_data.h"

#include <functional>

namespace rotonde::demo {
namespace {

using app::CommandOutcome;
using app::CommandService;
using projections::PlatformModel;
using projections::PlatformState;

// The people. All invented; their ids are what the log calls them.
constexpr const char* kAnna = "m-anna";    // admin, founded the platform
constexpr const char* kKwame = "m-kwame";  // admin
constexpr const char* kCarla = "m-carla";  // coordinator; carries too much
constexpr const char* kYusuf = "m-yusuf";  // member, coordinator from April
constexpr const char* kOlaf = "m-olaf";    // auditor (kascommissie)
constexpr const char* kBram = "m-bram";    // members from here on
constexpr const char* kDewi = "m-dewi";
constexpr const char* kFatima = "m-fatima";
constexpr const char* kIngrid = "m-ingrid";
constexpr const char* kSanne = "m-sanne";
constexpr const char* kRicardo = "m-ricardo";
constexpr const char* kMei = "m-mei";
constexpr const char* kJoost = "m-joost";
constexpr const char* kNadia = "m-nadia";
constexpr const char* kPieter = "m-pieter";  // joins in April, moves away in May

// Named locations, so that the same place written differently is still the same place.
constexpr const char* kBuurthuis = "buurthuis-kolenkit";
constexpr const char* kPlein = "kolenkitplein";
constexpr const char* kMetro = "kolenkit-metro";
constexpr const char* kPark = "erasmuspark";

constexpr int64_t Euros(int64_t euros, int64_t cents = 0) { return euros * 100 + cents; }

// "ProposeInitiative": the name of the command's oneof message.
std::string CommandName(const v1::Command& command) {
  const auto* oneof = v1::Command::descriptor()->FindOneofByName("command");
  const auto* field = command.GetReflection()->GetOneofFieldDescriptor(command, oneof);
  return field == nullptr ? std::string("Command") : field->message_type()->name();
}

// An initiative as its organizer fills in the form. Every field has a default, so a plan
// names only what it needs.
struct Plan {
  std::string id = {};
  v1::InitiativeKind kind = v1::INITIATIVE_KIND_OTHER;
  std::string title = {};
  std::string description = {};
  std::string date = {};  // the first day; ongoing initiatives start here
  std::string end_date = {};
  std::string start_time = {};
  std::string end_time = {};
  bool ongoing = false;
  std::string place = {};
  std::string location_id = {};
  std::vector<std::string> co_organizers = {};
  std::string proposal_id = {};
};

// A spending line as proposed; no initiative makes it overhead.
struct Line {
  std::string id = {};
  std::string initiative_id = {};  // empty for overhead
  int64_t cents = 0;
  std::string purpose = {};
};

// How the residents voted on a spending line.
struct Tally {
  int32_t for_ = 0;
  int32_t against = 0;
  int32_t abstained = 0;
};

// Runs the demo's commands one after another. The first refusal stops it: every later step
// becomes a no-op and status() names the command that was refused.
class Script {
 public:
  Script(CommandService& service, DemoSummary* summary) : service_(service), summary_(*summary) {}

  const Status& status() const { return status_; }

  // Issues the next command as `actor`; `fill` says what it asks.
  void Run(const std::string& actor, const std::function<void(v1::Command&)>& fill) {
    if (!status_.ok()) return;
    v1::Command command;
    std::string number = std::to_string(next_command_++);
    if (number.size() < 4) number.insert(0, 4 - number.size(), '0');
    command.set_command_id("demo-" + number);
    fill(command);
    const CommandOutcome outcome = service_.Handle(kDemoPlatform, actor, command);
    ++summary_.commands;
    if (outcome.ok()) {
      if (outcome.first_position != 0) {
        summary_.events_written += outcome.last_position - outcome.first_position + 1;
      }
      return;
    }
    const std::string what = CommandName(command) + " as " + (actor.empty() ? "a visitor" : actor);
    Fail(command.command_id(), what, std::string(outcome.status.code()), outcome.status.message());
  }

  // The clash the rules found between two initiatives. The stories depend on it, so its
  // absence fails the demo like a refusal.
  std::string ClashBetween(const std::string& a, const std::string& b) {
    if (!status_.ok()) return {};
    std::string id;
    Status read = service_.Read(kDemoPlatform, [&](const PlatformModel& model) {
      if (const auto* clash = model.state().ClashBetween(a, b)) id = clash->id;
    });
    if (!read.ok()) {
      Fail("", "reading the platform failed", "unavailable", read.ToString());
    } else if (id.empty()) {
      Fail("", "no clash between " + a + " and " + b, "clash_not_found",
           "the demo's story needs the clash rules to find one");
    }
    return id;
  }

  // ---- Platform and members -----------------------------------------------------------

  void Found(const std::string& founder, const std::string& founder_name) {
    Run(founder, [&](v1::Command& c) {
      auto& f = *c.mutable_found_platform();
      f.set_platform_id(kDemoPlatform);
      f.set_name("Buurtplatform Kolenkitbuurt");
      f.set_neighbourhood("Kolenkitbuurt");
      f.set_founder_name(founder_name);
    });
  }
  void Invite(const std::string& actor, const std::string& invite_id, v1::Role role,
              const std::string& note) {
    Run(actor, [&](v1::Command& c) {
      auto& i = *c.mutable_invite_member();
      i.set_invite_id(invite_id);
      i.set_role(role);
      i.set_note(note);
    });
  }
  void Join(const std::string& member, const std::string& invite_id, const std::string& name) {
    Run(member, [&](v1::Command& c) {
      c.mutable_join_platform()->set_invite_id(invite_id);
      c.mutable_join_platform()->set_display_name(name);
    });
  }
  // An invite and the join that uses it.
  void Welcome(const std::string& inviter, const std::string& member, const std::string& name,
               v1::Role role, const std::string& note) {
    const std::string invite_id = "inv-" + member.substr(2);
    Invite(inviter, invite_id, role, note);
    Join(member, invite_id, name);
  }
  void Grant(const std::string& actor, const std::string& member, v1::Role role) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_grant_role()->set_member_id(member);
      c.mutable_grant_role()->set_role(role);
    });
  }
  void Leave(const std::string& member, const std::string& reason) {
    Run(member, [&](v1::Command& c) { c.mutable_leave_platform()->set_reason(reason); });
  }

  // ---- Initiatives and proposals --------------------------------------------------------

  void Propose(const std::string& organizer, const Plan& plan) {
    Run(organizer, [&](v1::Command& c) {
      auto& p = *c.mutable_propose_initiative();
      p.set_initiative_id(plan.id);
      p.set_kind(plan.kind);
      p.set_title(plan.title);
      p.set_description(plan.description);
      FillWhen(plan, p.mutable_when());
      p.mutable_place()->set_text(plan.place);
      p.mutable_place()->set_location_id(plan.location_id);
      for (const auto& co : plan.co_organizers) p.add_co_organizer_ids(co);
      p.set_proposal_id(plan.proposal_id);
    });
  }
  // Replaces what the form says of an initiative (`plan.id` names it).
  void Update(const std::string& actor, const Plan& plan) {
    Run(actor, [&](v1::Command& c) {
      auto& u = *c.mutable_update_initiative();
      u.set_initiative_id(plan.id);
      u.set_kind(plan.kind);
      u.set_title(plan.title);
      u.set_description(plan.description);
      FillWhen(plan, u.mutable_when());
      u.mutable_place()->set_text(plan.place);
      u.mutable_place()->set_location_id(plan.location_id);
    });
  }
  void JoinInitiative(const std::string& member, const std::string& initiative) {
    Run(member,
        [&](v1::Command& c) { c.mutable_join_initiative()->set_initiative_id(initiative); });
  }
  void Cancel(const std::string& actor, const std::string& initiative, const std::string& reason) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_cancel_initiative()->set_initiative_id(initiative);
      c.mutable_cancel_initiative()->set_reason(reason);
    });
  }
  void Held(const std::string& actor, const std::string& initiative, int32_t participants,
            const std::string& notes) {
    Run(actor, [&](v1::Command& c) {
      auto& h = *c.mutable_mark_initiative_held();
      h.set_initiative_id(initiative);
      h.set_participants(participants);
      h.set_notes(notes);
    });
  }
  // `actor` empty: a resident who is not a member, through the public form.
  void Submit(const std::string& actor, const std::string& proposal_id, const std::string& title,
              const std::string& description, const std::string& name, const std::string& contact) {
    Run(actor, [&](v1::Command& c) {
      auto& s = *c.mutable_submit_proposal();
      s.set_proposal_id(proposal_id);
      s.set_title(title);
      s.set_description(description);
      s.set_submitter_name(name);
      s.set_submitter_contact(contact);
    });
  }
  void Discuss(const std::string& actor, const std::string& proposal, const std::string& notes) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_record_proposal_discussion()->set_proposal_id(proposal);
      c.mutable_record_proposal_discussion()->set_notes(notes);
    });
  }
  void DeclineProposal(const std::string& actor, const std::string& proposal,
                       const std::string& reason) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_decline_proposal()->set_proposal_id(proposal);
      c.mutable_decline_proposal()->set_reason(reason);
    });
  }

  // ---- Tasks ----------------------------------------------------------------------------

  void Task(const std::string& actor, const std::string& task_id, const std::string& initiative,
            const std::string& title, const std::string& description, const std::string& due) {
    Run(actor, [&](v1::Command& c) {
      auto& t = *c.mutable_create_task();
      t.set_task_id(task_id);
      t.set_initiative_id(initiative);
      t.set_title(title);
      t.set_description(description);
      t.set_due_date(due);
    });
  }
  void Claim(const std::string& member, const std::string& task) {
    Run(member, [&](v1::Command& c) { c.mutable_claim_task()->set_task_id(task); });
  }
  void Release(const std::string& actor, const std::string& task, const std::string& reason) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_release_task()->set_task_id(task);
      c.mutable_release_task()->set_reason(reason);
    });
  }
  void Complete(const std::string& actor, const std::string& task) {
    Run(actor, [&](v1::Command& c) { c.mutable_complete_task()->set_task_id(task); });
  }
  // Claimed and done by the same volunteer.
  void ClaimAndComplete(const std::string& member, const std::string& task) {
    Claim(member, task);
    Complete(member, task);
  }
  // `learner` asks to be shown how; `mentor` offers to show them.
  void LearningPair(const std::string& task, const std::string& learner,
                    const std::string& mentor) {
    Run(learner, [&](v1::Command& c) { c.mutable_request_learning()->set_task_id(task); });
    Run(mentor, [&](v1::Command& c) {
      c.mutable_offer_to_teach()->set_task_id(task);
      c.mutable_offer_to_teach()->set_learner_id(learner);
    });
  }

  // ---- Meetings -------------------------------------------------------------------------

  void Schedule(const std::string& actor, const std::string& meeting_id, const std::string& title,
                const std::string& date, const std::string& time, const std::string& place,
                const std::string& location_id, bool hybrid) {
    Run(actor, [&](v1::Command& c) {
      auto& s = *c.mutable_schedule_meeting();
      s.set_meeting_id(meeting_id);
      s.set_title(title);
      s.set_date(date);
      s.set_start_time(time);
      s.mutable_place()->set_text(place);
      s.mutable_place()->set_location_id(location_id);
      s.set_hybrid(hybrid);
    });
  }
  void Agenda(const std::string& actor, const std::string& meeting, const std::string& item_id,
              const std::string& title) {
    Run(actor, [&](v1::Command& c) {
      auto& a = *c.mutable_add_agenda_item();
      a.set_meeting_id(meeting);
      a.set_item_id(item_id);
      a.set_title(title);
    });
  }
  void MeetingHeld(const std::string& actor, const std::string& meeting, int32_t attendees) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_mark_meeting_held()->set_meeting_id(meeting);
      c.mutable_mark_meeting_held()->set_attendees(attendees);
    });
  }
  void Minutes(const std::string& actor, const std::string& meeting, const std::string& text) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_record_minutes()->set_meeting_id(meeting);
      c.mutable_record_minutes()->set_text(text);
    });
  }
  void Decision(const std::string& actor, const std::string& meeting,
                const std::string& decision_id, const std::string& text) {
    Run(actor, [&](v1::Command& c) {
      auto& d = *c.mutable_record_decision();
      d.set_meeting_id(meeting);
      d.set_decision_id(decision_id);
      d.set_text(text);
    });
  }
  void Action(const std::string& actor, const std::string& meeting, const std::string& action_id,
              const std::string& description, const std::string& owner, const std::string& due,
              bool added_during_period = false) {
    Run(actor, [&](v1::Command& c) {
      auto& a = *c.mutable_add_action_item();
      a.set_meeting_id(meeting);
      a.set_action_id(action_id);
      a.set_description(description);
      a.set_owner_id(owner);
      a.set_due_date(due);
      a.set_added_during_period(added_during_period);
    });
  }
  void ActionDone(const std::string& actor, const std::string& meeting,
                  const std::string& action_id, const std::string& note) {
    Run(actor, [&](v1::Command& c) {
      auto& d = *c.mutable_mark_action_done();
      d.set_meeting_id(meeting);
      d.set_action_id(action_id);
      d.set_note(note);
    });
  }
  void ActionNotDone(const std::string& actor, const std::string& meeting,
                     const std::string& action_id, v1::NotDoneReason reason,
                     const std::string& explanation) {
    Run(actor, [&](v1::Command& c) {
      auto& n = *c.mutable_mark_action_not_done();
      n.set_meeting_id(meeting);
      n.set_action_id(action_id);
      n.set_reason(reason);
      n.set_explanation(explanation);
    });
  }

  // ---- Budget ---------------------------------------------------------------------------

  void Allocate(const std::string& actor, const std::string& allocation_id,
                const std::string& source, int64_t cents, const std::string& period) {
    Run(actor, [&](v1::Command& c) {
      auto& a = *c.mutable_allocate_budget();
      a.set_allocation_id(allocation_id);
      a.set_source(source);
      a.set_amount_cents(cents);
      a.set_period(period);
    });
  }
  void OverheadCap(const std::string& actor, int32_t percent) {
    Run(actor, [&](v1::Command& c) { c.mutable_set_overhead_cap()->set_percent(percent); });
  }
  void Spend(const std::string& actor, const Line& line) {
    Run(actor, [&](v1::Command& c) {
      auto& s = *c.mutable_propose_spending();
      s.set_spending_id(line.id);
      s.set_initiative_id(line.initiative_id);
      s.set_amount_cents(line.cents);
      s.set_purpose(line.purpose);
      s.set_overhead(line.initiative_id.empty());
    });
  }
  void DecideSpending(const std::string& actor, const std::string& spending_id, bool approved,
                      Tally tally, const std::string& note) {
    Run(actor, [&](v1::Command& c) {
      auto& d = *c.mutable_decide_spending();
      d.set_spending_id(spending_id);
      d.set_approved(approved);
      d.set_votes_for(tally.for_);
      d.set_votes_against(tally.against);
      d.set_votes_abstained(tally.abstained);
      d.set_note(note);
    });
  }
  void Approve(const std::string& actor, const std::string& spending_id, Tally tally,
               const std::string& note) {
    DecideSpending(actor, spending_id, true, tally, note);
  }
  void Reject(const std::string& actor, const std::string& spending_id, Tally tally,
              const std::string& note) {
    DecideSpending(actor, spending_id, false, tally, note);
  }
  void Expense(const std::string& actor, const std::string& expense_id,
               const std::string& spending_id, int64_t cents, const std::string& receipt,
               const std::string& paid_to, const std::string& date) {
    Run(actor, [&](v1::Command& c) {
      auto& e = *c.mutable_record_expense();
      e.set_expense_id(expense_id);
      e.set_spending_id(spending_id);
      e.set_amount_cents(cents);
      e.set_receipt_reference(receipt);
      e.set_paid_to(paid_to);
      e.set_date(date);
    });
  }

  // ---- Clashes --------------------------------------------------------------------------

  void Dismiss(const std::string& actor, const std::string& clash, const std::string& reason) {
    Run(actor, [&](v1::Command& c) {
      c.mutable_dismiss_clash()->set_clash_id(clash);
      c.mutable_dismiss_clash()->set_reason(reason);
    });
  }
  void ProposeMerge(const std::string& actor, const std::string& clash,
                    const std::string& surviving, const std::string& note) {
    Run(actor, [&](v1::Command& c) {
      auto& m = *c.mutable_propose_merge();
      m.set_clash_id(clash);
      m.set_surviving_initiative_id(surviving);
      m.set_note(note);
    });
  }
  void AcceptMerge(const std::string& actor, const std::string& clash) {
    Run(actor, [&](v1::Command& c) { c.mutable_accept_merge()->set_clash_id(clash); });
  }

 private:
  static void FillWhen(const Plan& plan, v1::When* when) {
    when->set_start_date(plan.date);
    when->set_end_date(plan.end_date);
    when->set_start_time(plan.start_time);
    when->set_end_time(plan.end_time);
    when->set_ongoing(plan.ongoing);
  }

  void Fail(const std::string& command_id, const std::string& what, const std::string& code,
            const std::string& message) {
    summary_.failed_command_id = command_id;
    summary_.failed_command = what;
    summary_.refusal_code = code;
    const bool unavailable = code == "unavailable";
    const std::string which = command_id.empty() ? what
                                                 : "demo command " + command_id + " (" + what +
                                                       (unavailable ? ") failed" : ") was refused");
    status_ = Status(unavailable ? codes::kIOError : codes::kInvalidArgument,
                     which + ": " + code + ": " + message);
  }

  CommandService& service_;
  DemoSummary& summary_;
  int next_command_ = 1;
  Status status_;
};

// ---- February: the platform and its people ------------------------------------------------

void FoundAndWelcome(Script& s) {
  s.Found(kAnna, "Anna de Vries");
  s.Welcome(kAnna, kKwame, "Kwame Mensah", v1::ROLE_ADMIN,
            "Tweede beheerder, zodat het platform niet van één persoon afhangt.");
  s.Welcome(kAnna, kCarla, "Carla Mendes", v1::ROLE_COORDINATOR,
            "Coördinator activiteiten en buurtbudget.");
  s.Welcome(kAnna, kOlaf, "Olaf Brinkman", v1::ROLE_AUDITOR,
            "Kascommissie: kijkt mee met het buurtbudget, schrijft zelf niets.");
  s.Welcome(kCarla, kYusuf, "Yusuf Demir", v1::ROLE_MEMBER, "Bewonerscommissie Kolenkitflats.");
  s.Welcome(kCarla, kBram, "Bram Jansen", v1::ROLE_MEMBER,
            "Straatcoördinator; regelt de opschoonacties.");
  s.Welcome(kCarla, kDewi, "Dewi Soebagio", v1::ROLE_MEMBER,
            "VvE van de portiekflats aan de Bos en Lommerweg.");
  s.Welcome(kCarla, kFatima, "Fatima Ouali", v1::ROLE_MEMBER, "Taalcafé en kledingruil.");
  s.Welcome(kKwame, kIngrid, "Ingrid Bakker", v1::ROLE_MEMBER, "Redactie van de buurtkrant.");
  s.Welcome(kKwame, kSanne, "Sanne Visser", v1::ROLE_MEMBER, "Groen in de buurt.");
  s.Welcome(kCarla, kRicardo, "Ricardo Pinas", v1::ROLE_MEMBER,
            "Bewonerscommissie Kolenkitflats, blok C.");
  s.Welcome(kCarla, kMei, "Mei Ling Chen", v1::ROLE_MEMBER, "Buitenspelen en de speeltuin.");
  s.Welcome(kKwame, kJoost, "Joost van Dam", v1::ROLE_MEMBER,
            "Ondernemers aan de Bos en Lommerweg.");
  s.Welcome(kCarla, kNadia, "Nadia Benali", v1::ROLE_MEMBER,
            "Buurtmaaltijden en de vrouwengroep van het buurthuis.");
}

// ---- March: spring, the council, the first money --------------------------------------------

constexpr const char* kBuurtkrant = "i-buurtkrant";
constexpr const char* kActiegroep = "i-actiegroep-oversteek";
constexpr const char* kTaalcafe = "i-taalcafe";
constexpr const char* kSchoonmaak = "i-voorjaarsschoonmaak";
constexpr const char* kSuikerfeest = "i-suikerfeest-maaltijd";
constexpr const char* kRepairCafe = "i-repair-cafe-maart";
constexpr const char* kVoorlees = "i-voorleesochtend-maart";
constexpr const char* kPaaseieren = "i-paaseieren-zoeken";
constexpr const char* kWarmtenet = "i-bewonersavond-warmtenet";
constexpr const char* kRaad = "mt-raad-voorjaar-2026";

void OngoingWork(Script& s) {
  s.Propose(kIngrid,
            {.id = kBuurtkrant,
             .kind = v1::INITIATIVE_KIND_NEWSLETTER,
             .title = "Buurtkrant De Kolenkitter",
             .description = "Vier keer per jaar een gedrukte buurtkrant in elke brievenbus van de "
                            "Kolenkitbuurt: nieuws uit de flats, de agenda van het buurthuis en "
                            "een bewoner in de schijnwerpers. Schrijvers en bezorgers welkom.",
             .date = "2026-03-01",
             .ongoing = true,
             .place = "Hele Kolenkitbuurt",
             .co_organizers = {kJoost}});
  s.Propose(kFatima, {.id = kTaalcafe,
                      .title = "Taalcafé: Nederlands oefenen bij de koffie",
                      .description = "Elke woensdagochtend praten buren Nederlands met elkaar, "
                                     "op elk niveau. Geen les, wel koffie. Kinderen mogen mee.",
                      .date = "2026-03-04",
                      .start_time = "10:00",
                      .end_time = "11:30",
                      .ongoing = true,
                      .place = "Buurthuis De Kolenkit, zaal 2",
                      .location_id = kBuurthuis,
                      .co_organizers = {kMei}});
  s.Propose(kKwame,
            {.id = kActiegroep,
             .kind = v1::INITIATIVE_KIND_ACTION_GROUP,
             .title = "Actiegroep Veilig Oversteken Bos en Lommerweg",
             .description = "Bij het zebrapad bij metrostation Kolenkit gaat het bijna elke week "
                            "mis. We verzamelen handtekeningen en meldingen en gaan met het "
                            "stadsdeel in gesprek over een verkeerslicht.",
             .date = "2026-03-05",
             .ongoing = true,
             .place = "Zebrapad Bos en Lommerweg bij metrostation Kolenkit",
             .location_id = kMetro,
             .co_organizers = {kNadia}});
  s.Task(kKwame, "t-actie-brief", kActiegroep, "Brief aan het stadsdeel over de oversteek",
         "Met foto's en de meldingen van de afgelopen maanden; Nadia schrijft, Kwame leest mee.",
         "2026-03-31");
  s.ClaimAndComplete(kNadia, "t-actie-brief");
  s.Task(kKwame, "t-actie-handtekeningen", kActiegroep, "Handtekeningen verzamelen bij de metro",
         "Op zaterdagochtend bij de uitgang van metrostation Kolenkit; doel: 500 handtekeningen.",
         "2026-06-30");
  s.Claim(kKwame, "t-actie-handtekeningen");
}

void CouncilOfSpring(Script& s) {
  s.Schedule(kCarla, kRaad, "Raad van bewonerskernen, voorjaar 2026", "2026-03-12", "19:30",
             "Buurthuis De Kolenkit, grote zaal (en online)", kBuurthuis, true);
  s.Agenda(kCarla, kRaad, "ag-opening", "Opening en kennismaking met nieuwe bewonerskernen");
  s.Agenda(kCarla, kRaad, "ag-terugblik", "Terugblik op de actielijst van het najaar");
  s.Agenda(kCarla, kRaad, "ag-buurtbudget", "Buurtbudget 2026: hoe beslissen we samen?");
  s.Agenda(kCarla, kRaad, "ag-plannen",
           "Plannen voor het voorjaar: schoonmaak, kleding, zomerfeest");
  s.Agenda(kCarla, kRaad, "ag-rondvraag", "Rondvraag");
  s.MeetingHeld(kCarla, kRaad, 23);
  s.Minutes(kCarla, kRaad,
            "Aanwezig: 19 bewoners in de zaal en 4 online, uit 9 bewonerskernen en VvE's.\n"
            "Terugblik: de meeste acties van het najaar zijn gedaan; de geveltuinen bleven "
            "liggen omdat niemand tijd had.\n"
            "Buurtbudget: het stadsdeel geeft € 5.000 voor 2026. Afgesproken dat bewoners samen "
            "beslissen en dat het kernteam voorstellen boven € 250 in stemming brengt. "
            "Olaf Brinkman (kascommissie) kijkt mee.\n"
            "Plannen: voorjaarsschoonmaak op 14 maart, een buurtmaaltijd met het Suikerfeest, "
            "in juni een zomerfeest in het Erasmuspark.\n"
            "Rondvraag: zorgen over het zebrapad bij de metro; de actiegroep houdt de raad op "
            "de hoogte.");
  s.Decision(kCarla, kRaad, "dc-actielijst", "De raad stelt de actielijst voorjaar 2026 vast.");
  s.Decision(kCarla, kRaad, "dc-beslissen",
             "Het buurtbudget wordt samen verdeeld: voorstellen boven € 250 gaan langs het "
             "kernteam en worden met stemming besloten; alles staat open voor de kascommissie.");
  s.Decision(kCarla, kRaad, "dc-overhead",
             "Maximaal 8% van het buurtbudget gaat naar administratie en verantwoording.");
  s.Action(kCarla, kRaad, "ac-flyers-portieken",
           "Flyers over het buurtbudget in alle portieken van de Kolenkitflats bezorgen", kRicardo,
           "2026-04-15");
  s.Action(kCarla, kRaad, "ac-warmtenet",
           "Een informatieavond over het warmtenet organiseren met de woningcorporatie", kYusuf,
           "2026-04-30");
  s.Action(kCarla, kRaad, "ac-workshop-begroten", "Workshop begroten voor bewonerscommissies geven",
           kCarla, "2026-04-20");
  s.Action(kCarla, kRaad, "ac-speelplekken",
           "Inventariseren welke speelplekken in de buurt kapot of onveilig zijn", kMei,
           "2026-05-15");
  s.Action(kCarla, kRaad, "ac-bezorgers", "Vijf nieuwe bezorgers werven voor de buurtkrant",
           kIngrid, "2026-05-01");
  s.Action(kCarla, kRaad, "ac-schoolplein",
           "Met basisschool De Horizon een opschoondag op het schoolplein afspreken", kSanne,
           "2026-06-30");
}

void BudgetOpens(Script& s) {
  s.Allocate(kAnna, "al-stadsdeel-2026", "Stadsdeel Nieuw-West, buurtbudget 2026", Euros(5000),
             "2026");
  s.OverheadCap(kCarla, 8);
  s.Spend(kAnna,
          {.id = "sp-administratie",
           .cents = Euros(240),
           .purpose = "Administratie en verantwoording: boekhoudprogramma en bankkosten 2026"});
  s.Spend(kKwame, {.id = "sp-website",
                   .cents = Euros(150),
                   .purpose = "Website en hosting buurtplatform 2026"});
  s.Approve(kCarla, "sp-administratie", {11, 0, 1},
            "Besloten in de raad van bewonerskernen van 12 maart.");
  s.Approve(kCarla, "sp-website", {11, 0, 1},
            "Besloten in de raad van bewonerskernen van 12 maart.");
  s.Expense(kCarla, "ex-website-2026", "sp-website", Euros(145, 20), "factuur HW-2026-0311",
            "Webhosting Westpoort", "2026-03-13");

  s.Spend(kIngrid, {.id = "sp-buurtkrant-druk",
                    .initiative_id = kBuurtkrant,
                    .cents = Euros(1100),
                    .purpose = "Drukkosten buurtkrant De Kolenkitter, vier nummers"});
  s.Approve(kCarla, "sp-buurtkrant-druk", {12, 0, 0},
            "Besloten in de raad van bewonerskernen van 12 maart.");
  s.Spend(kKwame, {.id = "sp-actiegroep-petitie",
                   .initiative_id = kActiegroep,
                   .cents = Euros(60),
                   .purpose = "Drukwerk petitie veilig oversteken"});
  s.Approve(kCarla, "sp-actiegroep-petitie", {7, 0, 0}, "Kernteam, via de app.");
  s.Expense(kCarla, "ex-actiegroep-petitie", "sp-actiegroep-petitie", Euros(47, 85), "bon 2026-005",
            "Drukkerij De Letterbak", "2026-03-16");
}

void SpringInitiatives(Script& s) {
  s.Propose(kBram, {.id = kSchoonmaak,
                    .kind = v1::INITIATIVE_KIND_CLEAN_UP,
                    .title = "Voorjaarsschoonmaak Kolenkitbuurt",
                    .description = "Met grijpers en vuilniszakken de buurt door: plantsoenen, "
                                   "speelplekken en de randen van het Erasmuspark. Verzamelen bij "
                                   "de bankjes op het plein; koffie na afloop.",
                    .date = "2026-03-14",
                    .start_time = "10:00",
                    .end_time = "13:00",
                    .place = "Kolenkitplein, bij de bankjes",
                    .location_id = kPlein,
                    .co_organizers = {kSanne}});
  s.Task(kBram, "t-schoonmaak-grijpers", kSchoonmaak, "Grijpers, hesjes en vuilniszakken ophalen",
         "Afgesproken met de afvalcoach van het stadsdeel: ophalen vrijdagmiddag.", "2026-03-13");
  s.Task(kBram, "t-schoonmaak-koffie", kSchoonmaak, "Koffie en thee voor de vrijwilligers", "",
         "2026-03-14");
  s.Spend(kBram, {.id = "sp-schoonmaak-koffie",
                  .initiative_id = kSchoonmaak,
                  .cents = Euros(65),
                  .purpose = "Koffie, thee en koek voor de vrijwilligers"});
  s.Approve(kCarla, "sp-schoonmaak-koffie", {5, 0, 0}, "Onder € 250: kernteam via de app.");
  s.ClaimAndComplete(kBram, "t-schoonmaak-grijpers");
  s.ClaimAndComplete(kSanne, "t-schoonmaak-koffie");
  s.Held(kBram, kSchoonmaak, 34,
         "34 bewoners, onder wie twaalf kinderen; 41 zakken afval en een winkelwagen uit de "
         "gracht.");
  s.Expense(kCarla, "ex-schoonmaak-koffie", "sp-schoonmaak-koffie", Euros(58, 40), "bon 2026-004",
            "Bakkerij Kaya", "2026-03-14");

  s.Propose(kNadia,
            {.id = kSuikerfeest,
             .kind = v1::INITIATIVE_KIND_STREET_PARTY,
             .title = "Buurtmaaltijd Suikerfeest",
             .description = "Na de ramadan eten we samen: iedereen uit de buurt is welkom, wie "
                            "kan neemt een gerecht mee. Met muziek en een hoek voor de kinderen.",
             .date = "2026-03-22",
             .start_time = "17:00",
             .end_time = "21:00",
             .place = "Buurthuis De Kolenkit, grote zaal",
             .location_id = kBuurthuis,
             .co_organizers = {kFatima}});
  s.Task(kNadia, "t-suikerfeest-kookrooster", kSuikerfeest, "Kookrooster: wie maakt wat",
         "Zo dat er genoeg vegetarisch en halal is, en niet tien keer dezelfde taart.",
         "2026-03-19");
  s.Task(kNadia, "t-suikerfeest-zaal", kSuikerfeest, "Zaal klaarzetten en opruimen", "",
         "2026-03-22");
  s.Spend(kNadia, {.id = "sp-suikerfeest",
                   .initiative_id = kSuikerfeest,
                   .cents = Euros(450),
                   .purpose = "Boodschappen en zaalhuur buurtmaaltijd Suikerfeest"});
  s.Approve(kCarla, "sp-suikerfeest", {10, 0, 2}, "Kernteamoverleg van 17 maart.");
  s.ClaimAndComplete(kFatima, "t-suikerfeest-kookrooster");
  s.ClaimAndComplete(kKwame, "t-suikerfeest-zaal");
  s.Held(kNadia, kSuikerfeest, 140,
         "Zaal vol: ongeveer 140 buren, veel mensen die we nog niet kenden. Drie nieuwe "
         "aanmeldingen voor het taalcafé.");
  s.Expense(kCarla, "ex-suikerfeest-boodschappen", "sp-suikerfeest", Euros(312, 85), "bon 2026-007",
            "Toko Sari", "2026-03-21");
  s.Expense(kCarla, "ex-suikerfeest-zaal", "sp-suikerfeest", Euros(125), "factuur zaalhuur 2026-03",
            "Beheer buurthuis De Kolenkit", "2026-03-22");

  // Two things on one Saturday, found as a clash; the organizers keep them apart on purpose.
  s.Propose(kKwame, {.id = kRepairCafe,
                     .title = "Repair Café: repareren in plaats van weggooien",
                     .description = "Kapotte broodrooster, lamp of fiets? Vrijwilligers met "
                                    "gereedschap helpen je het zelf te maken.",
                     .date = "2026-03-28",
                     .start_time = "13:00",
                     .end_time = "16:00",
                     .place = "Buurthuis De Kolenkit, grote zaal"});
  s.Propose(kDewi, {.id = kVoorlees,
                    .title = "Voorleesochtend voor peuters",
                    .description = "Prentenboeken in het Nederlands, Turks en Arabisch, voor "
                                   "peuters met hun ouders of oppas.",
                    .date = "2026-03-28",
                    .start_time = "10:00",
                    .end_time = "11:00",
                    .place = "Buurthuis De Kolenkit, zaal 2"});
  s.Dismiss(kKwame, s.ClashBetween(kRepairCafe, kVoorlees),
            "Bewust apart: de voorleesochtend is 's ochtends voor peuters en hun ouders, het "
            "Repair Café 's middags voor iedereen met iets kapots. We verwijzen naar elkaar.");
  s.Held(kDewi, kVoorlees, 17, "Negen peuters met hun ouders; twee vaders vragen om een vervolg.");
  s.Held(kKwame, kRepairCafe, 26,
         "26 bezoekers, 19 van de 23 spullen weer heel. Volgende keer graag een naaimachine.");

  s.Propose(kSanne, {.id = kPaaseieren,
                     .title = "Paaseieren zoeken in het Erasmuspark",
                     .description = "Voor kinderen tot tien jaar, met een speurtocht langs de "
                                    "vijver.",
                     .date = "2026-04-04",
                     .start_time = "11:00",
                     .end_time = "12:30",
                     .place = "Erasmuspark, bij de vijver",
                     .location_id = kPark});
  s.Spend(kSanne, {.id = "sp-paaseieren",
                   .initiative_id = kPaaseieren,
                   .cents = Euros(85),
                   .purpose = "Chocolade-eitjes en prijsjes"});
  s.Cancel(kSanne, kPaaseieren,
           "Code oranje voor storm en regen voorspeld. Volgend jaar opnieuw; de chocolade is "
           "niet gekocht.");
  s.Reject(kCarla, "sp-paaseieren", {0, 8, 0}, "Activiteit afgelast vanwege de storm.");

  s.Propose(kYusuf,
            {.id = kWarmtenet,
             .kind = v1::INITIATIVE_KIND_RESIDENTS_MEETING,
             .title = "Bewonersavond over het warmtenet",
             .description = "De woningcorporatie legt uit wat de aansluiting op het warmtenet "
                            "betekent voor de huur en de werkzaamheden in de flats. Met tolken "
                            "Turks en Arabisch.",
             .date = "2026-04-07",
             .start_time = "19:30",
             .end_time = "21:30",
             .place = "Buurthuis De Kolenkit, grote zaal",
             .location_id = kBuurthuis});
}

// ---- April: one buurtkrant, three give-aways, a resident's idea ----------------------------

constexpr const char* kNieuwsbriefFlats = "i-nieuwsbrief-kolenkitflats";
constexpr const char* kKledingruil = "i-kledingruil-flats";
constexpr const char* kKinderkleding = "i-weggeefmarkt-kinderkleding";
constexpr const char* kWeggeefactie = "i-kledingweggeefactie";
constexpr const char* kVrijmarkt = "i-vrijmarkt-koningsdag";
constexpr const char* kGeveltuinen = "i-geveltuinen";
constexpr const char* kProposalGroen = "p-meer-groen";

void OneBuurtkrant(Script& s) {
  s.Expense(kCarla, "ex-buurtkrant-voorjaar", "sp-buurtkrant-druk", Euros(272, 50),
            "factuur DL-2026-031", "Drukkerij De Letterbak", "2026-03-27");
  s.Propose(kRicardo,
            {.id = kNieuwsbriefFlats,
             .kind = v1::INITIATIVE_KIND_NEWSLETTER,
             .title = "Nieuwsbrief Kolenkitflats",
             .description = "Een maandelijkse nieuwsbrief voor de bewoners van de Kolenkitflats: "
                            "onderhoud, de bewonerscommissie en de renovatie.",
             .date = "2026-04-01",
             .ongoing = true,
             .place = "Kolenkitflats"});
  const std::string clash = s.ClashBetween(kBuurtkrant, kNieuwsbriefFlats);
  s.ProposeMerge(
      kIngrid, clash, kBuurtkrant,
      "Eén buurtkrant is genoeg: de Kolenkitflats krijgen een eigen pagina in De "
      "Kolenkitter en Ricardo schrijft mee. Dan hoeven de bezorgers maar één keer rond.");
  s.AcceptMerge(kRicardo, clash);
  s.Task(kIngrid, "t-krant-flatspagina", kBuurtkrant, "Pagina Kolenkitflats voor het zomernummer",
         "Nieuws van de bewonerscommissie en de planning van de renovatie.", "2026-06-05");
  s.Claim(kRicardo, "t-krant-flatspagina");
  s.Task(kIngrid, "t-krant-kopij", kBuurtkrant, "Kopij verzamelen voor het zomernummer", "",
         "2026-06-05");
  s.Claim(kIngrid, "t-krant-kopij");
  s.Task(kIngrid, "t-krant-opmaak", kBuurtkrant, "Opmaak zomernummer",
         "In het sjabloon van het voorjaarsnummer; drukker wil het bestand uiterlijk 15 juni.",
         "2026-06-12");
  s.Claim(kCarla, "t-krant-opmaak");
}

void ThreeGiveAways(Script& s) {
  s.Propose(kFatima, {.id = kKledingruil,
                      .kind = v1::INITIATIVE_KIND_GIVE_AWAY,
                      .title = "Kledingruil in de Kolenkitflats",
                      .description = "Breng wat je niet meer draagt, neem mee wat je past. "
                                     "Voor volwassenen.",
                      .date = "2026-04-14",
                      .start_time = "14:00",
                      .end_time = "17:00",
                      .place = "Ontmoetingsruimte Kolenkitflats, begane grond"});
  s.Task(kFatima, "t-kleding-flyers", kKledingruil, "Flyers ophangen in de portieken", "",
         "2026-04-10");
  s.Spend(kFatima, {.id = "sp-kleding-flyers",
                    .initiative_id = kKledingruil,
                    .cents = Euros(45),
                    .purpose = "Flyers en posters drukken"});
  s.Propose(kDewi, {.id = kKinderkleding,
                    .kind = v1::INITIATIVE_KIND_GIVE_AWAY,
                    .title = "Weggeefmarkt kinderkleding",
                    .description = "Kinderkleding, schoenen en speelgoed die te klein zijn "
                                   "geworden: gratis voor wie het kan gebruiken.",
                    .date = "2026-04-16",
                    .start_time = "15:00",
                    .end_time = "17:30",
                    .place = "Schoolplein basisschool De Horizon"});
  s.Propose(kNadia, {.id = kWeggeefactie,
                     .kind = v1::INITIATIVE_KIND_GIVE_AWAY,
                     .title = "Voorjaars-weggeefactie kleding",
                     .description = "Warme jassen eruit, lichte kleding erin: we geven kleding "
                                    "weg op het plein.",
                     .date = "2026-04-18",
                     .start_time = "11:00",
                     .end_time = "15:00",
                     .place = "Kolenkitplein",
                     .location_id = kPlein});

  // The platform suggests one event; each group says yes for itself.
  const std::string first = s.ClashBetween(kKledingruil, kWeggeefactie);
  s.ProposeMerge(kYusuf, first, kWeggeefactie,
                 "Drie kledingacties in één week. Samen op zaterdag onder de luifel van "
                 "metrostation Kolenkit: meer kleding, meer bezoekers, droog bij regen en minder "
                 "werk voor ieder.");
  s.AcceptMerge(kFatima, first);
  s.AcceptMerge(kNadia, first);
  const std::string second = s.ClashBetween(kKinderkleding, kWeggeefactie);
  s.ProposeMerge(kNadia, second, kWeggeefactie,
                 "Doe je mee, Dewi? Een hoek met kinderkleding en speelgoed onder de luifel.");
  s.AcceptMerge(kDewi, second);
  s.Update(kNadia,
           {.id = kWeggeefactie,
            .kind = v1::INITIATIVE_KIND_GIVE_AWAY,
            .title = "Grote kledingweggeefactie onder de luifel",
            .description = "Drie groepen, één actie: kleding voor volwassenen, kinderkleding en "
                           "speelgoed, gratis voor wie het kan gebruiken. Breng mee wat je niet "
                           "meer draagt. Wat overblijft gaat naar de kringloop.",
            .date = "2026-04-18",
            .start_time = "10:00",
            .end_time = "15:00",
            .place = "Onder de luifel van metrostation Kolenkit",
            .location_id = kMetro});

  s.Task(kNadia, "t-kleding-rekken", kWeggeefactie, "Kledingrekken ophalen en terugbrengen",
         "Twaalf rekken met hangers, af te halen vrijdag.", "2026-04-17");
  s.Task(kNadia, "t-kleding-kringloop", kWeggeefactie,
         "Overgebleven kleding naar de kringloop brengen", "", "2026-04-20");
  s.Spend(kNadia, {.id = "sp-kleding-rekken",
                   .initiative_id = kWeggeefactie,
                   .cents = Euros(120),
                   .purpose = "Kledingrekken en hangers huren"});
  s.Approve(kCarla, "sp-kleding-flyers", {9, 0, 0}, "Kernteam, via de app.");
  s.Approve(kCarla, "sp-kleding-rekken", {9, 0, 0}, "Kernteam, via de app.");
  s.ClaimAndComplete(kFatima, "t-kleding-flyers");
  s.ClaimAndComplete(kKwame, "t-kleding-rekken");
  s.ClaimAndComplete(kDewi, "t-kleding-kringloop");
  s.Held(kNadia, kWeggeefactie, 210,
         "Ongeveer 210 bezoekers en 35 vrijwilligers uit drie groepen. Veel beter dan drie "
         "kleine acties: iedereen wil dit in het najaar opnieuw, weer onder de luifel.");
  s.Expense(kCarla, "ex-kleding-flyers", "sp-kleding-flyers", Euros(39, 90), "bon 2026-011",
            "Drukkerij De Letterbak", "2026-04-10");
  s.Expense(kCarla, "ex-kleding-rekken", "sp-kleding-rekken", Euros(110), "factuur FK-2026-112",
            "Verhuur Feestkracht", "2026-04-18");
}

void AResidentsIdea(Script& s) {
  s.Submit("", kProposalGroen, "Meer groen in de straat: geveltuintjes en plantenbakken",
           "Onze straat is grijs en heet in de zomer. Ik wil graag met de buren geveltuintjes "
           "maken en een paar grote plantenbakken op de hoek van het plein. Ik help mee, maar "
           "weet niet hoe je dat regelt met het stadsdeel.",
           "Greet Hoogland", "greet.hoogland@example.nl");
  s.Discuss(kCarla, kProposalGroen,
            "Gebeld met mevrouw Hoogland. Ze wil zelf meedoen en kent acht buren die een "
            "geveltuin willen. Sanne en Mei helpen met het stadsdeel (tegels wippen) en de "
            "plantjes. Voorstel: één zaterdag in mei.");
  s.Discuss(kYusuf, kProposalGroen,
            "Besproken in het kernteam: past bij het buurtbudget en bij Fonds De Groene Luifel. "
            "We nemen het over als initiatief.");
  s.Propose(kCarla,
            {.id = kGeveltuinen,
             .title = "Geveltuinen en plantenbakken langs de Bos en Lommerweg",
             .description = "Op voorstel van een bewoonster: samen tegels wippen, geveltuintjes "
                            "aanleggen en vier plantenbakken vullen op de hoek van het "
                            "Kolenkitplein. Gereedschap en plantjes zijn er; handen welkom.",
             .date = "2026-05-09",
             .start_time = "10:00",
             .end_time = "15:00",
             .place = "Hoek Kolenkitplein en Bos en Lommerweg",
             .co_organizers = {kSanne, kMei},
             .proposal_id = kProposalGroen});
  s.Allocate(kAnna, "al-groene-luifel", "Fonds De Groene Luifel, bijdrage groen en zomerfeest",
             Euros(750), "2026");
}

void KingsDay(Script& s) {
  s.Propose(kBram, {.id = kVrijmarkt,
                    .kind = v1::INITIATIVE_KIND_STREET_MARKET,
                    .title = "Vrijmarkt op Koningsdag",
                    .description = "Kinderen en buren verkopen spullen op een kleedje. Vakken "
                                   "worden met krijt uitgetekend; wie het eerst komt.",
                    .date = "2026-04-27",
                    .start_time = "08:00",
                    .end_time = "15:00",
                    .place = "Kolenkitplein",
                    .location_id = kPlein});
  s.Task(kBram, "t-vrijmarkt-vakken", kVrijmarkt, "Vakken uittekenen met krijt", "", "2026-04-27");
  s.Spend(kBram, {.id = "sp-vrijmarkt",
                  .initiative_id = kVrijmarkt,
                  .cents = Euros(150),
                  .purpose = "Oranje versiering, krijt en een EHBO-koffer"});
  s.Approve(kCarla, "sp-vrijmarkt", {8, 1, 1}, "Kernteam, via de app.");
  // Bram did it at 7 in the morning without claiming it first; the credit is still his.
  s.Complete(kBram, "t-vrijmarkt-vakken");
  s.Held(kBram, kVrijmarkt, 300, "Zonnig en druk: zo'n 60 kleedjes en honderden bezoekers.");
  s.Expense(kCarla, "ex-vrijmarkt", "sp-vrijmarkt", Euros(132, 75), "bon 2026-015",
            "Feestartikelen Oranjeboom", "2026-04-24");
}

void April(Script& s) {
  OneBuurtkrant(s);
  s.Held(kYusuf, kWarmtenet, 48,
         "48 bewoners. De corporatie komt in juni terug met een planning per portiek.");
  s.ActionDone(kYusuf, kRaad, "ac-warmtenet", "Gehouden op 7 april met 48 bewoners.");
  s.Grant(kAnna, kYusuf, v1::ROLE_COORDINATOR);
  ThreeGiveAways(s);
  s.ActionNotDone(kRicardo, kRaad, "ac-flyers-portieken", v1::NOT_DONE_REASON_NOT_DELIVERED,
                  "De drukker leverde de flyers pas op 28 april, na de inspraakavond. De stapel "
                  "ligt in het buurthuis; volgende keer drukken we zelf.");
  s.ActionNotDone(kCarla, kRaad, "ac-workshop-begroten", v1::NOT_DONE_REASON_NO_INTEREST,
                  "Twee aanmeldingen; afgelast. Volgende keer koppelen we het aan de raad zelf.");
  AResidentsIdea(s);
  KingsDay(s);
  s.Welcome(kCarla, kPieter, "Pieter Kok", v1::ROLE_MEMBER,
            "Wil helpen bij het zomerfeest; speelt in een band.");
}

// ---- May: the greening, and the summer being planned --------------------------------------

constexpr const char* kKernteam = "mt-kernteam-mei";
constexpr const char* kKoffieochtend = "i-koffieochtend-ouderen";
constexpr const char* kFietsles = "i-fietsreparatie-tieners";
constexpr const char* kBraderiePlein = "i-braderie-kolenkitplein";
constexpr const char* kBraderieWeg = "i-braderie-bos-en-lommerweg";
constexpr const char* kZomerfeest = "i-zomerfeest";
constexpr const char* kBuitenspelen = "i-buitenspeelmiddag";
constexpr const char* kZwerfafval = "i-zwerfafval-erasmuspark";
constexpr const char* kAvondGroen = "i-bewonersavond-groen";
constexpr const char* kAvondPortiek = "i-bewonersavond-portiekflats";
constexpr const char* kRaadNajaar = "mt-raad-najaar-2026";

void Greening(Script& s) {
  s.Task(kCarla, "t-geveltuin-plantjes", kGeveltuinen, "Plantjes en potgrond bestellen",
         "Vaste planten die tegen droogte kunnen; lijst van Greet.", "2026-05-06");
  s.Task(kCarla, "t-geveltuin-tegels", kGeveltuinen, "Tegels wippen afstemmen met het stadsdeel",
         "Melding doen en afspreken waar de tegels blijven.", "2026-05-01");
  s.Spend(kSanne, {.id = "sp-geveltuinen",
                   .initiative_id = kGeveltuinen,
                   .cents = Euros(380),
                   .purpose = "Plantjes, potgrond en gereedschap voor geveltuinen"});
  s.ClaimAndComplete(kMei, "t-geveltuin-tegels");
  s.ClaimAndComplete(kSanne, "t-geveltuin-plantjes");
}

void CoreTeamInMay(Script& s) {
  s.Schedule(kCarla, kKernteam, "Overleg kernteam mei", "2026-05-06", "20:00",
             "Buurthuis De Kolenkit, zaal 2", kBuurthuis, false);
  s.Agenda(kCarla, kKernteam, "ag-budget", "Aanvragen buurtbudget: geveltuinen en zomerfeest");
  s.Agenda(kCarla, kKernteam, "ag-juni", "Juni: braderie, zomerfeest, twee bewonersavonden");
  s.MeetingHeld(kCarla, kKernteam, 11);
  s.Spend(kCarla, {.id = "sp-zomerfeest-verhuur",
                   .initiative_id = kZomerfeest,
                   .cents = Euros(1200),
                   .purpose = "Springkussen, partytent en tafels huren"});
  s.Spend(kKwame, {.id = "sp-zomerfeest-dj",
                   .initiative_id = kZomerfeest,
                   .cents = Euros(450),
                   .purpose = "Professionele dj voor het zomerfeest"});
  s.Approve(kCarla, "sp-geveltuinen", {14, 1, 2},
            "Kernteamoverleg 6 mei, met bewoners van de straat erbij.");
  s.Approve(kCarla, "sp-zomerfeest-verhuur", {9, 1, 1}, "Kernteamoverleg 6 mei.");
  s.Reject(kCarla, "sp-zomerfeest-dj", {3, 8, 1},
           "Kernteamoverleg 6 mei: liever een open podium met muzikanten uit de buurt.");
  s.Minutes(kCarla, kKernteam,
            "Aanwezig: 11, onder wie twee bewoners van de Bos en Lommerweg voor de geveltuinen.\n"
            "Budget: geveltuinen € 380 goedgekeurd; zomerfeest verhuur € 1.200 goedgekeurd; "
            "de dj (€ 450) afgewezen: het zomerfeest krijgt een open podium.\n"
            "Juni: twee braderieën op 13 juni gemeld; Carla brengt de organisatoren bij elkaar. "
            "Twee bewonersavonden in juni staan op de rotonde; nog niet besproken.\n"
            "Carla heeft te veel taken; wie neemt er een over?");
  s.Decision(kCarla, kKernteam, "dc-podium",
             "Het zomerfeest krijgt een open podium in plaats van een betaalde dj.");
}

void SmallThingsInMay(Script& s) {
  s.Held(kCarla, kGeveltuinen, 22,
         "22 bewoners, 11 geveltuinen en 4 plantenbakken. Greet Hoogland zorgt dat ze water "
         "krijgen.");
  s.Expense(kCarla, "ex-geveltuinen-planten", "sp-geveltuinen", Euros(245, 60), "bon 2026-019",
            "Tuincentrum De Groene Vinger", "2026-05-08");
  s.Expense(kCarla, "ex-geveltuinen-gereedschap", "sp-geveltuinen", Euros(98, 75), "bon 2026-020",
            "Tuincentrum De Groene Vinger", "2026-05-09");

  s.Propose(kJoost,
            {.id = kKoffieochtend,
             .title = "Koffieochtend voor ouderen",
             .description = "Voor buren die veel alleen zijn: koffie, een praatje en hulp met "
                            "brieven en formulieren. Wie niet goed ter been is, wordt opgehaald.",
             .date = "2026-05-19",
             .start_time = "10:00",
             .end_time = "12:00",
             .place = "Buurthuis De Kolenkit, zaal 2",
             .location_id = kBuurthuis});
  s.Spend(kJoost, {.id = "sp-koffieochtend",
                   .initiative_id = kKoffieochtend,
                   .cents = Euros(40),
                   .purpose = "Koffie, thee en gebak"});
  s.Approve(kCarla, "sp-koffieochtend", {6, 0, 0}, "Kernteam, via de app.");
  s.Held(kJoost, kKoffieochtend, 28,
         "28 ouderen, vijf van hen waren nog nooit in het buurthuis geweest. Voortaan elke "
         "derde dinsdag.");
  s.Expense(kCarla, "ex-koffieochtend", "sp-koffieochtend", Euros(36, 75), "bon 2026-022",
            "Bakkerij Kaya", "2026-05-19");
  s.Action(kYusuf, kRaad, "ac-koffieochtend",
           "Koffieochtend voor ouderen opgezet (niet op de actielijst, wel gedaan)", kJoost,
           "2026-05-19", true);
  s.ActionDone(kJoost, kRaad, "ac-koffieochtend", "28 ouderen; wordt maandelijks.");

  s.Propose(kRicardo,
            {.id = kFietsles,
             .title = "Fietsreparatie-workshop voor tieners",
             .description = "Band plakken, remmen afstellen, ketting smeren: tieners leren hun "
                            "eigen fiets te maken.",
             .date = "2026-05-23",
             .start_time = "13:00",
             .end_time = "16:00",
             .place = "Fietsenstalling metrostation Kolenkit",
             .location_id = kMetro});
  s.Task(kRicardo, "t-fiets-gereedschap", kFietsles, "Gereedschap lenen bij de fietsenmaker", "",
         "2026-05-22");
  s.Spend(kRicardo, {.id = "sp-fietsles",
                     .initiative_id = kFietsles,
                     .cents = Euros(75),
                     .purpose = "Binnenbanden, plakspullen en kettingolie"});
  s.Approve(kCarla, "sp-fietsles", {6, 0, 0}, "Kernteam, via de app.");
  s.ClaimAndComplete(kRicardo, "t-fiets-gereedschap");
  s.Held(kRicardo, kFietsles, 15, "Vijftien tieners; twee willen de volgende keer helpen.");
  s.Expense(kCarla, "ex-fietsles", "sp-fietsles", Euros(69, 40), "bon 2026-024",
            "Rijwielhandel De Ketting", "2026-05-22");

  s.ActionDone(kIngrid, kRaad, "ac-bezorgers",
               "Zes nieuwe bezorgers gevonden, vier via de kledingweggeefactie.");
  s.ActionNotDone(kCarla, kRaad, "ac-speelplekken", v1::NOT_DONE_REASON_CAPACITY_LOST,
                  "Iedereen die kon helpen ging naar de kledingweggeefactie en de geveltuinen. "
                  "Schuift door naar het najaar.");
}

// Story 1: two braderieën planned on one Saturday, each with its own work and money.
void TwoBraderieen(Script& s) {
  s.Propose(kBram, {.id = kBraderiePlein,
                    .kind = v1::INITIATIVE_KIND_STREET_MARKET,
                    .title = "Braderie op het Kolenkitplein",
                    .description = "Kramen van buren en ondernemers, eten uit alle keukens van "
                                   "de buurt en muziek op het plein.",
                    .date = "2026-06-13",
                    .start_time = "11:00",
                    .end_time = "17:00",
                    .place = "Kolenkitplein",
                    .location_id = kPlein});
  s.Propose(kJoost, {.id = kBraderieWeg,
                     .kind = v1::INITIATIVE_KIND_STREET_MARKET,
                     .title = "Zomerbraderie Bos en Lommerweg",
                     .description = "De ondernemers van de Bos en Lommerweg zetten hun waar "
                                    "buiten, met kramen voor buurtbewoners ertussen.",
                     .date = "2026-06-13",
                     .start_time = "10:00",
                     .end_time = "17:00",
                     .place = "Bos en Lommerweg, tussen het plein en de metro"});
  s.Task(kJoost, "t-braderie-kramen", kBraderieWeg, "Kramen verdelen",
         "Welke ondernemer en welke bewoner staat waar; lijst bijhouden.", "2026-06-06");
  s.Claim(kJoost, "t-braderie-kramen");
  s.Spend(kJoost, {.id = "sp-braderie-kramen",
                   .initiative_id = kBraderieWeg,
                   .cents = Euros(900),
                   .purpose = "Marktkramen huren (20 stuks)"});
}

// Story 1, continued: the organizers join forces by consent; the tasks and money of the one
// move to the other. Story 4: the flyer and the banner are made by someone who shows a
// neighbour how.
void OneBraderie(Script& s) {
  const std::string clash = s.ClashBetween(kBraderiePlein, kBraderieWeg);
  s.ProposeMerge(kCarla, clash, kBraderiePlein,
                 "Twee braderieën op 13 juni, vijftig meter van elkaar. Samen één braderie van "
                 "het plein tot de metro? Dan hoeven bezoekers niet te kiezen.");
  s.AcceptMerge(kJoost, clash);
  s.AcceptMerge(kBram, clash);
  s.Update(kBram, {.id = kBraderiePlein,
                   .kind = v1::INITIATIVE_KIND_STREET_MARKET,
                   .title = "Braderie Kolenkitplein en Bos en Lommerweg",
                   .description = "Eén braderie van het plein tot de metro: kramen van buren en "
                                  "ondernemers, eten uit alle keukens van de buurt en muziek "
                                  "op het plein.",
                   .date = "2026-06-13",
                   .start_time = "10:00",
                   .end_time = "17:00",
                   .place = "Kolenkitplein en Bos en Lommerweg tot metrostation Kolenkit",
                   .location_id = kPlein});
  s.Approve(kCarla, "sp-braderie-kramen", {10, 0, 1}, "Kernteam, via de app.");
  s.Expense(kCarla, "ex-braderie-aanbetaling", "sp-braderie-kramen", Euros(200),
            "aanbetaling FK-2026-198", "Verhuur Feestkracht", "2026-05-28");

  s.Task(kBram, "t-braderie-flyer", kBraderiePlein, "Flyer maken",
         "A5, met de kaart van het plein en de weg. Dewi wil leren hoe dat moet.", "2026-05-29");
  s.Task(kBram, "t-braderie-spandoek", kBraderiePlein, "Flyer omzetten naar spandoek",
         "Spandoek van 3 meter voor over de Bos en Lommerweg, op basis van de flyer.",
         "2026-06-05");
  s.Task(kBram, "t-braderie-vergunning", kBraderiePlein,
         "Ontheffing en vergunning aanvragen bij het stadsdeel", "", "2026-05-31");
  s.Task(kBram, "t-braderie-ehbo", kBraderiePlein, "EHBO-post regelen", "", "2026-06-10");
  s.Claim(kCarla, "t-braderie-flyer");
  s.LearningPair("t-braderie-flyer", kDewi, kCarla);
  s.Complete(kCarla, "t-braderie-flyer");
  s.Claim(kJoost, "t-braderie-spandoek");
  s.LearningPair("t-braderie-spandoek", kRicardo, kJoost);
  s.Claim(kCarla, "t-braderie-vergunning");
  s.Spend(kBram, {.id = "sp-braderie-spandoek",
                  .initiative_id = kBraderiePlein,
                  .cents = Euros(95),
                  .purpose = "Spandoek drukken"});
  s.Approve(kCarla, "sp-braderie-spandoek", {10, 0, 1}, "Kernteam, via de app.");
}

void SummerParty(Script& s) {
  s.Propose(kCarla, {.id = kZomerfeest,
                     .kind = v1::INITIATIVE_KIND_STREET_PARTY,
                     .title = "Zomerfeest Kolenkitbuurt",
                     .description = "Het feest van de hele buurt: springkussen, hapjes uit alle "
                                    "keukens, een open podium voor muzikanten uit de buurt en "
                                    "spelletjes voor de kinderen.",
                     .date = "2026-06-27",
                     .start_time = "14:00",
                     .end_time = "22:00",
                     .place = "Erasmuspark, grasveld bij de speeltuin",
                     .location_id = kPark,
                     .co_organizers = {kYusuf}});
  s.JoinInitiative(kKwame, kZomerfeest);
  s.JoinInitiative(kPieter, kZomerfeest);
}

void SummerPartyTasks(Script& s) {
  s.Task(kCarla, "t-zomer-springkussen", kZomerfeest, "Springkussen en tent reserveren", "",
         "2026-05-20");
  s.Task(kCarla, "t-zomer-rooster", kZomerfeest, "Vrijwilligersrooster maken",
         "Opbouw, podium, hapjes, afbouw: in blokken van twee uur.", "2026-06-20");
  s.Task(kCarla, "t-zomer-vergunning", kZomerfeest, "Evenementenvergunning aanvragen",
         "Aanvragen bij het stadsdeel, minstens acht weken van tevoren.", "2026-05-02");
  s.Task(kCarla, "t-zomer-sponsors", kZomerfeest,
         "Ondernemers van de Bos en Lommerweg om een bijdrage vragen", "", "2026-06-12");
  s.Task(kCarla, "t-zomer-podium", kZomerfeest, "Open podium: muzikanten uit de buurt vragen", "",
         "2026-06-15");
  s.Task(kCarla, "t-zomer-hapjes", kZomerfeest, "Hapjes uit alle keukens coördineren", "",
         "2026-06-25");
  s.Task(kCarla, "t-zomer-geluid", kZomerfeest, "Geluidsinstallatie lenen", "", "2026-06-20");
  s.ClaimAndComplete(kCarla, "t-zomer-springkussen");
  s.Expense(kCarla, "ex-zomerfeest-aanbetaling", "sp-zomerfeest-verhuur", Euros(300),
            "aanbetaling FK-2026-207", "Verhuur Feestkracht", "2026-05-15");
  s.Claim(kCarla, "t-zomer-rooster");
  s.Claim(kCarla, "t-zomer-vergunning");
  s.Claim(kCarla, "t-zomer-sponsors");
  s.Claim(kPieter, "t-zomer-podium");
  s.Claim(kNadia, "t-zomer-hapjes");
  s.Claim(kYusuf, "t-zomer-geluid");
  s.Release(kYusuf, "t-zomer-geluid", "Ik heb in juni avonddiensten; het lukt me niet meer.");
  s.Claim(kKwame, "t-zomer-geluid");
  // Who leaves keeps nothing: the podium task is released with Pieter.
  s.Leave(kPieter, "Verhuisd naar Almere. Veel plezier met het zomerfeest!");
}

// Left open on the samenwerkingsrotonde for the organizers to settle: two residents' meetings
// two weeks apart (story 3: one big meeting at a time).
void TwoResidentsMeetings(Script& s) {
  s.Propose(kYusuf,
            {.id = kAvondGroen,
             .kind = v1::INITIATIVE_KIND_RESIDENTS_MEETING,
             .title = "Bewonersavond groen en spelen",
             .description = "Wat willen we met het groen en de speelplekken in de buurt? Het "
                            "stadsdeel luistert mee.",
             .date = "2026-06-09",
             .start_time = "19:30",
             .end_time = "21:30",
             .place = "Buurthuis De Kolenkit, grote zaal",
             .location_id = kBuurthuis});
  s.Task(kYusuf, "t-avond-zaal", kAvondGroen, "Zaal reserveren in het buurthuis", "", "2026-05-25");
  s.ClaimAndComplete(kYusuf, "t-avond-zaal");
  s.Propose(kDewi,
            {.id = kAvondPortiek,
             .kind = v1::INITIATIVE_KIND_RESIDENTS_MEETING,
             .title = "Bewonersavond renovatie portiekflats",
             .description = "De VvE en de corporatie over de renovatie van de portiekflats aan "
                            "de Bos en Lommerweg: planning, overlast en wat het kost.",
             .date = "2026-06-25",
             .start_time = "19:30",
             .end_time = "21:30",
             .place = "Basisschool De Horizon, aula"});
  s.Task(kDewi, "t-portiek-uitnodiging", kAvondPortiek, "Uitnodiging in alle portieken", "",
         "2026-06-15");
  s.Claim(kDewi, "t-portiek-uitnodiging");
}

// Left open on the samenwerkingsrotonde: the park on one Saturday, morning and afternoon.
void PlayInThePark(Script& s) {
  s.Propose(kMei, {.id = kBuitenspelen,
                   .title = "Buitenspeelmiddag in het Erasmuspark",
                   .description = "Stoepkrijt, touwtrekken, een springkussen en oud-Hollandse "
                                  "spelletjes. Voor alle kinderen uit de buurt.",
                   .date = "2026-06-20",
                   .start_time = "13:00",
                   .end_time = "17:00",
                   .place = "Erasmuspark, grasveld bij de speeltuin",
                   .location_id = kPark});
  s.Task(kMei, "t-spelen-materiaal", kBuitenspelen, "Spelmateriaal lenen bij de speeltuin", "",
         "2026-06-18");
  s.Claim(kMei, "t-spelen-materiaal");
  s.Spend(kMei, {.id = "sp-buitenspelen",
                 .initiative_id = kBuitenspelen,
                 .cents = Euros(250),
                 .purpose = "Springkussen en spelmateriaal buitenspeelmiddag"});
  s.Propose(kSanne, {.id = kZwerfafval,
                     .kind = v1::INITIATIVE_KIND_CLEAN_UP,
                     .title = "Zwerfafval prikken in het Erasmuspark",
                     .description = "Een ochtend het park schoon maken voor de zomer, met "
                                    "grijpers van het stadsdeel.",
                     .date = "2026-06-20",
                     .start_time = "10:00",
                     .end_time = "12:30",
                     .place = "Erasmuspark, ingang Bos en Lommerweg",
                     .location_id = kPark});
}

void MoreProposals(Script& s) {
  s.Submit("", "p-verlichting-tunnel", "Betere verlichting in het fietstunneltje bij de metro",
           "'s Avonds is het tunneltje onder het spoor bij metrostation Kolenkit donker. Veel "
           "vrouwen en kinderen fietsen liever om. Kan het platform dit aankaarten?",
           "Samir Haddou", "samir.haddou@example.org");
  s.Submit(kJoost, "p-hondenveld", "Hondenuitlaatveld in het Erasmuspark",
           "Een omheind stuk waar honden los mogen, zodat ze niet meer over het speelveld "
           "rennen.",
           "", "");
  s.DeclineProposal(kCarla, "p-hondenveld",
                    "Het Erasmuspark is van het stadsdeel en daar loopt al een inspraakronde; "
                    "Carla heeft het voorstel doorgestuurd en Joost aangemeld voor het "
                    "gebiedsoverleg.");
}

void BooksAndTheAutumnCouncil(Script& s) {
  s.Spend(kAnna, {.id = "sp-jaarverslag",
                  .cents = Euros(60),
                  .purpose = "Jaarverslag en verantwoording buurtbudget drukken"});
  s.Approve(kCarla, "sp-jaarverslag", {9, 0, 0}, "Kernteam, via de app.");
  s.Expense(kCarla, "ex-administratie-q1", "sp-administratie", Euros(31, 50), "bankafschrift Q1",
            "Kosten betaalrekening", "2026-03-31");
  s.Expense(kCarla, "ex-administratie-licentie", "sp-administratie", Euros(99),
            "factuur KB-2026-117", "Administratiekantoor Kleinboek", "2026-04-02");
  s.Expense(kCarla, "ex-buurtkrant-mei", "sp-buurtkrant-druk", Euros(272, 50),
            "factuur DL-2026-058", "Drukkerij De Letterbak", "2026-05-29");
  s.Schedule(kCarla, kRaadNajaar, "Raad van bewonerskernen, najaar 2026", "2026-10-08", "19:30",
             "Buurthuis De Kolenkit, grote zaal (en online)", kBuurthuis, true);
  s.Agenda(kCarla, kRaadNajaar, "ag-terugblik", "Terugblik op de actielijst van het voorjaar");
  s.Agenda(kCarla, kRaadNajaar, "ag-verantwoording",
           "Verantwoording buurtbudget: wat is er uitgegeven en waaraan");
  s.Agenda(kCarla, kRaadNajaar, "ag-winter", "Plannen voor de winter");
  s.Invite(kCarla, "inv-flyergroep", v1::ROLE_MEMBER,
           "Voor de flyergroep: geef door aan wie flyers wil leren maken.");
}

void May(Script& s) {
  Greening(s);
  SummerParty(s);
  TwoBraderieen(s);
  TwoResidentsMeetings(s);
  // The core team talks about what is on the rotonde by then.
  CoreTeamInMay(s);
  SmallThingsInMay(s);
  OneBraderie(s);
  SummerPartyTasks(s);
  PlayInThePark(s);
  MoreProposals(s);
  BooksAndTheAutumnCouncil(s);
}

void Summarize(const PlatformState& state, DemoSummary* out) {
  out->platform_id = state.platform_id();
  out->platform_name = state.name();
  out->members.clear();
  for (const auto& [id, member] : state.members()) {
    out->members.push_back(DemoMember{id, member.name, member.role, member.active});
  }
  out->initiatives = state.initiatives().size();
  for (const auto& [id, initiative] : state.initiatives()) {
    switch (initiative.status) {
      case projections::InitiativeStatus::kActive:
        ++out->active_initiatives;
        break;
      case projections::InitiativeStatus::kHeld:
        ++out->held_initiatives;
        break;
      case projections::InitiativeStatus::kCancelled:
        ++out->cancelled_initiatives;
        break;
      case projections::InitiativeStatus::kMerged:
        ++out->merged_initiatives;
        break;
    }
  }
  for (const auto& [id, clash] : state.clashes()) {
    out->open_clashes += clash.status == projections::ClashStatus::kOpen;
  }
  out->tasks = state.tasks().size();
  out->meetings = state.meetings().size();
  out->allocated_cents = state.budget().allocated_cents;
  out->spent_cents = state.budget().spent_cents;
  out->balance_cents = state.budget().balance_cents();
}

}  // namespace

Status WriteDemo(CommandService& service, DemoSummary* out) {
  *out = DemoSummary();
  bool empty = false;
  Status read = service.Read(kDemoPlatform,
                             [&](const PlatformModel& model) { empty = model.position() == 0; });
  if (!read.ok()) return read;
  if (!empty) {
    return Status::InvalidArgument(std::string("platform ") + kDemoPlatform +
                                   " holds events already; the demo needs a new one");
  }
  Script script(service, out);
  FoundAndWelcome(script);
  OngoingWork(script);
  CouncilOfSpring(script);
  BudgetOpens(script);
  SpringInitiatives(script);
  April(script);
  May(script);
  if (!script.status().ok()) return script.status();
  return service.Read(kDemoPlatform,
                      [&](const PlatformModel& model) { Summarize(model.state(), out); });
}

Status WriteDemo(eventstore::EventStore& store, DemoSummary* out) {
  if (store.Head().position != 0) {
    *out = DemoSummary();
    return Status::InvalidArgument("the store holds events already; the demo needs an empty one");
  }
  CommandService service(store);
  return WriteDemo(service, out);
}

}  // namespace rotonde::demo
