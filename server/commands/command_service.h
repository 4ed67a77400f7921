// CommandService: where decisions meet the event store. For each platform it keeps the
// PlatformModel (folded from the platform's events on first use, then kept current), and
// handles a command as: catch up, answer a repeated command id with its first outcome,
// decide, append all the decision's events atomically (each stream at the version the
// decision saw), fold them. Commands of one platform are handled one at a time; different
// platforms proceed in parallel and share the store's group commit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "decide.h"
#include "rotonde/projections/platform_model.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::commands {

struct CommandOutcome {
  std::optional<CommandError> error;  // refused, or the store failed (code "unavailable")
  uint64_t first_position = 0;        // the events it produced
  uint64_t last_position = 0;
  bool repeated = false;  // the command id was handled before: this is the first outcome
  bool ok() const { return !error.has_value(); }
};

class CommandService {
 public:
  explicit CommandService(eventstore::EventStore& store) : store_(store) {}

  CommandOutcome Handle(const std::string& platform, const std::string& actor_id,
                        const v1::Command& command);

  // Runs `read` on the platform's current model, under the platform's lock; fails (without
  // calling it) if the store cannot be read.
  Status Read(const std::string& platform,
              const std::function<void(const projections::PlatformModel&)>& read);

  // The id of a platform's event: "<platform>:<command id>:<index>", unique in the log.
  static std::string EventId(const std::string& platform, const std::string& command_id,
                             size_t index);

 private:
  struct Platform {
    std::mutex mu;
    projections::PlatformModel model;
  };
  Platform& PlatformFor(const std::string& platform);
  // Folds what the store has of the platform beyond the state's position.
  Status CatchUp(const std::string& platform, projections::PlatformModel& model);

  eventstore::EventStore& store_;
  std::mutex platforms_mu_;
  std::map<std::string, std::unique_ptr<Platform>> platforms_;
};

}  // namespace rotonde::commands
