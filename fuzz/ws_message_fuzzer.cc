// WebSocket client messages (server/net/ws_message.h): any text frame a signed-in client
// sends. Checks what ParseWsMessage promises of what it takes (the type is one of six, the
// members each type needs are there, a fromHash is 32 bytes, a command is a JSON object) and
// that `*id` is the message's id; a refusal is bad_request with a message, and names no id
// when the frame is no JSON object. A command's object then goes through ParseProtoJson as
// the session decodes it, and what that takes renders and reads back to the same message.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "proto_json.h"
#include "rotonde/v1/commands.pb.h"
#include "ws_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string id = "stale";
  const auto parsed = rotonde::net::ParseWsMessage(text, &id);
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(text, ec);
  const bool object = !ec && value.is_object();
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == "bad_request" && !parsed.status().message().empty());
    if (!object) FUZZ_CHECK(id.empty());
    return 0;
  }
  FUZZ_CHECK(object);
  const rotonde::net::WsClientMessage& message = parsed.value();
  FUZZ_CHECK(message.id == id);
  const std::string& type = message.type;
  FUZZ_CHECK(type == "ping" || type == "subscribe" || type == "unsubscribe" || type == "watch" ||
             type == "unwatch" || type == "command");
  if (type == "subscribe") {
    FUZZ_CHECK(!message.platform.empty());
    FUZZ_CHECK(message.from_hash.empty() || message.from_hash.size() == 32);
  }
  if (type == "watch" || type == "unwatch") {
    FUZZ_CHECK(!message.platform.empty() && !message.view.empty());
  }
  if (type != "command") {
    FUZZ_CHECK(message.command.empty());
    return 0;
  }
  FUZZ_CHECK(!message.platform.empty());
  const boost::json::value command = boost::json::parse(message.command, ec);
  FUZZ_CHECK(!ec && command.is_object());
  rotonde::v1::Command decoded;
  if (!rotonde::wire::ParseProtoJson(message.command, &decoded, "a command").ok()) return 0;
  const std::string rendered = rotonde::wire::MessageJson(decoded);
  rotonde::v1::Command again;
  FUZZ_CHECK(rotonde::wire::ParseProtoJson(rendered, &again, "a command").ok());
  FUZZ_CHECK(again.SerializeAsString() == decoded.SerializeAsString());
  return 0;
}
