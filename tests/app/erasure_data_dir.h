// A data directory laid out as `rotonde serve` keeps it (the log, DIR/auth, DIR/checkpoints,
// DIR/notifications, DIR/keys), opened with an Application whose events are sealed, the demo
// neighbourhood written into it and Bram given an account, a mail address and a queued mail:
// what the erasure tests erase, and scan for afterwards. Shared by erasure_test.cc and the
// crash child, which must build exactly the same thing.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "application.h"
#include "auth_store.h"
#include "checkpoints.h"
#include "command_service.h"
#include "notification_store.h"
#include "person_keys.h"
#include "rotonde/eventstore/event_store.h"
#include "sealed_events.h"

namespace rotonde::app {

inline constexpr char kBramName[] = "Bram Jansen";
inline constexpr char kBramAddress[] = "bram.jansen@example.org";

struct ErasureDataDir {
  // Opens the stores in `dir` (creating them) and loads the platforms; writes the demo, Bram's
  // account, mail address and a queued mail naming him if the log is empty. Empty on failure,
  // with *error set.
  static std::unique_ptr<ErasureDataDir> Open(const std::string& dir, std::string* error);

  std::string dir;
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<auth::AuthStore> auth;
  std::unique_ptr<CheckpointStore> checkpoints;
  std::unique_ptr<mail::NotificationStore> notifications;
  std::unique_ptr<privacy::PersonKeys> keys;
  std::unique_ptr<privacy::SealedEvents> sealed;
  std::unique_ptr<CommandService> service;
  std::unique_ptr<Application> app;

  // The name the platform's model shows for a member now; nullopt if no such member.
  std::optional<std::string> NameOf(const std::string& member_id);
  Caller As(const std::string& account_id) const {
    return Caller{account_id, auth::TokenKind::kSession, "", ""};
  }
};

}  // namespace rotonde::app
