// Application: every use case of the wire API (docs/api.md) over one event store, one
// command service and one auth store, independent of the transport. The HTTP routes and
// the WebSocket sessions (server/net) call these and render what they return (server/wire);
// `rotonde admin` calls them too.
//
//   accounts()  signing in and out, tokens, the caller's platforms, feed keys
//   invites()   invite links: creating, peeking, accepting; founding links
//   public_proposals()  residents without an account: the proposal form and its status link
//   commands()  a member's command, end to end
//   reads()     views (now or as of a position), the event feed, the report, the calendar
//   audit()     verifying the log, signed checkpoints, folding a platform as of a position
//   inbox()     what a member read of their notifications, their mail settings, unsubscribing
//   erasure()   erasing a person, and the inzage: what is kept about them
//
// Every use case may block: the server calls them on its worker pool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access.h"
#include "accounts.h"
#include "audit.h"
#include "auth_store.h"
#include "command_runner.h"
#include "command_service.h"
#include "counters.h"
#include "erasure.h"
#include "inbox.h"
#include "invites.h"
#include "public_proposals.h"
#include "reads.h"
#include "rotonde/eventstore/event_log.h"
#include "usage_limits.h"

namespace rotonde::app {

class Application {
 public:
  // `notes` may be null for a use that hands out no signed checkpoints (`rotonde admin`);
  // its key also keys the proposals' status links, which a null `notes` cannot give.
  // `notifications` may be null too (no read marks, no mail settings); `sends_mail` says
  // whether a Mailer takes notifications to mail.
  Application(eventstore::EventLog& store, CommandService& command_service, auth::AuthStore& auth,
              SignedCheckpoints* notes, Limits limits = {},
              mail::NotificationStore* notifications = nullptr, bool sends_mail = false);
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  Accounts& accounts() { return accounts_; }
  Invites& invites() { return invites_; }
  PublicProposals& public_proposals() { return public_proposals_; }
  CommandRunner& commands() { return runner_; }
  Reads& reads() { return reads_; }
  Audit& audit() { return audit_; }
  Inbox& inbox() { return inbox_; }
  Erasure& erasure() { return erasure_; }
  Access& access() { return access_; }
  // Where a platform's batches and checkpoints run (CommandService::SetSpawn and
  // SetCheckpointSpawn).
  CommandService& command_service() { return command_service_; }
  const Counters& counters() const { return counters_; }

  // The platform's last position, which every answer about the platform reports.
  uint64_t Head(std::string_view platform) const { return store_.Head(platform).position; }
  // Every platform's last position, by name.
  std::vector<std::pair<std::string, uint64_t>> Heads() const {
    std::vector<std::pair<std::string, uint64_t>> heads;
    for (std::string& platform : store_.Platforms()) {
      const uint64_t head = store_.Head(platform).position;
      heads.emplace_back(std::move(platform), head);
    }
    return heads;
  }
  eventstore::Stats StoreStats() const { return store_.GetStats(); }

 private:
  eventstore::EventLog& store_;
  CommandService& command_service_;
  const Limits limits_;
  Counters counters_;
  Access access_;
  Accounts accounts_;
  CommandRunner runner_;
  Invites invites_;
  PublicProposals public_proposals_;
  Audit audit_;
  Inbox inbox_;
  Reads reads_;
  Erasure erasure_;
};

}  // namespace rotonde::app
