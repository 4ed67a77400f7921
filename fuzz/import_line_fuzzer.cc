// NDJSON import lines (server/wire/event_json.h): a line of `rotonde import`'s input, and the
// stored bytes of an event as `rotonde export` and the event feed render them. Checks:
// - a line ParseExportLine takes has 32-byte hashes, and EventJson of what it read (with
//   its body) reads back to the same platform and record: export and import are inverses;
// - a line it refuses is refused with invalid_argument;
// - any bytes that parse as an EventRecord render (EventJson) as one JSON object whose
//   recordedAt is an RFC 3339 time protobuf reads back to the record's, or null when the
//   record has none or one protobuf cannot write, whose event is null or an
//   object, and which reads back to the same record when its hashes are 32 bytes (else it
//   is refused).
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/time_util.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "event_json.h"
#include "fuzz_check.h"

namespace {

using rotonde::v1::EventRecord;

std::string PlatformOf(const EventRecord& record) {
  const std::string_view stream = record.stream();
  return std::string(stream.substr(0, stream.find('/')));
}

// EventJson(record, body) read back by ParseExportLine.
void CheckReadsBack(const EventRecord& record, std::string_view body) {
  const std::string line =
      rotonde::wire::EventJson(record, rotonde::projections::KeylessOpener(), body);
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(line, ec);
  FUZZ_CHECK(!ec && value.is_object());
  const boost::json::object& object = value.as_object();
  const boost::json::value* recorded_at = object.if_contains("recordedAt");
  FUZZ_CHECK(recorded_at != nullptr);
  if (!recorded_at->is_null()) {
    FUZZ_CHECK(recorded_at->is_string());
    google::protobuf::Timestamp time;
    FUZZ_CHECK(
        google::protobuf::util::TimeUtil::FromString(std::string(recorded_at->as_string()), &time));
    FUZZ_CHECK(time.seconds() == record.recorded_at().seconds() &&
               time.nanos() == record.recorded_at().nanos());
  } else {
    const auto& time = record.recorded_at();
    FUZZ_CHECK(!record.has_recorded_at() || time.nanos() < 0 || time.nanos() > 999'999'999 ||
               time.seconds() < google::protobuf::util::TimeUtil::kTimestampMinSeconds ||
               time.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds);
  }
  const boost::json::value* event = object.if_contains("event");
  FUZZ_CHECK(event != nullptr && (event->is_null() || event->is_object()));

  std::string platform;
  EventRecord back;
  const rotonde::Status read = rotonde::wire::ParseExportLine(line, &platform, &back);
  if (record.hash().size() != 32 || record.prev_hash().size() != 32) {
    FUZZ_CHECK(!read.ok() && read.code() == "invalid_argument");
    return;
  }
  FUZZ_CHECK(read.ok());
  FUZZ_CHECK(platform == PlatformOf(record));
  EventRecord expected;
  FUZZ_CHECK(expected.ParseFromArray(body.data(), static_cast<int>(body.size())));
  expected.set_hash(record.hash());
  expected.set_prev_hash(record.prev_hash());
  FUZZ_CHECK(back.SerializeAsString() == expected.SerializeAsString());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A string field that is not UTF-8 fails to parse, as it should, and protobuf would log it.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::string platform;
  EventRecord record;
  const rotonde::Status parsed = rotonde::wire::ParseExportLine(text, &platform, &record);
  if (parsed.ok()) {
    FUZZ_CHECK(record.hash().size() == 32 && record.prev_hash().size() == 32);
    EventRecord body = record;
    body.clear_hash();
    body.clear_prev_hash();
    CheckReadsBack(record, body.SerializeAsString());
  } else {
    FUZZ_CHECK(parsed.code() == "invalid_argument");
  }

  EventRecord stored;
  if (stored.ParseFromArray(data, static_cast<int>(size))) CheckReadsBack(stored, text);
  return 0;
}
