// Audit: what an auditor does without trusting the live read side. Verify walks a platform's
// log and checks every hash, link and index; Checkpoint hands out the server's signed note of
// a platform's head, with which an auditor checks the log without trusting the server at all
// (docs/verification.md); ModelAsOf folds a platform's log up to a position, the
// same fold the live model is, so a view "as of" that position is exactly the platform as
// it was then.
//
// Both read the whole log or a platform's prefix: call them on a worker.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "access.h"
#include "rotonde/eventstore/event_log.h"
#include "rotonde/projections/platform_model.h"
#include "signed_checkpoints.h"

namespace rotonde::app {

class Audit {
 public:
  // `notes` may be null: a server that signs nothing (Checkpoint answers unavailable).
  Audit(eventstore::EventLog& store, CommandService& commands, SignedCheckpoints* notes);

  // Verifies the platform's log (every hash, link, version and index entry); auditors and
  // admins of `platform` only (forbidden for others). One verification at a time; others
  // wait. unavailable if the walk cannot be done.
  Result<eventstore::VerifyReport> Verify(const Caller& caller, const std::string& platform);

  // The signed checkpoint of the platform's head now, or with `size` the one signed earlier
  // for that size; auditors and admins of `platform` only (forbidden for others).
  // position_beyond_head for a size past the head, checkpoint_not_found for one never
  // signed, checkpoint_conflict when the log does not extend what was signed.
  Result<SignedCheckpoint> Checkpoint(const Caller& caller, const std::string& platform,
                                      std::optional<uint64_t> size);
  // The verifier key of the server's signing key; empty when it signs nothing.
  std::string VerifierKey() const { return notes_ ? notes_->key().VerifierKey() : ""; }

  // The platform's model folded from its first event up to and including position `at`.
  // No authorization: the caller has checked who may read the platform.
  Result<projections::PlatformModel> ModelAsOf(const std::string& platform, uint64_t at);

 private:
  eventstore::EventLog& store_;
  SignedCheckpoints* const notes_;
  // Its opener() opens the replayed events' personal fields as the live model's do: the
  // replay shows the names the live views show (and the erased as erased).
  const CommandService& commands_;
  Access access_;
  std::mutex verify_mu_;
};

}  // namespace rotonde::app
