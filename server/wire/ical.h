// The platform's initiatives as an iCalendar feed (RFC 5545), for a phone's calendar
// (docs/api.md, `calendar.ics`).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "rotonde/projections/platform_model.h"
#include "rotonde/v1/event.pb.h"

namespace rotonde::wire {

// A VCALENDAR (PRODID "-//Rotonde//Rotonde//NL", X-WR-CALNAME the platform's name, a VTIMEZONE
// for Europe/Amsterdam with its CET/CEST rules) with one VEVENT per active or held initiative
// that has dates; ongoing ones (a newsletter), cancelled and merged ones are left out.
// - UID "<initiative id>@<platform>.<host>" (escaped as text): stable, so a phone updates an
//   event in place.
// - DTSTART/DTEND: all-day dates (VALUE=DATE, DTEND the day after the last day) when the
//   initiative has no start time; else local times with TZID=Europe/Amsterdam (DTEND on the
//   last day at the end time, the next day if that is not after the start time; no DTEND
//   when a one-day initiative has no end time; the day after the last day at 00:00 when a
//   longer one has none).
// - SUMMARY the title, DESCRIPTION and LOCATION (the place as written) when not empty,
//   STATUS:CONFIRMED.
// - DTSTAMP and LAST-MODIFIED: when the initiative last changed, the recorded time of the
//   last event in its history, read with `event_at` (as in views.h BuildHistory). The feed
//   never reads a clock, so without `event_at`, or when it cannot read the event, DTSTAMP is
//   the initiative's first day at 00:00 UTC and LAST-MODIFIED is left out.
// - For `reader_id`'s own active initiatives (they organize them) a VALARM (ACTION:DISPLAY,
//   the title) reminds them: the day before at 09:00 for an all-day one (TRIGGER
//   -PT15H from its start), 24 hours before a timed one (-P1D). Nobody else's feed has it.
// Text and the UID are escaped (\ ; , and newlines) and lines are folded at 75 octets, never
// inside a UTF-8 sequence; lines end in CRLF. The same model gives the same bytes.
std::string CalendarFeed(const projections::PlatformModel& model, std::string_view host,
                         const std::function<bool(uint64_t, v1::EventRecord*)>& event_at = {},
                         std::string_view reader_id = {});

}  // namespace rotonde::wire
