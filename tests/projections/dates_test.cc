#include "rotonde/projections/dates.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rotonde::projections {
namespace {

int32_t Day(std::string_view iso) {
  const std::optional<int32_t> day = ParseIsoDate(iso);
  EXPECT_TRUE(day.has_value()) << iso;
  return day.value_or(0);
}

TEST(ParseIsoDateTest, DayNumbersFrom1970) {
  EXPECT_EQ(ParseIsoDate("1970-01-01"), 0);
  EXPECT_EQ(ParseIsoDate("1969-12-31"), -1);
  EXPECT_EQ(ParseIsoDate("2026-06-13"), 20617);
  EXPECT_EQ(ParseIsoDate("1900-01-01"), -25567);
  EXPECT_EQ(ParseIsoDate("2999-12-31"), 376199);
}

TEST(ParseIsoDateTest, OnlyDaysThatExist) {
  EXPECT_TRUE(ParseIsoDate("2024-02-29"));
  EXPECT_FALSE(ParseIsoDate("2026-02-29"));
  EXPECT_TRUE(ParseIsoDate("2000-02-29"));   // divisible by 400: a leap year
  EXPECT_FALSE(ParseIsoDate("1900-02-29"));  // by 100 but not 400: not one
  EXPECT_FALSE(ParseIsoDate("2026-04-31"));
  EXPECT_TRUE(ParseIsoDate("2026-12-31"));
  for (const char* impossible : {"2026-00-10", "2026-13-01", "2026-06-00", "2026-06-32"}) {
    EXPECT_FALSE(ParseIsoDate(impossible)) << impossible;
  }
}

TEST(ParseIsoDateTest, OnlyYears1900To2999) {
  EXPECT_TRUE(ParseIsoDate("1900-01-01"));
  EXPECT_FALSE(ParseIsoDate("1899-12-31"));
  EXPECT_TRUE(ParseIsoDate("2999-12-31"));
  EXPECT_FALSE(ParseIsoDate("3000-01-01"));
  EXPECT_FALSE(ParseIsoDate("0000-01-01"));
}

TEST(ParseIsoDateTest, OnlyTheIsoForm) {
  for (const char* malformed :
       {"", "2026-6-13", "2026-06-1", "2026/06/13", "2026-06-13 ", " 2026-06-13", "20260613",
        "+026-06-13", "2026-+6-13", "2026--6-13", "2026-06-1a", "13-06-2026", "2026-06-13T00"}) {
    EXPECT_FALSE(ParseIsoDate(malformed)) << malformed;
  }
}

// Every day of the range, formatted and parsed again, is itself; days follow each other.
TEST(FormatIsoDateTest, RoundTripsEveryDayOfTheRange) {
  const int32_t first = Day("1900-01-01");
  const int32_t last = Day("2999-12-31");
  EXPECT_EQ(last - first + 1, 401'767);
  for (int32_t day = first; day <= last; ++day) {
    const std::string text = FormatIsoDate(day);
    ASSERT_EQ(ParseIsoDate(text), day) << text;
    ASSERT_EQ(Weekday(day + 1), (Weekday(day) + 1) % 7) << text;
  }
  EXPECT_EQ(FormatIsoDate(0), "1970-01-01");
  EXPECT_EQ(FormatIsoDate(Day("2024-02-28") + 1), "2024-02-29");
  EXPECT_EQ(FormatIsoDate(Day("2026-02-28") + 1), "2026-03-01");
}

TEST(ParseTimeOfDayTest, MinutesAfterMidnight) {
  EXPECT_EQ(ParseTimeOfDay("00:00"), 0);
  EXPECT_EQ(ParseTimeOfDay("08:15"), 495);
  EXPECT_EQ(ParseTimeOfDay("23:59"), 1439);
  for (const char* bad : {"24:00", "12:60", "7:30", "07:3", "07-30", "07:30 ", "+7:30", ""}) {
    EXPECT_FALSE(ParseTimeOfDay(bad)) << bad;
  }
}

TEST(WeekdayTest, MondayIsZero) {
  EXPECT_EQ(Weekday(Day("1970-01-01")), 3);  // a Thursday
  EXPECT_EQ(Weekday(Day("1969-12-31")), 2);  // before 1970 too
  EXPECT_EQ(Weekday(Day("1900-01-01")), 0);
  EXPECT_EQ(Weekday(Day("2026-06-13")), 5);
  EXPECT_EQ(Weekday(Day("2026-06-14")), 6);
  EXPECT_EQ(IsoWeekMonday(Day("2026-06-14")), Day("2026-06-08"));
  EXPECT_EQ(IsoWeekMonday(Day("2026-06-08")), Day("2026-06-08"));
  EXPECT_EQ(IsoWeekMonday(Day("2027-01-01")), Day("2026-12-28"));
}

TEST(IsoWeekTest, AtYearBoundaries) {
  EXPECT_EQ(IsoWeek(Day("2026-06-13")), 202624);
  EXPECT_EQ(IsoWeek(Day("2026-01-01")), 202601);  // a Thursday: week 1
  EXPECT_EQ(IsoWeek(Day("2026-12-31")), 202653);
  EXPECT_EQ(IsoWeek(Day("2027-01-01")), 202653);  // a Friday: the last week of 2026
  EXPECT_EQ(IsoWeek(Day("2027-01-03")), 202653);
  EXPECT_EQ(IsoWeek(Day("2027-01-04")), 202701);
  EXPECT_EQ(IsoWeek(Day("2020-12-31")), 202053);
  EXPECT_EQ(IsoWeek(Day("2021-01-03")), 202053);
  EXPECT_EQ(IsoWeek(Day("2021-01-04")), 202101);
  EXPECT_EQ(IsoWeek(Day("2024-12-30")), 202501);  // a Monday: week 1 of 2025
  EXPECT_EQ(IsoWeek(Day("2024-02-29")), 202409);
  EXPECT_EQ(IsoWeek(Day("1900-01-01")), 190001);
  EXPECT_EQ(IsoWeek(Day("2999-12-31")), 300001);
}

// Over the whole range: a week is Monday to Sunday, weeks are numbered 1, 2, ... without a
// gap, and a year has 52 or 53 of them.
TEST(IsoWeekTest, WeeksRunMondayToSundayWithoutGaps) {
  int32_t previous = IsoWeek(Day("1900-01-01"));
  for (int32_t monday = Day("1900-01-08"); monday <= Day("2999-12-31"); monday += 7) {
    ASSERT_EQ(Weekday(monday), 0);
    const int32_t week = IsoWeek(monday);
    for (int32_t day = monday; day < monday + 7; ++day) ASSERT_EQ(IsoWeek(day), week);
    if (week / 100 == previous / 100) {
      ASSERT_EQ(week, previous + 1) << FormatIsoDate(monday);
    } else {
      ASSERT_EQ(week % 100, 1) << FormatIsoDate(monday);
      ASSERT_TRUE(previous % 100 == 52 || previous % 100 == 53) << FormatIsoDate(monday);
    }
    previous = week;
  }
}

TEST(AmsterdamDayTest, TheCivilDateInAmsterdamAcrossMidnightAndTheClockChanges) {
  const auto at = [](const char* date, int64_t seconds) {
    return static_cast<int64_t>(*ParseIsoDate(date)) * 86400 + seconds;
  };
  // Winter (UTC+1) and summer (UTC+2): the date turns at 23:00 and 22:00 UTC.
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-12-31", 22 * 3600 + 59 * 60))), "2026-12-31");
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-12-31", 23 * 3600))), "2027-01-01");
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-06-30", 21 * 3600 + 59 * 60))), "2026-06-30");
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-06-30", 22 * 3600))), "2026-07-01");
  // The clocks change on the last Sundays of March and October at 01:00 UTC.
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-03-28", 23 * 3600 - 1))), "2026-03-28");
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-03-28", 23 * 3600))), "2026-03-29");
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-10-24", 22 * 3600))), "2026-10-25");  // still CEST
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-10-25", 22 * 3600 + 59 * 60))), "2026-10-25");
  EXPECT_EQ(FormatIsoDate(AmsterdamDay(at("2026-10-25", 23 * 3600))), "2026-10-26");  // CET
}

}  // namespace
}  // namespace rotonde::projections
