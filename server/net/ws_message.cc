#include "ws_message.h"

#include <algorithm>
#include <map>
#include <vector>

#include <boost/json.hpp>

#include "rotonde/base/hex.h"

namespace rotonde::net {

namespace json = boost::json;

namespace {

std::string StringOf(const json::object& message, std::string_view key) {
  const json::value* value = message.if_contains(key);
  if (value == nullptr) return {};
  if (value->is_string()) return std::string(value->as_string());
  if (value->is_int64() || value->is_uint64()) return json::serialize(*value);
  return {};
}

Status Bad(std::string why) { return Status("bad_request", std::move(why)); }

}  // namespace

Result<WsClientMessage> ParseWsMessage(std::string_view text, std::string* id) {
  id->clear();
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return Bad("a message is one JSON object");
  const json::object& object = parsed.as_object();
  WsClientMessage message;
  message.id = StringOf(object, "id");
  *id = message.id;
  message.type = StringOf(object, "type");
  message.platform = StringOf(object, "platform");
  const std::string& type = message.type;
  // A member the message's type does not know is refused, as in HTTP bodies: a misspelt
  // "from" must not quietly mean the platform's whole history.
  static const std::map<std::string_view, std::vector<std::string_view>> kMembers = {
      {"ping", {}},
      {"subscribe", {"platform", "from", "fromHash"}},
      {"unsubscribe", {"platform"}},
      {"watch", {"platform", "view", "from", "to", "period", "entity", "today"}},
      {"unwatch", {"platform", "view"}},
      {"command", {"platform", "command"}},
  };
  if (auto known = kMembers.find(type); known != kMembers.end()) {
    for (const auto& member : object) {
      const std::string_view key = member.key();
      if (key == "type" || key == "id") continue;
      if (std::find(known->second.begin(), known->second.end(), key) == known->second.end()) {
        return Bad("unknown field '" + std::string(key) + "' in a " + type + " message");
      }
    }
  }

  if (type == "ping" || type == "unsubscribe") return message;
  if (type == "subscribe") {
    if (const json::value* given = object.if_contains("from"); given && !given->is_null()) {
      if (given->is_uint64()) {
        message.from = given->as_uint64();
      } else if (given->is_int64() && given->as_int64() >= 0) {
        message.from = static_cast<uint64_t>(given->as_int64());
      } else {
        return Bad("'from' must be a position: a whole number");
      }
    }
    if (message.platform.empty()) return Bad("subscribe needs a platform");
    if (const json::value* given = object.if_contains("fromHash"); given && !given->is_null()) {
      const auto bytes =
          given->is_string() ? BytesOfLowerHex(given->get_string(), 32) : std::nullopt;
      if (!bytes) return Bad("'fromHash' must be an event's hash: 64 lowercase hex digits");
      message.from_hash = *bytes;
    }
    return message;
  }
  if (type == "watch" || type == "unwatch") {
    message.view = StringOf(object, "view");
    if (message.platform.empty() || message.view.empty()) {
      return Bad(type + " needs a platform and a view");
    }
    message.view_from = StringOf(object, "from");
    message.view_to = StringOf(object, "to");
    message.period = StringOf(object, "period");
    message.entity = StringOf(object, "entity");
    message.today = StringOf(object, "today");
    return message;
  }
  if (type == "command") {
    const json::value* command = object.if_contains("command");
    if (message.platform.empty() || command == nullptr || !command->is_object()) {
      return Bad("a command message needs a platform and a command object");
    }
    message.command = json::serialize(*command);
    // A number beyond a double (2e999) reads as infinity, which Boost.JSON writes as
    // "Infinity": no JSON. No field of a command holds such a number.
    json::parse(message.command, ec);
    if (ec) return Bad("a number in the command is out of range");
    return message;
  }
  return Bad(type.empty() ? "a message needs a type" : "unknown message type '" + type + "'");
}

}  // namespace rotonde::net
