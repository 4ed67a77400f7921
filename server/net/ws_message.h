// The messages a client sends on the WebSocket (docs/api.md, "WebSocket"), read from one text
// frame into what the session acts on. Split out of the session (ws_session.cc) so that the
// reading can be tested and fuzzed without a socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rotonde/base/status.h"

namespace rotonde::net {

struct WsClientMessage {
  std::string id;    // echoed in the answer; "" when the message has none
  std::string type;  // ping, subscribe, unsubscribe, watch, unwatch or command
  std::string platform;
  // subscribe: the position to resume after (0: from the start), and the raw 32-byte hash
  // of the event the client saw there ("" when not given).
  uint64_t from = 0;
  std::string from_hash;
  // watch and unwatch: the view, and watch's parameters (app::ViewParams), as given.
  std::string view;
  std::string view_from, view_to, period, entity, today;
  // command: the command object, serialized as JSON (for ParseCommand).
  std::string command;
};

// Reads one text frame. A string member is taken as it is, and a whole-number one as its
// decimal text (ids, platforms and view parameters may be sent as numbers); a member of
// another kind reads as "". bad_request, with a message for the client, when the frame is
// not one JSON object, the type is missing or unknown, a member is one the type does not know,
// subscribe lacks a platform or has a `from` that is no position (a whole number >= 0) or a
// `fromHash` that is not 64 lowercase hex digits, watch or unwatch lack a platform or a view, or
// command lacks a platform or a command object, or its object holds a number beyond a double
// (2e999). `*id` is set to the message's id as soon as it is read, so that an answer to a refused
// message can name it ("" when the frame is no JSON object). On success: `type` is one of the six;
// for subscribe `platform` is not empty and `from_hash` is empty or 32 bytes; for watch and unwatch
// `platform` and `view` are not empty; for command `platform` is not empty and `command` is a JSON
// object's text.
Result<WsClientMessage> ParseWsMessage(std::string_view text, std::string* id);

}  // namespace rotonde::net
