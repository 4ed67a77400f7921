// Status and Result: how Rotonde reports failure across module lines, instead of exceptions.
//
// A Status is ok, or it holds an Error: a stable lower_snake_case `code` that callers branch
// on and clients read on the wire (docs/api.md "Error codes", docs/domain.md), a `message`
// for people, and `details`: named values a client may act on (e.g. retryAfterSeconds). One
// type for every room: the event store's failures, the domain's refusals, the API's answers.
// A code is its own wire name, so no room translates another's codes.
//
// An ok Status holds no allocation; only failures pay for their text.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace rotonde {

// The codes base and the event store use. Other rooms name their own next to their callers
// (the domain's refusals, the API's codes); every code is lower_snake_case.
namespace codes {
inline constexpr std::string_view kInvalidArgument = "invalid_argument";  // input malformed
// Optimistic concurrency: the stream is not at the version the caller expected.
inline constexpr std::string_view kWrongExpectedVersion = "wrong_expected_version";
// An event id is stored already, for a different event or in a mixed batch.
inline constexpr std::string_view kIdConflict = "id_conflict";
inline constexpr std::string_view kTooLarge = "too_large";  // beyond a documented limit
inline constexpr std::string_view kNotFound = "not_found";
// Stored data fails its checks (hash chain, parse, ordering).
inline constexpr std::string_view kCorruption = "corruption";
// The disk or the database failed; a store stops accepting writes after one.
inline constexpr std::string_view kIOError = "io_error";
// Not now, later: the store's disk is full (appends are taken again once space is freed) or
// the server is draining. Retry with the same ids.
inline constexpr std::string_view kUnavailable = "unavailable";
inline constexpr std::string_view kClosed = "closed";  // closed or closing
inline constexpr std::string_view kTimeout = "timeout";
// Data in a format this version reads only to convert it (`rotonde migrate`).
inline constexpr std::string_view kOldFormat = "old_format";
// A reader asked for what is no longer kept where it reads (it fell behind).
inline constexpr std::string_view kOutOfRange = "out_of_range";
}  // namespace codes

// A named value of an error, for clients to act on (e.g. retryAfterSeconds: 30).
struct ErrorDetail {
  std::string name;
  std::variant<int64_t, std::string> value;
  bool operator==(const ErrorDetail&) const = default;
};

struct Error {
  std::string code;
  std::string message;
  std::vector<ErrorDetail> details;  // in the order they were added

  // The detail of that name, or null.
  const ErrorDetail* Detail(std::string_view name) const;
  bool operator==(const Error&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(std::string_view code, std::string message)
      : error_(std::make_unique<Error>(Error{std::string(code), std::move(message), {}})) {
    assert(!code.empty());
  }
  Status(Error error) : error_(std::make_unique<Error>(std::move(error))) {  // NOLINT: implicit
    assert(!error_->code.empty());
  }
  Status(const Status& other)
      : error_(other.error_ ? std::make_unique<Error>(*other.error_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) error_ = other.error_ ? std::make_unique<Error>(*other.error_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {codes::kInvalidArgument, std::move(m)}; }
  static Status Corruption(std::string m) { return {codes::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {codes::kIOError, std::move(m)}; }
  static Status NotFound(std::string m) { return {codes::kNotFound, std::move(m)}; }
  static Status Closed(std::string m) { return {codes::kClosed, std::move(m)}; }

  bool ok() const { return error_ == nullptr; }
  // The code; "" when ok.
  std::string_view code() const { return error_ ? std::string_view(error_->code) : ""; }
  // The message; "" when ok.
  const std::string& message() const;
  // The error. Requires !ok().
  const Error& error() const {
    assert(!ok());
    return *error_;
  }
  // Adds a detail to a failed status (ignored when ok) and returns it.
  Status& WithDetail(std::string name, std::variant<int64_t, std::string> value);
  // "<code>: <message>", or "ok".
  std::string ToString() const;

 private:
  std::unique_ptr<Error> error_;
};

// A value or the failed Status saying why there is none. Holding a value implies
// status().ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit
  // From anything T is made of (a derived unique_ptr for a base one, text for a string).
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Status> &&
           !std::is_same_v<std::remove_cvref_t<U>, Error> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>) Result(U&& value)
      : value_(std::in_place, std::forward<U>(value)) {}                         // NOLINT: implicit
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT
  Result(Error error) : status_(std::move(error)) {}                             // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  // The error. Requires !ok().
  const Error& error() const { return status_.error(); }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace rotonde
