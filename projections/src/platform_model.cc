#include "rotonde/projections/platform_model.h"

#include <array>
#include <span>

#include "platform_tables.h"
#include "rotonde/projections/inbox.h"

namespace rotonde::projections {
namespace {

using v1::DomainEvent;

const std::vector<uint64_t>& NoHistory() {
  static const std::vector<uint64_t> none;
  return none;
}

}  // namespace

const PlatformModel::Inbox& PlatformModel::InboxOf(std::string_view member_id) const {
  static const Inbox empty;
  auto it = inboxes_.find(member_id);
  return it == inboxes_.end() ? empty : it->second;
}

const std::vector<uint64_t>& PlatformModel::History(std::string_view entity_stream) const {
  const auto& streams = state_.tables_->streams;
  auto it = streams.find(entity_stream);
  return it == streams.end() ? NoHistory() : it->second.history;
}

void PlatformModel::Remember(std::vector<uint64_t>& history, uint64_t position) {
  // An event may touch an entity twice (a task moved within one initiative); list it once.
  if (history.empty() || history.back() != position) history.push_back(position);
}

void PlatformModel::Remember(std::string_view entity_stream, uint64_t position) {
  auto& streams = state_.tables_->streams;
  auto it = streams.find(entity_stream);
  if (it == streams.end()) it = streams.emplace(std::string(entity_stream), StreamEntry()).first;
  Remember(it->second.history, position);
}

void PlatformModel::Apply(const v1::EventRecord& record) {
  // The event is parsed on this thread's arena, emptied again on return: the fold copies
  // what it keeps, and a dozen small allocations and frees per event cost a rebuild more
  // than the parse itself.
  struct ParseArena {
    // The arena keeps its first block (this one) across resets; larger events spill over.
    ParseArena() : arena(Options(first_block)) {}
    static google::protobuf::ArenaOptions Options(char (&block)[16384]) {
      google::protobuf::ArenaOptions options;
      options.initial_block = block;
      options.initial_block_size = sizeof block;
      return options;
    }
    alignas(16) char first_block[16384];
    google::protobuf::Arena arena;
  };
  struct ResetOnReturn {
    google::protobuf::Arena& arena;
    ~ResetOnReturn() { arena.Reset(); }
  };
  thread_local ParseArena parse_arena;
  ResetOnReturn reset{parse_arena.arena};
  DomainEvent& event = *google::protobuf::Arena::CreateMessage<DomainEvent>(&parse_arena.arena);
  if (!opener_->Open(record, &event)) return;
  // Which initiatives this event concerns besides its own stream, read before the state
  // changes (a clash's sides, a task's initiative).
  // At most two; views into the event or into clashes, which this event does not change.
  std::array<std::string_view, 2> initiatives;
  size_t concerned = 0;
  auto concerns = [&](std::string_view initiative_id) { initiatives[concerned++] = initiative_id; };
  auto clash_sides = [&](const std::string& clash_id) {
    if (const auto* clash = state_.Clash(clash_id)) {
      concerns(clash->initiative_a);
      concerns(clash->initiative_b);
    }
  };
  auto line_initiative = [&](const std::string& spending_id) {
    auto it = state_.budget().spending.find(spending_id);
    if (it != state_.budget().spending.end() && !it->second.initiative_id.empty()) {
      concerns(it->second.initiative_id);
    }
  };
  switch (event.event_case()) {
    case DomainEvent::kTaskCreated:
      concerns(event.task_created().initiative_id());
      break;
    case DomainEvent::kTaskMoved:
      concerns(event.task_moved().from_initiative_id());
      concerns(event.task_moved().to_initiative_id());
      break;
    case DomainEvent::kProposalAdopted:
      concerns(event.proposal_adopted().initiative_id());
      break;
    case DomainEvent::kSpendingProposed:
      if (!event.spending_proposed().initiative_id().empty()) {
        concerns(event.spending_proposed().initiative_id());
      }
      break;
    case DomainEvent::kSpendingDecided:
      line_initiative(event.spending_decided().spending_id());
      break;
    case DomainEvent::kExpenseRecorded:
      line_initiative(event.expense_recorded().spending_id());
      break;
    case DomainEvent::kSpendingClosed:
      line_initiative(event.spending_closed().spending_id());
      break;
    case DomainEvent::kSpendingMoved:
      concerns(event.spending_moved().from_initiative_id());
      concerns(event.spending_moved().to_initiative_id());
      break;
    case DomainEvent::kClashDetected:
      concerns(event.clash_detected().initiative_a());
      concerns(event.clash_detected().initiative_b());
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
  // Who hears of it is read before the state changes, like the initiatives above.
  Notify(state_, record, event, [&](const std::string& member, v1::Notification&& n) {
    Inbox& inbox = inboxes_[member];
    inbox.push_back(std::move(n));
    if (inbox.size() > kMaxInboxItems) inbox.pop_front();
  });
  state_.Apply(record, event);

  Remember(state_.tables_->applied_stream->second.history, record.position());
  if (concerned == 0) return;
  // "<platform>/initiative/<id>", built in one reused buffer.
  const std::string_view platform =
      std::string_view(record.stream()).substr(0, record.stream().find('/'));
  for (const std::string_view id : std::span(initiatives).first(concerned)) {
    initiative_stream_.assign(platform).append("/initiative/").append(id);
    Remember(initiative_stream_, record.position());
  }
}

}  // namespace rotonde::projections
