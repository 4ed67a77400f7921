// CalendarFeed: the iCalendar feed, parsed back after unfolding; escaping, folding, CRLF, dates
// and times, what is left out, and the demo's feed.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <google/protobuf/util/time_util.h>

#include "demo_log.h"
#include "ical.h"
#include "rotonde/projections/platform_state.h"
#include "rotonde/v1/events.pb.h"

namespace rotonde::wire {
namespace {

constexpr char kHost[] = "rotonde.example.nl";
constexpr int64_t kStart = 1'780'000'000;  // 2026-05-28 20:26:40 UTC: the log's first minute

// A platform's log, built event by event, and the model folded from it.
class Log {
 public:
  Log() {
    v1::DomainEvent e;
    auto* founded = e.mutable_platform_founded();
    founded->set_platform_id("kolenkit");
    founded->set_name("Buurtplatform Kolenkitbuurt, Amsterdam");
    founded->set_founder_id("m-anna");
    Add("kolenkit/platform", "PlatformFounded", e);
  }

  void Propose(const std::string& id, const std::string& title, const v1::When& when,
               const std::string& place = "", const std::string& description = "") {
    v1::DomainEvent e;
    auto* p = e.mutable_initiative_proposed();
    p->set_initiative_id(id);
    p->set_kind(v1::INITIATIVE_KIND_OTHER);
    p->set_title(title);
    p->set_description(description);
    *p->mutable_when() = when;
    p->mutable_place()->set_text(place);
    p->add_organizer_ids("m-anna");
    Add("kolenkit/initiative/" + id, "InitiativeProposed", e);
  }
  void Update(const std::string& id, const std::string& title, const v1::When& when) {
    v1::DomainEvent e;
    auto* u = e.mutable_initiative_updated();
    u->set_initiative_id(id);
    u->set_kind(v1::INITIATIVE_KIND_OTHER);
    u->set_title(title);
    *u->mutable_when() = when;
    Add("kolenkit/initiative/" + id, "InitiativeUpdated", e);
  }
  void Cancel(const std::string& id) {
    v1::DomainEvent e;
    e.mutable_initiative_cancelled()->set_initiative_id(id);
    Add("kolenkit/initiative/" + id, "InitiativeCancelled", e);
  }
  void Hold(const std::string& id) {
    v1::DomainEvent e;
    e.mutable_initiative_held()->set_initiative_id(id);
    e.mutable_initiative_held()->set_participants(40);
    Add("kolenkit/initiative/" + id, "InitiativeHeld", e);
  }
  void Merge(const std::string& surviving, const std::string& absorbed) {
    v1::DomainEvent e;
    e.mutable_initiatives_merged()->set_clash_id("c-1");
    e.mutable_initiatives_merged()->set_surviving_initiative_id(surviving);
    e.mutable_initiatives_merged()->set_absorbed_initiative_id(absorbed);
    Add("kolenkit/clash/c-1", "InitiativesMerged", e);
  }

  const projections::PlatformModel& model() const { return model_; }
  // The recorded time of the event at `position`: a minute per event.
  static int64_t TimeOf(uint64_t position) { return kStart + static_cast<int64_t>(position) * 60; }
  std::function<bool(uint64_t, v1::EventRecord*)> EventAt() const {
    return [this](uint64_t position, v1::EventRecord* record) {
      if (position == 0 || position > records_.size()) return false;
      *record = records_[position - 1];
      return true;
    };
  }

 private:
  void Add(const std::string& stream, const std::string& type, const v1::DomainEvent& event) {
    v1::EventRecord r;
    r.set_id("e-" + std::to_string(records_.size() + 1));
    r.set_stream(stream);
    r.set_position(records_.size() + 1);
    r.set_type(type);
    *r.mutable_recorded_at() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(TimeOf(r.position()));
    r.set_actor("m-anna");
    r.set_payload(event.SerializeAsString());
    records_.push_back(r);
    model_.Apply(r);
  }
  std::vector<v1::EventRecord> records_;
  projections::PlatformModel model_;
};

v1::When Day(const std::string& date, const std::string& start = "", const std::string& end = "") {
  v1::When when;
  when.set_start_date(date);
  when.set_start_time(start);
  when.set_end_time(end);
  if (!start.empty() || !end.empty()) when.set_time_zone("Europe/Amsterdam");
  return when;
}
v1::When Days(const std::string& first, const std::string& last) {
  v1::When when = Day(first);
  when.set_end_date(last);
  return when;
}

// One content line after unfolding: "NAME;PARAMS" and its value.
struct ContentLine {
  std::string name;  // with parameters, e.g. "DTSTART;VALUE=DATE"
  std::string value;
};

// The feed's lines, unfolded (RFC 5545 3.1: CRLF followed by one space or tab is removed).
std::vector<ContentLine> Unfold(const std::string& feed) {
  std::string text;
  for (size_t i = 0; i < feed.size(); ++i) {
    if (feed.compare(i, 3, "\r\n ") == 0 || feed.compare(i, 3, "\r\n\t") == 0) {
      i += 2;
      continue;
    }
    text.push_back(feed[i]);
  }
  std::vector<ContentLine> lines;
  size_t begin = 0;
  for (size_t end; (end = text.find("\r\n", begin)) != std::string::npos; begin = end + 2) {
    const std::string line = text.substr(begin, end - begin);
    const size_t colon = line.find(':');
    lines.push_back(colon == std::string::npos
                        ? ContentLine{line, ""}
                        : ContentLine{line.substr(0, colon), line.substr(colon + 1)});
  }
  EXPECT_EQ(begin, text.size()) << "the feed ends with CRLF";
  return lines;
}

// The VEVENTs by UID, each as its properties (name with parameters -> value).
std::map<std::string, std::map<std::string, std::string>> Events(const std::string& feed) {
  std::map<std::string, std::map<std::string, std::string>> events;
  std::map<std::string, std::string> current;
  bool inside = false;
  for (const auto& line : Unfold(feed)) {
    if (line.name == "BEGIN" && line.value == "VEVENT") {
      inside = true;
      current.clear();
    } else if (line.name == "END" && line.value == "VEVENT") {
      inside = false;
      EXPECT_EQ(events.count(current["UID"]), 0u) << current["UID"];
      events[current["UID"]] = current;
    } else if (inside) {
      EXPECT_EQ(current.count(line.name), 0u) << "repeated " << line.name;
      current[line.name] = line.value;
    }
  }
  return events;
}

// Undoes RFC 5545 TEXT escaping.
std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      out.push_back(text[i] == 'n' || text[i] == 'N' ? '\n' : text[i]);
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

bool ValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every physical line: CRLF-terminated, at most 75 octets, whole UTF-8 characters.
void ExpectWellFormedLines(const std::string& feed) {
  size_t begin = 0;
  for (size_t end; (end = feed.find('\n', begin)) != std::string::npos; begin = end + 1) {
    ASSERT_GT(end, begin) << "an empty line or a bare LF at " << begin;
    EXPECT_EQ(feed[end - 1], '\r') << "a bare LF at " << end;
    const std::string_view line(feed.data() + begin, end - 1 - begin);
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(ValidUtf8(line)) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << "a bare CR in " << line;
  }
  EXPECT_EQ(begin, feed.size());
}

std::string Uid(const std::string& id) { return id + "@kolenkit." + kHost; }

TEST(CalendarFeed, IsAVcalendarWithAmsterdamTime) {
  Log log;
  log.Propose("i-braderie", "Braderie", Day("2026-06-13"));
  const std::string feed = CalendarFeed(log.model(), kHost);
  ExpectWellFormedLines(feed);
  EXPECT_EQ(feed.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rotonde//Rotonde//NL\r\n", 0),
            0u)
      << feed;
  EXPECT_EQ(feed.substr(feed.size() - 15), "END:VCALENDAR\r\n");
  const auto lines = Unfold(feed);
  std::map<std::string, std::string> calendar;
  for (const auto& line : lines) {
    if (line.name == "BEGIN" && line.value == "VEVENT") break;
    calendar[line.name] += calendar.count(line.name) ? "|" + line.value : line.value;
  }
  EXPECT_EQ(calendar["X-WR-CALNAME"], "Buurtplatform Kolenkitbuurt\\, Amsterdam");
  EXPECT_EQ(calendar["TZID"], "Europe/Amsterdam");
  EXPECT_EQ(calendar["TZNAME"], "CEST|CET");
  EXPECT_EQ(calendar["TZOFFSETTO"], "+0200|+0100");
  EXPECT_EQ(calendar["RRULE"],
            "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU|FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
  EXPECT_EQ(calendar["BEGIN"], "VCALENDAR|VTIMEZONE|DAYLIGHT|STANDARD");
  EXPECT_EQ(calendar["END"], "DAYLIGHT|STANDARD|VTIMEZONE");
  EXPECT_EQ(Events(feed).size(), 1u);
}

TEST(CalendarFeed, AllDayInitiativesEndTheDayAfterTheirLastDay) {
  Log log;
  log.Propose("i-braderie", "Braderie", Day("2026-06-13"), "Kolenkitplein");
  log.Propose("i-zomerfeest", "Zomerfeest", Days("2026-07-30", "2026-08-01"));
  log.Propose("i-oudjaar", "Oliebollen op oudjaar", Day("2026-12-31"));
  const auto events = Events(CalendarFeed(log.model(), kHost));
  ASSERT_EQ(events.size(), 3u);
  const auto& braderie = events.at(Uid("i-braderie"));
  EXPECT_EQ(braderie.at("DTSTART;VALUE=DATE"), "20260613");
  EXPECT_EQ(braderie.at("DTEND;VALUE=DATE"), "20260614");
  EXPECT_EQ(braderie.at("SUMMARY"), "Braderie");
  EXPECT_EQ(braderie.at("LOCATION"), "Kolenkitplein");
  EXPECT_EQ(braderie.at("STATUS"), "CONFIRMED");
  EXPECT_EQ(braderie.count("DESCRIPTION"), 0u);
  EXPECT_EQ(braderie.count("DTSTART;TZID=Europe/Amsterdam"), 0u);
  EXPECT_EQ(events.at(Uid("i-zomerfeest")).at("DTSTART;VALUE=DATE"), "20260730");
  EXPECT_EQ(events.at(Uid("i-zomerfeest")).at("DTEND;VALUE=DATE"), "20260802");
  EXPECT_EQ(events.at(Uid("i-oudjaar")).at("DTEND;VALUE=DATE"), "20270101");
}

TEST(CalendarFeed, TimedInitiativesCarryTheirZone) {
  Log log;
  log.Propose("i-koffie", "Koffieochtend", Day("2026-09-12", "10:00", "11:30"));
  log.Propose("i-nacht", "Nacht van de buurt", Day("2026-09-19", "21:00", "01:00"));
  log.Propose("i-start", "Start van de actie", Day("2026-09-26", "14:00"));
  v1::When weekend = Day("2026-10-03", "10:00", "17:00");
  weekend.set_end_date("2026-10-04");
  log.Propose("i-weekend", "Buurtweekend", weekend);
  v1::When open_end = Day("2026-10-10", "12:00");
  open_end.set_end_date("2026-10-11");
  log.Propose("i-open", "Open atelier", open_end);
  const auto events = Events(CalendarFeed(log.model(), kHost));
  ASSERT_EQ(events.size(), 5u);
  const auto& koffie = events.at(Uid("i-koffie"));
  EXPECT_EQ(koffie.at("DTSTART;TZID=Europe/Amsterdam"), "20260912T100000");
  EXPECT_EQ(koffie.at("DTEND;TZID=Europe/Amsterdam"), "20260912T113000");
  EXPECT_EQ(koffie.count("DTSTART;VALUE=DATE"), 0u);
  // Past midnight: it ends the next day.
  EXPECT_EQ(events.at(Uid("i-nacht")).at("DTEND;TZID=Europe/Amsterdam"), "20260920T010000");
  // A start time only: no end.
  EXPECT_EQ(events.at(Uid("i-start")).at("DTSTART;TZID=Europe/Amsterdam"), "20260926T140000");
  EXPECT_EQ(events.at(Uid("i-start")).count("DTEND;TZID=Europe/Amsterdam"), 0u);
  EXPECT_EQ(events.at(Uid("i-weekend")).at("DTEND;TZID=Europe/Amsterdam"), "20261004T170000");
  EXPECT_EQ(events.at(Uid("i-open")).at("DTEND;TZID=Europe/Amsterdam"), "20261012T000000");
}

TEST(CalendarFeed, LeavesOutCancelledMergedAndOngoingInitiatives) {
  Log log;
  log.Propose("i-a-braderie", "Braderie", Day("2026-06-13"));
  log.Propose("i-b-rommelmarkt", "Rommelmarkt", Day("2026-06-13"));
  log.Propose("i-c-afgelast", "Afgelast feest", Day("2026-06-20"));
  log.Propose("i-d-gehouden", "Opschoondag", Day("2026-05-02"));
  v1::When ongoing = Day("2026-03-01");
  ongoing.set_ongoing(true);
  log.Propose("i-e-buurtkrant", "Buurtkrant", ongoing);
  log.Merge("i-a-braderie", "i-b-rommelmarkt");
  log.Cancel("i-c-afgelast");
  log.Hold("i-d-gehouden");
  const auto events = Events(CalendarFeed(log.model(), kHost));
  std::vector<std::string> uids;
  for (const auto& [uid, properties] : events) uids.push_back(uid);
  EXPECT_EQ(uids, (std::vector<std::string>{Uid("i-a-braderie"), Uid("i-d-gehouden")}));
}

TEST(CalendarFeed, EscapesText) {
  Log log;
  log.Propose("i-koffie", "Koffie, thee; en \\ taart", Day("2026-06-13"),
              "Buurthuis, zaal 2; achteringang",
              "Regel één\r\nRegel twee\nRegel drie\rRegel vier\x01 en een tab\t.");
  const std::string feed = CalendarFeed(log.model(), kHost);
  ExpectWellFormedLines(feed);
  const auto events = Events(feed);
  const auto& event = events.at(Uid("i-koffie"));
  EXPECT_EQ(event.at("SUMMARY"), "Koffie\\, thee\\; en \\\\ taart");
  EXPECT_EQ(event.at("LOCATION"), "Buurthuis\\, zaal 2\\; achteringang");
  EXPECT_EQ(event.at("DESCRIPTION"),
            "Regel één\\nRegel twee\\nRegel drie\\nRegel vier en een tab\t.");
  EXPECT_EQ(Unescape(event.at("SUMMARY")), "Koffie, thee; en \\ taart");
}

// Found by fuzz/ical_fuzzer.cc (fuzz/corpus/ical/uid-not-escaped): an id may hold any visible
// ASCII but '/', and UID is a TEXT value, escaped like the others.
TEST(CalendarFeed, EscapesTheUid) {
  Log log;
  log.Propose("i-a,b;c\\n", "Koffie", Day("2026-06-13"));
  const std::string feed = CalendarFeed(log.model(), kHost);
  ExpectWellFormedLines(feed);
  const auto events = Events(feed);
  ASSERT_EQ(events.size(), 1u);
  const std::string uid = events.begin()->first;
  EXPECT_EQ(uid, "i-a\\,b\\;c\\\\n@kolenkit.rotonde.example.nl");
  EXPECT_EQ(Unescape(uid), "i-a,b;c\\n@kolenkit.rotonde.example.nl");
}

TEST(CalendarFeed, FoldsLongLinesWithoutSplittingCharacters) {
  // A kilobyte of Dutch with two-byte characters at every offset.
  std::string title;
  for (int i = 0; title.size() < 1024; ++i) {
    title += i % 3 == 0 ? "Ideeën voor het café " : i % 3 == 1 ? "één " : "reünie, ";
  }
  Log log;
  log.Propose("i-lang", title, Day("2026-06-13"), "", title + title);
  const std::string feed = CalendarFeed(log.model(), kHost);
  ExpectWellFormedLines(feed);
  // Folded: many physical lines for the summary, each continuation starting with a space.
  EXPECT_GT(std::count(feed.begin(), feed.end(), '\n'), 40);
  EXPECT_NE(feed.find("\r\n "), std::string::npos);
  // Filled: a line is only broken where the next character would not fit.
  size_t begin = 0;
  for (size_t end; (end = feed.find("\r\n", begin)) != std::string::npos; begin = end + 2) {
    if (feed.compare(end, 3, "\r\n ") == 0) {
      EXPECT_GE(end - begin, 73u) << begin;
    }
  }
  const auto events = Events(feed);
  const auto& event = events.at(Uid("i-lang"));
  EXPECT_EQ(Unescape(event.at("SUMMARY")), title);
  EXPECT_EQ(Unescape(event.at("DESCRIPTION")), title + title);
}

TEST(CalendarFeed, StampsEachEventWithItsLastChange) {
  Log log;
  log.Propose("i-braderie", "Braderie", Day("2026-06-13"));          // position 2
  log.Propose("i-markt", "Markt", Day("2026-06-20"));                // 3
  log.Update("i-braderie", "Braderie Kolenkit", Day("2026-06-14"));  // 4
  const auto with_reader = Events(CalendarFeed(log.model(), kHost, log.EventAt()));
  // Position 4 was recorded at 1,780,000,240 s: 2026-05-28 20:30:40 UTC.
  EXPECT_EQ(with_reader.at(Uid("i-braderie")).at("DTSTAMP"), "20260528T203040Z");
  EXPECT_EQ(with_reader.at(Uid("i-markt")).at("DTSTAMP"), "20260528T202940Z");
  EXPECT_EQ(with_reader.at(Uid("i-braderie")).at("LAST-MODIFIED"),
            with_reader.at(Uid("i-braderie")).at("DTSTAMP"));
  EXPECT_EQ(with_reader.at(Uid("i-braderie")).at("SUMMARY"), "Braderie Kolenkit");
  EXPECT_EQ(with_reader.at(Uid("i-braderie")).at("DTSTART;VALUE=DATE"), "20260614");

  // Without a reader the feed still stamps every event, from its first day.
  const auto without = Events(CalendarFeed(log.model(), kHost));
  EXPECT_EQ(without.at(Uid("i-braderie")).at("DTSTAMP"), "20260614T000000Z");
  EXPECT_EQ(without.at(Uid("i-braderie")).count("LAST-MODIFIED"), 0u);
  // Deterministic: the same model gives the same bytes.
  EXPECT_EQ(CalendarFeed(log.model(), kHost, log.EventAt()),
            CalendarFeed(log.model(), kHost, log.EventAt()));
}

TEST(CalendarFeed, TheDemoFeedHoldsEveryDatedLiveInitiative) {
  test_support::DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const projections::PlatformModel model = demo.Model();
  const std::string feed = CalendarFeed(model, kHost, demo.EventAt());
  ExpectWellFormedLines(feed);
  const auto events = Events(feed);
  size_t expected = 0;
  for (const auto& [id, initiative] : model.state().initiatives()) {
    const bool live = initiative.status == projections::InitiativeStatus::kActive ||
                      initiative.status == projections::InitiativeStatus::kHeld;
    if (!live || initiative.days.ongoing) {
      EXPECT_EQ(events.count(Uid(id)), 0u) << id;
      continue;
    }
    ++expected;
    ASSERT_EQ(events.count(Uid(id)), 1u) << id;
    const auto& event = events.at(Uid(id));
    EXPECT_EQ(Unescape(event.at("SUMMARY")), initiative.title);
    EXPECT_EQ(event.at("DTSTAMP").size(), 16u) << event.at("DTSTAMP");
    EXPECT_EQ(event.at("DTSTAMP"), event.at("LAST-MODIFIED"));
    EXPECT_TRUE(event.count("DTSTART;VALUE=DATE") + event.count("DTSTART;TZID=Europe/Amsterdam") ==
                1)
        << id;
  }
  EXPECT_GT(expected, 5u);
  EXPECT_EQ(events.size(), expected);
}

TEST(CalendarFeed, AnOrganizersOwnInitiativesCarryAReminderTheDayBefore) {
  Log log;
  v1::When evening = Day("2026-06-20");
  evening.set_start_time("19:00");
  log.Propose("i-braderie", "Braderie", Day("2026-06-13"));
  log.Propose("i-buurtdiner", "Buurtdiner", evening);
  // Anna proposed both (the log's actor): her feed reminds her, nobody else's does.
  const std::string anna = CalendarFeed(log.model(), kHost, {}, "m-anna");
  ExpectWellFormedLines(anna);
  const auto lines = Unfold(anna);
  std::vector<std::string> triggers;
  for (const auto& line : lines) {
    if (line.name == "TRIGGER;RELATED=START") triggers.push_back(line.value);
  }
  EXPECT_EQ(triggers, (std::vector<std::string>{"-PT15H", "-P1D"}));
  EXPECT_EQ(CalendarFeed(log.model(), kHost, {}, "m-bram").find("VALARM"), std::string::npos);
  EXPECT_EQ(CalendarFeed(log.model(), kHost).find("VALARM"), std::string::npos);
}

}  // namespace
}  // namespace rotonde::wire
