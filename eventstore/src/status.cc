#include "rotonde/eventstore/status.h"

namespace rotonde {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kWrongExpectedVersion:
      return "wrong_expected_version";
    case StatusCode::kIdConflict:
      return "id_conflict";
    case StatusCode::kTooLarge:
      return "too_large";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIOError:
      return "io_error";
    case StatusCode::kClosed:
      return "closed";
    case StatusCode::kTimeout:
      return "timeout";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace rotonde
