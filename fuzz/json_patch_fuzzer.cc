// JSON Patch (server/wire/json_patch.h): what a watched view sends instead of the whole view.
// The input holds up to three JSON texts (a text that is no JSON counts as a JSON string of
// its UTF-8: views hold no other text).
// Checks:
// - Diff(a, b) applied to a gives b, and Diff(b, a) applied to b gives a; a patch is empty
//   exactly when a == b; the patch survives serialization (as it is sent);
// - applying any third value as a patch to a either succeeds or leaves a unchanged (all or
//   nothing).
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "fuzz_model.h"
#include "json_patch.h"

namespace {

namespace json = boost::json;

json::value Read(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  // Only values that survive being sent: a number beyond a double (1e400) reads as infinity,
  // which JSON cannot write back, and Boost.JSON's reader (before 1.83) may read a long
  // number one unit in the last place off what its writer wrote. A view holds neither
  // (MessageJson writes "Infinity" as a string, and a double in its shortest form).
  if (!ec) {
    const json::value sent = json::parse(json::serialize(value), ec);
    if (!ec && sent != value) return json::string(rotonde::fuzz::ModelBuilder::Utf8(text));
  }
  if (ec) return json::string(rotonde::fuzz::ModelBuilder::Utf8(text));
  return value;
}

void CheckDiff(const json::value& from, const json::value& to) {
  const json::array patch = rotonde::wire::Diff(from, to);
  FUZZ_CHECK(patch.empty() == (from == to));
  json::value target = from;
  FUZZ_CHECK(rotonde::wire::Apply(target, patch));
  FUZZ_CHECK(target == to);
  // As sent on the wire.
  const json::value sent = json::parse(json::serialize(patch));
  FUZZ_CHECK(sent.is_array());
  json::value again = from;
  FUZZ_CHECK(rotonde::wire::Apply(again, sent.get_array()));
  FUZZ_CHECK(again == to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const json::value a = Read(input.ConsumeRandomLengthString(size));
  const json::value b = Read(input.ConsumeRandomLengthString(size));
  const json::value p = Read(input.ConsumeRemainingBytesAsString());
  CheckDiff(a, b);
  CheckDiff(b, a);
  if (p.is_array()) {
    json::value target = a;
    if (!rotonde::wire::Apply(target, p.get_array())) FUZZ_CHECK(target == a);
  }
  return 0;
}
