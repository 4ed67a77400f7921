// A real SMTP server on a free loopback port that keeps every message it is given, for the
// mail tests: it speaks enough of RFC 5321 for libcurl (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT), offers no STARTTLS, and can be told to answer every MAIL FROM with a 4xx for now.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rotonde::test_support {

struct SinkMessage {
  std::string from;                     // the envelope sender, as given (without < >)
  std::vector<std::string> recipients;  // the envelope recipients
  std::string data;                     // the message as sent, dot-stuffing undone
};

class SmtpSink {
 public:
  // Listens on 127.0.0.1 at `port` (0: a free one) and serves on a thread of its own.
  explicit SmtpSink(uint16_t port = 0);
  ~SmtpSink();  // stops, closing every connection
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Answer MAIL FROM with "451 try again later" while true.
  void SetRefusing(bool refusing) { refusing_ = refusing; }

  std::vector<SinkMessage> messages() const;
  // Waits until at least `count` messages came, or `timeout` passed; the messages then.
  std::vector<SinkMessage> WaitFor(size_t count, std::chrono::milliseconds timeout) const;

 private:
  void Serve();
  void Talk(int fd);

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> refusing_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable arrived_;
  std::vector<SinkMessage> messages_;
  std::vector<std::thread> talkers_;
  std::thread acceptor_;
};

// The decoded text of a MIME part of `data` with this Content-Type prefix ("text/plain"),
// whose body is base64; empty if there is none.
std::string MimePartText(const std::string& data, const std::string& content_type);
// A header's value (the first of that name, unfolded, RFC 2047 words of UTF-8 decoded), or
// empty.
std::string HeaderOf(const std::string& data, const std::string& name);

}  // namespace rotonde::test_support
