// A data directory for a `rotonde serve` child process, made in-process so the child starts at
// once.
#pragma once

#include <string>

namespace rotonde::test_support {

// The demo neighbourhood in `dir` (the store itself) with accounts for its active members in
// dir/auth (login: the first name, password kDemoPassword) at libsodium's minimum cost. Fails
// the test (fatally) if it cannot.
void PrepareDemoDataDir(const std::string& dir);

}  // namespace rotonde::test_support
