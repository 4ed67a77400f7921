#include "rotonde/projections/platform_model.h"

namespace rotonde::projections {
namespace {

using v1::DomainEvent;

const std::vector<uint64_t>& NoHistory() {
  static const std::vector<uint64_t> none;
  return none;
}

}  // namespace

const std::vector<uint64_t>& PlatformModel::History(std::string_view entity_stream) const {
  auto it = history_.find(entity_stream);
  return it == history_.end() ? NoHistory() : it->second;
}

void PlatformModel::Remember(std::string_view entity_stream, uint64_t position) {
  auto it = history_.find(entity_stream);
  if (it == history_.end()) {
    it = history_.emplace(std::string(entity_stream), std::vector<uint64_t>()).first;
  }
  // An event may touch an entity twice (a task moved within one initiative); list it once.
  if (it->second.empty() || it->second.back() != position) it->second.push_back(position);
}

void PlatformModel::Apply(const v1::EventRecord& record) {
  DomainEvent event;
  if (!event.ParseFromString(record.payload())) return;
  // Which initiatives this event concerns besides its own stream, read before the state
  // changes (a clash's sides, a task's initiative).
  std::vector<std::string> initiatives;
  auto clash_sides = [&](const std::string& clash_id) {
    if (const auto* clash = state_.Clash(clash_id)) {
      initiatives.push_back(clash->initiative_a);
      initiatives.push_back(clash->initiative_b);
    }
  };
  auto line_initiative = [&](const std::string& spending_id) {
    auto it = state_.budget().spending.find(spending_id);
    if (it != state_.budget().spending.end() && !it->second.initiative_id.empty()) {
      initiatives.push_back(it->second.initiative_id);
    }
  };
  switch (event.event_case()) {
    case DomainEvent::kTaskCreated:
      initiatives.push_back(event.task_created().initiative_id());
      break;
    case DomainEvent::kTaskMoved:
      initiatives.push_back(event.task_moved().from_initiative_id());
      initiatives.push_back(event.task_moved().to_initiative_id());
      break;
    case DomainEvent::kProposalAdopted:
      initiatives.push_back(event.proposal_adopted().initiative_id());
      break;
    case DomainEvent::kSpendingProposed:
      if (!event.spending_proposed().initiative_id().empty()) {
        initiatives.push_back(event.spending_proposed().initiative_id());
      }
      break;
    case DomainEvent::kSpendingDecided:
      line_initiative(event.spending_decided().spending_id());
      break;
    case DomainEvent::kExpenseRecorded:
      line_initiative(event.expense_recorded().spending_id());
      break;
    case DomainEvent::kSpendingMoved:
      initiatives.push_back(event.spending_moved().from_initiative_id());
      initiatives.push_back(event.spending_moved().to_initiative_id());
      break;
    case DomainEvent::kClashDetected:
      initiatives.push_back(event.clash_detected().initiative_a());
      initiatives.push_back(event.clash_detected().initiative_b());
      break;
    case DomainEvent::kClashResolved:
      clash_sides(event.clash_resolved().clash_id());
      break;
    case DomainEvent::kClashDismissed:
      clash_sides(event.clash_dismissed().clash_id());
      break;
    case DomainEvent::kClashReopened:
      clash_sides(event.clash_reopened().clash_id());
      break;
    case DomainEvent::kMergeProposed:
      clash_sides(event.merge_proposed().clash_id());
      break;
    case DomainEvent::kMergeAccepted:
      clash_sides(event.merge_accepted().clash_id());
      break;
    case DomainEvent::kMergeDeclined:
      clash_sides(event.merge_declined().clash_id());
      break;
    case DomainEvent::kInitiativesMerged:
      clash_sides(event.initiatives_merged().clash_id());
      break;
    default:
      break;
  }
  state_.Apply(record, event);

  Remember(record.stream(), record.position());
  if (initiatives.empty()) return;
  // "<platform>/initiative/<id>", built in one reused buffer.
  const std::string_view platform =
      std::string_view(record.stream()).substr(0, record.stream().find('/'));
  for (const auto& id : initiatives) {
    initiative_stream_.assign(platform).append("/initiative/").append(id);
    Remember(initiative_stream_, record.position());
  }
}

}  // namespace rotonde::projections
