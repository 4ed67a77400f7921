#include "rotonde/projections/dates.h"

#include <cstdio>

namespace rotonde::projections {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days, proleptic Gregorian.
int32_t DaysFromCivil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int32_t z, int32_t* y, int32_t* m, int32_t* d) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

bool Digits(std::string_view text, size_t from, size_t count, int32_t* value) {
  int32_t v = 0;
  for (size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = v;
  return true;
}

bool IsLeap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::optional<int32_t> ParseIsoDate(std::string_view text) {
  int32_t y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, &y) ||
      !Digits(text, 5, 2, &m) || !Digits(text, 8, 2, &d)) {
    return std::nullopt;
  }
  static constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (d > kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::string FormatIsoDate(int32_t day) {
  int32_t y = 0, m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
  return text;
}

std::optional<int32_t> ParseTimeOfDay(std::string_view text) {
  int32_t h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !Digits(text, 0, 2, &h) || !Digits(text, 3, 2, &m) ||
      h > 23 || m > 59) {
    return std::nullopt;
  }
  return h * 60 + m;
}

int32_t Weekday(int32_t day) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  return ((day % 7) + 7 + 3) % 7;
}

int32_t IsoWeekMonday(int32_t day) { return day - Weekday(day); }

int32_t IsoWeek(int32_t day) {
  // The ISO year is the year of the week's Thursday; week 1 holds that year's first Thursday.
  const int32_t thursday = IsoWeekMonday(day) + 3;
  int32_t y = 0, m = 0, d = 0;
  CivilFromDays(thursday, &y, &m, &d);
  const int32_t week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
  return y * 100 + week;
}

}  // namespace rotonde::projections
