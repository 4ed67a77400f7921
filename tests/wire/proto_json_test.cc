// MessageJson against protobuf's own printer, byte for byte: on the demo's every event and
// view, on every message type of the schema filled at random with awkward values, and on text
// that is not UTF-8.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "demo_log.h"
#include "proto_json.h"
#include "rotonde/v1/commands.pb.h"
#include "rotonde/v1/events.pb.h"
#include "rotonde/v1/views.pb.h"
#include "view_catalog.h"

namespace rotonde::wire {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string ProtobufJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "null";
  return out;
}

// Whether `json` has whitespace between its tokens (inside strings it is content).
bool HasWhitespaceOutsideStrings(std::string_view json) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      return true;
    }
  }
  return false;
}

TEST(MessageJson, MatchesProtobufOnEveryDemoEventAndView) {
  test_support::DemoLog demo;
  ASSERT_TRUE(demo.ok());
  for (const v1::EventRecord& record : demo.events()) {
    v1::DomainEvent event;
    ASSERT_TRUE(event.ParseFromString(record.payload()));
    std::string json;
    ASSERT_TRUE(AppendMessageJson(&json, event)) << record.position();
    EXPECT_EQ(json, ProtobufJson(event)) << record.position();
    EXPECT_EQ(MessageJson(record), ProtobufJson(record)) << record.position();
  }
  const projections::PlatformModel model = demo.Model();
  app::ViewParams params;
  params.from = "2026-01-01";
  params.to = "2026-12-31";
  params.period = "2026";
  params.entity = "kolenkit/initiative/i-braderie-kolenkitplein";
  params.member = "m-bram";
  for (const std::string& name : app::ViewNames()) {
    const auto view = app::BuildView(name, params, model, demo.EventAt());
    ASSERT_TRUE(view.ok()) << name << ": " << view.status().ToString();
    std::string json;
    ASSERT_TRUE(AppendMessageJson(&json, **view)) << name;
    EXPECT_EQ(json, ProtobufJson(**view)) << name;
    EXPECT_GT(json.size(), 20u) << name;
  }
}

// Fills every field of a message through reflection with values chosen to find where two
// printers differ: escapes, numbers at their limits, unknown enum values, unset and empty
// messages, oneofs, Timestamps with 0, 3, 6 and 9 decimals.
class RandomFiller {
 public:
  explicit RandomFiller(uint32_t seed) : random_(seed) {}

  void Fill(Message* message, int depth) {
    const Descriptor* type = message->GetDescriptor();
    const auto* reflection = message->GetReflection();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (Chance(30)) continue;  // left unset
      if (field->is_repeated()) {
        const int count = Pick(4);
        for (int n = 0; n < count; ++n) Add(message, field, depth);
        continue;
      }
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        if (depth >= 3) continue;
        Message* sub = reflection->MutableMessage(message, field);
        if (IsTimestamp(field)) {
          FillTimestamp(sub);
        } else if (!Chance(20)) {  // else set but empty
          Fill(sub, depth + 1);
        }
        continue;
      }
      Set(message, field);
    }
  }

 private:
  static bool IsTimestamp(const FieldDescriptor* field) {
    return field->message_type()->full_name() == "google.protobuf.Timestamp";
  }

  int Pick(int n) { return static_cast<int>(random_() % static_cast<uint32_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }

  std::string Text() {
    static const std::vector<std::string> kPieces = {
        "",
        "a",
        "Weggeefmarkt",
        " op het plein ",
        "\"",
        "\\",
        "<script>",
        ">",
        "/",
        "&",
        "\x01",
        "\x1f",
        "\x7f",
        "\t\n\r\b\f",
        "\xc2\xa0",  // NBSP: printed as it is
        "\xc2\x85",  // U+0085, a C1 control
        "\xc2\xad",  // soft hyphen
        "\xc3\xa9\xc3\xa9n",
        "\xe2\x82\xac 12,50",
        "\xe2\x80\xa8",
        "\xe2\x80\x8b",
        "\xe2\x80\xae",  // right-to-left override
        "\xef\xbb\xbf",
        "\xd8\x80",
        "\xf0\x9f\x98\x80",   // an emoji: printed as it is
        "\xf3\xa0\x80\x81",   // U+E0001, as a surrogate pair
        "\xf0\x9d\x85\xb3"};  // U+1D173
    std::string text;
    for (int n = Pick(5); n > 0; --n) text += kPieces[Pick(static_cast<int>(kPieces.size()))];
    return text;
  }

  double Real() {
    static const std::vector<double> kValues = {0.0,
                                                -0.0,
                                                0.1,
                                                1.0 / 3,
                                                0.85,
                                                1e21,
                                                1e-7,
                                                123456789012345678.0,
                                                std::numeric_limits<double>::max(),
                                                std::numeric_limits<double>::min(),
                                                std::numeric_limits<double>::denorm_min(),
                                                std::numeric_limits<double>::infinity(),
                                                -std::numeric_limits<double>::infinity(),
                                                std::numeric_limits<double>::quiet_NaN()};
    if (Chance(50)) return kValues[Pick(static_cast<int>(kValues.size()))];
    return std::ldexp(std::uniform_real_distribution<double>(-1, 1)(random_), Pick(120) - 60);
  }

  int64_t Integer(int64_t low, int64_t high) {
    switch (Pick(5)) {
      case 0:
        return low;
      case 1:
        return high;
      case 2:
        return 0;
      default:
        return std::uniform_int_distribution<int64_t>(low, high)(random_);
    }
  }

  void FillTimestamp(Message* timestamp) {
    const Descriptor* type = timestamp->GetDescriptor();
    const auto* reflection = timestamp->GetReflection();
    static const int32_t kNanos[] = {0, 120'000'000, 123'456'000, 123'456'789, 999'999'999};
    reflection->SetInt64(timestamp, type->FindFieldByName("seconds"),
                         Integer(-62'135'596'800, 253'402'300'799));
    reflection->SetInt32(timestamp, type->FindFieldByName("nanos"), kNanos[Pick(5)]);
  }

  void Set(Message* message, const FieldDescriptor* field) {
    const auto* r = message->GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r->SetInt32(message, field, static_cast<int32_t>(Integer(INT32_MIN, INT32_MAX)));
      case FieldDescriptor::CPPTYPE_UINT32:
        return r->SetUInt32(message, field, static_cast<uint32_t>(Integer(0, UINT32_MAX)));
      case FieldDescriptor::CPPTYPE_INT64:
        return r->SetInt64(message, field, Integer(INT64_MIN, INT64_MAX));
      case FieldDescriptor::CPPTYPE_UINT64:
        return r->SetUInt64(message, field, Chance(20) ? UINT64_MAX : random_());
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return r->SetDouble(message, field, Real());
      case FieldDescriptor::CPPTYPE_FLOAT:
        return r->SetFloat(message, field, static_cast<float>(Real()));
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->SetBool(message, field, Chance(50));
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* values = field->enum_type();
        return r->SetEnumValue(
            message, field,
            Chance(10) ? 977 : values->value(Pick(values->value_count()))->number());
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          std::string bytes(static_cast<size_t>(Pick(40)), '\0');
          for (char& c : bytes) c = static_cast<char>(random_());
          return r->SetString(message, field, bytes);
        }
        return r->SetString(message, field, Text());
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return;
    }
  }

  void Add(Message* message, const FieldDescriptor* field, int depth) {
    const auto* r = message->GetReflection();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (depth >= 3) return;
      Message* sub = r->AddMessage(message, field);
      if (IsTimestamp(field)) {
        FillTimestamp(sub);
      } else {
        Fill(sub, depth + 1);
      }
      return;
    }
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r->AddInt32(message, field, static_cast<int32_t>(Integer(INT32_MIN, INT32_MAX)));
      case FieldDescriptor::CPPTYPE_UINT32:
        return r->AddUInt32(message, field, static_cast<uint32_t>(Integer(0, UINT32_MAX)));
      case FieldDescriptor::CPPTYPE_INT64:
        return r->AddInt64(message, field, Integer(INT64_MIN, INT64_MAX));
      case FieldDescriptor::CPPTYPE_UINT64:
        return r->AddUInt64(message, field, random_());
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return r->AddDouble(message, field, Real());
      case FieldDescriptor::CPPTYPE_FLOAT:
        return r->AddFloat(message, field, static_cast<float>(Real()));
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->AddBool(message, field, Chance(50));
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* values = field->enum_type();
        return r->AddEnumValue(message, field,
                               values->value(Pick(values->value_count()))->number());
      }
      case FieldDescriptor::CPPTYPE_STRING:
        return r->AddString(message, field, Text());
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return;
    }
  }

  std::mt19937_64 random_;
};

TEST(MessageJson, MatchesProtobufOnEveryMessageOfTheSchemaFilledAtRandom) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  RandomFiller filler(20261206);
  int compared = 0;
  for (const char* file_name :
       {"rotonde/v1/event.proto", "rotonde/v1/events.proto", "rotonde/v1/commands.proto",
        "rotonde/v1/views.proto", "rotonde/v1/snapshot.proto", "rotonde/v1/domain.proto"}) {
    const auto* file = pool->FindFileByName(file_name);
    ASSERT_NE(file, nullptr) << file_name;
    for (int t = 0; t < file->message_type_count(); ++t) {
      const Descriptor* type = file->message_type(t);
      for (int round = 0; round < 40; ++round) {
        std::unique_ptr<Message> message(factory->GetPrototype(type)->New());
        filler.Fill(message.get(), 0);
        std::string ours;
        ASSERT_TRUE(AppendMessageJson(&ours, *message)) << type->full_name();  // not protobuf's
        ASSERT_EQ(ours, ProtobufJson(*message))
            << type->full_name() << " round " << round << ": " << message->ShortDebugString();
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 4000);
}

TEST(MessageJson, IsNullWhereProtobufRefusesATimestamp) {
  v1::EventRecord record;
  record.set_id("e-1");
  for (auto [seconds, nanos] : std::vector<std::pair<int64_t, int32_t>>{
           {253'402'300'800, 0}, {-62'135'596'801, 0}, {0, -1}, {0, 1'000'000'000}}) {
    record.mutable_recorded_at()->set_seconds(seconds);
    record.mutable_recorded_at()->set_nanos(nanos);
    EXPECT_EQ(ProtobufJson(record), "null") << seconds << " " << nanos;
    EXPECT_EQ(MessageJson(record), "null") << seconds << " " << nanos;
  }
  record.mutable_recorded_at()->set_seconds(253'402'300'799);
  record.mutable_recorded_at()->set_nanos(999'999'999);
  EXPECT_EQ(MessageJson(record), ProtobufJson(record));
  EXPECT_NE(MessageJson(record).find("\"recordedAt\":\"9999-12-31T23:59:59.999999999Z\""),
            std::string::npos);
}

TEST(MessageJson, LeavesMapsAndOtherWellKnownTypesToProtobuf) {
  google::protobuf::Struct with_a_map;
  (*with_a_map.mutable_fields())["buurt"].set_string_value("Kolenkit");
  (*with_a_map.mutable_fields())["leden"].set_number_value(12);
  std::string json = "unchanged";
  EXPECT_FALSE(AppendMessageJson(&json, with_a_map));
  EXPECT_EQ(json, "unchanged");
  EXPECT_EQ(MessageJson(with_a_map), ProtobufJson(with_a_map));
  EXPECT_NE(MessageJson(with_a_map).find(R"("buurt":"Kolenkit")"), std::string::npos);
}

TEST(AppendJsonString, EscapesAsProtobufAndDropsWhatIsNotUtf8) {
  auto escaped = [](std::string_view text) {
    std::string out;
    AppendJsonString(&out, text);
    return out;
  };
  EXPECT_EQ(escaped("Kolenkit"), "\"Kolenkit\"");
  EXPECT_EQ(escaped("<b>\"x\"\\</b>"), R"("\u003cb\u003e\"x\"\\\u003c/b\u003e")");
  EXPECT_EQ(escaped("\x01\t\x7f"), R"("\u0001\t\u007f")");
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x80\xa8"), "\"caf\xc3\xa9 \\u2028\"");
  EXPECT_EQ(escaped("\xf3\xa0\x80\x81"), R"("\udb40\udc01")");
  // Not UTF-8: a stray continuation byte, a cut-off sequence, a bad continuation (which takes
  // the byte after it along), a surrogate, a code point past U+10FFFF, and an overlong NUL.
  for (const std::string& bad :
       std::vector<std::string>{"a\x80z", "ab\xc3", "a\xc3(z", "a\xed\xa0\x80z",
                                "a\xf4\x90\x80\x80z", std::string("a\xc0\x80z")}) {
    v1::ProposalSubmitted message;
    message.set_title(bad);
    const std::string ours = MessageJson(message);
    EXPECT_EQ(ours, ProtobufJson(message)) << bad;
    std::string title;
    AppendJsonString(&title, bad);
    EXPECT_NE(ours.find("\"title\":" + title), std::string::npos) << ours;
  }
  EXPECT_EQ(escaped("a\x80z"), "\"az\"");
  EXPECT_EQ(escaped("a\xc3(z"), "\"az\"");
  EXPECT_EQ(escaped(std::string("a\xc0\x80z")), R"("a\u0000z")");
}

TEST(MessageJson, PrintsZerosAndEmptyListsAndCamelCase) {
  v1::BudgetView budget;
  budget.set_overhead_cap_percent(-1);
  const std::string json = MessageJson(budget);
  const boost::json::value parsed = boost::json::parse(json);
  EXPECT_EQ(parsed.at("position"), boost::json::value("0"));
  EXPECT_EQ(parsed.at("allocatedCents"), boost::json::value("0"));
  EXPECT_EQ(parsed.at("overheadCapPercent"), boost::json::value(-1));
  EXPECT_TRUE(parsed.at("allocations").as_array().empty());
  EXPECT_TRUE(parsed.at("perInitiative").as_array().empty());
  EXPECT_FALSE(HasWhitespaceOutsideStrings(json)) << json;
  EXPECT_TRUE(HasWhitespaceOutsideStrings("{\"a\": 1}"));
  EXPECT_FALSE(HasWhitespaceOutsideStrings("{\"a b\":\"c: \\\" d\"}"));

  v1::MembersView members;
  auto* m = members.add_members();
  m->set_id("m-anna");
  m->set_name("Anna de Vries");
  m->set_role(v1::ROLE_ADMIN);
  const boost::json::value one = boost::json::parse(MessageJson(members));
  EXPECT_EQ(one.at("members").at(0).at("role"), boost::json::value("ROLE_ADMIN"));
  EXPECT_EQ(one.at("members").at(0).at("name"), boost::json::value("Anna de Vries"));
  EXPECT_EQ(one.at("members").at(0).at("active"), boost::json::value(false));
  EXPECT_EQ(one.at("members").at(0).at("openTasks"), boost::json::value(0));
}

TEST(MessageJson, IsNullForAMessageProtobufCannotRender) {
  v1::HistoryView history;
  // A Timestamp after year 9999 has no RFC 3339 form.
  history.add_entries()->mutable_recorded_at()->set_seconds(int64_t{1} << 40);
  EXPECT_EQ(MessageJson(history), "null");
}

// Texts strung together from characters, escapes and the bytes of broken sequences (stray
// continuation bytes, leads of every length, overlong and surrogate starts, leads past
// U+10FFFF): printed as protobuf prints them, byte for byte.
TEST(AppendJsonString, MatchesProtobufOnBrokenUtf8) {
  const std::vector<std::string> pieces = {
      "a",    "<",    "\x01", "\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80",
      "\x80", "\x8d", "\x90", "\x9f",     "\xa0",         "\xbf",
      "\xc0", "\xc1", "\xc3", "\xe0",     "\xed",         "\xef",
      "\xf0", "\xf4", "\xf5", "\xf7",     "\xf8",         "\xff"};
  std::mt19937 random(20260613);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(1, 8);
  // protobuf logs every string field that is not UTF-8 it serializes.
  google::protobuf::LogSilencer quiet;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int n = count(random); n > 0; --n) text += pieces[pick(random)];
    v1::ProposalSubmitted message;
    message.set_title(text);
    ASSERT_EQ(MessageJson(message), ProtobufJson(message)) << testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace rotonde::wire
