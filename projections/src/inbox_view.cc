#include "rotonde/projections/inbox.h"

namespace rotonde::projections {
namespace {

// What a notification is about, by name: the thing's title as it is now. Empty when the
// thing is unknown (it never is for a notification the fold made).
std::string TitleOf(const PlatformState& state, const v1::Notification& n) {
  if (!n.action_id().empty()) {
    const MeetingState* meeting = state.Meeting(n.meeting_id());
    const ActionItemState* action = meeting ? meeting->Action(n.action_id()) : nullptr;
    return action ? action->description : std::string();
  }
  if (!n.task_id().empty()) {
    const TaskState* task = state.Task(n.task_id());
    return task ? task->title : std::string();
  }
  if (!n.spending_id().empty()) {
    auto it = state.budget().spending.find(n.spending_id());
    return it != state.budget().spending.end() ? it->second.purpose : std::string();
  }
  if (!n.proposal_id().empty()) {
    const ProposalState* proposal = state.Proposal(n.proposal_id());
    return proposal ? proposal->title : std::string();
  }
  const InitiativeState* initiative = state.Initiative(n.initiative_id());
  return initiative ? initiative->title : std::string();
}

std::string NameOf(const PlatformState& state, const std::string& member_id) {
  const MemberState* member = state.Member(member_id);
  return member ? member->name : std::string();
}

}  // namespace

void FillNotification(const PlatformState& state, v1::Notification* n) {
  n->set_title(TitleOf(state, *n));
  if (!n->other_initiative_id().empty()) {
    const InitiativeState* other = state.Initiative(n->other_initiative_id());
    if (other != nullptr) n->set_other_title(other->title);
  }
  n->set_actor_name(NameOf(state, n->actor_id()));
  if (!n->member_id().empty()) n->set_member_name(NameOf(state, n->member_id()));
}

v1::InboxView BuildInbox(const PlatformModel& model, std::string_view member_id,
                         const InboxReadMarks& read) {
  const PlatformState& state = model.state();
  v1::InboxView view;
  view.set_position(model.position());
  const PlatformModel::Inbox& inbox = model.InboxOf(member_id);
  int32_t unread = 0;
  for (auto it = inbox.rbegin(); it != inbox.rend(); ++it) {
    v1::Notification& n = *view.add_items();
    n = *it;
    FillNotification(state, &n);
    n.set_read(read.IsRead(n.position()));
    if (!n.read()) ++unread;
  }
  view.set_unread(unread);
  return view;
}

}  // namespace rotonde::projections
