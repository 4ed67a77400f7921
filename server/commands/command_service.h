// CommandService: where decisions meet the event store. For each platform it keeps the
// PlatformModel (folded from the platform's events on first use, then kept current), and
// handles a command as: catch up, answer a repeated command id with its first outcome,
// decide, append all the decision's events atomically (each stream at the version the
// decision saw), fold them. Commands of one platform are handled one at a time; different
// platforms proceed in parallel and share the store's group commit.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checkpoints.h"
#include "decide.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/platform_model.h"

namespace rotonde::commands {

struct CommandOutcome {
  std::optional<CommandError> error;  // refused, or the store failed (code "unavailable")
  uint64_t first_position = 0;        // the events it produced
  uint64_t last_position = 0;
  bool repeated = false;  // the command id was handled before: this is the first outcome
  bool ok() const { return !error.has_value(); }
};

// A platform is checkpointed once this many of its events have been folded since its last
// checkpoint, and by SaveCheckpoints().
inline constexpr uint64_t kCheckpointEvery = 10'000;

// A first-come, first-served lock (a ticket lock): a platform's commands arrive back to back
// under load, and with a plain mutex the thread that just released it tends to take it
// again, so a reader (a view, a permission check) could wait behind any number of commands.
class FairMutex {
 public:
  void lock() {
    const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    for (uint32_t serving = serving_.load(std::memory_order_acquire); serving != ticket;
         serving = serving_.load(std::memory_order_acquire)) {
      serving_.wait(serving, std::memory_order_acquire);
    }
  }
  void unlock() {
    serving_.fetch_add(1, std::memory_order_release);
    serving_.notify_all();
  }

 private:
  std::atomic<uint32_t> next_{0};
  std::atomic<uint32_t> serving_{0};
};

class CommandService {
 public:
  // `checkpoints` may be null: then every platform is folded from the log on first use.
  explicit CommandService(eventstore::EventStore& store, CheckpointStore* checkpoints = nullptr)
      : store_(store), checkpoints_(checkpoints) {}

  CommandOutcome Handle(const std::string& platform, const std::string& actor_id,
                        const v1::Command& command);

  // Runs `read` on the platform's current model, under the platform's lock; fails (without
  // calling it) if the store cannot be read. A platform not loaded yet is folded from the
  // log first (a server guards made-up names with Knows()).
  Status Read(const std::string& platform,
              const std::function<void(const projections::PlatformModel&)>& read);

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
  // the log's head: what a server does at start-up.
  Result<LoadReport> LoadAll();
  // Checkpoints every loaded platform whose model moved since its last checkpoint.
  Status SaveCheckpoints();

  // The id of a platform's event: "<platform>:<command id>:<index>", unique in the log.
  static std::string EventId(const std::string& platform, const std::string& command_id,
                             size_t index);

 private:
  struct Platform {
    FairMutex mu;
    bool loaded = false;  // restored from a checkpoint, or known to have none
    projections::PlatformModel model;
    uint64_t checkpointed_at = 0;  // the model position of the last checkpoint
  };
  Platform& PlatformFor(const std::string& platform);
  // Restores from a checkpoint (once), folds to the head, checkpoints if due. Under p.mu.
  Status Refresh(const std::string& platform, Platform& p);
  // Folds what the store has of the platform beyond the state's position.
  Status CatchUp(const std::string& platform, projections::PlatformModel& model);

  eventstore::EventStore& store_;
  CheckpointStore* checkpoints_;
  std::atomic<uint64_t> folded_since_load_{0};
  std::mutex platforms_mu_;
  std::map<std::string, std::unique_ptr<Platform>> platforms_;
};

}  // namespace rotonde::commands
