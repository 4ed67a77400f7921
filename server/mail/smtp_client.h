// Hands one message to an SMTP server, through libcurl (a well-kept SMTP client with
// STARTTLS, SMTPS and authentication, so we write none of it).
#pragma once

#include <string>

#include "rotonde/base/status.h"

namespace rotonde::mail {

// The refusal codes of SendMail.
namespace codes {
// Worth another try later: no connection, a timeout, a 4xx answer.
inline constexpr std::string_view kSmtpTransient = "smtp_transient";
// The server refused the message or the recipient for good (a 5xx answer).
inline constexpr std::string_view kSmtpPermanent = "smtp_permanent";
}  // namespace codes

struct SmtpConfig {
  // "smtp://host:port" (STARTTLS when the server offers it), "smtps://host:port"; user and
  // password, when needed, in the URL ("smtp://user:password@host:587").
  std::string url;
  std::string from;  // the envelope sender and From address
  long timeout_seconds = 30;
};

// Sends `message` (a whole RFC 5322 message, CRLF line ends) to `to`. ok once the server
// accepted it for delivery (250 after DATA).
Status SendMail(const SmtpConfig& config, const std::string& to, const std::string& message);

}  // namespace rotonde::mail
