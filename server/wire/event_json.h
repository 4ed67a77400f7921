// One stored event as the JSON object the NDJSON feed and the WebSocket `event` message carry
// (docs/api.md, "Reads"): readable without the schema's binary form.
#pragma once

#include <string>

#include "rotonde/v1/event.pb.h"

namespace rotonde::wire {

// `record` as one JSON object without whitespace, keys in this order:
//   id, stream, version, position, type, recordedAt, actor, correlationId, event, hash, prevHash
// - version and position are JSON numbers (not protobuf's 64-bit strings): envelopes carry
//   positions as numbers, and a log position stays far below 2^53;
// - recordedAt is RFC 3339 UTC as in protobuf's mapping, null if the record has none;
// - event is the payload decoded as a v1::DomainEvent in protobuf's canonical JSON mapping
//   (MessageJson); if the payload is not a DomainEvent with an event set, event is null and
//   an extra key payloadBase64 holds the payload's bytes;
// - hash and prevHash are lowercase hex.
std::string EventJson(const v1::EventRecord& record);

}  // namespace rotonde::wire
