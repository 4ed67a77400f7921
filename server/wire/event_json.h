// One stored event as the JSON object the NDJSON feed and the WebSocket `event` message carry
// (docs/api.md, "Reads"): readable without the schema's binary form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rotonde/base/status.h"
#include "rotonde/projections/personal_data.h"
#include "rotonde/v1/event.pb.h"

namespace rotonde::wire {

// `record` as one JSON object without whitespace, keys in this order:
//   id, stream, version, position, type, recordedAt, actor, correlationId, event, hash, prevHash
// and, given the event's `body` (what its hash covers, docs/verification.md), also platform
// and body, as the export and the event feed carry them for verifiers:
// - version and position are JSON numbers (not protobuf's 64-bit strings): envelopes carry
//   positions as numbers, and a log position stays far below 2^53;
// - recordedAt is RFC 3339 UTC as in protobuf's mapping, null if the record has none or one
//   that is no time (seconds outside the years 1 to 9999, nanos outside a second: no store
//   writes one, but an imported body may hold one);
// - event is the payload decoded as a v1::DomainEvent in protobuf's canonical JSON mapping
//   (MessageJson); if the payload is not a DomainEvent with an event set, event is null and
//   an extra key payloadBase64 holds the payload's bytes;
// - hash and prevHash are lowercase hex;
// - platform is the stream's name up to its first '/'; body is base64 (RFC 4648, padded).
// `opener` opens the event's personal fields (projections/personal_data.h): what its keys
// allow is shown, the rest in its erased form.
std::string EventJson(const v1::EventRecord& record, const projections::EventOpener& opener,
                      std::optional<std::string_view> body = std::nullopt);

// One line of `rotonde export` (EventJson with the body) read back, as `rotonde import`
// reads it: `*platform` from its platform, and `*record` parsed from its body, with hash and
// prevHash set from theirs; the other members are not read (the body holds what they show).
// invalid_argument when the line is not a JSON object, lacks one of platform, body, prevHash
// and hash as strings, its body is not base64 of an EventRecord, or a hash is not 64
// lowercase hex digits. Checks nothing else: the store checks the chain on import.
Status ParseExportLine(std::string_view line, std::string* platform, v1::EventRecord* record);

}  // namespace rotonde::wire
