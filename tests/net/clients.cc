#include "clients.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace rotonde::test_support {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

json::value HttpReply::Json() const {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  return ec ? json::value() : value;
}

std::string HttpReply::Code() const {
  json::value value = Json();
  if (!value.is_object()) return {};
  const json::value* code = value.as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->as_string()) : std::string();
}

HttpReply Http(uint16_t port, const std::string& method, const std::string& target,
               const std::string& body, const std::map<std::string, std::string>& headers) {
  HttpReply reply;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return reply;
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  // An empty value leaves the header out (and Content-Type's default with it).
  for (const auto& [name, value] : headers) {
    if (!value.empty()) request.set(name, value);
  }
  if (!body.empty() || method == "POST") {
    if (headers.count("Content-Type") == 0)
      request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  http::write(stream, request, ec);
  if (ec) return reply;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(stream, buffer, parser, ec);
  if (ec) return reply;
  auto& response = parser.get();
  reply.status = response.result_int();
  reply.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  return reply;
}

std::string SignIn(uint16_t port, const std::string& login) {
  HttpReply reply = Http(port, "POST", "/api/v1/session",
                         R"({"login":")" + login + R"(","password":"rotonde-demo"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  const json::value body = reply.Json();
  const json::value* token = body.is_object() ? body.as_object().if_contains("token") : nullptr;
  return token && token->is_string() ? std::string(token->as_string()) : std::string();
}

bool WsClient::Connect(uint16_t port, const std::string& token, int receive_buffer_bytes,
                       std::string* error) {
  ws_.emplace(ioc_);
  beast::error_code ec;
  auto& socket = beast::get_lowest_layer(*ws_).socket();
  socket.open(tcp::v4(), ec);
  if (!ec && receive_buffer_bytes > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes), ec);
  }
  if (!ec) socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (!ec) {
    ws_->set_option(websocket::stream_base::decorator([token](websocket::request_type& request) {
      if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    }));
    ws_->read_message_max(64 << 20);
    websocket::response_type response;
    ws_->handshake(response, "127.0.0.1:" + std::to_string(port), "/api/v1/ws", ec);
    if (ec && error) *error = std::to_string(response.result_int()) + " " + response.body();
  } else if (error) {
    *error = ec.message();
  }
  return !ec;
}

bool WsClient::Send(const json::object& message) { return SendText(json::serialize(message)); }

bool WsClient::SendText(const std::string& text) {
  beast::error_code ec;
  ws_->text(true);
  ws_->write(asio::buffer(text), ec);
  if (ec) send_error_ = ec.message();
  return !ec;
}

bool WsClient::SendBinary(const std::string& bytes) {
  beast::error_code ec;
  ws_->binary(true);
  ws_->write(asio::buffer(bytes), ec);
  ws_->text(true);
  if (ec) send_error_ = ec.message();
  return !ec;
}

std::optional<json::object> WsClient::Read(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  bool done = false;
  beast::error_code result;
  ws_->async_read(buffer_, [&](beast::error_code ec, size_t) {
    done = true;
    result = ec;
  });
  ioc_.restart();
  ioc_.run_for(timeout);
  if (!done) {
    // Timed out: cancel the read (the connection stays usable for the next Read).
    beast::get_lowest_layer(*ws_).socket().cancel();
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(5));
    if (result == asio::error::operation_aborted || !done) {
      // A cancelled WebSocket read leaves the stream unusable: treat as closed.
      closed_ = true;
    }
    return std::nullopt;
  }
  if (result) {
    closed_ = true;
    close_code_ = ws_->reason().code;
    close_error_ = result.message();
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return json::object{{"type", "unparsable"}, {"text", text}};
  return std::move(value.as_object());
}

std::optional<json::object> WsClient::ReadUntil(const std::string& type,
                                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto message = Read(std::max(left, std::chrono::milliseconds(1)));
    if (!message) return std::nullopt;
    const json::value* t = message->if_contains("type");
    if (t && t->is_string() && t->as_string() == type) return message;
    skipped_.push_back(std::move(*message));
  }
  return std::nullopt;
}

void WsClient::Drop() {
  beast::error_code ec;
  beast::get_lowest_layer(*ws_).socket().close(ec);
  closed_ = true;
}

}  // namespace rotonde::test_support
