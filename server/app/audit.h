// Audit: what an auditor does without trusting the live read side. Verify walks a platform's
// log and checks every hash, link and index; ModelAsOf folds a platform's log up to a position, the
// same fold the live model is, so a view "as of" that position is exactly the platform as
// it was then.
//
// Both read the whole log or a platform's prefix: call them on a worker.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "access.h"
#include "rotonde/eventstore/event_store.h"
#include "rotonde/projections/platform_model.h"

namespace rotonde::app {

class Audit {
 public:
  Audit(eventstore::EventStore& store, CommandService& commands);

  // Verifies the platform's log (every hash, link, version and index entry); auditors and
  // admins of `platform` only (forbidden for others). One verification at a time; others
  // wait. unavailable if the walk cannot be done.
  Result<eventstore::VerifyReport> Verify(const Caller& caller, const std::string& platform);

  // The platform's model folded from its first event up to and including position `at`.
  // No authorization: the caller has checked who may read the platform.
  Result<projections::PlatformModel> ModelAsOf(const std::string& platform, uint64_t at);

 private:
  eventstore::EventStore& store_;
  Access access_;
  std::mutex verify_mu_;
};

}  // namespace rotonde::app
