#include "event_json.h"

#include <string_view>

#include <google/protobuf/util/time_util.h>
#include <boost/json.hpp>

#include "proto_json.h"
#include "rotonde/base/base64.h"
#include "rotonde/base/hex.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::wire {

namespace {

// Appends `"key":` and the JSON string `value`.
void AddString(std::string* out, std::string_view key, std::string_view value) {
  AppendJsonString(out, key);
  out->push_back(':');
  AppendJsonString(out, value);
}

void AddRaw(std::string* out, std::string_view key, std::string_view json) {
  AppendJsonString(out, key);
  out->push_back(':');
  out->append(json);
}

// Whether protobuf writes `time` as RFC 3339: years 1 to 9999, nanos within a second (it
// writes "InvalidTime" otherwise).
bool IsTime(const google::protobuf::Timestamp& time) {
  using google::protobuf::util::TimeUtil;
  return time.seconds() >= TimeUtil::kTimestampMinSeconds &&
         time.seconds() <= TimeUtil::kTimestampMaxSeconds && time.nanos() >= 0 &&
         time.nanos() <= 999'999'999;
}

}  // namespace

std::string EventJson(const v1::EventRecord& record, const projections::EventOpener& opener,
                      std::optional<std::string_view> body) {
  // Built as text rather than as a boost::json::value: the event is already canonical JSON
  // from protobuf, and the feed renders thousands of these per request.
  std::string out = "{";
  AddString(&out, "id", record.id());
  out.push_back(',');
  AddString(&out, "stream", record.stream());
  out.push_back(',');
  AddRaw(&out, "version", std::to_string(record.version()));
  out.push_back(',');
  AddRaw(&out, "position", std::to_string(record.position()));
  out.push_back(',');
  AddString(&out, "type", record.type());
  out.push_back(',');
  if (record.has_recorded_at() && IsTime(record.recorded_at())) {
    AddString(&out, "recordedAt", google::protobuf::util::TimeUtil::ToString(record.recorded_at()));
  } else {
    AddRaw(&out, "recordedAt", "null");
  }
  out.push_back(',');
  AddString(&out, "actor", record.actor());
  out.push_back(',');
  AddString(&out, "correlationId", record.correlation_id());
  out.push_back(',');
  v1::DomainEvent event;
  std::string event_json = "null";
  if (opener.Open(record, &event) && event.event_case() != v1::DomainEvent::EVENT_NOT_SET) {
    event_json = MessageJson(event);
  }
  AddRaw(&out, "event", event_json);
  if (event_json == "null") {
    out.push_back(',');
    AddString(&out, "payloadBase64", Base64Of(record.payload()));
  }
  out.push_back(',');
  AddString(&out, "hash", HexOf(record.hash()));
  out.push_back(',');
  AddString(&out, "prevHash", HexOf(record.prev_hash()));
  if (body) {
    const std::string_view stream = record.stream();
    out.push_back(',');
    AddString(&out, "platform", stream.substr(0, stream.find('/')));
    out.push_back(',');
    AddString(&out, "body", Base64Of(*body));
  }
  out.push_back('}');
  return out;
}

Status ParseExportLine(std::string_view text, std::string* platform, v1::EventRecord* record) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return Status::InvalidArgument("not a JSON object");
  const boost::json::object& line = value.as_object();
  auto string_of = [&](std::string_view key) -> std::optional<std::string> {
    const boost::json::value* field = line.if_contains(key);
    if (field == nullptr || !field->is_string()) return std::nullopt;
    return std::string(field->as_string());
  };
  const auto platform_text = string_of("platform");
  const auto body = string_of("body");
  const auto prev_hash = string_of("prevHash");
  const auto hash = string_of("hash");
  if (!platform_text || !body || !prev_hash || !hash) {
    return Status::InvalidArgument(
        "an export line needs platform, body, prevHash and hash (docs/verification.md)");
  }
  const auto body_bytes = BytesOfBase64(*body);
  if (!body_bytes || !record->ParseFromString(*body_bytes)) {
    return Status::InvalidArgument("body is not the base64 of an event");
  }
  const auto prev_bytes = BytesOfLowerHex(*prev_hash, 32);
  const auto hash_bytes = BytesOfLowerHex(*hash, 32);
  if (!prev_bytes || !hash_bytes) {
    return Status::InvalidArgument("prevHash and hash are 64 lowercase hex digits");
  }
  record->set_prev_hash(*prev_bytes);
  record->set_hash(*hash_bytes);
  *platform = *platform_text;
  return Status::Ok();
}

}  // namespace rotonde::wire
