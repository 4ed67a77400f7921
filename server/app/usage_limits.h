// The application's limits (docs/api.md, "Limits"): how long sessions and invites live, and
// how many events one page of the feed holds, how much the public proposal form takes; and
// which day views take as today.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rotonde::app {

// How many proposals the public form takes in an hour.
struct PublicLimits {
  size_t per_address_per_hour = 5;
  size_t per_platform_per_hour = 60;
};

struct Limits {
  int64_t session_ttl_seconds = 30 * 24 * 3600;
  int64_t invite_default_hours = 168;
  int64_t invite_max_hours = 720;
  size_t events_page_default = 1000;
  size_t events_page_max = 10'000;
  PublicLimits public_form;
  // The day views take as today ("YYYY-MM-DD"), fixed for a demo told as of a day or a test;
  // "" for the date in Amsterdam now.
  std::string fixed_today;
};

}  // namespace rotonde::app
