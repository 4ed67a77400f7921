// Civil dates as day numbers, and ISO weeks: the calendar arithmetic clash detection and the
// calendar views need, without time zones (dates are local to the platform's zone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rotonde::projections {

// Days since 1970-01-01 of an ISO date "YYYY-MM-DD" that exists (2026-02-29 does not);
// nullopt for anything else. Years 1900..2999.
std::optional<int32_t> ParseIsoDate(std::string_view text);

// "YYYY-MM-DD" of a day number.
std::string FormatIsoDate(int32_t day);

// Minutes after midnight of "HH:MM" (00:00..23:59); nullopt for anything else.
std::optional<int32_t> ParseTimeOfDay(std::string_view text);

// The ISO week of a day, as year * 100 + week (e.g. 202624), by ISO 8601: weeks start on
// Monday, week 1 holds the year's first Thursday.
int32_t IsoWeek(int32_t day);

// The Monday of the day's ISO week, as a day number.
int32_t IsoWeekMonday(int32_t day);

// 0 = Monday ... 6 = Sunday.
int32_t Weekday(int32_t day);

// The day number of the civil date in Amsterdam (CET, or CEST from the last Sunday of March
// 01:00 UTC to the last Sunday of October 01:00 UTC) at `unix_seconds`. For the read layer's
// "today": decide and evolve never read a clock.
int32_t AmsterdamDay(int64_t unix_seconds);

}  // namespace rotonde::projections
