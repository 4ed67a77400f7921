#include "proto_json.h"

#include "rotonde/base/base64.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "rotonde/base/utf8.h"

namespace rotonde::wire {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kHex[] = "0123456789abcdef";

void AppendHex4(std::string* out, uint32_t unit) {
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(unit >> shift) & 0xf]);
}

// Whether protobuf's printer escapes code point `cp`: control characters, '"', '\\', '<' and
// '>' (HTML safety), DEL, the C1 controls, and invisible format characters that JavaScript
// mishandles.
bool NeedsEscape(uint32_t cp) {
  if (cp < 0x20 || cp == '"' || cp == '\\' || cp == '<' || cp == '>') return true;
  if (cp < 0x7f) return false;
  return cp <= 0x9f || cp == 0xad || (cp >= 0x600 && cp <= 0x603) || cp == 0x6dd || cp == 0x70f ||
         cp == 0x17b4 || cp == 0x17b5 || (cp >= 0x200b && cp <= 0x200f) ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
         cp == 0xe0001 || (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0020 && cp <= 0xe007f);
}

void AppendEscape(std::string* out, uint32_t cp) {
  switch (cp) {
    case '\b':
      out->append("\\b");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\f':
      out->append("\\f");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '"':
      out->append("\\\"");
      return;
    case '\\':
      out->append("\\\\");
      return;
    default:
      break;
  }
  if (cp > 0xffff) {  // a surrogate pair, as JSON spells characters beyond the BMP
    const uint32_t supplementary = cp - 0x10000;
    AppendHex4(out, 0xd800 + (supplementary >> 10));
    AppendHex4(out, 0xdc00 + (supplementary & 0x3ff));
    return;
  }
  AppendHex4(out, cp);
}

// How protobuf's printer reads the sequence at text[i]: whether it prints it (as `cp`), and
// how many bytes it takes either way. It takes an overlong form for its code point, and drops
// a sequence that is not UTF-8 otherwise, together with the byte that cut it short.
bool ReadAsProtobuf(std::string_view text, size_t i, uint32_t* cp, size_t* length) {
  const utf8::Sequence sequence = utf8::Decode(text, i);
  *cp = sequence.code_point;
  *length = sequence.length;
  if (sequence.error == utf8::Error::kTruncated && i + *length < text.size()) ++*length;
  return sequence.valid() || sequence.error == utf8::Error::kOverlong;
}

void AppendKey(std::string* out, const FieldDescriptor* field, bool* first) {
  if (!*first) out->push_back(',');
  *first = false;
  AppendJsonString(out, field->json_name());
  out->push_back(':');
}

template <typename Number>
void AppendNumber(std::string* out, Number value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out->append(digits, end);
}

// protobuf's SimpleDtoa and SimpleFtoa: the shortest of %.{DIG}g and %.{DIG+2 or 3}g that
// reads back as the same value; quoted Infinity, -Infinity and NaN for the rest.
template <typename Real>
void AppendReal(std::string* out, Real value) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  constexpr int kDigits = std::is_same_v<Real, float> ? FLT_DIG : DBL_DIG;
  constexpr int kMoreDigits = std::is_same_v<Real, float> ? FLT_DIG + 3 : DBL_DIG + 2;
  char text[40];
  auto end = std::to_chars(text, text + sizeof text, static_cast<double>(value),
                           std::chars_format::general, kDigits)
                 .ptr;
  Real back{};
  std::from_chars(text, end, back);
  if (back != value) {
    end = std::to_chars(text, text + sizeof text, static_cast<double>(value),
                        std::chars_format::general, kMoreDigits)
              .ptr;
  }
  out->append(text, end);
}

bool IsTimestamp(const Descriptor* type) {
  return type->full_name() == google::protobuf::Timestamp::descriptor()->full_name();
}

// A message type protobuf's printer renders specially (wrappers, Struct, Any, Duration, ...):
// left to it. Timestamp is handled here.
bool IsOtherWellKnownType(const Descriptor* type) {
  return type->file()->package() == "google.protobuf" && !IsTimestamp(type);
}

class Printer {
 public:
  explicit Printer(std::string* out) : out_(out) {}

  // False if the message holds something only protobuf's printer renders.
  bool PrintMessage(const Message& message) {
    const Descriptor* type = message.GetDescriptor();
    const Reflection* reflection = message.GetReflection();
    // What protobuf's printer writes after the fields in declaration order: set Timestamps
    // and set oneof members of primitive type, in the order of the wire (field numbers).
    std::vector<const FieldDescriptor*> trailing;
    bool first = true;
    out_->push_back('{');
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (field->is_map()) return false;
      if (field->is_repeated()) {
        AppendKey(out_, field, &first);
        if (!PrintList(message, field)) return false;
        continue;
      }
      const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
      if (is_message || field->containing_oneof() != nullptr) {
        if (!reflection->HasField(message, field)) continue;
        if (!is_message || IsTimestamp(field->message_type())) {
          trailing.push_back(field);
          continue;
        }
      }
      AppendKey(out_, field, &first);
      if (!PrintValue(message, field, -1)) return false;
    }
    std::sort(trailing.begin(), trailing.end(),
              [](const FieldDescriptor* a, const FieldDescriptor* b) {
                return a->number() < b->number();
              });
    for (const FieldDescriptor* field : trailing) {
      AppendKey(out_, field, &first);
      if (!PrintValue(message, field, -1)) return false;
    }
    out_->push_back('}');
    return true;
  }

 private:
  bool PrintList(const Message& message, const FieldDescriptor* field) {
    out_->push_back('[');
    const int size = message.GetReflection()->FieldSize(message, field);
    for (int index = 0; index < size; ++index) {
      if (index > 0) out_->push_back(',');
      if (!PrintValue(message, field, index)) return false;
    }
    out_->push_back(']');
    return true;
  }

  // One value of `field`: the singular one (index -1) or element `index` of a repeated one.
  bool PrintValue(const Message& message, const FieldDescriptor* field, int index) {
    const Reflection* r = message.GetReflection();
    const bool one = index < 0;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        AppendNumber(
            out_, one ? r->GetInt32(message, field) : r->GetRepeatedInt32(message, field, index));
        return true;
      case FieldDescriptor::CPPTYPE_UINT32:
        AppendNumber(
            out_, one ? r->GetUInt32(message, field) : r->GetRepeatedUInt32(message, field, index));
        return true;
      case FieldDescriptor::CPPTYPE_INT64:
        out_->push_back('"');
        AppendNumber(
            out_, one ? r->GetInt64(message, field) : r->GetRepeatedInt64(message, field, index));
        out_->push_back('"');
        return true;
      case FieldDescriptor::CPPTYPE_UINT64:
        out_->push_back('"');
        AppendNumber(
            out_, one ? r->GetUInt64(message, field) : r->GetRepeatedUInt64(message, field, index));
        out_->push_back('"');
        return true;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        AppendReal(
            out_, one ? r->GetDouble(message, field) : r->GetRepeatedDouble(message, field, index));
        return true;
      case FieldDescriptor::CPPTYPE_FLOAT:
        AppendReal(out_,
                   one ? r->GetFloat(message, field) : r->GetRepeatedFloat(message, field, index));
        return true;
      case FieldDescriptor::CPPTYPE_BOOL:
        out_->append((one ? r->GetBool(message, field) : r->GetRepeatedBool(message, field, index))
                         ? "true"
                         : "false");
        return true;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int number =
            one ? r->GetEnumValue(message, field) : r->GetRepeatedEnumValue(message, field, index);
        if (const auto* value = field->enum_type()->FindValueByNumber(number)) {
          AppendJsonString(out_, value->name());
        } else {
          AppendNumber(out_, number);  // an open enum's value this schema does not know
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& text =
            one ? r->GetStringReference(message, field, &scratch)
                : r->GetRepeatedStringReference(message, field, index, &scratch);
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          out_->push_back('"');
          out_->append(Base64Of(text));
          out_->push_back('"');
        } else {
          AppendJsonString(out_, text);
        }
        return true;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        const Message& sub =
            one ? r->GetMessage(message, field) : r->GetRepeatedMessage(message, field, index);
        if (IsTimestamp(field->message_type())) return PrintTimestamp(sub);
        if (IsOtherWellKnownType(field->message_type())) return false;
        return PrintMessage(sub);
      }
    }
    return false;
  }

  // RFC 3339 in UTC with 0, 3, 6 or 9 decimals; false (protobuf's printer then refuses the
  // message) outside years 1..9999 or with nanos outside a second.
  bool PrintTimestamp(const Message& timestamp) {
    const Descriptor* type = timestamp.GetDescriptor();
    const Reflection* r = timestamp.GetReflection();
    google::protobuf::Timestamp value;
    value.set_seconds(r->GetInt64(timestamp, type->FindFieldByNumber(1)));
    value.set_nanos(r->GetInt32(timestamp, type->FindFieldByNumber(2)));
    if (value.seconds() < google::protobuf::util::TimeUtil::kTimestampMinSeconds ||
        value.seconds() > google::protobuf::util::TimeUtil::kTimestampMaxSeconds ||
        value.nanos() < 0 || value.nanos() > 999'999'999) {
      return false;
    }
    out_->push_back('"');
    out_->append(google::protobuf::util::TimeUtil::ToString(value));
    out_->push_back('"');
    return true;
  }

  std::string* out_;
};

}  // namespace

void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  size_t plain = 0;  // start of the run not yet copied
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f && byte != '"' && byte != '\\' && byte != '<' && byte != '>') {
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t length = 0;
    const bool valid = ReadAsProtobuf(text, i, &cp, &length);
    if (valid && !NeedsEscape(cp)) {
      i += length;  // printed as it is
      continue;
    }
    out->append(text.substr(plain, i - plain));
    if (valid) AppendEscape(out, cp);
    i += length;
    plain = i;
  }
  out->append(text.substr(plain));
  out->push_back('"');
}

bool AppendMessageJson(std::string* out, const google::protobuf::Message& message) {
  const size_t size = out->size();
  if (Printer(out).PrintMessage(message)) return true;
  out->resize(size);
  return false;
}

Status ParseProtoJson(std::string_view body, google::protobuf::Message* message,
                      std::string_view what) {
  message->Clear();
  if (!utf8::IsValid(body)) return Status("invalid_utf8", "the body is not UTF-8");
  // JSON as RFC 8259 writes it first: protobuf's reader also takes single quotes, unquoted
  // keys and trailing commas, which no other route accepts.
  boost::system::error_code ec;
  boost::json::parse(body, ec);
  if (ec) return Status("bad_request", "the body is not JSON: " + ec.message());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (auto parsed =
          google::protobuf::util::JsonStringToMessage(std::string(body), message, options);
      !parsed.ok()) {
    message->Clear();
    return Status("bad_request", "not " + std::string(what) + ": " + std::string(parsed.message()));
  }
  return Status::Ok();
}

std::string MessageJson(const google::protobuf::Message& message) {
  std::string out;
  out.reserve(256);
  if (AppendMessageJson(&out, message)) return out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  out.clear();
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "null";
  return out;
}

}  // namespace rotonde::wire
