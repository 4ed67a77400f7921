#include "application.h"

#include "signed_checkpoints.h"

namespace rotonde::app {

Application::Application(eventstore::EventLog& store, CommandService& command_service,
                         auth::AuthStore& auth, SignedCheckpoints* notes, Limits limits,
                         mail::NotificationStore* notifications, bool sends_mail)
    : store_(store),
      command_service_(command_service),
      limits_(limits),
      access_(command_service),
      accounts_(auth, command_service, counters_, limits_),
      runner_(store, command_service, counters_),
      invites_(auth, command_service, runner_, accounts_, limits_),
      public_proposals_(store, command_service, runner_,
                        notes ? notes->key().DeriveSecret("proposal-status-links") : "",
                        limits_.public_form),
      audit_(store, command_service, notes),
      inbox_(access_, notifications, notes ? notes->key().DeriveSecret("mail-unsubscribe") : "",
             sends_mail),
      reads_(store, command_service, auth, audit_, inbox_, limits_),
      erasure_(store, command_service, auth, notifications) {}

}  // namespace rotonde::app
