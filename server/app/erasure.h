// Erasure: the right to be forgotten and the right to see one's data (docs/privacy.md).
//
// Erase() erases a person on a platform: a member (by an admin, or by themself) or a
// resident who sent a proposal (by an admin, or through their private status link). In
// order, each step idempotent:
//   1. the key store marks the erasure begun, with the person's name;
//   2. the command ErasePerson appends PersonErased (the decider checks who may, and that
//      the last admin stays); the live model folds it and shows the erased forms at once;
//   3. the person's key is destroyed: every replay of the log, however old, and every
//      export show the erased forms from then on;
//   4. the platform's checkpoint is rewritten from the model, and what held plaintext is
//      compacted away: the old checkpoint, their account, sessions, feed keys and invite
//      links (unless they are still a member of another platform), their mail settings
//      and read marks, and queued mail that names them;
//   5. the mark is dropped.
// A crash between 1 and 2 leaves the person fully there: Recover() at start-up drops the
// mark. A crash after 2 leaves them erased in the log: Recover() finishes 3-5. So a person
// is either fully there or fully erased, never half.
//
// Inzage() gathers what is kept about a person: their account, their mail settings, their
// role history and every event they caused or that names them, opened with the keys.
//
// Every method may block (a platform's lock, compactions): call them on a worker.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access.h"
#include "auth_store.h"
#include "command_service.h"
#include "notification_store.h"
#include "rotonde/eventstore/event_log.h"
#include "sealed_events.h"

namespace rotonde::app {

struct ErasureResult {
  std::string person_id;
  uint64_t position = 0;  // PersonErased's
  bool account_deleted = false;
};

// A change of a person's role on a platform, from the log.
struct RoleChange {
  uint64_t position = 0;
  int64_t recorded_at = 0;               // seconds since the Unix epoch
  v1::Role role = v1::ROLE_UNSPECIFIED;  // ROLE_UNSPECIFIED: left, or erased
};

// What is kept about a person on a platform (the inzage).
struct PersonalData {
  std::string platform;
  std::string person_id;
  std::optional<auth::Account> account;
  std::optional<v1::MailSettings> mail_settings;
  std::vector<RoleChange> roles;
  std::vector<eventstore::EventRecord> events;  // in log order; render them with opener()
};

class Erasure {
 public:
  // `notifications` may be null (no mail settings kept). A command service without keys
  // (CommandService::SetPrivacy) seals nothing: then Erase answers unavailable.
  Erasure(eventstore::EventLog& store, CommandService& commands, auth::AuthStore& auth,
          mail::NotificationStore* notifications);

  // Erases `person_id` (empty: the caller) on `platform`, as the caller. Refusals:
  // platform_not_found, read_only, forbidden (another person, not an admin), not_found,
  // already_erased, last_admin; unavailable.
  Result<ErasureResult> Erase(const Caller& caller, const std::string& platform,
                              const std::string& person_id);
  // The same for a resident who sent a proposal, through its status link: `resident_id`
  // is theirs (PublicProposals checked the link).
  Result<ErasureResult> EraseResident(const std::string& platform, const std::string& resident_id);

  // Called after each step with its name ("begun", "appended", "key_destroyed",
  // "checkpoint_rewritten", "accounts_forgotten"): the crash tests stop the process there.
  // Call before the first erasure.
  void SetProbe(std::function<void(std::string_view step)> probe) { probe_ = std::move(probe); }

  // Finishes or drops the erasures a crash interrupted, and destroys again the key of
  // anyone the log says was erased (a key store restored from a backup older than the log
  // brings such keys back). Call at start-up, after the platforms are loaded and before
  // serving.
  Status Recover();

  // The caller's own data on `platform`: platform_not_found unless they are a member.
  Result<PersonalData> Inzage(const Caller& caller, const std::string& platform);
  // A resident's data, through their status link: the events that name them and those of
  // their proposal's stream.
  Result<PersonalData> ResidentInzage(const std::string& platform, const std::string& resident_id,
                                      const std::string& proposal_stream);

 private:
  Result<ErasureResult> EraseAs(const std::string& platform, const std::string& actor,
                                const std::string& person_id);
  // Steps 3-5 for a person whose PersonErased is in the log.
  Status Finish(const std::string& platform, const std::string& person_id, const std::string& name);
  Result<PersonalData> Gather(const std::string& platform, const std::string& person_id,
                              const std::string& extra_stream);

  eventstore::EventLog& store_;
  CommandService& commands_;
  auth::AuthStore& auth_;
  mail::NotificationStore* notifications_;
  Access access_;
  std::function<void(std::string_view)> probe_ = [](std::string_view) {};
};

}  // namespace rotonde::app
