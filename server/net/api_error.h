// ApiError: how the server answers anything it refuses — `{code, message, details}` with a
// stable lower_snake_case code (docs/api.md "Error codes") and the HTTP status that goes
// with it. Refusals of the domain's rules (docs/domain.md) pass through unchanged.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rotonde::net {

struct ApiError {
  std::string code;
  std::string message;
  boost::json::object details;
};

// The HTTP status of a code: 400 for malformed input, 401/403/404 for who may see what, 409
// for a rule of the domain, 413, 429, 503. Unknown codes are rules: 409.
int HttpStatusOf(std::string_view code);

// The error as its JSON object, with the log position the answer reflects.
boost::json::object ErrorJson(const ApiError& error, uint64_t position);

// A value or the ApiError saying why there is none.
template <typename T>
class Answer {
 public:
  Answer(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Answer(ApiError error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  const ApiError& error() const { return error_; }

 private:
  std::optional<T> value_;
  ApiError error_;
};

inline ApiError Err(std::string code, std::string message) {
  return ApiError{std::move(code), std::move(message), {}};
}

}  // namespace rotonde::net
