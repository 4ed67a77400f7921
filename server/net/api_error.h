// How the server answers anything it refuses: `{code, message, details, position}` with a
// stable lower_snake_case code (docs/api.md "Error codes") and the HTTP status that goes
// with it. Refusals of the domain's rules (docs/domain.md) pass through unchanged.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rotonde/base/status.h"

namespace rotonde::net {

// The HTTP status of a code: 400 for malformed input, 401/403/404 for who may see what, 409
// for a rule of the domain, 413, 429, 503. Unknown codes are rules: 409.
int HttpStatusOf(std::string_view code);

// The error as its JSON object; with `position` (the platform's position the answer
// reflects) when the request is about one platform.
boost::json::object ErrorJson(const Error& error, std::optional<uint64_t> position = {});

inline Error Err(std::string code, std::string message) {
  return Error{std::move(code), std::move(message), {}};
}

}  // namespace rotonde::net
