#include "smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace rotonde::mail {
namespace {

struct Reader {
  const std::string& bytes;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* reader = static_cast<Reader*>(user);
  const size_t n = std::min(size * count, reader->bytes.size() - reader->offset);
  std::memcpy(buffer, reader->bytes.data() + reader->offset, n);
  reader->offset += n;
  return n;
}

}  // namespace

Status SendMail(const SmtpConfig& config, const std::string& to, const std::string& message) {
  static std::once_flag global;
  std::call_once(global, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status(codes::kSmtpTransient, "libcurl could not start");
  const std::string from = "<" + config.from + ">";
  const std::string rcpt = "<" + to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(recipients, curl_slist_free_all);
  Reader reader{message};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, config.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const CURLcode result = curl_easy_perform(c);
  if (result == CURLE_OK) return Status::Ok();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  const std::string why = std::string(curl_easy_strerror(result)) +
                          (reply != 0 ? " (SMTP " + std::to_string(reply) + ")" : "");
  if (reply >= 500 && reply < 600) return Status(codes::kSmtpPermanent, why);
  return Status(codes::kSmtpTransient, why);
}

}  // namespace rotonde::mail
