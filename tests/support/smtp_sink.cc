#include "smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace rotonde::test_support {
namespace {

bool SendAll(int fd, const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads one CRLF-terminated line (without it) into *line; false when the peer went away or
// the sink stops.
bool ReadLine(int fd, std::string& buffer, std::string* line, const std::atomic<bool>& stopping) {
  while (true) {
    const size_t end = buffer.find("\r\n");
    if (end != std::string::npos) {
      *line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (stopping) return false;
    if (ready <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "MAIL FROM:<a@b> SIZE=1" -> "a@b".
std::string AddressOf(const std::string& line) {
  const size_t open = line.find('<');
  const size_t close = line.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;  // line ends, padding
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  return out;
}

}  // namespace

SmtpSink::SmtpSink(uint16_t port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0) {
    ::close(listener_);
    throw std::runtime_error("the SMTP sink cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { Serve(); });
}

SmtpSink::~SmtpSink() {
  stopping_ = true;
  acceptor_.join();
  for (std::thread& t : talkers_) t.join();
  ::close(listener_);
}

void SmtpSink::Serve() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) continue;
    talkers_.emplace_back([this, fd] {
      Talk(fd);
      ::close(fd);
    });
  }
}

void SmtpSink::Talk(int fd) {
  std::string buffer, line;
  SinkMessage message;
  if (!SendAll(fd, "220 sink.test ESMTP\r\n")) return;
  while (ReadLine(fd, buffer, &line, stopping_)) {
    const std::string verb = Upper(line.substr(0, 4));
    if (verb == "EHLO" || verb == "HELO") {
      SendAll(fd, "250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
    } else if (verb == "MAIL") {
      if (refusing_) {
        SendAll(fd, "451 4.3.0 try again later\r\n");
        continue;
      }
      message = SinkMessage{AddressOf(line), {}, {}};
      SendAll(fd, "250 2.1.0 ok\r\n");
    } else if (verb == "RCPT") {
      message.recipients.push_back(AddressOf(line));
      SendAll(fd, "250 2.1.5 ok\r\n");
    } else if (verb == "DATA") {
      SendAll(fd, "354 go ahead\r\n");
      std::string data;
      while (ReadLine(fd, buffer, &line, stopping_)) {
        if (line == ".") break;
        if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-stuffing
        data += line + "\r\n";
      }
      message.data = std::move(data);
      {
        std::lock_guard lock(mu_);
        messages_.push_back(std::move(message));
      }
      arrived_.notify_all();
      message = SinkMessage{};
      SendAll(fd, "250 2.0.0 queued\r\n");
    } else if (verb == "RSET" || verb == "NOOP") {
      SendAll(fd, "250 ok\r\n");
    } else if (verb == "QUIT") {
      SendAll(fd, "221 bye\r\n");
      return;
    } else {
      SendAll(fd, "502 not here\r\n");
    }
  }
}

std::vector<SinkMessage> SmtpSink::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

std::vector<SinkMessage> SmtpSink::WaitFor(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  arrived_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  return messages_;
}

std::string HeaderOf(const std::string& data, const std::string& name) {
  const std::string wanted = Upper(name) + ":";
  size_t at = 0;
  while (at < data.size()) {
    const size_t end = data.find("\r\n", at);
    if (end == at || end == std::string::npos) return {};  // the end of the headers
    if (Upper(data.substr(at, wanted.size())) == wanted) {
      std::string value = data.substr(at + wanted.size(), end - at - wanted.size());
      // Folded continuation lines.
      size_t next = end + 2;
      while (next < data.size() && (data[next] == ' ' || data[next] == '\t')) {
        const size_t e = data.find("\r\n", next);
        value += data.substr(next, e - next);
        next = e + 2;
      }
      value.erase(0, value.find_first_not_of(' '));
      // "=?UTF-8?B?...?=" words, the space between two of them dropped.
      std::string decoded;
      size_t i = 0;
      while (i < value.size()) {
        const size_t word = value.find("=?UTF-8?B?", i);
        if (word == std::string::npos) {
          decoded += value.substr(i);
          break;
        }
        std::string between = value.substr(i, word - i);
        if (i == 0 || between.find_first_not_of(' ') != std::string::npos) decoded += between;
        const size_t word_end = value.find("?=", word + 10);
        decoded += Base64Decode(value.substr(word + 10, word_end - word - 10));
        i = word_end == std::string::npos ? value.size() : word_end + 2;
      }
      return decoded;
    }
    at = end + 2;
  }
  return {};
}

std::string MimePartText(const std::string& data, const std::string& content_type) {
  const size_t type = data.find("Content-Type: " + content_type);
  if (type == std::string::npos) return {};
  const size_t body = data.find("\r\n\r\n", type);
  if (body == std::string::npos) return {};
  const size_t end = data.find("\r\n--", body + 4);
  return Base64Decode(
      data.substr(body + 4, end == std::string::npos ? std::string::npos : end - body - 4));
}

}  // namespace rotonde::test_support
