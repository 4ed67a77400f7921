// The application's limits (docs/api.md, "Limits"): how long sessions and invites live, and
// how many events one page of the feed holds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rotonde::app {

struct Limits {
  int64_t session_ttl_seconds = 30 * 24 * 3600;
  int64_t invite_default_hours = 168;
  int64_t invite_max_hours = 720;
  size_t events_page_default = 1000;
  size_t events_page_max = 10'000;
};

}  // namespace rotonde::app
