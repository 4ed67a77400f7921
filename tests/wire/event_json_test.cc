// EventJson: a stored event as the feed's JSON object.
#include <gtest/gtest.h>

#include <cstdio>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <boost/json.hpp>

#include "demo_log.h"
#include "event_json.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::wire {
namespace {

using google::protobuf::util::TimeUtil;

std::string HexOf(const std::string& bytes) {
  std::string out;
  char two[3];
  for (unsigned char c : bytes) {
    std::snprintf(two, sizeof two, "%02x", c);
    out += two;
  }
  return out;
}

v1::EventRecord SampleRecord() {
  v1::DomainEvent event;
  auto* proposed = event.mutable_initiative_proposed();
  proposed->set_initiative_id("i-weggeefmarkt");
  proposed->set_kind(v1::INITIATIVE_KIND_GIVE_AWAY);
  proposed->set_title("Weggeefmarkt \"onder de luifel\"; één zaterdag");
  proposed->mutable_when()->set_start_date("2026-09-12");
  v1::EventRecord record;
  record.set_id("e-1");
  record.set_stream("kolenkit/initiative/i-weggeefmarkt");
  record.set_version(3);
  record.set_position(4512);
  record.set_type("InitiativeProposed");
  *record.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(1781000000);
  record.set_actor("m-dewi");
  record.set_correlation_id("c-7f3a");
  record.set_payload(event.SerializeAsString());
  record.set_prev_hash(std::string(31, '\0') + "\x01");
  record.set_hash(std::string("\xab\xcd\xef\x00\x10", 5) + std::string(27, '\xff'));
  return record;
}

TEST(EventJson, HasTheEnvelopeFieldsInOrderAndTheEventDecoded) {
  const v1::EventRecord record = SampleRecord();
  const std::string json = EventJson(record, projections::KeylessOpener());
  EXPECT_EQ(json.find('\n'), std::string::npos);
  const boost::json::value parsed = boost::json::parse(json);
  const boost::json::object& o = parsed.as_object();
  std::vector<std::string> keys;
  for (const auto& member : o) keys.emplace_back(member.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"id", "stream", "version", "position", "type", "recordedAt",
                                      "actor", "correlationId", "event", "hash", "prevHash"}));
  EXPECT_EQ(o.at("id"), boost::json::value("e-1"));
  EXPECT_EQ(o.at("stream"), boost::json::value("kolenkit/initiative/i-weggeefmarkt"));
  // Numbers, not protobuf's 64-bit strings.
  ASSERT_TRUE(o.at("version").is_number());
  EXPECT_EQ(o.at("version").to_number<uint64_t>(), 3u);
  ASSERT_TRUE(o.at("position").is_number());
  EXPECT_EQ(o.at("position").to_number<uint64_t>(), 4512u);
  EXPECT_EQ(o.at("type"), boost::json::value("InitiativeProposed"));
  EXPECT_EQ(o.at("recordedAt"), boost::json::value(TimeUtil::ToString(record.recorded_at())));
  EXPECT_EQ(o.at("actor"), boost::json::value("m-dewi"));
  EXPECT_EQ(o.at("correlationId"), boost::json::value("c-7f3a"));
  EXPECT_EQ(o.at("hash"), boost::json::value("abcdef0010" + std::string(54, 'f')));
  EXPECT_EQ(o.at("prevHash"), boost::json::value(std::string(62, '0') + "01"));

  const boost::json::object& event = o.at("event").as_object();
  const boost::json::object& proposed = event.at("initiativeProposed").as_object();
  EXPECT_EQ(proposed.at("title"),
            boost::json::value("Weggeefmarkt \"onder de luifel\"; één zaterdag"));
  EXPECT_EQ(proposed.at("kind"), boost::json::value("INITIATIVE_KIND_GIVE_AWAY"));
  EXPECT_EQ(proposed.at("when").at("startDate"), boost::json::value("2026-09-12"));
  // Canonical, with zeros and empty lists printed; only the event that is set.
  EXPECT_TRUE(proposed.at("organizerIds").as_array().empty());
  EXPECT_EQ(event.size(), 1u);
  // The event reads back as the payload.
  v1::DomainEvent back;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(boost::json::serialize(event), &back).ok());
  EXPECT_EQ(back.SerializeAsString(), record.payload());
}

TEST(EventJson, APayloadThatIsNoDomainEventTravelsAsBase64) {
  v1::EventRecord record = SampleRecord();
  record.set_payload(std::string("\xff\xfe\x00garbage", 10));
  boost::json::value parsed = boost::json::parse(EventJson(record, projections::KeylessOpener()));
  EXPECT_TRUE(parsed.at("event").is_null());
  EXPECT_EQ(parsed.at("payloadBase64"), boost::json::value("//4AZ2FyYmFnZQ=="));

  // Parses, but holds no event: the bytes are kept, not turned into "{}".
  record.set_payload("");
  parsed = boost::json::parse(EventJson(record, projections::KeylessOpener()));
  EXPECT_TRUE(parsed.at("event").is_null());
  EXPECT_EQ(parsed.at("payloadBase64"), boost::json::value(""));
  record.set_payload(std::string("\xf8\x01\x07", 3));  // only an unknown field 31
  parsed = boost::json::parse(EventJson(record, projections::KeylessOpener()));
  EXPECT_TRUE(parsed.at("event").is_null());
  EXPECT_EQ(parsed.at("payloadBase64"), boost::json::value("+AEH"));
  record.set_payload(std::string("\xf8\x01", 2) + "x");
  parsed = boost::json::parse(EventJson(record, projections::KeylessOpener()));
  EXPECT_EQ(parsed.at("payloadBase64"), boost::json::value("+AF4"));
}

TEST(EventJson, ARecordWithoutTimeOrHashes) {
  v1::EventRecord record = SampleRecord();
  record.clear_recorded_at();
  record.clear_hash();
  record.clear_prev_hash();
  const boost::json::value parsed =
      boost::json::parse(EventJson(record, projections::KeylessOpener()));
  EXPECT_TRUE(parsed.at("recordedAt").is_null());
  EXPECT_EQ(parsed.at("hash"), boost::json::value(""));
  EXPECT_EQ(parsed.at("prevHash"), boost::json::value(""));
}

// Found by fuzz/import_line_fuzzer.cc (fuzz/corpus/import_line/recorded-at-invalid-time): a
// body `rotonde import` took with nanos beyond a second was exported as "InvalidTime".
TEST(EventJson, ATimeProtobufCannotWriteIsNull) {
  v1::EventRecord record = SampleRecord();
  record.mutable_recorded_at()->set_nanos(1'692'784'919);
  EXPECT_TRUE(boost::json::parse(EventJson(record, projections::KeylessOpener()))
                  .at("recordedAt")
                  .is_null());
  record.mutable_recorded_at()->set_nanos(-1);
  EXPECT_TRUE(boost::json::parse(EventJson(record, projections::KeylessOpener()))
                  .at("recordedAt")
                  .is_null());
  record.mutable_recorded_at()->set_nanos(0);
  record.mutable_recorded_at()->set_seconds(google::protobuf::util::TimeUtil::kTimestampMaxSeconds +
                                            1);
  EXPECT_TRUE(boost::json::parse(EventJson(record, projections::KeylessOpener()))
                  .at("recordedAt")
                  .is_null());
  record.mutable_recorded_at()->set_seconds(google::protobuf::util::TimeUtil::kTimestampMaxSeconds);
  EXPECT_EQ(boost::json::parse(EventJson(record, projections::KeylessOpener())).at("recordedAt"),
            boost::json::value("9999-12-31T23:59:59Z"));
}

TEST(EventJson, EveryDemoEventRendersAndDecodes) {
  test_support::DemoLog demo;
  ASSERT_TRUE(demo.ok());
  std::string previous_hash;
  for (const auto& record : demo.events()) {
    SCOPED_TRACE(record.position());
    const boost::json::value parsed =
        boost::json::parse(EventJson(record, projections::KeylessOpener()));
    EXPECT_TRUE(parsed.at("event").is_object());
    EXPECT_FALSE(parsed.as_object().contains("payloadBase64"));
    EXPECT_EQ(parsed.at("position").to_number<uint64_t>(), record.position());
    EXPECT_EQ(parsed.at("hash").as_string().size(), 64u);
    if (!previous_hash.empty()) {
      EXPECT_EQ(parsed.at("prevHash").as_string(), previous_hash);
    }
    previous_hash = parsed.at("hash").as_string();
    EXPECT_EQ(parsed.at("hash").as_string(), HexOf(record.hash()));
  }
}

}  // namespace
}  // namespace rotonde::wire
