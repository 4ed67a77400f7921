// Benchmarks of the event store and of the disk beneath it.
#pragma once

#include <string>

namespace rotonde::bench {

// Durable appends with 1, 16 and 64 writers, the catch-up read rate on a store in `dir`, and
// after them the disk's own limit: appends of the same ~200-byte events to a plain file with
// one fdatasync per batch, at the batch size (events per fsync) each writer count achieved.
void RegisterEventStoreBenchmarks(const std::string& dir);

// Durable appends through the PostgreSQL backend (PgEventLog) to the database at `url`, 16 and
// 64 in flight over 16 platforms: the grouping's figure against PostgreSQL's plain one event
// per transaction (../shared/peers, bench/pg_append.sh). Throws if the database cannot be
// opened.
void RegisterPgBenchmarks(const std::string& url);

// Closes the store the benchmarks used; call before removing `dir`.
void CloseEventStoreBenchmarks();

}  // namespace rotonde::bench
