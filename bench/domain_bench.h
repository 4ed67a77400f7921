// Benchmarks of the neighbourhood domain's read side: rebuilding every view from a
// 1,000,000-event log, the clash check of a new initiative against 100,000 others, and
// starting up from checkpoints.
#pragma once

#include <string>

namespace rotonde::bench {

// Registers them; their data lives under `dir`.
void RegisterDomainBenchmarks(const std::string& dir);

}  // namespace rotonde::bench
