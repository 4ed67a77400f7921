// Real clients for server tests, on 127.0.0.1 only: a blocking HTTP client and a WebSocket
// client whose every wait is bounded by a timeout.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rotonde::test_support {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  boost::json::value Json() const;             // null if the body is not JSON
  std::string Code() const;                    // the error's code, or ""
};

// One request on a new connection. `headers` e.g. {{"Authorization", "Bearer ..."}}; one with
// an empty value is left out (a body is sent as application/json unless Content-Type is given).
HttpReply Http(uint16_t port, const std::string& method, const std::string& target,
               const std::string& body = {},
               const std::map<std::string, std::string>& headers = {});

// Signs `login` in with the demo's password (rotonde-demo); the session token, or "" (and a
// test failure) if refused.
std::string SignIn(uint16_t port, const std::string& login);

// Waits up to `bound` for `condition`, polling; returns whether it held.
template <typename Condition>
bool WaitFor(Condition condition, std::chrono::steady_clock::duration bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!condition() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

class WsClient {
 public:
  // Connects and upgrades; `token` as Bearer (empty: no credentials). Fails the test (via
  // the returned bool) rather than throwing.
  WsClient() = default;
  bool Connect(uint16_t port, const std::string& token, int receive_buffer_bytes = 0,
               std::string* error = nullptr);
  bool Send(const boost::json::object& message);
  bool SendText(const std::string& text);
  bool SendBinary(const std::string& bytes);
  // The next message, or nullopt on timeout or when the connection closed (then closed()
  // and close_code() tell).
  std::optional<boost::json::object> Read(std::chrono::milliseconds timeout);
  // Reads until a message of `type` arrives; the others read on the way are kept for
  // TakeSkipped().
  std::optional<boost::json::object> ReadUntil(const std::string& type,
                                               std::chrono::milliseconds timeout);
  std::vector<boost::json::object> TakeSkipped() { return std::exchange(skipped_, {}); }
  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }
  // Why the last read failed ("WebSocket connection closed normally", "Connection reset").
  const std::string& close_error() const { return close_error_; }
  // Why the last send failed ("Broken pipe", "Connection reset by peer"); empty if it did not.
  // A failed send leaves the stream failed: later reads end with "Operation canceled".
  const std::string& send_error() const { return send_error_; }
  // Drops the connection without a close handshake (a phone losing its network).
  void Drop();

 private:
  boost::asio::io_context ioc_;
  std::optional<boost::beast::websocket::stream<boost::beast::tcp_stream>> ws_;
  boost::beast::flat_buffer buffer_;
  bool closed_ = false;
  int close_code_ = 0;
  std::string close_error_;
  std::string send_error_;
  std::vector<boost::json::object> skipped_;
};

}  // namespace rotonde::test_support
