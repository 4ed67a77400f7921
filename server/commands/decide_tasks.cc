// Tasks under an initiative: create, claim, release, complete; and learning pairs, where
// someone who asked to be shown how is paired with someone who offers to show them. The
// platform grows capability, not only output, so asking and teaching are first-class facts.
#include <algorithm>

#include "decide_support.h"
#include "deciders.h"

namespace rotonde::commands::tasks {

using projections::InitiativeState;
using projections::PlatformState;
using projections::TaskState;

bool IsCoordinator(const PlatformState& state, const CommandContext& context) {
  const v1::Role role = state.RoleOf(context.actor_id);
  return role == v1::ROLE_COORDINATOR || role == v1::ROLE_ADMIN;
}

std::string TaskStream(const CommandContext& context, const std::string& task_id) {
  return projections::EntityStream(context.platform, "task", task_id);
}

// Why an initiative takes no more work, or nullopt when it is active.
Check RequireActive(const InitiativeState& initiative) {
  if (initiative.status == projections::InitiativeStatus::kMerged) {
    return Refuse("initiative_not_active",
                  "initiative " + initiative.id + " was merged into " + initiative.merged_into);
  }
  if (!initiative.active()) {
    return Refuse("initiative_not_active",
                  "initiative " + initiative.id + " was cancelled or has been held");
  }
  return std::nullopt;
}

// What every command on an existing task starts with: a writer, the task, and the version
// the client saw of it.
Check FindTask(const v1::Command& command, const CommandContext& context,
               const PlatformState& state, const std::string& task_id, const TaskState** out) {
  if (auto r = RequireWriter(state, context)) return r;
  if (auto r = CheckId("task_id", task_id)) return r;
  *out = state.Task(task_id);
  if (*out == nullptr) return Refuse("not_found", "no task " + task_id);
  return CheckExpectedVersion(command, state, TaskStream(context, task_id));
}

Check RequireNotDone(const TaskState& task) {
  if (task.done) return Refuse("task_done", "task \"" + task.title + "\" is done already");
  return std::nullopt;
}

Decision Create(const v1::Command& command, const CommandContext& context,
                const PlatformState& state) {
  const auto& c = command.create_task();
  if (auto r = RequireWriter(state, context)) return *r;
  if (auto r = CheckId("initiative_id", c.initiative_id())) return *r;
  const InitiativeState* initiative = state.Initiative(c.initiative_id());
  if (initiative == nullptr) return Refuse("not_found", "no initiative " + c.initiative_id());
  if (!initiative->IsOrganizer(context.actor_id) && !IsCoordinator(state, context)) {
    return Refuse("forbidden",
                  "only its organizers (or a coordinator) can add tasks to this initiative");
  }
  if (auto r = RequireActive(*initiative)) return *r;
  if (auto r = CheckText("title", c.title(), kMaxTitleBytes, true)) return *r;
  if (auto r = CheckText("description", c.description(), kMaxTextBytes, false, true)) return *r;
  if (auto r = CheckDate("due_date", c.due_date(), false)) return *r;
  if (auto r = CheckOptionalId("task_id", c.task_id())) return *r;
  const std::string id = NewId(command, c.task_id(), "t");
  if (state.Task(id)) return Refuse("already_exists", "task " + id + " exists already");
  if (auto r = CheckExpectedVersion(command, state, TaskStream(context, id))) return *r;

  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_task_created();
  e.set_task_id(id);
  e.set_initiative_id(initiative->id);
  e.set_title(c.title());
  e.set_description(c.description());
  e.set_due_date(c.due_date());
  return std::move(out).Done();
}

Decision Claim(const v1::Command& command, const CommandContext& context,
               const PlatformState& state) {
  const TaskState* task = nullptr;
  if (auto r = FindTask(command, context, state, command.claim_task().task_id(), &task)) {
    return *r;
  }
  if (auto r = RequireNotDone(*task)) return *r;
  // A task of a cancelled or held initiative is no longer work anybody should take on.
  const InitiativeState* initiative = state.Initiative(task->initiative_id);
  if (initiative == nullptr) return Refuse("not_found", "no initiative " + task->initiative_id);
  if (auto r = RequireActive(*initiative)) return *r;
  if (task->claimed_by == context.actor_id) {
    return Refuse("task_already_claimed", "you have claimed this task already");
  }
  if (!task->claimed_by.empty()) {
    return Refuse("task_already_claimed",
                  "this task is claimed by someone else; ask them, or a "
                  "coordinator, to release it first");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_task_claimed();
  e.set_task_id(task->id);
  e.set_member_id(context.actor_id);
  return std::move(out).Done();
}

Decision Release(const v1::Command& command, const CommandContext& context,
                 const PlatformState& state) {
  const auto& c = command.release_task();
  const TaskState* task = nullptr;
  if (auto r = FindTask(command, context, state, c.task_id(), &task)) return *r;
  if (auto r = RequireNotDone(*task)) return *r;
  if (task->claimed_by.empty()) return Refuse("task_not_claimed", "nobody has claimed this task");
  // A coordinator may free a task whose holder went quiet or left the platform.
  if (task->claimed_by != context.actor_id && !IsCoordinator(state, context)) {
    return Refuse("forbidden",
                  "only the member holding this task (or a coordinator) can release it");
  }
  if (auto r = CheckText("reason", c.reason(), kMaxTextBytes, false, true)) return *r;
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_task_released();
  e.set_task_id(task->id);
  e.set_member_id(task->claimed_by);
  e.set_reason(c.reason());
  return std::move(out).Done();
}

Decision Complete(const v1::Command& command, const CommandContext& context,
                  const PlatformState& state) {
  const TaskState* task = nullptr;
  if (auto r = FindTask(command, context, state, command.complete_task().task_id(), &task)) {
    return *r;
  }
  if (auto r = RequireNotDone(*task)) return *r;
  const InitiativeState* initiative = state.Initiative(task->initiative_id);
  const bool organizer = initiative != nullptr && initiative->IsOrganizer(context.actor_id);
  if (task->claimed_by != context.actor_id && !organizer && !IsCoordinator(state, context)) {
    return Refuse("forbidden", task->claimed_by.empty()
                                   ? "claim this task first, or ask an organizer to mark it done"
                                   : "only the member holding this task, an organizer or a "
                                     "coordinator can mark it done");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_task_done();
  e.set_task_id(task->id);
  // The credit goes to whoever did the work: the holder, or the organizer who did it
  // without claiming it first.
  e.set_member_id(task->claimed_by.empty() ? context.actor_id : task->claimed_by);
  return std::move(out).Done();
}

Decision RequestLearning(const v1::Command& command, const CommandContext& context,
                         const PlatformState& state) {
  const TaskState* task = nullptr;
  if (auto r = FindTask(command, context, state, command.request_learning().task_id(), &task)) {
    return *r;
  }
  if (auto r = RequireNotDone(*task)) return *r;
  const auto& waiting = task->learners_waiting;
  if (std::find(waiting.begin(), waiting.end(), context.actor_id) != waiting.end()) {
    return Refuse("already_requested",
                  "you have asked to be shown how already; wait for someone to offer");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_learning_requested();
  e.set_task_id(task->id);
  e.set_learner_id(context.actor_id);
  return std::move(out).Done();
}

Decision OfferToTeach(const v1::Command& command, const CommandContext& context,
                      const PlatformState& state) {
  const auto& c = command.offer_to_teach();
  const TaskState* task = nullptr;
  if (auto r = FindTask(command, context, state, c.task_id(), &task)) return *r;
  if (auto r = CheckId("learner_id", c.learner_id())) return *r;
  if (c.learner_id() == context.actor_id) {
    return Refuse("invalid_argument", "you cannot teach yourself; wait for someone to offer");
  }
  // A request made before the task was done can still be honoured: showing how it was done
  // is the point, so a done task does not stop a pair from forming.
  const auto& waiting = task->learners_waiting;
  if (std::find(waiting.begin(), waiting.end(), c.learner_id()) == waiting.end()) {
    return Refuse("not_found", c.learner_id() + " is not waiting to be shown how on this task");
  }
  if (state.RoleOf(c.learner_id()) == v1::ROLE_UNSPECIFIED) {
    return Refuse("not_a_member", c.learner_id() + " is no longer a member of this platform");
  }
  DecisionBuilder out(context);
  auto& e = *out.Add().mutable_learning_pair_formed();
  e.set_task_id(task->id);
  e.set_mentor_id(context.actor_id);
  e.set_learner_id(c.learner_id());
  return std::move(out).Done();
}

}  // namespace rotonde::commands::tasks
