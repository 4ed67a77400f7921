// Benchmarks of the event store and of the disk beneath it.
#pragma once

#include <string>

namespace rotonde::bench {

// Durable appends with 1, 16 and 64 writers, the catch-up read rate on a store in `dir`, and
// after them the disk's own limit: appends of the same ~200-byte events to a plain file with
// one fdatasync per batch, at the batch size (events per fsync) each writer count achieved.
void RegisterEventStoreBenchmarks(const std::string& dir);

// Closes the store the benchmarks used; call before removing `dir`.
void CloseEventStoreBenchmarks();

}  // namespace rotonde::bench
