#include "rotonde/projections/snapshot.h"

#include "platform_tables.h"
#include "rotonde/projections/views.h"

#include <algorithm>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace rotonde::projections {
namespace {

template <typename Repeated>
std::vector<std::string> Strings(const Repeated& repeated) {
  return {repeated.begin(), repeated.end()};
}

template <typename Pairs>
void PutPairs(const std::vector<std::pair<std::string, std::string>>& pairs, Pairs* out) {
  for (const auto& [first, second] : pairs) {
    auto* p = out->Add();
    p->set_first(first);
    p->set_second(second);
  }
}

template <typename Pairs>
std::vector<std::pair<std::string, std::string>> GetPairs(const Pairs& pairs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : pairs) out.emplace_back(p.first(), p.second());
  return out;
}

// A hashed map's entries in key order, by address: a snapshot is taken under the platform's
// lock, so it copies nothing it does not have to.
template <typename Map>
std::vector<const typename Map::value_type*> Sorted(const Map& map) {
  std::vector<const typename Map::value_type*> sorted;
  sorted.reserve(map.size());
  for (const auto& entry : map) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  return sorted;
}

}  // namespace

v1::PlatformSnapshot ModelSnapshots::Take(const PlatformModel& model) {
  v1::PlatformSnapshot out;
  Fill(model, out);
  return out;
}

void ModelSnapshots::Fill(const PlatformModel& model, v1::PlatformSnapshot& out) {
  const PlatformTables& s = *model.state_.tables_;
  out.set_format(kSnapshotFormat);
  out.set_position(s.position);
  out.set_platform_id(s.platform_id);
  out.set_name(s.name);
  out.set_neighbourhood(s.neighbourhood);
  for (const auto& [id, m] : s.members.map()) {
    auto* x = out.add_members();
    x->set_id(m.id);
    x->set_name(m.name);
    x->set_role(m.role);
    x->set_active(m.active);
    x->set_erased(m.erased);
  }
  for (const auto& [id, i] : s.invites.map()) {
    auto* x = out.add_invites();
    x->set_id(i.id);
    x->set_role(i.role);
    x->set_invited_by(i.invited_by);
    x->set_used(i.used);
  }
  for (const auto& [id, i] : s.initiatives.map()) {
    auto* x = out.add_initiatives();
    x->set_id(i.id);
    x->set_kind(i.kind);
    x->set_title(i.title);
    x->set_description(i.description);
    *x->mutable_when() = i.when;
    *x->mutable_place() = i.place;
    for (const auto& o : i.organizers) x->add_organizers(o);
    x->set_status(static_cast<int32_t>(i.status));
    x->set_merged_into(i.merged_into);
    for (const auto& a : i.absorbed) x->add_absorbed(a);
    x->set_proposal_id(i.proposal_id);
    x->set_participants(i.participants);
    x->set_proposed_at(i.proposed_at);
  }
  for (const auto& [id, p] : s.proposals.map()) {
    auto* x = out.add_proposals();
    x->set_id(p.id);
    x->set_title(p.title);
    x->set_description(p.description);
    x->set_submitter_name(p.submitter_name);
    x->set_submitter_contact(p.submitter_contact);
    x->set_submitted_by(p.submitted_by);
    x->set_submitter_id(p.submitter_id);
    x->set_submitter_erased(p.submitter_erased);
    x->set_status(static_cast<int32_t>(p.status));
    for (const auto& n : p.notes) x->add_notes(n);
    x->set_initiative_id(p.initiative_id);
    x->set_decline_reason(p.decline_reason);
    x->set_submitted_at(p.submitted_at);
  }
  for (const auto& [id, t] : s.tasks.map()) {
    auto* x = out.add_tasks();
    x->set_id(t.id);
    x->set_initiative_id(t.initiative_id);
    x->set_title(t.title);
    x->set_description(t.description);
    x->set_due_date(t.due_date);
    x->set_claimed_by(t.claimed_by);
    x->set_done(t.done);
    x->set_done_by(t.done_by);
    for (const auto& l : t.learners_waiting) x->add_learners_waiting(l);
    PutPairs(t.learning_pairs, x->mutable_learning_pairs());
  }
  for (const auto& [id, m] : s.meetings.map()) {
    auto* x = out.add_meetings();
    x->set_id(m.id);
    x->set_title(m.title);
    x->set_date(m.date);
    x->set_start_time(m.start_time);
    *x->mutable_place() = m.place;
    x->set_hybrid(m.hybrid);
    PutPairs(m.agenda, x->mutable_agenda());
    for (const auto& text : m.minutes) x->add_minutes(text);
    PutPairs(m.decisions, x->mutable_decisions());
    for (const auto& a : m.actions) *x->add_actions() = SummarizeAction(a);
    x->set_held(m.held);
    x->set_attendees(m.attendees);
  }
  const BudgetState& b = s.budget;
  auto* budget = out.mutable_budget();
  for (const auto& a : b.allocations) *budget->add_allocations() = SummarizeAllocation(a);
  budget->set_allocated_cents(b.allocated_cents);
  budget->set_approved_cents(b.approved_cents);
  budget->set_approved_overhead_cents(b.approved_overhead_cents);
  budget->set_spent_cents(b.spent_cents);
  budget->set_overhead_cap_percent(b.overhead_cap_percent);
  for (const auto& [id, line] : b.spending) *budget->add_spending() = SummarizeSpending(line);
  for (const auto& e : b.expenses) *budget->add_expenses() = SummarizeExpense(e);
  for (const bool same : {true, false}) {
    for (const auto& [first, second] : same ? s.learned.same : s.learned.different) {
      auto* x = out.add_learned_pairs();
      x->set_first(first);
      x->set_second(second);
      x->set_same(same);
    }
  }
  // A hash map: sorted, so that equal states give equal bytes.
  std::vector<std::pair<uint64_t, uint32_t>> counts(s.term_initiatives.begin(),
                                                    s.term_initiatives.end());
  std::sort(counts.begin(), counts.end());
  for (const auto& [term, initiatives] : counts) {
    auto* x = out.add_term_counts();
    x->set_term(term);
    x->set_initiatives(initiatives);
  }
  out.set_counted_initiatives(s.counted_initiatives);
  for (const auto& [id, c] : s.clashes.map()) {
    auto* x = out.add_clashes();
    x->set_id(c.id);
    x->set_initiative_a(c.initiative_a);
    x->set_initiative_b(c.initiative_b);
    x->set_rule(c.rule);
    x->set_score(c.score);
    x->set_date(c.date);
    for (const auto& t : c.shared_terms) x->add_shared_terms(t);
    x->set_status(static_cast<int32_t>(c.status));
    x->set_dismiss_reason(c.dismiss_reason);
    x->set_resolve_reason(c.resolve_reason);
    x->set_surviving(c.surviving);
    x->set_proposed_by(c.proposed_by);
    for (const auto& side : c.accepted_sides) x->add_accepted_sides(side);
    x->set_decline_reason(c.decline_reason);
    x->set_detected_at(c.detected_at);
  }
  // The hashed maps in key order, so that equal models give equal bytes.
  const auto streams = Sorted(s.streams);
  for (const auto* entry : streams) {
    if (!entry->second.has_events) continue;
    auto* x = out.add_stream_versions();
    x->set_stream(entry->first);
    x->set_version(entry->second.version);
  }
  for (const auto* entry : Sorted(s.commands)) {
    auto* x = out.add_commands();
    x->set_command_id(entry->first);
    x->set_first_position(entry->second.first_position);
    x->set_last_position(entry->second.last_position);
  }
  for (const auto* entry : streams) {
    const auto& positions = entry->second.history;
    if (positions.empty()) continue;
    auto* x = out.add_histories();
    x->set_entity(entry->first);
    x->mutable_positions()->Add(positions.begin(), positions.end());
  }
  for (const auto& [member, inbox] : model.inboxes_) {
    auto* x = out.add_inboxes();
    x->set_member_id(member);
    for (const v1::Notification& n : inbox) *x->add_items() = n;
  }
}

std::optional<PlatformModel> ModelSnapshots::Restore(const v1::PlatformSnapshot& in) {
  if (in.format() != kSnapshotFormat) return std::nullopt;
  PlatformModel model;
  PlatformTables& s = *model.state_.tables_;
  s.position = in.position();
  s.platform_id = in.platform_id();
  s.name = in.name();
  s.neighbourhood = in.neighbourhood();
  for (const auto& x : in.members())
    s.members[x.id()] = MemberState{x.id(), x.name(), x.role(), x.active(), x.erased()};
  for (const auto& x : in.invites()) {
    s.invites[x.id()] = InviteState{x.id(), x.role(), x.invited_by(), x.used()};
  }
  for (const auto& x : in.initiatives()) {
    InitiativeState i;
    i.id = x.id();
    i.kind = x.kind();
    i.title = x.title();
    i.description = x.description();
    i.when = x.when();
    i.place = x.place();
    i.days = DaysOf(x.when());
    i.organizers = Strings(x.organizers());
    i.status = static_cast<InitiativeStatus>(x.status());
    i.merged_into = x.merged_into();
    i.absorbed = Strings(x.absorbed());
    i.proposal_id = x.proposal_id();
    i.participants = x.participants();
    i.proposed_at = x.proposed_at();
    auto& stored = s.initiatives[i.id];
    stored = std::move(i);
    s.IndexInitiative(stored);
  }
  for (const auto& x : in.proposals()) {
    ProposalState p;
    p.id = x.id();
    p.title = x.title();
    p.description = x.description();
    p.submitter_name = x.submitter_name();
    p.submitter_contact = x.submitter_contact();
    p.submitted_by = x.submitted_by();
    p.submitter_id = x.submitter_id();
    p.submitter_erased = x.submitter_erased();
    p.status = static_cast<ProposalStatus>(x.status());
    p.notes = Strings(x.notes());
    p.initiative_id = x.initiative_id();
    p.decline_reason = x.decline_reason();
    p.submitted_at = x.submitted_at();
    s.proposals[p.id] = std::move(p);
  }
  for (const auto& x : in.tasks()) {
    TaskState t;
    t.id = x.id();
    t.initiative_id = x.initiative_id();
    t.title = x.title();
    t.description = x.description();
    t.due_date = x.due_date();
    t.claimed_by = x.claimed_by();
    t.done = x.done();
    t.done_by = x.done_by();
    t.learners_waiting = Strings(x.learners_waiting());
    t.learning_pairs = GetPairs(x.learning_pairs());
    s.tasks[t.id] = std::move(t);
  }
  for (const auto& x : in.meetings()) {
    MeetingState m;
    m.id = x.id();
    m.title = x.title();
    m.date = x.date();
    m.start_time = x.start_time();
    m.place = x.place();
    m.hybrid = x.hybrid();
    m.agenda = GetPairs(x.agenda());
    m.minutes = Strings(x.minutes());
    m.decisions = GetPairs(x.decisions());
    for (const auto& y : x.actions()) {
      ActionItemState a;
      a.id = y.id();
      a.description = y.description();
      a.owner_id = y.owner_id();
      a.due_date = y.due_date();
      a.added_during_period = y.added_during_period();
      a.outcome = y.outcome();
      a.reason = y.not_done_reason();
      a.explanation = y.explanation();
      m.actions.push_back(std::move(a));
    }
    m.held = x.held();
    m.attendees = x.attendees();
    s.meetings[m.id] = std::move(m);
  }
  const auto& b = in.budget();
  for (const auto& x : b.allocations()) {
    s.budget.allocations.push_back({x.id(), x.source(), x.amount_cents(), x.period()});
  }
  s.budget.allocated_cents = b.allocated_cents();
  s.budget.approved_cents = b.approved_cents();
  s.budget.approved_overhead_cents = b.approved_overhead_cents();
  s.budget.spent_cents = b.spent_cents();
  s.budget.overhead_cap_percent = b.overhead_cap_percent();
  for (const auto& x : b.spending()) {
    SpendingState l;
    l.id = x.id();
    l.initiative_id = x.initiative_id();
    l.amount_cents = x.amount_cents();
    l.purpose = x.purpose();
    l.overhead = x.overhead();
    l.status = SpendingStatusFromName(x.status());
    l.proposed_by = x.proposed_by();
    l.decided_by = x.decided_by();
    l.votes_for = x.votes_for();
    l.votes_against = x.votes_against();
    l.votes_abstained = x.votes_abstained();
    l.note = x.note();
    l.spent_cents = x.spent_cents();
    l.approved = x.approved() || l.status == SpendingStatus::kApproved;
    l.released_cents = x.released_cents();
    l.close_reason = x.close_reason();
    l.closed_by_cancellation = x.closed_by_cancellation();
    s.budget.spending[l.id] = std::move(l);
  }
  for (const auto& x : b.expenses()) {
    s.budget.expenses.push_back(
        {x.id(), x.spending_id(), x.amount_cents(), x.receipt_reference(), x.paid_to(), x.date()});
  }
  for (const auto& x : in.learned_pairs()) {
    s.learned.Add(x.first(), x.second(), x.same());
  }
  for (const auto& x : in.term_counts()) s.term_initiatives.emplace(x.term(), x.initiatives());
  s.counted_initiatives = in.counted_initiatives();
  for (const auto& x : in.clashes()) {
    ClashState c;
    c.id = x.id();
    c.initiative_a = x.initiative_a();
    c.initiative_b = x.initiative_b();
    c.rule = x.rule();
    c.score = x.score();
    c.date = x.date();
    c.shared_terms = Strings(x.shared_terms());
    c.status = static_cast<ClashStatus>(x.status());
    c.dismiss_reason = x.dismiss_reason();
    c.resolve_reason = x.resolve_reason();
    c.surviving = x.surviving();
    c.proposed_by = x.proposed_by();
    c.accepted_sides = {x.accepted_sides().begin(), x.accepted_sides().end()};
    c.decline_reason = x.decline_reason();
    c.detected_at = x.detected_at();
    s.clash_by_pair[PairKey(c.initiative_a, c.initiative_b)] = c.id;
    s.clashes[c.id] = std::move(c);
  }
  for (const auto& x : in.stream_versions()) {
    StreamEntry& entry = s.streams[x.stream()];
    entry.version = x.version();
    entry.has_events = true;
  }
  for (const auto& x : in.commands()) {
    s.commands[x.command_id()] = CommandOutcome{x.first_position(), x.last_position()};
  }
  for (const auto& x : in.histories()) {
    s.streams[x.entity()].history.assign(x.positions().begin(), x.positions().end());
  }
  for (const auto& x : in.inboxes()) {
    model.inboxes_[x.member_id()].assign(x.items().begin(), x.items().end());
  }
  return model;
}

std::string ModelSnapshots::Bytes(const PlatformModel& model) { return Serialize(Take(model)); }

std::string ModelSnapshots::Serialize(const v1::PlatformSnapshot& snapshot) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  snapshot.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace rotonde::projections
