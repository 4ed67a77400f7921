// Tasks under an initiative: created, claimed, released, done, moved (by a merge); and
// learning pairs: someone asks to be shown how, someone offers to show them.
#include <algorithm>

#include "evolvers.h"

namespace rotonde::projections::tasks {

void Created(PlatformTables& t, const v1::TaskCreated& e) {
  TaskState task;
  task.id = e.task_id();
  task.initiative_id = e.initiative_id();
  task.title = e.title();
  task.description = e.description();
  task.due_date = e.due_date();
  t.tasks[task.id] = std::move(task);
}

void Claimed(PlatformTables& t, const v1::TaskClaimed& e) {
  if (TaskState* task = t.tasks.Find(e.task_id())) task->claimed_by = e.member_id();
}

void Released(PlatformTables& t, const v1::TaskReleased& e) {
  if (TaskState* task = t.tasks.Find(e.task_id())) task->claimed_by.clear();
}

void Done(PlatformTables& t, const v1::TaskDone& e) {
  TaskState* task = t.tasks.Find(e.task_id());
  if (task == nullptr) return;
  task->done = true;
  task->done_by = e.member_id();
}

void LearningRequested(PlatformTables& t, const v1::LearningRequested& e) {
  TaskState* task = t.tasks.Find(e.task_id());
  if (task == nullptr) return;
  auto& waiting = task->learners_waiting;
  if (std::find(waiting.begin(), waiting.end(), e.learner_id()) == waiting.end()) {
    waiting.push_back(e.learner_id());
  }
}

void LearningPairFormed(PlatformTables& t, const v1::LearningPairFormed& e) {
  TaskState* task = t.tasks.Find(e.task_id());
  if (task == nullptr) return;
  std::erase(task->learners_waiting, e.learner_id());
  task->learning_pairs.emplace_back(e.mentor_id(), e.learner_id());
}

void Moved(PlatformTables& t, const v1::TaskMoved& e) {
  if (TaskState* task = t.tasks.Find(e.task_id())) task->initiative_id = e.to_initiative_id();
}

}  // namespace rotonde::projections::tasks
