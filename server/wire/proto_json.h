// Protobuf messages as JSON: the one rendering every JSON answer and every pushed event uses.
//
// Byte for byte what protobuf's own printer (util::MessageToJsonString, without whitespace,
// with always_print_primitive_fields) writes, from the message's reflection instead of
// protobuf's converter, which re-parses the message's serialized bytes through a type
// resolver: an order of magnitude slower per event (`rotonde-bench
// --benchmark_filter=EventJson` measures both on the same event). The push feed renders every event
// once for all its subscribers, and that render sits between an event's commit and its frame.
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "rotonde/base/status.h"

namespace rotonde::wire {

// `message` in protobuf's canonical JSON mapping: lowerCamelCase keys, 64-bit integers as
// strings, enums by name, bytes as base64, Timestamps as RFC 3339; every primitive field
// printed (clients see zeros, "" and empty lists rather than missing keys); unset message
// fields and unset oneof members left out. Keys come in declaration order, except that set
// Timestamps and set oneof members of primitive type follow the others, in field-number
// order (where protobuf's printer puts them). "null" for a message protobuf cannot render
// (a Timestamp out of range), which a message built from a valid log never is.
//
// Messages holding a map or a well-known type other than Timestamp (none in our schema) are
// handed to protobuf's printer, so every message renders the same either way.
std::string MessageJson(const google::protobuf::Message& message);

// MessageJson's own printer, without protobuf's: appends `message` and returns true, or
// returns false with `out` as it was for a message it leaves to protobuf's printer (a map, a
// well-known type other than Timestamp, a Timestamp out of range).
bool AppendMessageJson(std::string* out, const google::protobuf::Message& message);

// Appends `text` as a JSON string, quotes included, escaped as protobuf's printer does:
// control characters, '"', '\\', '<', '>', DEL, the C1 controls and the invisible format
// characters (U+00AD, U+2028, U+FEFF, ...) as \uXXXX escapes, so the text is safe inside
// HTML and JavaScript too. Bytes that are not UTF-8 are dropped.
void AppendJsonString(std::string* out, std::string_view text);

// Reads `body`, a message in protobuf's JSON mapping, into `message` (cleared first),
// strictly: invalid_utf8 when it is not UTF-8; bad_request when it is not JSON as RFC 8259
// writes it (protobuf's reader alone also takes single quotes, unquoted keys and trailing
// commas), or not such a message (a member the message does not have, a value of the wrong
// type), with `what` naming the message in the error ("a command"). How every request body
// that is a message is read.
Status ParseProtoJson(std::string_view body, google::protobuf::Message* message,
                      std::string_view what);

}  // namespace rotonde::wire
