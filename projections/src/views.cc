#include "rotonde/projections/views.h"

#include <algorithm>
#include <map>
#include <set>

#include "rotonde/projections/dates.h"

namespace rotonde::projections {
namespace {

const char* ClashStatusName(ClashStatus status) {
  switch (status) {
    case ClashStatus::kOpen:
      return "open";
    case ClashStatus::kDismissed:
      return "dismissed";
    case ClashStatus::kMergeProposed:
      return "merge_proposed";
    case ClashStatus::kMerged:
      return "merged";
    case ClashStatus::kResolved:
      return "resolved";
  }
  return "open";
}

bool LiveClash(const ClashState& clash) {
  return clash.status == ClashStatus::kOpen || clash.status == ClashStatus::kMergeProposed;
}

// The words of a clash reason in one language; one ClashReason() builds both.
struct Phrases {
  const char* kinds[9];  // plural, by InitiativeKind (0 and OTHER: "activities")
  const char* weekdays[7];
  const char* months[12];
  const char* two;            // "Twee"
  const char* on;             // "op"
  const char* at_same_place;  // "op dezelfde plek"
  const char* in_week;        // "in week"
  const char* similar_plans;  // "vergelijkbare plannen"
  const char* newsletter;     // a second newsletter
  const char* meetings;       // two residents' meetings close together
  const char* action_groups;  // two action groups for one cause
  const char* same_thing;     // another second channel
  const char* alike;          // no rule known
};

constexpr Phrases kDutch = {
    {"activiteiten", "braderieën", "weggeefacties", "buurtfeesten", "opschoonacties",
     "buurtkranten", "bewonersavonden", "actiegroepen", "activiteiten"},
    {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"},
    {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
     "oktober", "november", "december"},
    "Twee",
    "op",
    "op dezelfde plek",
    "in week",
    "vergelijkbare plannen",
    "Een tweede buurtkrant",
    "Twee bewonersavonden kort na elkaar",
    "Twee actiegroepen voor dezelfde zaak",
    "Twee keer hetzelfde in de buurt",
    "Twee plannen die op elkaar lijken"};

constexpr Phrases kEnglish = {
    {"activities", "street markets", "give-aways", "street parties", "clean-ups", "newsletters",
     "residents' meetings", "action groups", "activities"},
    {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
    "Two",
    "on",
    "at the same place",
    "in week",
    "similar plans",
    "A second neighbourhood newsletter",
    "Two residents' meetings close together",
    "Two action groups for the same cause",
    "The same thing twice in the neighbourhood",
    "Two plans that look alike"};

// "zaterdag 14 juni" / "Saturday 14 June".
std::string Day(const std::string& iso, const Phrases& words) {
  const auto day = ParseIsoDate(iso);
  if (!day) return iso;
  return std::string(words.weekdays[Weekday(*day)]) + " " +
         std::to_string(std::stoi(iso.substr(8, 2))) + " " +
         words.months[std::stoi(iso.substr(5, 2)) - 1];
}

int WeekOf(const std::string& iso) {
  const auto day = ParseIsoDate(iso);
  return day ? IsoWeek(*day) % 100 : 0;
}

// The kind both sides share, or OTHER when they differ.
v1::InitiativeKind SharedKind(const PlatformState& state, const ClashState& clash) {
  const auto* a = state.Initiative(clash.initiative_a);
  const auto* b = state.Initiative(clash.initiative_b);
  if (a == nullptr || b == nullptr || a->kind != b->kind) return v1::INITIATIVE_KIND_OTHER;
  return a->kind;
}

v1::InitiativeSummary Summarize(const PlatformModel& model, const InitiativeState& i) {
  const PlatformState& state = model.state();
  v1::InitiativeSummary out;
  out.set_id(i.id);
  out.set_version(
      state.StreamVersion(EntityStream(state.platform_id(), "initiative", i.id)).value_or(0));
  out.set_kind(i.kind);
  out.set_title(i.title);
  out.set_description(i.description);
  *out.mutable_when() = i.when;
  *out.mutable_place() = i.place;
  for (const auto& o : i.organizers) out.add_organizer_ids(o);
  out.set_status(InitiativeStatusName(i.status));
  out.set_merged_into(i.merged_into);
  for (const auto& a : i.absorbed) out.add_absorbed_ids(a);
  out.set_participants(i.participants);
  out.set_proposed_at(i.proposed_at);
  out.set_proposal_id(i.proposal_id);
  for (const auto& [id, task] : state.tasks()) {
    if (task.initiative_id != i.id) continue;
    out.set_task_count(out.task_count() + 1);
    if (!task.done) out.set_open_task_count(out.open_task_count() + 1);
  }
  for (const auto& [id, clash] : state.clashes()) {
    if (clash.Involves(i.id) && LiveClash(clash)) out.add_open_clash_ids(id);
  }
  for (const auto& [id, line] : state.budget().spending) {
    if (line.initiative_id != i.id || line.committed_cents() == 0) continue;
    out.set_budget_approved_cents(out.budget_approved_cents() + line.committed_cents());
    out.set_budget_spent_cents(out.budget_spent_cents() + line.spent_cents);
  }
  return out;
}

v1::ClashSummary SummarizeClash(const PlatformState& state, const ClashState& c) {
  v1::ClashSummary out;
  out.set_id(c.id);
  out.set_initiative_a(c.initiative_a);
  out.set_initiative_b(c.initiative_b);
  out.set_rule(c.rule);
  out.set_score(c.score);
  out.set_date(c.date);
  for (const auto& t : c.shared_terms) out.add_shared_terms(t);
  out.set_status(ClashStatusName(c.status));
  out.set_reason_nl(ClashReasonNl(state, c));
  out.set_reason_en(ClashReasonEn(state, c));
  out.set_dismiss_reason(c.dismiss_reason);
  out.set_surviving_initiative_id(c.surviving);
  for (const auto& side : c.accepted_sides) out.add_accepted_initiative_ids(side);
  std::vector<std::string> organizers;
  for (const std::string* id : {&c.initiative_a, &c.initiative_b}) {
    if (const auto* i = state.Initiative(*id)) {
      for (const auto& o : i->organizers) {
        if (std::find(organizers.begin(), organizers.end(), o) == organizers.end())
          organizers.push_back(o);
      }
    }
  }
  for (const auto& o : organizers) out.add_organizer_ids(o);
  out.set_detected_at(c.detected_at);
  out.set_resolve_reason(c.resolve_reason);
  out.set_decline_reason(c.decline_reason);
  return out;
}

}  // namespace

namespace {

std::string ClashReason(const PlatformState& state, const ClashState& clash, const Phrases& words) {
  const v1::InitiativeKind kind = SharedKind(state, clash);
  const std::string two = std::string(words.two) + " " + words.kinds[kind];
  const std::string week = std::string(words.in_week) + " " + std::to_string(WeekOf(clash.date));
  switch (clash.rule) {
    case v1::CLASH_RULE_SAME_PLACE_SAME_DAY:
      return two + " " + words.on + " " + Day(clash.date, words) + " " + words.at_same_place;
    case v1::CLASH_RULE_SAME_DAY:
      return two + " " + words.on + " " + Day(clash.date, words);
    case v1::CLASH_RULE_SAME_WEEK_SIMILAR:
      return kind == v1::INITIATIVE_KIND_OTHER
                 ? std::string(words.two) + " " + words.similar_plans + " " + week
                 : two + " " + week;
    case v1::CLASH_RULE_DUPLICATE_CHANNEL:
      if (kind == v1::INITIATIVE_KIND_NEWSLETTER) return words.newsletter;
      if (kind == v1::INITIATIVE_KIND_RESIDENTS_MEETING) return words.meetings;
      if (kind == v1::INITIATIVE_KIND_ACTION_GROUP) return words.action_groups;
      return words.same_thing;
    default:
      return words.alike;
  }
}

}  // namespace

std::string ClashReasonNl(const PlatformState& state, const ClashState& clash) {
  return ClashReason(state, clash, kDutch);
}

std::string ClashReasonEn(const PlatformState& state, const ClashState& clash) {
  return ClashReason(state, clash, kEnglish);
}

v1::BoardView BuildBoard(const PlatformModel& model) {
  v1::BoardView out;
  out.set_position(model.position());
  std::vector<const InitiativeState*> initiatives;
  for (const auto& [id, i] : model.state().initiatives()) initiatives.push_back(&i);
  std::stable_sort(initiatives.begin(), initiatives.end(), [](const auto* a, const auto* b) {
    if (a->active() != b->active()) return a->active();
    if (a->days.first != b->days.first) return a->days.first < b->days.first;
    return a->id < b->id;
  });
  for (const auto* i : initiatives) *out.add_initiatives() = Summarize(model, *i);
  return out;
}

v1::CalendarView BuildCalendar(const PlatformModel& model, int32_t from_day, int32_t to_day) {
  const PlatformState& state = model.state();
  v1::CalendarView out;
  out.set_position(model.position());
  to_day = std::min(to_day, from_day + 365);
  out.set_from(FormatIsoDate(from_day));
  out.set_to(FormatIsoDate(to_day));
  std::map<std::string, std::vector<std::string>> clashes_by_date;
  for (const auto& [id, clash] : state.clashes()) {
    if (LiveClash(clash)) clashes_by_date[clash.date].push_back(id);
  }
  for (int32_t day = from_day; day <= to_day; ++day) {
    const std::string date = FormatIsoDate(day);
    const auto* ids = state.ActiveOn(day);
    auto clashes = clashes_by_date.find(date);
    if (ids == nullptr && clashes == clashes_by_date.end()) continue;
    auto* d = out.add_days();
    d->set_date(date);
    d->set_iso_week(IsoWeek(day));
    if (ids != nullptr) {
      for (const InitiativeState* initiative : *ids) d->add_initiative_ids(initiative->id);
    }
    if (clashes != clashes_by_date.end()) {
      for (const auto& id : clashes->second) d->add_clash_ids(id);
    }
  }
  for (const auto& [id, i] : state.initiatives()) {
    if (i.active() && i.days.ongoing) out.add_ongoing_initiative_ids(id);
  }
  return out;
}

v1::ClashesView BuildClashes(const PlatformModel& model, std::optional<int32_t> today) {
  const PlatformState& state = model.state();
  v1::ClashesView out;
  out.set_position(model.position());
  // Both sides over before today (an ongoing one never is): the clash cannot happen any more.
  auto past = [&](const ClashState& clash) {
    if (!today) return false;
    for (const std::string& side : {clash.initiative_a, clash.initiative_b}) {
      const InitiativeState* i = state.Initiative(side);
      if (i == nullptr || !i->days.valid || i->days.ongoing || i->days.last >= *today) {
        return false;
      }
    }
    return true;
  };
  std::vector<const ClashState*> open, closed;
  std::set<const ClashState*> gone_by;
  for (const auto& [id, clash] : state.clashes()) {
    const bool live = LiveClash(clash) && !past(clash);
    if (LiveClash(clash) && !live) gone_by.insert(&clash);
    (live ? open : closed).push_back(&clash);
  }
  std::stable_sort(open.begin(), open.end(), [](const auto* a, const auto* b) {
    if (a->rule != b->rule) return a->rule < b->rule;  // rule numbers ascend in weakness
    return a->score > b->score;
  });
  std::stable_sort(closed.begin(), closed.end(),
                   [](const auto* a, const auto* b) { return a->detected_at > b->detected_at; });
  for (const auto* c : open) *out.add_open() = SummarizeClash(state, *c);
  for (const auto* c : closed) {
    v1::ClashSummary& x = *out.add_closed() = SummarizeClash(state, *c);
    if (gone_by.count(c)) x.set_status("past");
  }
  return out;
}

v1::TasksView BuildTasks(const PlatformModel& model, std::optional<int32_t> today) {
  const PlatformState& state = model.state();
  v1::TasksView out;
  out.set_position(model.position());
  std::map<std::string, std::pair<int, int>> load;  // member -> (open, done)
  for (const auto& [id, t] : state.tasks()) {
    auto* x = out.add_tasks();
    x->set_id(t.id);
    x->set_initiative_id(t.initiative_id);
    x->set_title(t.title);
    x->set_description(t.description);
    x->set_due_date(t.due_date);
    x->set_status(t.done ? "done" : t.claimed_by.empty() ? "open" : "claimed");
    x->set_claimed_by(t.claimed_by);
    x->set_done_by(t.done_by);
    if (today && !t.done) {
      const auto due = ParseIsoDate(t.due_date);
      x->set_overdue(due && *due < *today);
    }
    for (const auto& l : t.learners_waiting) x->add_learners_waiting(l);
    for (const auto& [mentor, learner] : t.learning_pairs) {
      auto* p = x->add_learning_pairs();
      p->set_mentor_id(mentor);
      p->set_learner_id(learner);
    }
    if (t.done && !t.done_by.empty()) ++load[t.done_by].second;
    if (!t.done && !t.claimed_by.empty()) ++load[t.claimed_by].first;
  }
  std::vector<v1::VolunteerLoad> loads;
  for (const auto& [member, counts] : load) {
    v1::VolunteerLoad l;
    l.set_member_id(member);
    if (const auto* m = state.Member(member)) l.set_name(m->name);
    l.set_open_tasks(counts.first);
    l.set_done_tasks(counts.second);
    l.set_overloaded(counts.first > kOverloadedTasks);
    loads.push_back(std::move(l));
  }
  std::stable_sort(loads.begin(), loads.end(),
                   [](const auto& a, const auto& b) { return a.open_tasks() > b.open_tasks(); });
  for (auto& l : loads) *out.add_loads() = std::move(l);
  return out;
}

v1::MeetingsView BuildMeetings(const PlatformModel& model) {
  v1::MeetingsView out;
  out.set_position(model.position());
  std::vector<const MeetingState*> meetings;
  for (const auto& [id, m] : model.state().meetings()) meetings.push_back(&m);
  std::stable_sort(meetings.begin(), meetings.end(),
                   [](const auto* a, const auto* b) { return a->date < b->date; });
  for (const auto* m : meetings) {
    auto* x = out.add_meetings();
    x->set_id(m->id);
    x->set_title(m->title);
    x->set_date(m->date);
    x->set_start_time(m->start_time);
    *x->mutable_place() = m->place;
    x->set_hybrid(m->hybrid);
    x->set_held(m->held);
    x->set_attendees(m->attendees);
    for (const auto& [id, title] : m->agenda) {
      auto* item = x->add_agenda();
      item->set_id(id);
      item->set_text(title);
    }
    for (const auto& text : m->minutes) x->add_minutes(text);
    for (const auto& [id, text] : m->decisions) {
      auto* item = x->add_decisions();
      item->set_id(id);
      item->set_text(text);
    }
    for (const auto& a : m->actions) {
      *x->add_actions() = SummarizeAction(a);
      if (a.outcome == v1::ACTION_OUTCOME_DONE) x->set_actions_done(x->actions_done() + 1);
      if (a.outcome == v1::ACTION_OUTCOME_NOT_DONE)
        x->set_actions_not_done(x->actions_not_done() + 1);
      if (a.outcome == v1::ACTION_OUTCOME_OPEN) x->set_actions_open(x->actions_open() + 1);
      if (a.added_during_period)
        x->set_actions_added_during_period(x->actions_added_during_period() + 1);
    }
  }
  return out;
}

v1::SpendingSummary SummarizeSpending(const SpendingState& l) {
  v1::SpendingSummary x;
  x.set_id(l.id);
  x.set_initiative_id(l.initiative_id);
  x.set_amount_cents(l.amount_cents);
  x.set_purpose(l.purpose);
  x.set_overhead(l.overhead);
  x.set_status(SpendingStatusName(l.status));
  x.set_proposed_by(l.proposed_by);
  x.set_decided_by(l.decided_by);
  x.set_votes_for(l.votes_for);
  x.set_votes_against(l.votes_against);
  x.set_votes_abstained(l.votes_abstained);
  x.set_note(l.note);
  x.set_spent_cents(l.spent_cents);
  x.set_approved(l.approved);
  x.set_released_cents(l.released_cents);
  x.set_close_reason(l.close_reason);
  x.set_closed_by_cancellation(l.closed_by_cancellation);
  return x;
}

SpendingStatus SpendingStatusFromName(std::string_view name) {
  if (name == "approved") return SpendingStatus::kApproved;
  if (name == "rejected") return SpendingStatus::kRejected;
  if (name == "closed") return SpendingStatus::kClosed;
  return SpendingStatus::kProposed;
}

v1::ExpenseSummary SummarizeExpense(const ExpenseState& e) {
  v1::ExpenseSummary x;
  x.set_id(e.id);
  x.set_spending_id(e.spending_id);
  x.set_amount_cents(e.amount_cents);
  x.set_receipt_reference(e.receipt_reference);
  x.set_paid_to(e.paid_to);
  x.set_date(e.date);
  return x;
}

v1::AllocationSummary SummarizeAllocation(const BudgetState::Allocation& a) {
  v1::AllocationSummary x;
  x.set_id(a.id);
  x.set_source(a.source);
  x.set_amount_cents(a.amount_cents);
  x.set_period(a.period);
  return x;
}

v1::ActionItemSummary SummarizeAction(const ActionItemState& a) {
  v1::ActionItemSummary y;
  y.set_id(a.id);
  y.set_description(a.description);
  y.set_owner_id(a.owner_id);
  y.set_due_date(a.due_date);
  y.set_added_during_period(a.added_during_period);
  y.set_outcome(a.outcome);
  y.set_not_done_reason(a.reason);
  y.set_explanation(a.explanation);
  return y;
}

namespace {

// Per initiative ("" = overhead): what its lines hold, what they released by closing, and
// what was spent over the expenses `include` accepts.
struct LineSums {
  int64_t committed = 0, released = 0, spent = 0;
};
template <typename Include>
std::map<std::string, LineSums> PerInitiative(const BudgetState& b, Include include) {
  std::map<std::string, LineSums> per;
  for (const auto& [id, l] : b.spending) {
    if (l.committed_cents() > 0) per[l.initiative_id].committed += l.committed_cents();
    if (l.released_cents > 0) per[l.initiative_id].released += l.released_cents;
  }
  for (const auto& e : b.expenses) {
    if (!include(e)) continue;
    auto line = b.spending.find(e.spending_id);
    if (line != b.spending.end()) per[line->second.initiative_id].spent += e.amount_cents;
  }
  return per;
}

}  // namespace

v1::BudgetView BuildBudget(const PlatformModel& model) {
  const BudgetState& b = model.state().budget();
  v1::BudgetView out;
  out.set_position(model.position());
  out.set_allocated_cents(b.allocated_cents);
  out.set_approved_cents(b.approved_cents);
  out.set_spent_cents(b.spent_cents);
  out.set_balance_cents(b.balance_cents());
  out.set_uncommitted_cents(b.uncommitted_cents());
  out.set_overhead_cap_percent(b.overhead_cap_percent);
  out.set_overhead_approved_cents(b.approved_overhead_cents);
  for (const auto& a : b.allocations) *out.add_allocations() = SummarizeAllocation(a);
  for (const auto& [id, line] : b.spending) *out.add_spending() = SummarizeSpending(line);
  for (const auto& e : b.expenses) *out.add_expenses() = SummarizeExpense(e);
  for (const auto& [initiative, sums] :
       PerInitiative(b, [](const ExpenseState&) { return true; })) {
    auto* x = out.add_per_initiative();
    x->set_initiative_id(initiative);
    x->set_approved_cents(sums.committed);
    x->set_spent_cents(sums.spent);
    x->set_released_cents(sums.released);
  }
  return out;
}

v1::AccountabilityReport BuildAccountabilityReport(const PlatformModel& model,
                                                   std::string_view period) {
  const BudgetState& b = model.state().budget();
  v1::AccountabilityReport out;
  out.set_position(model.position());
  out.set_period(std::string(period));
  out.set_overhead_cap_percent(b.overhead_cap_percent);
  auto in_period = [&](const ExpenseState& e) {
    return period.empty() || e.date.rfind(period, 0) == 0;
  };
  for (const auto& a : b.allocations) {
    if (!period.empty() && a.period != period) continue;
    *out.add_allocations() = SummarizeAllocation(a);
    out.set_allocated_cents(out.allocated_cents() + a.amount_cents);
  }
  for (const auto& e : b.expenses) {
    if (!in_period(e)) continue;
    *out.add_expenses() = SummarizeExpense(e);
    out.set_spent_cents(out.spent_cents() + e.amount_cents);
    auto line = b.spending.find(e.spending_id);
    if (line != b.spending.end() && line->second.overhead) {
      out.set_overhead_spent_cents(out.overhead_spent_cents() + e.amount_cents);
    }
  }
  for (const auto& [initiative, sums] : PerInitiative(b, in_period)) {
    auto* x = out.add_per_initiative();
    x->set_initiative_id(initiative);
    x->set_approved_cents(sums.committed);
    x->set_spent_cents(sums.spent);
    x->set_released_cents(sums.released);
    out.set_approved_cents(out.approved_cents() + sums.committed);
    out.set_released_cents(out.released_cents() + sums.released);
  }
  return out;
}

v1::MembersView BuildMembers(const PlatformModel& model) {
  const PlatformState& state = model.state();
  v1::MembersView out;
  out.set_position(model.position());
  for (const auto& [id, m] : state.members()) {
    auto* x = out.add_members();
    x->set_id(m.id);
    x->set_name(m.name);
    x->set_role(m.role);
    x->set_active(m.active);
    x->set_erased(m.erased);
    for (const auto& [iid, i] : state.initiatives())
      x->set_organizing(x->organizing() + (i.active() && i.IsOrganizer(id)));
    for (const auto& [tid, t] : state.tasks())
      x->set_open_tasks(x->open_tasks() + (!t.done && t.claimed_by == id));
  }
  return out;
}

v1::ProposalsView BuildProposals(const PlatformModel& model) {
  const PlatformState& state = model.state();
  v1::ProposalsView out;
  out.set_position(model.position());
  auto waiting = [](const ProposalState& p) {
    return p.status == ProposalStatus::kOpen || p.status == ProposalStatus::kDiscussed;
  };
  std::vector<const ProposalState*> order;
  for (const auto& [id, p] : state.proposals()) order.push_back(&p);
  std::sort(order.begin(), order.end(), [&](const ProposalState* a, const ProposalState* b) {
    if (waiting(*a) != waiting(*b)) return waiting(*a);
    if (a->submitted_at != b->submitted_at) return a->submitted_at > b->submitted_at;
    return a->id < b->id;
  });
  for (const ProposalState* p : order) {
    auto* x = out.add_proposals();
    x->set_id(p->id);
    x->set_title(p->title);
    x->set_description(p->description);
    x->set_submitter_name(p->submitter_name);
    x->set_submitter_contact(p->submitter_contact);
    x->set_submitted_by(p->submitted_by);
    x->set_submitter_id(p->submitter_id);
    x->set_status(ProposalStatusName(p->status));
    for (const auto& n : p->notes) x->add_notes(n);
    x->set_initiative_id(p->initiative_id);
    if (const InitiativeState* i = state.Initiative(p->initiative_id)) {
      x->set_initiative_title(i->title);
    }
    x->set_decline_reason(p->decline_reason);
    if (p->submitted_at != 0) x->mutable_submitted_at()->set_seconds(p->submitted_at);
    out.set_open(out.open() + waiting(*p));
  }
  return out;
}

v1::HistoryView BuildHistory(const PlatformModel& model, std::string_view entity_stream,
                             const std::function<bool(uint64_t, v1::EventRecord*)>& event_at,
                             size_t limit) {
  v1::HistoryView out;
  out.set_position(model.position());
  out.set_entity(std::string(entity_stream));
  const auto& positions = model.History(entity_stream);
  const size_t first = positions.size() > limit ? positions.size() - limit : 0;
  v1::EventRecord record;
  for (size_t i = first; i < positions.size(); ++i) {
    if (!event_at(positions[i], &record)) continue;
    auto* e = out.add_entries();
    e->set_position(record.position());
    *e->mutable_recorded_at() = record.recorded_at();
    e->set_type(record.type());
    e->set_actor(record.actor());
    e->set_stream(record.stream());
  }
  return out;
}

v1::FiguresView BuildFigures(const PlatformModel& model) {
  const PlatformState& state = model.state();
  v1::FiguresView out;
  out.set_position(model.position());
  int members = 0;
  for (const auto& [id, m] : state.members()) members += m.active;
  out.set_members(members);
  int participants = 0;
  for (const auto& [id, i] : state.initiatives()) {
    out.set_initiatives_active(out.initiatives_active() + i.active());
    out.set_initiatives_held(out.initiatives_held() + (i.status == InitiativeStatus::kHeld));
    participants += i.participants;
  }
  out.set_residents_involved(members + participants);
  for (const auto& [id, c] : state.clashes()) {
    out.set_clashes_detected(out.clashes_detected() + 1);
    out.set_joined_forces(out.joined_forces() + (c.status == ClashStatus::kMerged));
  }
  for (const auto& [id, t] : state.tasks()) {
    out.set_tasks_done(out.tasks_done() + t.done);
    out.set_learning_pairs(out.learning_pairs() + static_cast<int32_t>(t.learning_pairs.size()));
  }
  for (const auto& [id, p] : state.proposals()) {
    out.set_proposals_received(out.proposals_received() + 1);
    out.set_proposals_adopted(out.proposals_adopted() + (p.status == ProposalStatus::kAdopted));
  }
  out.set_budget_spent_cents(state.budget().spent_cents);
  return out;
}

}  // namespace rotonde::projections
