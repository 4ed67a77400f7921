// Status and Result: how Rotonde modules report failure across module lines, instead of
// exceptions. A Status is ok or carries a stable code plus a human message; the code is what
// callers branch on, the message is for people.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rotonde {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,       // the caller's input is malformed; nothing was changed
  kWrongExpectedVersion,  // optimistic concurrency check failed; nothing was written
  kIdConflict,            // an event id is stored already, for a different event or mixed batch
  kTooLarge,              // an event or a batch exceeds a documented limit
  kNotFound,
  kCorruption,  // stored data fails its checks (hash chain, parse, ordering)
  kIOError,     // the disk or RocksDB failed; the store stops accepting writes
  kClosed,      // the store is closed or closing
  kTimeout,
};

// Stable lower_snake_case name of a code, e.g. "wrong_expected_version". Used on the wire.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Closed(std::string m) { return {StatusCode::kClosed, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none. Holding a value implies status().ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
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

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace rotonde
