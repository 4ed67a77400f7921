#include "rotonde/projections/dates.h"

#include <chrono>
#include <cstdio>

namespace rotonde::projections {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

sys_days SysDays(int32_t day) { return sys_days(days(day)); }
int32_t DayNumber(sys_days date) { return static_cast<int32_t>(date.time_since_epoch().count()); }

// The number text[from, from + count) spells in ASCII digits, and nothing else (no sign).
std::optional<unsigned> Digits(std::string_view text, size_t from, size_t count) {
  unsigned value = 0;
  for (size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<int32_t> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::optional<unsigned> y = Digits(text, 0, 4);
  const std::optional<unsigned> m = Digits(text, 5, 2);
  const std::optional<unsigned> d = Digits(text, 8, 2);
  if (!y || !m || !d || *y < 1900 || *y > 2999) return std::nullopt;
  const year_month_day date(std::chrono::year(static_cast<int>(*y)), std::chrono::month(*m),
                            std::chrono::day(*d));
  if (!date.ok()) return std::nullopt;  // month 13, day 0, April 31, 2026-02-29
  return DayNumber(sys_days(date));
}

std::string FormatIsoDate(int32_t day) {
  const year_month_day date(SysDays(day));
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::optional<int32_t> ParseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const std::optional<unsigned> h = Digits(text, 0, 2);
  const std::optional<unsigned> m = Digits(text, 3, 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return static_cast<int32_t>((std::chrono::hours(*h) + std::chrono::minutes(*m)).count());
}

int32_t Weekday(int32_t day) {
  return static_cast<int32_t>(std::chrono::weekday(SysDays(day)).iso_encoding()) - 1;
}

int32_t IsoWeekMonday(int32_t day) {
  const sys_days date = SysDays(day);
  return DayNumber(date - (std::chrono::weekday(date) - std::chrono::Monday));
}

int32_t IsoWeek(int32_t day) {
  // The ISO year is the year of the week's Thursday; week 1 holds that year's first Thursday.
  const sys_days thursday = SysDays(IsoWeekMonday(day)) + days(3);
  const std::chrono::year iso_year = year_month_day(thursday).year();
  const days into_year = thursday - sys_days(iso_year / std::chrono::January / 1);
  return static_cast<int32_t>(iso_year) * 100 + static_cast<int32_t>(into_year.count() / 7) + 1;
}

int32_t AmsterdamDay(int64_t unix_seconds) {
  using std::chrono::last;
  using std::chrono::March;
  using std::chrono::October;
  using std::chrono::Sunday;
  using std::chrono::year;
  const int32_t utc_day = static_cast<int32_t>(unix_seconds >= 0 ? unix_seconds / 86400
                                                                 : (unix_seconds - 86399) / 86400);
  const year y = year_month_day(SysDays(utc_day)).year();
  // The last Sunday of a month, 01:00 UTC, in seconds.
  auto switch_at = [&](std::chrono::month m) {
    const sys_days last_sunday{y / m / Sunday[last]};
    return static_cast<int64_t>(DayNumber(last_sunday)) * 86400 + 3600;
  };
  const bool summer = unix_seconds >= switch_at(March) && unix_seconds < switch_at(October);
  const int64_t local = unix_seconds + (summer ? 7200 : 3600);
  return static_cast<int32_t>(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

}  // namespace rotonde::projections
