#include "ical.h"

#include <optional>

#include "rotonde/projections/dates.h"

namespace rotonde::wire {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Content lines are at most this many octets long, line break excluded (RFC 5545 3.1).
constexpr size_t kMaxLineOctets = 75;

// The zone every date and time of a platform is in (proto/rotonde/v1/domain.proto); its rules
// since 1996, which is all a feed of current initiatives needs.
constexpr char kAmsterdam[] =
    "BEGIN:VTIMEZONE\r\n"
    "TZID:Europe/Amsterdam\r\n"
    "X-LIC-LOCATION:Europe/Amsterdam\r\n"
    "BEGIN:DAYLIGHT\r\n"
    "TZOFFSETFROM:+0100\r\n"
    "TZOFFSETTO:+0200\r\n"
    "TZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
    "END:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\n"
    "TZOFFSETFROM:+0200\r\n"
    "TZOFFSETTO:+0100\r\n"
    "TZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
    "END:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

// A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every line break
// (CRLF, CR or LF) as "\n"; other control characters, which TEXT may not hold, dropped.
std::string EscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t') out.push_back(c);
    }
  }
  return out;
}

// Appends one content line, folded (RFC 5545 3.1): a line longer than 75 octets is broken
// with CRLF and a space, and each continuation, its space included, is at most 75 octets too.
// A break never falls inside a UTF-8 sequence, so no client sees half a character.
void Line(std::string* out, std::string_view line) {
  size_t limit = kMaxLineOctets;
  while (line.size() > limit) {
    size_t cut = limit;
    // Back off from continuation bytes (10xxxxxx) to the start of the character.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = limit;  // not UTF-8 at all: break anyway rather than loop
    out->append(line.substr(0, cut));
    out->append("\r\n ");
    line.remove_prefix(cut);
    limit = kMaxLineOctets - 1;
  }
  out->append(line);
  out->append("\r\n");
}

void Property(std::string* out, std::string_view name, std::string_view value) {
  std::string line(name);
  line.push_back(':');
  line.append(value);
  Line(out, line);
}

// "YYYYMMDD" of a day number.
std::string BasicDate(int32_t day) {
  std::string iso = projections::FormatIsoDate(day);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}

// "HHMMSS" of minutes after midnight.
std::string BasicTime(int32_t minutes) {
  std::string out = std::to_string(100 + minutes / 60).substr(1);
  out += std::to_string(100 + minutes % 60).substr(1);
  out += "00";
  return out;
}

// "YYYYMMDDTHHMMSSZ" of seconds since the epoch.
std::string UtcDateTime(int64_t seconds) {
  int64_t day = seconds / kSecondsPerDay, rest = seconds % kSecondsPerDay;
  if (rest < 0) {
    rest += kSecondsPerDay;
    --day;
  }
  const int64_t h = rest / 3600, m = rest / 60 % 60, s = rest % 60;
  return BasicDate(static_cast<int32_t>(day)) + "T" + std::to_string(100 + h).substr(1) +
         std::to_string(100 + m).substr(1) + std::to_string(100 + s).substr(1) + "Z";
}

void Event(std::string* out, const projections::PlatformModel& model,
           const projections::InitiativeState& initiative, std::string_view uid_domain,
           const std::function<bool(uint64_t, v1::EventRecord*)>& event_at, bool remind) {
  const projections::DayRange& days = initiative.days;
  out->append("BEGIN:VEVENT\r\n");
  // UID is TEXT too, and an id may hold , ; and \ (any visible ASCII but '/').
  Property(out, "UID", EscapeText(initiative.id + "@" + std::string(uid_domain)));

  // When it last changed: the last event in its history, if we may read it.
  std::optional<int64_t> changed;
  if (event_at) {
    const auto& history = model.History(
        projections::EntityStream(model.state().platform_id(), "initiative", initiative.id));
    v1::EventRecord record;
    if (!history.empty() && event_at(history.back(), &record) && record.has_recorded_at()) {
      changed = record.recorded_at().seconds();
    }
  }
  Property(out, "DTSTAMP", changed ? UtcDateTime(*changed) : BasicDate(days.first) + "T000000Z");
  if (changed) Property(out, "LAST-MODIFIED", UtcDateTime(*changed));

  const auto start = projections::ParseTimeOfDay(initiative.when.start_time());
  if (!start) {
    Property(out, "DTSTART;VALUE=DATE", BasicDate(days.first));
    Property(out, "DTEND;VALUE=DATE", BasicDate(days.last + 1));
  } else {
    Property(out, "DTSTART;TZID=Europe/Amsterdam", BasicDate(days.first) + "T" + BasicTime(*start));
    const auto end = projections::ParseTimeOfDay(initiative.when.end_time());
    if (end) {
      // A single evening that runs past midnight (19:00-01:00) ends the next day.
      const int32_t end_day = days.last + (days.last == days.first && *end <= *start ? 1 : 0);
      Property(out, "DTEND;TZID=Europe/Amsterdam", BasicDate(end_day) + "T" + BasicTime(*end));
    } else if (days.last > days.first) {
      Property(out, "DTEND;TZID=Europe/Amsterdam", BasicDate(days.last + 1) + "T000000");
    }
  }
  Property(out, "SUMMARY", EscapeText(initiative.title));
  if (!initiative.description.empty()) {
    Property(out, "DESCRIPTION", EscapeText(initiative.description));
  }
  if (!initiative.place.text().empty())
    Property(out, "LOCATION", EscapeText(initiative.place.text()));
  out->append("STATUS:CONFIRMED\r\n");
  if (remind) {
    // The organizer's reminder: the day before, at 09:00 for an all-day initiative (the
    // trigger counts from its start at midnight), else 24 hours before it starts.
    out->append("BEGIN:VALARM\r\n");
    out->append("ACTION:DISPLAY\r\n");
    Property(out, "DESCRIPTION", EscapeText(initiative.title));
    Property(out, "TRIGGER;RELATED=START", start ? "-P1D" : "-PT15H");
    out->append("END:VALARM\r\n");
  }
  out->append("END:VEVENT\r\n");
}

}  // namespace

std::string CalendarFeed(const projections::PlatformModel& model, std::string_view host,
                         const std::function<bool(uint64_t, v1::EventRecord*)>& event_at,
                         std::string_view reader_id) {
  const projections::PlatformState& state = model.state();
  std::string uid_domain = state.platform_id();
  if (!host.empty()) uid_domain.append(".").append(host);

  std::string out;
  out.append("BEGIN:VCALENDAR\r\n");
  out.append("VERSION:2.0\r\n");
  out.append("PRODID:-//Rotonde//Rotonde//NL\r\n");
  out.append("CALSCALE:GREGORIAN\r\n");
  out.append("METHOD:PUBLISH\r\n");
  Property(&out, "X-WR-CALNAME", EscapeText(state.name()));
  out.append("X-WR-TIMEZONE:Europe/Amsterdam\r\n");
  out.append(kAmsterdam);
  for (const auto& [id, initiative] : state.initiatives()) {
    const bool listed = initiative.status == projections::InitiativeStatus::kActive ||
                        initiative.status == projections::InitiativeStatus::kHeld;
    if (!listed || !initiative.days.valid || initiative.days.ongoing) continue;
    const bool remind =
        !reader_id.empty() && initiative.active() && initiative.IsOrganizer(reader_id);
    Event(&out, model, initiative, uid_domain, event_at, remind);
  }
  out.append("END:VCALENDAR\r\n");
  return out;
}

}  // namespace rotonde::wire
