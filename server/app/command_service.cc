#include "command_service.h"

#include "rotonde/projections/snapshot.h"

#include <algorithm>
#include <condition_variable>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace rotonde::app {
namespace {

constexpr size_t kCatchUpPage = 4096;
// Commands handled as one batch at most: bounds how long readers of the platform wait.
constexpr size_t kMaxBatch = 128;

Status Unavailable(const Status& status) {
  return Status("unavailable", "the event store could not take this: " + status.ToString());
}

}  // namespace

std::string CommandService::EventId(const std::string& platform, const std::string& command_id,
                                    size_t index) {
  return platform + ":" + command_id + ":" + std::to_string(index);
}

CommandService::Platform& CommandService::PlatformFor(const std::string& platform) {
  std::lock_guard lock(platforms_mu_);
  auto& entry = platforms_[platform];
  if (!entry) {
    entry = std::make_unique<Platform>();
    entry->model.SetOpener(&opener());
  }
  return *entry;
}

void CommandService::Fold(Platform& p, const eventstore::EventRecord& record) {
  p.model.Apply(record);
  // The events that change who is a member, or with which role (PlatformState::Apply).
  using namespace std::string_view_literals;
  const std::string_view type = record.type();
  if (type == "PlatformFounded"sv || type == "MemberJoined"sv || type == "MemberLeft"sv ||
      type == "RoleGranted"sv || type == "PersonErased"sv) {
    p.roles_stale = true;
  }
}

void CommandService::PublishRoles(Platform& p) {
  if (!p.roles_stale) return;
  auto roles = std::make_shared<std::unordered_map<std::string, v1::Role>>();
  const auto& state = p.model.state();
  for (const auto& [id, member] : state.members()) {
    if (const v1::Role role = state.RoleOf(id); role != v1::ROLE_UNSPECIFIED) {
      roles->emplace(id, role);
    }
  }
  std::lock_guard lock(p.roles_mu);
  p.roles = std::move(roles);
  p.roles_stale = false;
}

Result<v1::Role> CommandService::RoleOf(const std::string& platform, const std::string& member_id) {
  Platform& p = PlatformFor(platform);
  std::shared_ptr<const std::unordered_map<std::string, v1::Role>> roles;
  {
    std::lock_guard lock(p.roles_mu);
    roles = p.roles;
  }
  if (!roles) {
    // Not loaded yet: loading publishes the table.
    if (Status s = Read(platform, [](const projections::PlatformModel&) {}); !s.ok()) return s;
    std::lock_guard lock(p.roles_mu);
    roles = p.roles;
  }
  auto it = roles->find(member_id);
  return it == roles->end() ? v1::ROLE_UNSPECIFIED : it->second;
}

Status CommandService::CatchUp(const std::string& platform, Platform& p) {
  std::vector<eventstore::EventRecord> page;
  for (;;) {
    Status s = store_.Read(platform, p.model.position(), kCatchUpPage, &page);
    if (!s.ok()) return s;
    for (const auto& record : page) Fold(p, record);
    folded_since_load_ += page.size();
    if (page.size() < kCatchUpPage) return Status::Ok();
  }
}

uint64_t CommandService::UnsavedEvents(const Platform& p) {
  return p.model.position() - std::min(p.model.position(), p.checkpointed_at);
}

bool CommandService::CheckpointDue(const Platform& p,
                                   std::chrono::steady_clock::time_point now) const {
  const uint64_t unsaved = UnsavedEvents(p);
  if (unsaved >= checkpoint_every_ * kCheckpointForcedFactor) return true;
  return unsaved >= checkpoint_every_ && now - p.checkpoint_time >= checkpoint_min_interval_;
}

Status CommandService::Refresh(const std::string& platform, Platform& p, bool* restored) {
  const bool loading = !p.loaded;
  if (loading) {
    p.loaded = true;
    if (auto checkpoint = UsableCheckpoint(platform)) {
      p.model = std::move(*checkpoint);
      p.checkpointed_at = p.model.position();
      if (restored != nullptr) *restored = true;
    }
  }
  if (Status s = CatchUp(platform, p); !s.ok()) return s;
  PublishRoles(p);
  // Saved here, under the platform's lock: what a load folded, or a catch-up so long that
  // commands never made the checkpoint due. Otherwise FinishBatch asks for one, folded
  // apart from the platform.
  const bool due = UnsavedEvents(p) >= checkpoint_every_ * (loading ? 1 : kCheckpointForcedFactor);
  if (checkpoints_ != nullptr && due) {
    if (Status s = checkpoints_->Save(platform, p.model); !s.ok()) return s;
    p.checkpointed_at = p.model.position();
  }
  if (loading || due) p.checkpoint_time = std::chrono::steady_clock::now();
  return Status::Ok();
}

std::optional<projections::PlatformModel> CommandService::UsableCheckpoint(
    const std::string& platform) {
  if (checkpoints_ == nullptr) return std::nullopt;
  auto restored = checkpoints_->Load(platform);
  // A checkpoint ahead of the log (a restored older log) is no use: rebuild.
  if (restored && restored->position() > store_.Head(platform).position) return std::nullopt;
  if (restored) restored->SetOpener(&opener());
  return restored;
}

void CommandService::CheckpointFromLog(const std::string& platform, Platform& p) {
  struct ClearOnReturn {
    std::atomic<bool>& running;
    ~ClearOnReturn() { running = false; }
  } clear{p.checkpointing};
  projections::PlatformModel model =
      UsableCheckpoint(platform).value_or(projections::PlatformModel(&opener()));
  std::vector<eventstore::EventRecord> page;
  for (;;) {
    // A failed read or save costs only a longer fold at the next start; the commands stand.
    if (!store_.Read(platform, model.position(), kCatchUpPage, &page).ok()) return;
    for (const auto& record : page) model.Apply(record);
    if (page.size() < kCatchUpPage) break;
  }
  static_cast<void>(checkpoints_->Save(platform, model));
}

Status CommandService::RewriteCheckpoint(const std::string& platform) {
  if (checkpoints_ == nullptr) return Status::Ok();
  Platform& p = PlatformFor(platform);
  // A checkpoint folded from the log before the erasure may still be on its way: it would
  // land after this one. Wait for it (a fold takes seconds at most).
  while (p.checkpointing.load()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  {
    std::lock_guard lock(p.mu);
    if (Status s = Refresh(platform, p); !s.ok()) return s;
    if (Status s = checkpoints_->Save(platform, p.model); !s.ok()) return s;
    p.checkpointed_at = p.model.position();
  }
  return checkpoints_->ForgetDeleted();
}

Result<CommandService::LoadReport> CommandService::LoadAll() {
  // The platforms: the logs whose first event founds one (other logs are not platforms).
  std::vector<std::string> platforms;
  for (const std::string& name : store_.Platforms()) {
    std::vector<eventstore::EventRecord> first;
    if (Status s = store_.Read(name, 0, 1, &first); !s.ok()) return s;
    if (!first.empty() && first[0].type() == "PlatformFounded") platforms.push_back(name);
  }
  // Each platform restored from its checkpoint, if it has one, and folded from its log to
  // its head, a platform at a time: each log is read in order and its model stays warm in
  // the cache while it is folded. Platforms are independent folds, so they are spread over
  // the threads; a server starting up has nothing else to do with its cores.
  std::atomic<size_t> next{0};
  std::atomic<size_t> restored_count{0};
  std::mutex failure_mu;
  Status failure;
  auto load = [&] {
    for (size_t i = next++; i < platforms.size(); i = next++) {
      Platform& p = PlatformFor(platforms[i]);
      std::lock_guard lock(p.mu);
      bool restored = false;
      if (Status s = Refresh(platforms[i], p, &restored); !s.ok()) {
        std::lock_guard failed(failure_mu);
        failure = s;
      }
      restored_count += restored;
    }
  };
  std::vector<std::thread> workers;
  for (unsigned w = 1; w < load_threads_; ++w) workers.emplace_back(load);
  load();
  for (auto& worker : workers) worker.join();
  if (!failure.ok()) return failure;
  LoadReport report;
  report.platforms = platforms.size();
  report.from_checkpoint = restored_count;
  report.events_folded = folded_since_load_;
  return report;
}

Status CommandService::SaveCheckpoints() {
  if (checkpoints_ == nullptr) return Status::Ok();
  std::vector<std::pair<std::string, Platform*>> all;
  {
    std::lock_guard lock(platforms_mu_);
    for (auto& [name, p] : platforms_) all.emplace_back(name, p.get());
  }
  for (auto& [name, p] : all) {
    std::lock_guard lock(p->mu);
    if (!p->loaded || p->model.position() == p->checkpointed_at) continue;
    if (Status s = checkpoints_->Save(name, p->model); !s.ok()) return s;
    p->checkpointed_at = p->model.position();
  }
  return checkpoints_->Sync();
}

Status CommandService::Read(const std::string& platform,
                            const std::function<void(const projections::PlatformModel&)>& read) {
  Platform& p = PlatformFor(platform);
  std::lock_guard lock(p.mu);
  if (Status s = Refresh(platform, p); !s.ok()) return s;
  read(p.model);
  return Status::Ok();
}

std::vector<std::string> CommandService::Platforms() {
  std::lock_guard lock(platforms_mu_);
  std::vector<std::string> names;
  names.reserve(platforms_.size());
  for (const auto& [name, p] : platforms_) names.push_back(name);
  return names;
}

bool CommandService::Knows(const std::string& platform) {
  std::lock_guard lock(platforms_mu_);
  return platforms_.count(platform) > 0;
}

CommandOutcome CommandService::Handle(const std::string& platform, const std::string& actor_id,
                                      const v1::Command& command) {
  if (gate_) {
    if (Status refused = gate_(platform); !refused.ok()) return CommandOutcome{refused};
  }
  Platform& p = PlatformFor(platform);
  Waiter me;
  std::unique_lock lock(p.queue_mu);
  p.queue.push_back(std::make_unique<Queued>(Queued{actor_id, command, nullptr, &me, {}}));
  // Idle, or only a spawned task not started yet: this caller handles the batch itself.
  me.lead = p.drainer != Drainer::kRunning;
  for (;;) {
    me.wake.wait(lock, [&] { return me.outcome.has_value() || me.lead; });
    if (me.outcome) return std::move(*me.outcome);
    me.lead = false;
    p.drainer = Drainer::kRunning;
    lock.unlock();
    Drain(platform, p, &me);
    lock.lock();
  }
}

void CommandService::Submit(const std::string& platform, std::string actor_id, v1::Command command,
                            Done done) {
  if (gate_) {
    if (Status refused = gate_(platform); !refused.ok()) return done(CommandOutcome{refused});
  }
  Platform& p = PlatformFor(platform);
  {
    std::lock_guard lock(p.queue_mu);
    p.queue.push_back(std::make_unique<Queued>(
        Queued{std::move(actor_id), std::move(command), std::move(done), nullptr, {}}));
    if (p.drainer == Drainer::kRunning) return;  // taken with the next batch
    p.drainer = Drainer::kRunning;
  }
  Drain(platform, p, nullptr);
}

void CommandService::Drain(const std::string& platform, Platform& p, Waiter* self) {
  for (;;) {
    std::vector<std::unique_ptr<Queued>> batch;
    {
      std::lock_guard lock(p.queue_mu);
      while (!p.queue.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(p.queue.front()));
        p.queue.pop_front();
      }
    }
    p.mu.lock();
    if (self == nullptr && spawn_) {
      // The server: nobody waits for the disk. The batch keeps the platform's lock until
      // its appends are durable; the last of them to complete has it finished (never on a
      // thread that may wait for that lock: see SetFinishSpawn).
      auto flight = std::make_shared<BatchInFlight>();
      flight->platform = platform;
      flight->batch = std::move(batch);
      auto track = [this, &p, flight]() -> eventstore::EventLog::AppendDone {
        flight->unfinished.fetch_add(1);
        return [this, &p, flight](const eventstore::AppendResult&) {
          if (flight->unfinished.fetch_sub(1) != 1) return;
          if (finish_spawn_) {
            finish_spawn_([this, &p, flight] { FinishInFlight(p, *flight); });
          } else {
            FinishInFlight(p, *flight);
          }
        };
      };
      flight->model_current = StartBatch(platform, p, flight->batch, &flight->started, track);
      if (flight->unfinished.fetch_sub(1) == 1) FinishInFlight(p, *flight);
      return;
    }
    std::vector<std::unique_ptr<eventstore::PendingAppend>> started;
    const bool model_current = StartBatch(platform, p, batch, &started, nullptr);
    if (!FinishBatch(platform, p, batch, started, model_current, self)) return;
  }
}

void CommandService::FinishInFlight(Platform& p, BatchInFlight& flight) {
  // Every append has completed, so FinishBatch's waits return at once.
  FinishBatch(flight.platform, p, flight.batch, flight.started, flight.model_current, nullptr);
}

bool CommandService::StartBatch(const std::string& platform, Platform& p,
                                const std::vector<std::unique_ptr<Queued>>& batch,
                                std::vector<std::unique_ptr<eventstore::PendingAppend>>* started,
                                const Track& track) {
  started->resize(batch.size());
  if (Status s = Refresh(platform, p); !s.ok()) {
    for (const auto& queued : batch) queued->outcome.status = Unavailable(s);
    return false;
  }
  bool any_started = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i]->outcome = DecideAndStart(platform, p, *batch[i], !any_started, &(*started)[i], track);
    any_started = any_started || (*started)[i] != nullptr;
  }
  return true;
}

bool CommandService::FinishBatch(const std::string& platform, Platform& p,
                                 const std::vector<std::unique_ptr<Queued>>& batch,
                                 std::vector<std::unique_ptr<eventstore::PendingAppend>>& started,
                                 bool model_current, Waiter* self) {
  // The appends were written in order, mostly in one group commit: one wait for the disk.
  bool lost = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!started[i]) continue;
    eventstore::AppendResult durable = started[i]->Wait();
    if (!durable.ok()) {
      batch[i]->outcome = CommandOutcome{Unavailable(durable.status), 0, 0, false};
      lost = true;
    }
  }
  bool checkpoint_due = false;
  if (lost || p.rebuild) {
    // The model folded events the log does not have, or missed some: drop it, so the next
    // use rebuilds it from the checkpoint and the log.
    p.model = projections::PlatformModel(&opener());
    p.loaded = false;
    p.rebuild = false;
    p.checkpointed_at = 0;
    p.roles_stale = true;
  } else if (model_current) {
    PublishRoles(p);
    const auto now = std::chrono::steady_clock::now();
    if (checkpoints_ != nullptr && CheckpointDue(p, now)) {
      // Not taken here: copying a model of tens of thousands of entities held the platform's
      // commands for tens of milliseconds. A fold from the log is started instead.
      checkpoint_due = true;
      p.checkpointed_at = p.model.position();
      p.checkpoint_time = now;
    }
  }
  // From here on the model holds durable events only.
  p.mu.unlock();

  for (const auto& queued : batch) {
    if (queued->done) queued->done(std::move(queued->outcome));
  }
  {
    std::lock_guard lock(p.queue_mu);
    for (const auto& queued : batch) {
      if (queued->waiter == nullptr) continue;
      queued->waiter->outcome = std::move(queued->outcome);
      queued->waiter->wake.notify_one();
    }
  }
  if (checkpoint_due && !p.checkpointing.exchange(true)) {
    auto save = [this, platform, &p] { CheckpointFromLog(platform, p); };
    if (checkpoint_spawn_) {
      checkpoint_spawn_(save);
    } else if (spawn_) {
      spawn_(save);
    } else {
      save();
    }
  }
  std::unique_lock lock(p.queue_mu);
  if (p.queue.empty()) {
    p.drainer = Drainer::kNone;
    return false;
  }
  // The next batch: a waiting caller of Handle leads it (this one goes on), else the spawn.
  auto waiting = std::find_if(p.queue.begin(), p.queue.end(),
                              [](const auto& queued) { return queued->waiter != nullptr; });
  if (waiting != p.queue.end() && (*waiting)->waiter != self) {
    (*waiting)->waiter->lead = true;
    (*waiting)->waiter->wake.notify_one();
    return false;
  }
  if (waiting == p.queue.end() && spawn_) {
    p.drainer = Drainer::kSpawned;
    const uint64_t ticket = ++p.spawned;
    lock.unlock();
    spawn_([this, platform, &p, ticket] {
      {
        std::lock_guard spawned_lock(p.queue_mu);
        if (p.drainer != Drainer::kSpawned || p.spawned != ticket) return;  // overtaken
        p.drainer = Drainer::kRunning;
      }
      Drain(platform, p, nullptr);
    });
    return false;
  }
  return true;
}

CommandOutcome CommandService::DecideAndStart(const std::string& platform, Platform& p,
                                              const Queued& queued, bool may_refresh,
                                              std::unique_ptr<eventstore::PendingAppend>* started,
                                              const Track& track) {
  const v1::Command& command = queued.command;
  CommandOutcome outcome;
  // Two tries: a second only if another writer moved a stream between catch-up and append,
  // and only while no append of this batch is pending (the model then holds durable events
  // only, so catching up finds what the other writer wrote).
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (const auto* done = p.model.state().CommandResult(command.command_id())) {
      outcome.first_position = done->first_position;
      outcome.last_position = done->last_position;
      outcome.repeated = true;
      return outcome;
    }
    commands::Decision decision = commands::Decide(
        command, commands::CommandContext{platform, queued.actor_id}, p.model.state());
    if (!decision.ok()) {
      outcome.status = decision.status();
      return outcome;
    }

    // One part per stream, in order of first appearance (deciders emit each stream's events
    // together), each at the version the decision saw.
    std::vector<eventstore::StreamAppend> parts;
    std::map<std::string, size_t> part_of;
    size_t index = 0;
    for (commands::PlannedEvent& planned : decision.value()) {
      auto [it, inserted] = part_of.try_emplace(planned.stream, parts.size());
      if (inserted) {
        eventstore::StreamAppend part;
        part.stream = planned.stream;
        const auto version = p.model.state().StreamVersion(planned.stream);
        part.expected = version ? eventstore::ExpectedVersion::Exact(*version)
                                : eventstore::ExpectedVersion::NoStream();
        parts.push_back(std::move(part));
      }
      std::string id = EventId(platform, command.command_id(), index++);
      if (sealed_ != nullptr) {
        if (Status s = sealed_->Seal(platform, planned.stream, id, &planned.event); !s.ok()) {
          // A person erased meanwhile has no key; a key store that cannot write is down.
          outcome.status = s.code() == "erased" ? s : Unavailable(s);
          return outcome;
        }
      }
      parts[it->second].events.push_back(eventstore::NewEvent{
          std::move(id), commands::EventTypeName(planned.event), planned.event.SerializeAsString(),
          planned.actor.empty() ? queued.actor_id : planned.actor, command.command_id()});
    }
    auto pending = track ? store_.StartAppendAll(std::move(parts), {}, track())
                         : store_.StartAppendAll(std::move(parts));
    const eventstore::AppendResult& prepared = pending->Prepared();
    // A stream moved, or the command's event ids are stored already with other bytes: the
    // log holds what the model has not folded (another writer's events; or this command,
    // stored by an append whose answer was lost, its personal data sealed with another
    // nonce). Folded, the model decides again, and finds the command done.
    const bool model_behind = prepared.status.code() == codes::kWrongExpectedVersion ||
                              prepared.status.code() == codes::kIdConflict;
    if (model_behind && attempt == 0 && may_refresh) {
      if (Status s = Refresh(platform, p); !s.ok()) {
        outcome.status = Unavailable(s);
        return outcome;
      }
      continue;
    }
    if (prepared.status.code() == codes::kWrongExpectedVersion) break;
    if (!prepared.ok()) {
      outcome.status = Unavailable(prepared.status);
      return outcome;
    }
    // Fold the events now, so the next command of the batch is decided against them; they
    // are stored exactly as prepared. Events before them that the model lacks (an append
    // whose answer was lost landed after all, or another server's) are in the log: folded
    // from it first. A model that cannot catch up is rebuilt once the batch is done.
    const auto& records = pending->records();
    if (!records.empty() && records.front()->position() > p.model.position() + 1 &&
        !CatchUp(platform, p).ok()) {
      p.rebuild = true;
    }
    for (const auto& record : records) {
      if (record->position() == p.model.position() + 1) {
        Fold(p, *record);
      } else if (record->position() > p.model.position()) {
        p.rebuild = true;
      }
    }
    outcome.first_position = prepared.positions.front();
    outcome.last_position = prepared.positions.back();
    outcome.repeated = prepared.idempotent_replay;
    *started = std::move(pending);
    return outcome;
  }
  outcome.status = Status("conflict", "the platform changed while deciding; try again");
  return outcome;
}

}  // namespace rotonde::app
