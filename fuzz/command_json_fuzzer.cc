// Command JSON (server/wire/proto_json.h): the body of POST .../commands and of a WebSocket
// `command`, and the draft of POST .../clash-preview, read by ParseProtoJson. For every body
// it takes, as a v1::Command and as a v1::ProposeInitiative:
// - MessageJson renders the message byte for byte as protobuf's own printer does (its
//   documented contract), as JSON that Boost.JSON reads;
// - that rendering reads back (ParseProtoJson) to the same message.
// A body it refuses is refused with invalid_utf8 or bad_request, and leaves the message empty.
#include <google/protobuf/util/json_util.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "proto_json.h"
#include "rotonde/v1/commands.pb.h"

namespace {

std::string Bytes(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  FUZZ_CHECK(message.SerializeToCodedStream(&coded));
  coded.Trim();
  return out;
}

template <typename Message>
void Check(std::string_view body) {
  Message message;
  const rotonde::Status parsed = rotonde::wire::ParseProtoJson(body, &message, "a message");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.code() == "invalid_utf8" || parsed.code() == "bad_request");
    FUZZ_CHECK(message.ByteSizeLong() == 0);
    return;
  }
  std::string ours;
  const bool own = rotonde::wire::AppendMessageJson(&ours, message);
  std::string theirs;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  const bool printed = google::protobuf::util::MessageToJsonString(message, &theirs, options).ok();
  if (own) {
    FUZZ_CHECK(printed);
    FUZZ_CHECK(ours == theirs);
  }
  const std::string rendered = rotonde::wire::MessageJson(message);
  boost::system::error_code ec;
  boost::json::parse(rendered, ec);
  FUZZ_CHECK(!ec);
  Message again;
  FUZZ_CHECK(rotonde::wire::ParseProtoJson(rendered, &again, "a message").ok());
  FUZZ_CHECK(Bytes(again) == Bytes(message));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  Check<rotonde::v1::Command>(body);
  Check<rotonde::v1::ProposeInitiative>(body);
  return 0;
}
