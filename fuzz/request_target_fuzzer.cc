// HTTP request targets (server/net/request_target.h): any bytes a client puts after the
// method. Checks, for every target ParseTarget takes:
// - segments are not empty, and segments and query names and values are valid UTF-8;
// - the same path and query, percent-encoded again, parse to the same Target;
// - QueryNumber takes exactly the decimal numbers of at most 2^64 - 1 (as std::from_chars
//   reads them) and refuses every other non-empty value.
// A target it refuses is refused with bad_request or invalid_utf8.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "request_target.h"
#include "rotonde/base/utf8.h"

namespace {

using rotonde::net::Target;

// Every byte but RFC 3986's unreserved ones, and the dot, as %XX. (Boost.URL reads a literal
// "/./" at the start of a path as a prefix, not a segment, so a dot segment stays escaped.)
std::string Encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

void CheckNumber(const Target& target, const std::string& key, const std::string& value) {
  const auto number = rotonde::net::QueryNumber(target, key);
  if (value.empty()) {
    FUZZ_CHECK(number.ok() && !number.value().has_value());
    return;
  }
  bool digits = true;
  for (const char c : value) digits = digits && c >= '0' && c <= '9';
  uint64_t expected = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), expected);
  if (digits && error == std::errc() && end == value.data() + value.size()) {
    FUZZ_CHECK(number.ok() && number.value().has_value() && *number.value() == expected);
  } else {
    FUZZ_CHECK(!number.ok() && number.status().code() == "bad_request");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = rotonde::net::ParseTarget(text);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == "bad_request" || parsed.status().code() == "invalid_utf8");
    return 0;
  }
  const Target& target = parsed.value();
  FUZZ_CHECK(!text.empty() && text[0] == '/');
  std::string again;
  for (const std::string& segment : target.segments) {
    FUZZ_CHECK(!segment.empty() && rotonde::utf8::IsValid(segment));
    again += "/" + Encode(segment);
  }
  if (again.empty()) again = "/";
  char separator = '?';
  for (const auto& [key, value] : target.query) {
    FUZZ_CHECK(rotonde::utf8::IsValid(key) && rotonde::utf8::IsValid(value));
    FUZZ_CHECK(rotonde::net::QueryOr(target, key, "-") == value);
    again += separator + Encode(key) + "=" + Encode(value);
    separator = '&';
    CheckNumber(target, key, value);
  }
  if (target.query.count("absent") == 0) {
    FUZZ_CHECK(rotonde::net::QueryOr(target, "absent", "fallback") == "fallback");
  }
  const auto reparsed = rotonde::net::ParseTarget(again);
  FUZZ_CHECK(reparsed.ok());
  FUZZ_CHECK(reparsed->segments == target.segments);
  FUZZ_CHECK(reparsed->query == target.query);
  return 0;
}
