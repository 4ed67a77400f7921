// The inbox: what is worth telling a member, one notification per event and member, folded
// from the log like every other read model (PlatformModel keeps each member's inbox; the
// "inbox" view and the mail sender read it).
//
// Who hears of what (never the member who caused the event, never one who has left):
//   clash_detected, clash_reopened      the organizers of both initiatives
//   clash_dismissed, clash_resolved     the organizers of both initiatives (its outcome)
//   merge_proposed, merge_accepted,     the organizers of both initiatives (a yes only when
//   merge_declined, initiatives_merged  it is neither the proposer's own nor the one that
//                                       completes the merge: that one is told as merged)
//   learning_requested                  whoever claimed the task; if nobody has, the
//                                       organizers of its initiative
//   teaching_offered                    the learner of a pair just formed (and the mentor,
//                                       when someone else paired them)
//   spending_decided                    who proposed the spending line
//   action_assigned                     an action item's new owner (assigned, or added
//                                       with an owner)
//   proposal_submitted                  the platform's coordinators and admins
// A member who organizes both sides of a clash hears of it once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "rotonde/projections/platform_model.h"
#include "rotonde/projections/platform_state.h"
#include "rotonde/v1/event.pb.h"
#include "rotonde/v1/events.pb.h"
#include "rotonde/v1/views.pb.h"

namespace rotonde::projections {

// A member's inbox keeps their last this many notifications; older ones fall off.
inline constexpr size_t kMaxInboxItems = 200;

// Hands each member `record` concerns their notification (the stored fields: up to
// due_date and reason). `before` is the platform's state before the event is applied: who
// organized an initiative when its clash was found, who had claimed a task. Pure.
using NotificationSink = std::function<void(const std::string& member_id, v1::Notification&&)>;
void Notify(const PlatformState& before, const v1::EventRecord& record,
            const v1::DomainEvent& event, const NotificationSink& deliver);

// What a member has read of their inbox: everything up to `through`, and `positions` after
// it. Kept apart from the log (reading is no neighbourhood's history).
struct InboxReadMarks {
  uint64_t through = 0;
  std::set<uint64_t> positions;
  bool IsRead(uint64_t position) const {
    return position <= through || positions.count(position) > 0;
  }
};

// Fills in the names and titles of a stored notification as they are in `state` now.
void FillNotification(const PlatformState& state, v1::Notification* n);

// `member_id`'s inbox, newest first, each notification with the names and titles as they are
// now (an initiative renamed since is shown by its new title) and whether it is read.
v1::InboxView BuildInbox(const PlatformModel& model, std::string_view member_id,
                         const InboxReadMarks& read);

}  // namespace rotonde::projections
