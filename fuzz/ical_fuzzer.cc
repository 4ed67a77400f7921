// The iCalendar writer (server/wire/ical.h) over any domain text: a platform whose name,
// initiative ids, titles, descriptions and places come from the input, and a Host header.
// The feed is read back by a strict parser written here, and must:
// - be CRLF lines only (no bare CR or LF), each at most 75 octets and valid UTF-8, folded
//   lines continuing with one space;
// - in each TEXT value escape exactly \ ; , and line breaks (an unescaped ; or , or a
//   backslash before anything else is an error);
// - give back, unescaped, the name as X-WR-CALNAME and for each listed initiative (active or
//   held, with dates, not ongoing) its UID "<id>@<platform>.<host>", SUMMARY, DESCRIPTION
//   (when not empty) and LOCATION (when not empty), each equal to the text written with
//   line breaks as LF and the other control characters (which TEXT may not hold) left out.
#include <fuzzer/FuzzedDataProvider.h>
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "fuzz_model.h"
#include "ical.h"
#include "rotonde/base/utf8.h"

namespace {

using Properties = std::map<std::string, std::string>;  // name with parameters -> raw value

// What a TEXT value holds of `text`: line breaks (CRLF, CR, LF) as LF, tabs, and no other
// control character.
std::string Expected(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.push_back('\n');
    } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// RFC 5545 3.3.11, strictly.
std::optional<std::string> Unescape(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == ';' || c == ',') return std::nullopt;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == value.size()) return std::nullopt;
    switch (value[i]) {
      case '\\':
      case ';':
      case ',':
        out.push_back(value[i]);
        break;
      case 'n':
      case 'N':
        out.push_back('\n');
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

// The feed's content lines, unfolded; checks the physical lines on the way.
std::vector<std::string> ContentLines(const std::string& feed) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < feed.size()) {
    const size_t end = feed.find("\r\n", begin);
    FUZZ_CHECK(end != std::string::npos);  // every line ends in CRLF
    const std::string_view line(feed.data() + begin, end - begin);
    FUZZ_CHECK(line.find('\r') == std::string_view::npos);
    FUZZ_CHECK(line.find('\n') == std::string_view::npos);
    FUZZ_CHECK(!line.empty() && line.size() <= 75);
    FUZZ_CHECK(rotonde::utf8::IsValid(line));
    if (line[0] == ' ') {
      FUZZ_CHECK(!lines.empty() && line.size() > 1);
      lines.back().append(line.substr(1));
    } else {
      lines.emplace_back(line);
    }
    begin = end + 2;
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  rotonde::fuzz::ModelBuilder builder(input);
  builder.Found();
  std::string host = input.ConsumeRandomLengthString(40);
  for (char& c : host) {  // what an HTTP Host header can hold: visible ASCII
    if (c <= 0x20 || c >= 0x7f) c = '.';
  }
  builder.Initiatives(6);
  const auto& state = builder.model().state();
  const std::string feed = rotonde::wire::CalendarFeed(builder.model(), host);

  Properties calendar;
  std::map<std::string, Properties> events;  // by unescaped UID
  Properties* current = &calendar;
  Properties event;
  bool in_event = false;
  for (const std::string& line : ContentLines(feed)) {
    const size_t colon = line.find(':');
    FUZZ_CHECK(colon != std::string::npos);
    const std::string name = line.substr(0, colon);
    const std::string value = line.substr(colon + 1);
    if (name == "BEGIN" && value == "VEVENT") {
      FUZZ_CHECK(!in_event);
      in_event = true;
      event.clear();
      current = &event;
      continue;
    }
    if (name == "END" && value == "VEVENT") {
      FUZZ_CHECK(in_event);
      in_event = false;
      const auto uid = Unescape(event["UID"]);
      FUZZ_CHECK(uid.has_value());
      FUZZ_CHECK(events.count(*uid) == 0);
      events.emplace(std::move(*uid), std::move(event));
      current = &calendar;
      continue;
    }
    if (name == "BEGIN" || name == "END") continue;
    if (!in_event && current->count(name) > 0) continue;  // the time zone's repeated lines
    FUZZ_CHECK(current->count(name) == 0);
    (*current)[name] = value;
  }
  FUZZ_CHECK(!in_event);
  FUZZ_CHECK(Unescape(calendar["X-WR-CALNAME"]) == Expected(state.name()));

  size_t listed = 0;
  const std::string domain = host.empty() ? "kolenkit" : "kolenkit." + host;
  for (const auto& [id, initiative] : state.initiatives()) {
    const bool shown = (initiative.status == rotonde::projections::InitiativeStatus::kActive ||
                        initiative.status == rotonde::projections::InitiativeStatus::kHeld) &&
                       initiative.days.valid && !initiative.days.ongoing;
    if (!shown) continue;
    ++listed;
    const auto found = events.find(id + "@" + domain);
    FUZZ_CHECK(found != events.end());
    Properties& properties = found->second;
    FUZZ_CHECK(Unescape(properties["SUMMARY"]) == Expected(initiative.title));
    if (initiative.description.empty()) {
      FUZZ_CHECK(properties.count("DESCRIPTION") == 0);
    } else {
      FUZZ_CHECK(Unescape(properties["DESCRIPTION"]) == Expected(initiative.description));
    }
    if (initiative.place.text().empty()) {
      FUZZ_CHECK(properties.count("LOCATION") == 0);
    } else {
      FUZZ_CHECK(Unescape(properties["LOCATION"]) == Expected(initiative.place.text()));
    }
    FUZZ_CHECK(properties.count("DTSTART;VALUE=DATE") +
                   properties.count("DTSTART;TZID=Europe/Amsterdam") ==
               1);
  }
  FUZZ_CHECK(events.size() == listed);
  return 0;
}
