// Rewriting a store of the format before each platform had a log of its own
// ("rotonde-eventstore-1": one log and one hash chain across all platforms) into the current
// format, one log per platform. `rotonde migrate` is its only user.
//
// The old store is read as it lies on disk, without opening it as an EventStore (which
// refuses it) and without writing to it: its files stay exactly as they were, so the old
// store remains the evidence of what was migrated. Its whole chain is checked first, by the
// rule it was written with:
//
//   hash(n) = SHA-256( prev_hash(n) ‖ the stored record of n without its hash field ),
//   prev_hash(1) = 32 zero bytes
//
// and a store that fails the check is not migrated. Then each event goes to its platform's
// log (its stream's name up to the first '/'), in the old log's order, with the next position
// of that log and a hash of the current chain (docs/verification.md). Everything else the
// event holds (id, stream, version, type, time, actor, correlation id, payload) is kept byte
// for byte, so each platform's history reads exactly as before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rotonde/base/status.h"
#include "rotonde/eventstore/event_store.h"

namespace rotonde::eventstore {

struct OneLogMigration {
  uint64_t events = 0;  // events migrated: all of the old log
  HeadInfo old_head;    // the old log's last event: what `rotonde verify` printed for it
  // Each new platform log's head, in name order.
  std::vector<std::pair<std::string, HeadInfo>> platforms;
};

struct OneLogMigrationOptions {
  // Events of a platform written by one EventStore::Import.
  size_t chunk_events = 1000;
};

// Migrates the one-log store in `from_dir` into `to`, which must hold none of its platforms.
// Never writes to `from_dir`. Fails with kNotFound (no store in `from_dir`), kInvalidArgument
// (a store, but not of the one-log format), kIOError (in use by a running server, or
// unreadable), kCorruption (its chain or positions are damaged; the message names the first
// bad position), or what EventStore::Import says. After a failure `to` may hold part of the
// events: discard it.
Result<OneLogMigration> MigrateOneLogStore(const std::string& from_dir, EventStore& to,
                                           const OneLogMigrationOptions& options = {});

}  // namespace rotonde::eventstore
