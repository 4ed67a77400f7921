#include "rotonde/base/status.h"

namespace rotonde {

const ErrorDetail* Error::Detail(std::string_view name) const {
  for (const ErrorDetail& detail : details) {
    if (detail.name == name) return &detail;
  }
  return nullptr;
}

const std::string& Status::message() const {
  static const std::string kNone;
  return error_ ? error_->message : kNone;
}

Status& Status::WithDetail(std::string name, std::variant<int64_t, std::string> value) {
  if (error_) error_->details.push_back(ErrorDetail{std::move(name), std::move(value)});
  return *this;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return error_->code + ": " + error_->message;
}

}  // namespace rotonde
