// A request target read into what the routes use: its path segments and its query. Split out
// of the routing (http_api.cc) so that it can be tested and fuzzed on its own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rotonde/base/status.h"

namespace rotonde::net {

// A request target's decoded path segments (empty ones skipped) and query.
struct Target {
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;  // a repeated name: the last value
};

// Parses an origin-form target (RFC 9112 3.2.1: a path and a query) with Boost.URL: percent
// escapes decoded in both, and '+' a space in the query only (as forms write it), a plus in
// the path. bad_request for anything else, a broken escape included; invalid_utf8 when a
// segment, a query name or a query value decodes to bytes that are not UTF-8 (the answer
// may echo them). On success every segment and every query name and value is valid UTF-8,
// and no segment is empty.
Result<Target> ParseTarget(std::string_view text);

// The query value named `key`, or `fallback` when there is none.
std::string QueryOr(const Target& target, const std::string& key, std::string fallback = {});

// A query number: nullopt when absent or empty, the value when it is a decimal whole number
// of at most 2^64 - 1 (digits only, leading zeros allowed), bad_request otherwise.
Result<std::optional<uint64_t>> QueryNumber(const Target& target, const std::string& key);

}  // namespace rotonde::net
