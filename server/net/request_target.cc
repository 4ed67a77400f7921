#include "request_target.h"

#include <boost/url/parse.hpp>

#include "rotonde/base/utf8.h"

namespace rotonde::net {

Result<Target> ParseTarget(std::string_view text) {
  auto url = boost::urls::parse_origin_form(text);
  if (!url) {
    return Status("bad_request", "the request target is not a URL path: " + url.error().message());
  }
  Target out;
  // Decoded, a segment or a query part is text the answer may echo: it must be UTF-8.
  const auto not_text = [] {
    return Status("invalid_utf8", "the request target decodes to bytes that are not UTF-8");
  };
  for (std::string segment : url->segments()) {
    if (!utf8::IsValid(segment)) return not_text();
    if (!segment.empty()) out.segments.push_back(std::move(segment));
  }
  for (const auto& param : url->params()) {
    if (!utf8::IsValid(param.key) || !utf8::IsValid(param.value)) return not_text();
    out.query[param.key] = param.has_value ? param.value : std::string();
  }
  return out;
}

std::string QueryOr(const Target& target, const std::string& key, std::string fallback) {
  auto it = target.query.find(key);
  return it == target.query.end() ? fallback : it->second;
}

Result<std::optional<uint64_t>> QueryNumber(const Target& target, const std::string& key) {
  auto it = target.query.find(key);
  if (it == target.query.end() || it->second.empty()) return std::optional<uint64_t>();
  uint64_t value = 0;
  for (char c : it->second) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (c < '0' || c > '9' || value > (UINT64_MAX - digit) / 10) {
      return Status("bad_request", "'" + key + "' must be a whole number");
    }
    value = value * 10 + digit;
  }
  return std::optional<uint64_t>(value);
}

}  // namespace rotonde::net
