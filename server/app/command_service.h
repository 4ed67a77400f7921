// CommandService: where decisions meet the event store. For each platform it keeps the
// PlatformModel (folded from the platform's events on first use, then kept current), and
// handles a command as: catch up, answer a repeated command id with its first outcome,
// decide, append all the decision's events atomically (each stream at the version the
// decision saw), fold them.
//
// Commands of one platform are decided one at a time, each against the state its
// predecessors left, but they wait for the disk together: commands that arrive while a batch
// is being handled queue up and are then handled as the next batch. In a batch each
// command's append is started and prepared (its place in the log fixed), its events folded,
// and the next command decided; the batch is then finished once its appends are durable,
// before anyone is answered or the model is read. With a spawn (SetSpawn: the server) no
// thread waits for that: the store's completion of the batch's last append has it finished
// (SetFinishSpawn). Without one (tools, tests, callers of Handle) the batch's thread waits,
// once.
// Different platforms proceed in parallel and share the store's group commit.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "checkpoints.h"
#include "decide.h"
#include "rotonde/base/fair_mutex.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/projections/platform_model.h"
#include "sealed_events.h"

namespace rotonde::app {

struct CommandOutcome {
  Status status;                // refused, or the store failed (code "unavailable")
  uint64_t first_position = 0;  // the events it produced
  uint64_t last_position = 0;
  bool repeated = false;  // the command id was handled before: this is the first outcome
  bool ok() const { return status.ok(); }
};

// A platform is checkpointed once this many of its events have been folded since its last
// checkpoint, and by SaveCheckpoints(). While commands are served, no more often than
// kCheckpointMinInterval: a checkpoint costs the whole model (a fold and a save of megabytes
// for a busy platform), so a platform in a burst of commands would otherwise pay it every few
// seconds; but always once kCheckpointForcedFactor times as many events are unsaved, which
// bounds what a restart after a crash folds.
inline constexpr uint64_t kCheckpointEvery = 10'000;
inline constexpr std::chrono::seconds kCheckpointMinInterval{60};
inline constexpr uint64_t kCheckpointForcedFactor = 10;

class CommandService {
 public:
  // `checkpoints` may be null: then every platform is folded from the log on first use.
  explicit CommandService(eventstore::EventLog& store, CheckpointStore* checkpoints = nullptr)
      : store_(store), checkpoints_(checkpoints) {}

  // Seals the personal fields of every event before it is appended (sealed_events.h), and
  // opens them with the same keys in every model. Without it (tools and tests that hold no
  // keys) events are appended as decided, and sealed fields read as erased. Call before
  // the first command; `sealed` must outlive the service.
  void SetPrivacy(const privacy::SealedEvents* sealed) { sealed_ = sealed; }
  const privacy::SealedEvents* privacy() const { return sealed_; }
  // What the models parse events with: the sealer's keys, or none.
  const projections::EventOpener& opener() const {
    return sealed_ != nullptr ? static_cast<const projections::EventOpener&>(*sealed_)
                              : projections::KeylessOpener();
  }

  // Handles `command` and returns its outcome; blocks until it is durable (or refused). For
  // tools and tests: a server uses Submit, so none of its threads waits for the disk.
  CommandOutcome Handle(const std::string& platform, const std::string& actor_id,
                        const v1::Command& command);

  using Done = std::function<void(CommandOutcome)>;
  // Handles `command` and calls `done` once with its outcome, from the thread that finishes
  // its batch, once its events are durable. If no thread is handling the platform's batches,
  // the calling thread decides this one (and without a spawn, also waits for the disk);
  // else the command is queued and Submit returns at once. `done` must not block.
  void Submit(const std::string& platform, std::string actor_id, v1::Command command, Done done);

  using Spawn = std::function<void(std::function<void()>)>;
  // Who handles a platform's next batch when commands queued up during a batch: a caller of
  // Handle waiting in the queue if there is one; else, by default (null), the thread that
  // handled the batch, which can keep a caller busy with others' commands for as long as
  // they keep coming; else, with a spawn, a task given to it (a server's worker pool). A
  // spawned task that has not started yet is overtaken by the next caller, so callers of
  // Handle blocking every thread of that pool never wait for it. Call before the first
  // command.
  void SetSpawn(Spawn spawn) { spawn_ = std::move(spawn); }
  // Who folds a checkpoint that fell due during commands (see CheckpointFromLog): null, by
  // default, for the same place as the next batch (SetSpawn); a server gives it a thread of
  // low priority, so the fold takes only the CPU that serving leaves. Call before the
  // first command.
  void SetCheckpointSpawn(Spawn spawn) { checkpoint_spawn_ = std::move(spawn); }
  // Where a batch started by a spawned task (SetSpawn) is finished once its appends are
  // durable: its callers answered and its platform's lock released. Null, by default, for
  // the store's thread that completed the last append, which then waits for `done`s. It
  // must never be a place whose threads may all be waiting for that lock (Read, Handle and
  // a spawned batch wait for it): the batch would never be finished. So a server gives it
  // threads of its own, not its worker pool. Call before the first command.
  void SetFinishSpawn(Spawn spawn) { finish_spawn_ = std::move(spawn); }
  // Whether this server takes commands for a platform now: with several servers on one
  // database, only the one that holds the platform's lease (and while no move freezes it)
  // does. A refusal (code "unavailable") answers the command at once, deciding nothing; the
  // store's own fence still refuses an append that slips past a gate that turned stale.
  // Null, by default: every platform. Call before the first command.
  using Gate = std::function<Status(const std::string& platform)>;
  void SetGate(Gate gate) { gate_ = std::move(gate); }

  // Runs `read` on the platform's current model, under the platform's lock; fails (without
  // calling it) if the store cannot be read. A platform not loaded yet is folded from the
  // log first (a server guards made-up names with Knows()).
  Status Read(const std::string& platform,
              const std::function<void(const projections::PlatformModel&)>& read);

  // The member's role on the platform (ROLE_UNSPECIFIED for a stranger or one who left), as
  // of the last durable event: answered from a table republished whenever membership
  // changes, so it never waits for a batch of commands. A platform not loaded yet is folded
  // from the log first.
  Result<v1::Role> RoleOf(const std::string& platform, const std::string& member_id);

  // The platforms this service has loaded, read or handled a command of, by name; and
  // whether `platform` is one of them (cheap, creates nothing).
  std::vector<std::string> Platforms();
  bool Knows(const std::string& platform);

  struct LoadReport {
    size_t platforms = 0;
    size_t from_checkpoint = 0;  // of which restored from a checkpoint
    uint64_t events_folded = 0;  // events folded on top of checkpoints (or from 0)
  };
  // Loads every platform the store holds (from checkpoints where there are) and folds it to
  // its head: what a server does at start-up.
  Result<LoadReport> LoadAll();
  // How many threads LoadAll folds platforms on (default: one per core).
  void SetLoadThreads(unsigned threads) { load_threads_ = std::max(1u, threads); }
  // How many events of a platform between its checkpoints (default kCheckpointEvery).
  void SetCheckpointEvery(uint64_t events) { checkpoint_every_ = std::max<uint64_t>(1, events); }
  // The least time between two checkpoints of a platform while serving, counted from its
  // load (default kCheckpointMinInterval; zero: none).
  void SetCheckpointMinInterval(std::chrono::steady_clock::duration interval) {
    checkpoint_min_interval_ = interval;
  }
  // Replaces the platform's checkpoint with its current model, after any checkpoint being
  // folded meanwhile is saved, and compacts the checkpoints so no older one stays on disk:
  // for an erasure, whose person the older ones still name. Ok without a checkpoint store.
  Status RewriteCheckpoint(const std::string& platform);
  // Checkpoints every loaded platform whose model moved since its last checkpoint, and
  // fsyncs every checkpoint saved so far (at shutdown).
  Status SaveCheckpoints();

  // The id of a platform's event: "<platform>:<command id>:<index>", unique in the log.
  static std::string EventId(const std::string& platform, const std::string& command_id,
                             size_t index);

 private:
  // A caller of Handle, blocked until its command is answered or it is asked to lead.
  // Guarded by its platform's queue_mu.
  struct Waiter {
    std::condition_variable wake;
    bool lead = false;  // handle the next batch
    std::optional<CommandOutcome> outcome;
  };
  // A command waiting in its platform's queue: answered through `done` or to `waiter`.
  struct Queued {
    std::string actor_id;
    v1::Command command;
    Done done;
    Waiter* waiter = nullptr;
    CommandOutcome outcome;
  };
  // Who handles a platform's batches.
  enum class Drainer { kNone, kRunning, kSpawned };
  struct Platform {
    // Guards the model. Invariant: whoever does not hold it sees a model holding durable
    // events only (a batch folds prepared events and releases it once they are durable).
    // A batch in flight is released by the thread that finishes it, not the one that
    // started it: FairMutex has no owner thread.
    FairMutex mu;
    bool loaded = false;   // restored from a checkpoint, or known to have none
    bool rebuild = false;  // the model missed events it cannot fold now: rebuilt after the batch
    projections::PlatformModel model;
    uint64_t checkpointed_at = 0;  // the model position of the last checkpoint (asked for)
    std::chrono::steady_clock::time_point checkpoint_time;  // of that checkpoint, or the load
    std::atomic<bool> checkpointing{false};                 // a CheckpointFromLog of it is running

    // Every active member's role, published under roles_mu (read without mu) whenever the
    // model holds only durable events and membership changed since the last publication.
    std::mutex roles_mu;
    std::shared_ptr<const std::unordered_map<std::string, v1::Role>> roles;
    bool roles_stale = true;  // under mu: membership events folded since publication

    // Commands waiting to be handled, and who handles the next batch: at most one thread
    // at a time runs Drain. A spawned task only runs if `spawned` still has its number.
    std::mutex queue_mu;
    std::deque<std::unique_ptr<Queued>> queue;
    Drainer drainer = Drainer::kNone;
    uint64_t spawned = 0;
  };
  Platform& PlatformFor(const std::string& platform);
  // Events folded into the model since its last checkpoint (asked for). Under p.mu.
  static uint64_t UnsavedEvents(const Platform& p);
  // Whether a checkpoint of the platform is due while serving (see kCheckpointEvery).
  bool CheckpointDue(const Platform& p, std::chrono::steady_clock::time_point now) const;
  // Restores from a checkpoint (once; then *restored, if given, is set), folds to the head,
  // checkpoints if due. Under p.mu.
  Status Refresh(const std::string& platform, Platform& p, bool* restored = nullptr);
  // Handles the platform's queued commands, batch by batch, until none are left or the next
  // batch is handed on (see SetSpawn). Called by the thread that set p.drainer to kRunning;
  // `self` is its Waiter if it is a caller of Handle.
  void Drain(const std::string& platform, Platform& p, Waiter* self);
  // Gives an append the callback that tells its batch in flight it completed (null: the
  // batch waits for its appends instead).
  using Track = std::function<eventstore::EventLog::AppendDone()>;
  // A batch whose appends are on their way to the disk, finished by the last of them to
  // complete (FinishInFlight, see SetFinishSpawn). It holds its platform's lock all the
  // while.
  struct BatchInFlight {
    std::string platform;
    std::vector<std::unique_ptr<Queued>> batch;
    std::vector<std::unique_ptr<eventstore::PendingAppend>> started;
    bool model_current = false;  // StartBatch's answer
    // Appends not completed yet, and one more while the batch is still being started.
    std::atomic<int> unfinished{1};
  };
  // Decides `batch` in order, starting each decision's append (*started, by index) and
  // folding its events once prepared; each outcome is set as far as known before the disk.
  // False (every outcome unavailable) if the model cannot be brought up to the log. Under
  // p.mu.
  bool StartBatch(const std::string& platform, Platform& p,
                  const std::vector<std::unique_ptr<Queued>>& batch,
                  std::vector<std::unique_ptr<eventstore::PendingAppend>>* started,
                  const Track& track);
  // After StartBatch: waits for the appends (at once when they completed already), drops
  // the model if one failed, republishes roles, notes a due checkpoint, releases p.mu,
  // answers every command, starts a due checkpoint, and hands the next batch on (see
  // SetSpawn). True when the calling thread is to handle the next batch itself. Called
  // holding p.mu, returns without it.
  bool FinishBatch(const std::string& platform, Platform& p,
                   const std::vector<std::unique_ptr<Queued>>& batch,
                   std::vector<std::unique_ptr<eventstore::PendingAppend>>& started,
                   bool model_current, Waiter* self);
  void FinishInFlight(Platform& p, BatchInFlight& flight);
  // Saves a newer checkpoint of the platform without touching its model or its lock: the
  // latest checkpoint (or nothing) folded forward with the platform's durable events from
  // the log. Folds are deterministic, so it equals a snapshot of the live model at the same
  // position; one at a time per platform. Costs a worker some CPU, the commands no wait.
  void CheckpointFromLog(const std::string& platform, Platform& p);
  // The platform's latest checkpoint, unless there is none, it is unreadable, or it is ahead
  // of the log (then the platform is folded from the log instead).
  std::optional<projections::PlatformModel> UsableCheckpoint(const std::string& platform);
  // Decides one command against the model and, if it produces events, starts their append
  // and folds them once prepared (*started then holds the append). Under p.mu.
  CommandOutcome DecideAndStart(const std::string& platform, Platform& p, const Queued& queued,
                                bool may_refresh,
                                std::unique_ptr<eventstore::PendingAppend>* started,
                                const Track& track);
  // Folds what the store has of the platform beyond the state's position. Under p.mu.
  Status CatchUp(const std::string& platform, Platform& p);
  // Folds one event into the model, noting membership changes. Under p.mu.
  static void Fold(Platform& p, const eventstore::EventRecord& record);
  // Republishes p.roles if stale. Under p.mu, with only durable events folded.
  static void PublishRoles(Platform& p);

  eventstore::EventLog& store_;
  CheckpointStore* checkpoints_;
  const privacy::SealedEvents* sealed_ = nullptr;
  Spawn spawn_;
  Spawn checkpoint_spawn_;
  Spawn finish_spawn_;
  Gate gate_;
  std::atomic<uint64_t> folded_since_load_{0};
  unsigned load_threads_ = std::max(1u, std::thread::hardware_concurrency());
  uint64_t checkpoint_every_ = kCheckpointEvery;
  std::chrono::steady_clock::duration checkpoint_min_interval_ = kCheckpointMinInterval;
  std::mutex platforms_mu_;
  std::map<std::string, std::unique_ptr<Platform>> platforms_;
};

}  // namespace rotonde::app
