#include "api_error.h"

#include <array>
#include <variant>

namespace rotonde::net {

int HttpStatusOf(std::string_view code) {
  struct Row {
    std::string_view code;
    int status;
  };
  static constexpr std::array kRows = {
      Row{"bad_request", 400},
      Row{"invalid_utf8", 400},
      Row{"unknown_command", 400},
      Row{"missing_field", 400},
      Row{"invalid_argument", 400},
      Row{"invalid_text", 400},
      Row{"text_too_long", 400},
      Row{"invalid_date", 400},
      Row{"invalid_time", 400},
      Row{"invalid_kind", 400},
      Row{"invalid_role", 400},
      Row{"invalid_amount", 400},
      Row{"invalid_login", 400},
      Row{"weak_password", 400},
      Row{"invalid_contact", 400},
      Row{"spam_suspected", 400},
      Row{"unauthenticated", 401},
      Row{"session_expired", 401},
      Row{"bad_credentials", 401},
      Row{"bad_origin", 403},
      Row{"read_only", 403},
      Row{"forbidden", 403},
      Row{"not_a_member", 403},
      Row{"platform_not_found", 404},
      Row{"not_found", 404},
      Row{"invite_not_found", 404},
      Row{"checkpoint_not_found", 404},
      Row{"invalid_link", 404},
      Row{"method_not_allowed", 405},
      Row{"invite_expired", 410},
      Row{"invite_used", 410},
      Row{"too_large", 413},
      Row{"unsupported_media_type", 415},
      Row{"rate_limited", 429},
      Row{"backup_failed", 500},
      Row{"unavailable", 503},
      Row{"not_ready", 503},
  };
  for (const Row& row : kRows) {
    if (row.code == code) return row.status;
  }
  return 409;
}

boost::json::object ErrorJson(const Error& error, std::optional<uint64_t> position) {
  boost::json::object details;
  for (const ErrorDetail& detail : error.details) {
    std::visit([&](const auto& value) { details[detail.name] = value; }, detail.value);
  }
  boost::json::object out;
  out["code"] = error.code;
  out["message"] = error.message;
  out["details"] = std::move(details);
  if (position) out["position"] = *position;
  return out;
}

}  // namespace rotonde::net
