#include "core/calling_window.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace outdial::core {
namespace {

using date::local_days;
using date::sys_days;
using date::year_month_day;
using std::chrono::hours;
using std::chrono::minutes;
using Days = std::map<std::string, std::vector<std::string>>;

constexpr year_month_day Ymd(int y, unsigned m, unsigned d) {
  return year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

// The weekdays the tests below rely on.
static_assert(date::weekday{sys_days{Ymd(2026, 1, 12)}} == date::Monday);
static_assert(date::weekday{sys_days{Ymd(2026, 6, 15)}} == date::Monday);
static_assert(date::weekday{sys_days{Ymd(2026, 3, 8)}} == date::Sunday);
static_assert(date::weekday{sys_days{Ymd(2026, 3, 29)}} == date::Sunday);
static_assert(date::weekday{sys_days{Ymd(2026, 4, 4)}} == date::Saturday);
static_assert(date::weekday{sys_days{Ymd(2026, 10, 4)}} == date::Sunday);
static_assert(date::weekday{sys_days{Ymd(2026, 10, 25)}} == date::Sunday);
static_assert(date::weekday{sys_days{Ymd(2026, 11, 1)}} == date::Sunday);
static_assert(date::weekday{sys_days{Ymd(2026, 12, 25)}} == date::Friday);

const date::time_zone* Zone(std::string_view name) {
  return date::locate_zone(name);
}

TimePoint Utc(year_month_day ymd, int h, int m, int s = 0) {
  return TimePoint{sys_days{ymd}} + hours{h} + minutes{m} + std::chrono::seconds{s};
}

// A local wall time that exists exactly once (to_sys throws otherwise, failing the test).
TimePoint Local(std::string_view zone, year_month_day ymd, int h, int m) {
  return Zone(zone)->to_sys(local_days{ymd} + hours{h} + minutes{m});
}

// gtest cannot print a time_point; ISO strings in UTC make failures readable.
std::string Iso(TimePoint t) {
  if (t == kNever) return "never";
  return date::format("%FT%TZ", t);
}

std::string Describe(const Error& e) {
  std::string out = e.message;
  for (const auto& p : e.details) out += "\n  " + p.field + ": " + p.problem;
  return out;
}

CallingWindow MustParse(const Days& days, const std::vector<std::string>& holidays = {}) {
  auto r = ParseCallingWindow(days, holidays);
  if (!r.ok()) {
    ADD_FAILURE() << Describe(r.error());
    return CallingWindow{};
  }
  return r.value();
}

// The problem reported for `field`, or "<none>" (so a missing field shows in the failure).
std::string ProblemFor(const Result<CallingWindow>& r, std::string_view field) {
  if (r.ok()) return "<none: parsed ok>";
  for (const auto& p : r.error().details) {
    if (p.field == field) return p.problem;
  }
  std::string seen;
  for (const auto& p : r.error().details) seen += " " + p.field;
  return "<none; fields:" + seen + ">";
}

struct Expect {
  bool open;
  std::string until;  // Iso()
};

void ExpectState(const CallingWindow& w, std::string_view zone, TimePoint now, Expect e) {
  const WindowState s = EvaluateWindow(w, Zone(zone), now);
  EXPECT_EQ(s.open, e.open) << zone << " at " << Iso(now);
  EXPECT_EQ(Iso(s.until), e.until) << zone << " at " << Iso(now);
}

// ---------------------------------------------------------------------------------------------
// Parsing

TEST(ParseCallingWindow, SortsRangesAndLeavesMissingDaysClosed) {
  CallingWindow w = MustParse({{"mon", {"13:00-20:00", "09:00-12:00"}}, {"sun", {}}});
  EXPECT_EQ(w.days[0], (std::vector<MinuteRange>{{9 * 60, 12 * 60}, {13 * 60, 20 * 60}}));
  for (size_t d = 1; d < 7; ++d) EXPECT_TRUE(w.days[d].empty()) << d;
  EXPECT_TRUE(w.holidays.empty());
}

TEST(ParseCallingWindow, AcceptsWholeDayAndEndOfDay) {
  CallingWindow w = MustParse({{"tue", {"00:00-24:00"}}, {"wed", {"23:59-24:00", "00:00-00:01"}}});
  EXPECT_EQ(w.days[1], (std::vector<MinuteRange>{{0, 1440}}));
  EXPECT_EQ(w.days[2], (std::vector<MinuteRange>{{0, 1}, {1439, 1440}}));
}

TEST(ParseCallingWindow, MergesTouchingRanges) {
  CallingWindow w = MustParse({{"fri", {"12:00-13:00", "09:00-12:00", "13:00-14:00", "15:00-16:00"}}});
  EXPECT_EQ(w.days[4], (std::vector<MinuteRange>{{9 * 60, 14 * 60}, {15 * 60, 16 * 60}}));
}

TEST(ParseCallingWindow, SortsAndDeduplicatesHolidays) {
  CallingWindow w = MustParse({}, {"2026-12-25", "2026-01-01", "2026-12-25", "2028-02-29"});
  EXPECT_EQ(w.holidays, (std::vector<year_month_day>{Ymd(2026, 1, 1), Ymd(2026, 12, 25), Ymd(2028, 2, 29)}));
  for (const auto& d : w.days) EXPECT_TRUE(d.empty());
}

TEST(ParseCallingWindow, NoDaysAtAllIsAValidAlwaysClosedWindow) {
  auto r = ParseCallingWindow({}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), CallingWindow{});
}

struct BadRange {
  const char* text;
  const char* problem_part;
};

class ParseCallingWindowBadRange : public ::testing::TestWithParam<BadRange> {};

TEST_P(ParseCallingWindowBadRange, NamesTheElement) {
  auto r = ParseCallingWindow({{"tue", {"08:00-09:00", GetParam().text}}}, {});
  ASSERT_FALSE(r.ok()) << GetParam().text;
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "calling_window.tue[1]");
  EXPECT_NE(r.error().details[0].problem.find(GetParam().problem_part), std::string::npos)
      << r.error().details[0].problem;
  EXPECT_NE(r.error().details[0].problem.find(std::string("'") + GetParam().text + "'"), std::string::npos)
      << "the problem quotes the value: " << r.error().details[0].problem;
}

constexpr const char* kFormat = "expected HH:MM-HH:MM";
constexpr const char* kOrder = "start before end";

INSTANTIATE_TEST_SUITE_P(All, ParseCallingWindowBadRange,
                         ::testing::Values(BadRange{"9:00-12:00", kFormat}, BadRange{"09:00-1:00", kFormat},
                                           BadRange{"24:00-24:00", kFormat}, BadRange{"25:00-26:00", kFormat},
                                           BadRange{"23:60-23:59", kFormat}, BadRange{"10:00-24:01", kFormat},
                                           BadRange{"10:00-24:30", kFormat}, BadRange{"10:00-99:99", kFormat},
                                           BadRange{"0900-1200", kFormat}, BadRange{"09:00 - 12:00", kFormat},
                                           BadRange{"09:00-", kFormat}, BadRange{"-09:00", kFormat},
                                           BadRange{"", kFormat}, BadRange{"09:00", kFormat},
                                           BadRange{"ab:cd-ef:gh", kFormat}, BadRange{"+9:00-12:00", kFormat},
                                           BadRange{"09:00-12:00-13:00", kFormat},
                                           BadRange{"09.00-12.00", kFormat}, BadRange{"12:00-09:00", kOrder},
                                           BadRange{"10:00-10:00", kOrder}, BadRange{"00:00-00:00", kOrder}));

TEST(ParseCallingWindow, OverlapNamesTheLaterRangeAndTheOneItOverlaps) {
  auto r = ParseCallingWindow({{"mon", {"09:00-12:00", "11:00-13:00"}}}, {});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0].field, "calling_window.mon[1]");
  EXPECT_EQ(r.error().details[0].problem, "'11:00-13:00' overlaps calling_window.mon[0] '09:00-12:00'");

  // The index is the one in the request, not in sorted order.
  r = ParseCallingWindow({{"mon", {"11:00-13:00", "09:00-12:00"}}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ProblemFor(r, "calling_window.mon[0]"),
            "'11:00-13:00' overlaps calling_window.mon[1] '09:00-12:00'");
}

TEST(ParseCallingWindow, RangesInsideAWiderOneAllOverlapIt) {
  auto r = ParseCallingWindow({{"wed", {"08:00-20:00", "09:00-10:00", "11:00-12:00"}}}, {});
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.error().details.size(), 2u);
  EXPECT_EQ(ProblemFor(r, "calling_window.wed[1]"),
            "'09:00-10:00' overlaps calling_window.wed[0] '08:00-20:00'");
  EXPECT_EQ(ProblemFor(r, "calling_window.wed[2]"),
            "'11:00-12:00' overlaps calling_window.wed[0] '08:00-20:00'");
}

TEST(ParseCallingWindow, IdenticalRangesOverlap) {
  auto r = ParseCallingWindow({{"thu", {"09:00-10:00", "09:00-10:00"}}}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(ProblemFor(r, "calling_window.thu[1]").find("overlaps calling_window.thu[0]"), std::string::npos);
}

TEST(ParseCallingWindow, UnknownDayKeyIsNamed) {
  for (const char* key : {"xyz", "Mon", "monday", "MON", ""}) {
    auto r = ParseCallingWindow({{"mon", {"09:00-10:00"}}, {key, {"09:00-10:00"}}}, {});
    ASSERT_FALSE(r.ok()) << key;
    ASSERT_EQ(r.error().details.size(), 1u) << key;
    EXPECT_EQ(r.error().details[0].field, std::string("calling_window.") + key);
    EXPECT_NE(r.error().details[0].problem.find("unknown day"), std::string::npos);
  }
}

TEST(ParseCallingWindow, BadHolidaysAreNamedByIndex) {
  const std::vector<std::string> bad = {"2026-02-30", "2026-13-01", "2026-00-10",  "2026-01-00",  "2026-1-01",
                                        "26-12-25",   "2026/12/25", "2026-12-25 ", " 2026-12-25", "",
                                        "2027-02-29", "2026-12-2x", "+026-12-25",  "2026-12--5"};
  for (const auto& text : bad) {
    auto r = ParseCallingWindow({}, {"2026-12-24", text});
    ASSERT_FALSE(r.ok()) << "'" << text << "'";
    EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
    ASSERT_EQ(r.error().details.size(), 1u) << text;
    EXPECT_EQ(r.error().details[0].field, "calling_window.holidays[1]") << text;
    EXPECT_EQ(r.error().details[0].problem, "expected a date YYYY-MM-DD, got '" + text + "'");
  }
}

TEST(ParseCallingWindow, ReportsEveryProblemAtOnce) {
  auto r =
      ParseCallingWindow({{"mon", {"09:00-25:00"}}, {"tue", {"09:00-12:00", "10:00-11:00"}}, {"xyz", {}}},
                         {"2026-12-25", "2026-02-31"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(r.error().details.size(), 4u);
  EXPECT_NE(ProblemFor(r, "calling_window.mon[0]").find(kFormat), std::string::npos);
  EXPECT_NE(ProblemFor(r, "calling_window.tue[1]").find("overlaps"), std::string::npos);
  EXPECT_NE(ProblemFor(r, "calling_window.xyz").find("unknown day"), std::string::npos);
  EXPECT_NE(ProblemFor(r, "calling_window.holidays[1]").find("YYYY-MM-DD"), std::string::npos);
  EXPECT_FALSE(r.error().message.empty());
}

TEST(ParseCallingWindow, UsesTheFieldPrefix) {
  auto r = ParseCallingWindow({{"wed", {"7-8"}}}, {"never"}, "campaigns[2].calling_window");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(ProblemFor(r, "campaigns[2].calling_window.wed[0]").find(kFormat), std::string::npos);
  EXPECT_NE(ProblemFor(r, "campaigns[2].calling_window.holidays[0]").find("YYYY-MM-DD"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Default and formatting

TEST(CallingWindow, DefaultIsMondayToSaturdayNineToEight) {
  const CallingWindow w = CallingWindow::Default();
  for (size_t d = 0; d < 6; ++d) EXPECT_EQ(w.days[d], (std::vector<MinuteRange>{{9 * 60, 20 * 60}})) << d;
  EXPECT_TRUE(w.days[6].empty());
  EXPECT_TRUE(w.holidays.empty());
  const Days expected = {{"mon", {"09:00-20:00"}},
                         {"tue", {"09:00-20:00"}},
                         {"wed", {"09:00-20:00"}},
                         {"thu", {"09:00-20:00"}},
                         {"fri", {"09:00-20:00"}},
                         {"sat", {"09:00-20:00"}},
                         {"sun", {}}};
  EXPECT_EQ(FormatCallingWindowDays(w), expected);
  EXPECT_TRUE(FormatHolidays(w).empty());
  EXPECT_EQ(MustParse(expected), w);
}

TEST(CallingWindow, FormatIsTheInverseOfParse) {
  const Days days = {
      {"mon", {"00:00-24:00"}}, {"wed", {"08:05-09:00", "23:59-24:00"}}, {"sat", {"00:00-00:01"}}};
  const std::vector<std::string> holidays = {"2026-01-01", "0999-03-04", "2026-12-25"};
  const CallingWindow w = MustParse(days, holidays);
  const Days formatted = FormatCallingWindowDays(w);
  const Days expected = {{"mon", {"00:00-24:00"}},
                         {"tue", {}},
                         {"wed", {"08:05-09:00", "23:59-24:00"}},
                         {"thu", {}},
                         {"fri", {}},
                         {"sat", {"00:00-00:01"}},
                         {"sun", {}}};
  EXPECT_EQ(formatted, expected);
  EXPECT_EQ(FormatHolidays(w), (std::vector<std::string>{"0999-03-04", "2026-01-01", "2026-12-25"}));
  EXPECT_EQ(MustParse(formatted, FormatHolidays(w)), w);
}

// ---------------------------------------------------------------------------------------------
// Evaluation in ordinary times

TEST(EvaluateWindow, BerlinSummerDefaultWindow) {
  const CallingWindow w = CallingWindow::Default();
  // Monday 2026-06-15, CEST = UTC+2.
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 6, 59, 59), {false, "2026-06-15T07:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 7, 0), {true, "2026-06-15T18:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 17, 59, 59), {true, "2026-06-15T18:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 18, 0), {false, "2026-06-16T07:00:00.000Z"});
  // A millisecond before opening is still closed.
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 7, 0) - Millis{1},
              {false, "2026-06-15T07:00:00.000Z"});
}

TEST(EvaluateWindow, NewYorkWinterSplitDay) {
  const CallingWindow w = MustParse({{"mon", {"09:00-12:00", "13:00-20:00"}}});
  // Monday 2026-01-12, EST = UTC-5.
  ExpectState(w, "America/New_York", Local("America/New_York", Ymd(2026, 1, 12), 8, 0),
              {false, "2026-01-12T14:00:00.000Z"});
  ExpectState(w, "America/New_York", Local("America/New_York", Ymd(2026, 1, 12), 11, 0),
              {true, "2026-01-12T17:00:00.000Z"});
  ExpectState(w, "America/New_York", Local("America/New_York", Ymd(2026, 1, 12), 12, 30),
              {false, "2026-01-12T18:00:00.000Z"});
  ExpectState(w, "America/New_York", Local("America/New_York", Ymd(2026, 1, 12), 19, 59),
              {true, "2026-01-13T01:00:00.000Z"});
  // After Monday's last range: closed until next Monday 09:00 EST.
  ExpectState(w, "America/New_York", Local("America/New_York", Ymd(2026, 1, 12), 20, 0),
              {false, "2026-01-19T14:00:00.000Z"});
  // The same UTC instant is Tuesday in Berlin (closed), Monday evening in New York (open).
  const TimePoint t = Utc(Ymd(2026, 1, 13), 0, 30);
  EXPECT_TRUE(EvaluateWindow(w, Zone("America/New_York"), t).open);
  EXPECT_FALSE(EvaluateWindow(w, Zone("Europe/Berlin"), t).open);
}

TEST(EvaluateWindow, KolkataHalfHourOffset) {
  const CallingWindow w = CallingWindow::Default();
  // IST = UTC+5:30, no DST: 09:00 IST = 03:30 UTC, 20:00 IST = 14:30 UTC.
  ExpectState(w, "Asia/Kolkata", Utc(Ymd(2026, 6, 15), 3, 29), {false, "2026-06-15T03:30:00.000Z"});
  ExpectState(w, "Asia/Kolkata", Utc(Ymd(2026, 6, 15), 3, 30), {true, "2026-06-15T14:30:00.000Z"});
  // Sunday 2026-06-14 09:00 IST is closed; the window opens Monday 09:00 IST.
  ExpectState(w, "Asia/Kolkata", Utc(Ymd(2026, 6, 14), 3, 30), {false, "2026-06-15T03:30:00.000Z"});
}

TEST(EvaluateWindow, LordHoweStandardAndSummerTime) {
  const CallingWindow w = CallingWindow::Default();
  // Winter: +10:30, so 09:00 local = 22:30 UTC the day before.
  ExpectState(w, "Australia/Lord_Howe", Utc(Ymd(2026, 6, 14), 22, 30), {true, "2026-06-15T09:30:00.000Z"});
  // Summer: +11.
  ExpectState(w, "Australia/Lord_Howe", Utc(Ymd(2026, 1, 11), 22, 0), {true, "2026-01-12T09:00:00.000Z"});
  ExpectState(w, "Australia/Lord_Howe", Utc(Ymd(2026, 1, 11), 21, 59), {false, "2026-01-11T22:00:00.000Z"});
}

// ---------------------------------------------------------------------------------------------
// DST change days

TEST(EvaluateWindow, NewYorkSpringForwardRangeStartingInTheGap) {
  // 2026-03-08: 02:00 EST (07:00 UTC) jumps to 03:00 EDT.
  const CallingWindow w = MustParse({{"sun", {"02:30-04:00"}}});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 6, 59, 59), {false, "2026-03-08T07:00:00.000Z"});
  // The range starts effectively at the gap's end, 03:00 EDT, and ends at 04:00 EDT.
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 7, 0), {true, "2026-03-08T08:00:00.000Z"});
  // The next Sunday is an ordinary day: 02:30 EDT = 06:30 UTC.
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 8, 0), {false, "2026-03-15T06:30:00.000Z"});
}

TEST(EvaluateWindow, NewYorkSpringForwardRangeEndingInTheGap) {
  const CallingWindow w = MustParse({{"sun", {"01:00-02:30"}}});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 5, 0), {false, "2026-03-08T06:00:00.000Z"});
  // 01:00 EST opens; at 07:00 UTC the wall clock jumps to 03:00, past the end.
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 6, 0), {true, "2026-03-08T07:00:00.000Z"});
}

TEST(EvaluateWindow, NewYorkSpringForwardRangeEntirelyInTheGapIsSkipped) {
  const CallingWindow w = MustParse({{"sun", {"02:00-02:30"}}});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 5, 0), {false, "2026-03-15T06:00:00.000Z"});
}

TEST(EvaluateWindow, NewYorkSpringForwardDayHas23Hours) {
  const CallingWindow w = MustParse({{"sun", {"00:00-24:00"}}});
  // Sunday 00:00 EST = 05:00 UTC; Monday 00:00 EDT = 04:00 UTC.
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 4, 0), {false, "2026-03-08T05:00:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 3, 8), 5, 0), {true, "2026-03-09T04:00:00.000Z"});
}

TEST(EvaluateWindow, NewYorkFallBackRepeatedHourCountsTwice) {
  // 2026-11-01: 02:00 EDT (06:00 UTC) falls back to 01:00 EST, so 01:00-02:00 happens twice.
  const CallingWindow w = MustParse({{"sun", {"01:00-02:00"}}});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 4, 59), {false, "2026-11-01T05:00:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 5, 0), {true, "2026-11-01T07:00:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 6, 30), {true, "2026-11-01T07:00:00.000Z"});
}

TEST(EvaluateWindow, NewYorkFallBackRangeStartingInTheRepeatedHour) {
  // "01:30-03:00": open at 01:30 EDT, closed again when the clock falls back to 01:00 EST, open
  // from 01:30 EST until 03:00 EST: judged by the wall clock, as the header promises.
  const CallingWindow w = MustParse({{"sun", {"01:30-03:00"}}});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 5, 0), {false, "2026-11-01T05:30:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 5, 45), {true, "2026-11-01T06:00:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 6, 0), {false, "2026-11-01T06:30:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 6, 30), {true, "2026-11-01T08:00:00.000Z"});
}

TEST(EvaluateWindow, NewYorkFallBackDayHas25Hours) {
  const CallingWindow w = MustParse({{"sun", {"00:00-24:00"}}});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 11, 1), 4, 0), {true, "2026-11-02T05:00:00.000Z"});
}

TEST(EvaluateWindow, BerlinSpringForward) {
  // 2026-03-29: 02:00 CET (01:00 UTC) jumps to 03:00 CEST.
  const CallingWindow w = MustParse({{"sun", {"02:30-05:00"}}});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 3, 29), 0, 59), {false, "2026-03-29T01:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 3, 29), 1, 0), {true, "2026-03-29T03:00:00.000Z"});
  // Later boundaries that day are in summer time already: 09:00 CEST = 07:00 UTC.
  const CallingWindow all_sunday = MustParse({{"sun", {"09:00-20:00"}}});
  ExpectState(all_sunday, "Europe/Berlin", Utc(Ymd(2026, 3, 29), 0, 0), {false, "2026-03-29T07:00:00.000Z"});
}

TEST(EvaluateWindow, BerlinFallBackRangeStartingInTheRepeatedHour) {
  // 2026-10-25: 03:00 CEST (01:00 UTC) falls back to 02:00 CET.
  const CallingWindow w = MustParse({{"sun", {"02:30-04:00"}}});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 10, 25), 0, 0), {false, "2026-10-25T00:30:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 10, 25), 0, 30), {true, "2026-10-25T01:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 10, 25), 1, 0), {false, "2026-10-25T01:30:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 10, 25), 1, 30), {true, "2026-10-25T03:00:00.000Z"});
  // A range covering the whole repeated hour stays open across the jump.
  const CallingWindow wide = MustParse({{"sun", {"01:00-05:00"}}});
  ExpectState(wide, "Europe/Berlin", Utc(Ymd(2026, 10, 24), 23, 0), {true, "2026-10-25T04:00:00.000Z"});
}

TEST(EvaluateWindow, LordHoweHalfHourShifts) {
  // 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11) at 15:30 UTC the day before.
  const CallingWindow spring = MustParse({{"sun", {"02:15-03:00"}}});
  ExpectState(spring, "Australia/Lord_Howe", Utc(Ymd(2026, 10, 3), 15, 29),
              {false, "2026-10-03T15:30:00.000Z"});
  ExpectState(spring, "Australia/Lord_Howe", Utc(Ymd(2026, 10, 3), 15, 30),
              {true, "2026-10-03T16:00:00.000Z"});
  // 2026-04-05: 02:00 (+11) falls back to 01:30 (+10:30) at 15:00 UTC the day before.
  const CallingWindow fall = MustParse({{"sun", {"01:45-03:00"}}});
  ExpectState(fall, "Australia/Lord_Howe", Utc(Ymd(2026, 4, 4), 14, 45), {true, "2026-04-04T15:00:00.000Z"});
  ExpectState(fall, "Australia/Lord_Howe", Utc(Ymd(2026, 4, 4), 15, 0), {false, "2026-04-04T15:15:00.000Z"});
  ExpectState(fall, "Australia/Lord_Howe", Utc(Ymd(2026, 4, 4), 15, 15), {true, "2026-04-04T16:30:00.000Z"});
}

TEST(EvaluateWindow, SantiagoFallsBackAcrossMidnight) {
  // Chile ends DST at local midnight: Sunday 00:00 (-03) becomes Saturday 23:00 (-04), so the last
  // hour of Saturday happens twice. Checked against the installed tzdata first, as Chile's rules
  // change often.
  const auto* zone = Zone("America/Santiago");
  const auto info = zone->get_info(date::floor<std::chrono::seconds>(Utc(Ymd(2026, 4, 5), 2, 0)));
  if (info.end != Utc(Ymd(2026, 4, 5), 3, 0) || info.offset != hours{-3}) {
    GTEST_SKIP() << "tzdata no longer has Chile's 2026-04-05 transition at 03:00 UTC";
  }
  const CallingWindow w = MustParse({{"sat", {"23:30-24:00"}}, {"sun", {"00:00-24:00"}}});
  ExpectState(w, "America/Santiago", Utc(Ymd(2026, 4, 5), 2, 45), {true, "2026-04-05T03:00:00.000Z"});
  ExpectState(w, "America/Santiago", Utc(Ymd(2026, 4, 5), 3, 0), {false, "2026-04-05T03:30:00.000Z"});
  ExpectState(w, "America/Santiago", Utc(Ymd(2026, 4, 5), 3, 30), {true, "2026-04-06T04:00:00.000Z"});
  // A holiday on the Saturday closes both of its 23:xx hours.
  const CallingWindow holiday = MustParse({{"sun", {"00:00-24:00"}}}, {"2026-04-04"});
  ExpectState(holiday, "America/Santiago", Utc(Ymd(2026, 4, 5), 2, 0), {false, "2026-04-05T04:00:00.000Z"});
}

// ---------------------------------------------------------------------------------------------
// Holidays and `until`

TEST(EvaluateWindow, HolidayIsTheWholeLocalDayEvenWhenTheUtcDateDiffers) {
  const CallingWindow w = MustParse(
      {{"thu", {"00:00-24:00"}}, {"fri", {"00:00-24:00"}}, {"sat", {"00:00-24:00"}}}, {"2026-12-25"});
  // 2026-12-24 19:00 UTC is already 25 Dec 00:30 in Kolkata: closed until 26 Dec 00:00 IST.
  ExpectState(w, "Asia/Kolkata", Utc(Ymd(2026, 12, 24), 18, 29), {true, "2026-12-24T18:30:00.000Z"});
  ExpectState(w, "Asia/Kolkata", Utc(Ymd(2026, 12, 24), 19, 0), {false, "2026-12-25T18:30:00.000Z"});
  ExpectState(w, "Asia/Kolkata", Utc(Ymd(2026, 12, 25), 18, 30), {true, "2026-12-26T18:30:00.000Z"});
  // 2026-12-25 02:00 UTC is still 24 Dec in New York: open until 25 Dec 00:00 EST.
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 12, 25), 2, 0), {true, "2026-12-25T05:00:00.000Z"});
  ExpectState(w, "America/New_York", Utc(Ymd(2026, 12, 26), 4, 59), {false, "2026-12-26T05:00:00.000Z"});
}

TEST(EvaluateWindow, UntilCrossesMidnightWhenConsecutiveDaysAreOpen) {
  const CallingWindow w = MustParse({{"mon", {"00:00-24:00"}}, {"tue", {"00:00-24:00"}}});
  // Monday 10:00 CEST: open through Tuesday until Wednesday 00:00 CEST.
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {true, "2026-06-16T22:00:00.000Z"});
  const CallingWindow evening =
      MustParse({{"mon", {"20:00-24:00"}}, {"tue", {"00:00-06:00", "07:00-08:00"}}});
  ExpectState(evening, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 19, 0), {true, "2026-06-16T04:00:00.000Z"});
  ExpectState(evening, "Europe/Berlin", Utc(Ymd(2026, 6, 16), 4, 0), {false, "2026-06-16T05:00:00.000Z"});
}

TEST(EvaluateWindow, UntilSkipsClosedWeekendsAndHolidays) {
  const CallingWindow weekdays = MustParse({{"mon", {"09:00-17:00"}},
                                            {"tue", {"09:00-17:00"}},
                                            {"wed", {"09:00-17:00"}},
                                            {"thu", {"09:00-17:00"}},
                                            {"fri", {"09:00-17:00"}}});
  // Friday 2026-06-19 17:00 CEST → Monday 09:00 CEST.
  ExpectState(weekdays, "Europe/Berlin", Utc(Ymd(2026, 6, 19), 15, 0), {false, "2026-06-22T07:00:00.000Z"});
  CallingWindow with_holidays = weekdays;
  with_holidays.holidays = {Ymd(2026, 6, 22), Ymd(2026, 6, 23), Ymd(2026, 6, 25)};
  ExpectState(with_holidays, "Europe/Berlin", Utc(Ymd(2026, 6, 19), 15, 0),
              {false, "2026-06-24T07:00:00.000Z"});
  ExpectState(with_holidays, "Europe/Berlin", Utc(Ymd(2026, 6, 24), 8, 0),
              {true, "2026-06-24T15:00:00.000Z"});
  ExpectState(with_holidays, "Europe/Berlin", Utc(Ymd(2026, 6, 24), 15, 0),
              {false, "2026-06-26T07:00:00.000Z"});
  // The whole open week is holidays.
  with_holidays.holidays = {Ymd(2026, 6, 22), Ymd(2026, 6, 23), Ymd(2026, 6, 24), Ymd(2026, 6, 25),
                            Ymd(2026, 6, 26)};
  ExpectState(with_holidays, "Europe/Berlin", Utc(Ymd(2026, 6, 19), 15, 0),
              {false, "2026-06-29T07:00:00.000Z"});
}

TEST(EvaluateWindow, AlwaysOpenWindowChangesOnlyAtHolidays) {
  CallingWindow w;
  for (auto& d : w.days) d = {MinuteRange{0, 1440}};
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {true, "never"});
  w.holidays = {Ymd(2026, 12, 24), Ymd(2026, 12, 25), Ymd(2026, 12, 26), Ymd(2027, 6, 1)};
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {true, "2026-12-23T23:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 12, 24), 12, 0), {false, "2026-12-26T23:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 12, 27), 12, 0), {true, "2027-05-31T22:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2027, 6, 1), 12, 0), {false, "2027-06-01T22:00:00.000Z"});
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2027, 6, 2), 0, 0), {true, "never"});
  // Holidays in the past do not matter.
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2028, 1, 1), 0, 0), {true, "never"});
  // A holiday centuries ahead (a mistyped year) is found without walking there day by day.
  w.holidays = {Ymd(9999, 12, 30)};
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {true, "9999-12-29T23:00:00.000Z"});
}

TEST(EvaluateWindow, FallBackFromAfterMidnightReentersTheHolidayBefore) {
  // Goose Bay fell back at 00:01 ADT to 23:01 AST the previous day (until 2010): on 2000-10-29
  // Sunday 00:00-00:01 happened, then Saturday 23:01-24:00 again. With Saturday a holiday, the
  // window opens at midnight, closes at the jump, and opens again at the second midnight.
  const auto* zone = Zone("America/Goose_Bay");
  const auto info = zone->get_info(date::floor<std::chrono::seconds>(Utc(Ymd(2000, 10, 29), 3, 0)));
  ASSERT_EQ(Iso(info.end), "2000-10-29T03:01:00.000Z");
  CallingWindow always;
  for (auto& d : always.days) d = {MinuteRange{0, 1440}};
  always.holidays = {Ymd(2000, 10, 28)};
  CallingWindow weekend = MustParse({{"sat", {"00:00-24:00"}}, {"sun", {"00:00-24:00"}}}, {"2000-10-28"});
  for (const CallingWindow& w : {always, weekend}) {
    ExpectState(w, "America/Goose_Bay", Utc(Ymd(2000, 10, 29), 2, 0), {false, "2000-10-29T03:00:00.000Z"});
    ExpectState(w, "America/Goose_Bay", Utc(Ymd(2000, 10, 29), 3, 0), {true, "2000-10-29T03:01:00.000Z"});
    ExpectState(w, "America/Goose_Bay", Utc(Ymd(2000, 10, 29), 3, 1), {false, "2000-10-29T04:00:00.000Z"});
  }
}

TEST(EvaluateWindow, AlwaysOpenWindowAroundAFallBackAtMidnight) {
  // Santiago falls back from Sunday 00:00 (-03) to Saturday 23:00 (-04), so Saturday's last hour
  // repeats and Sunday begins at 04:00 UTC, not 03:00.
  const auto* zone = Zone("America/Santiago");
  const auto info = zone->get_info(date::floor<std::chrono::seconds>(Utc(Ymd(2026, 4, 5), 2, 0)));
  if (info.end != Utc(Ymd(2026, 4, 5), 3, 0) || info.offset != hours{-3}) {
    GTEST_SKIP() << "tzdata no longer has Chile's 2026-04-05 transition at 03:00 UTC";
  }
  CallingWindow w;
  for (auto& d : w.days) d = {MinuteRange{0, 1440}};
  w.holidays = {Ymd(2026, 4, 5)};
  ExpectState(w, "America/Santiago", Utc(Ymd(2026, 4, 5), 2, 0), {true, "2026-04-05T04:00:00.000Z"});
  w.holidays = {Ymd(2026, 4, 4)};
  ExpectState(w, "America/Santiago", Utc(Ymd(2026, 4, 4), 2, 0), {true, "2026-04-04T03:00:00.000Z"});
  ExpectState(w, "America/Santiago", Utc(Ymd(2026, 4, 4), 3, 0), {false, "2026-04-05T04:00:00.000Z"});
}

TEST(EvaluateWindow, EmptyWindowIsClosedForever) {
  const CallingWindow empty;
  ExpectState(empty, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {false, "never"});
  ExpectState(empty, "Asia/Kolkata", Utc(Ymd(2026, 3, 8), 7, 0), {false, "never"});
  CallingWindow holidays_only;
  holidays_only.holidays = {Ymd(2026, 6, 15)};
  ExpectState(holidays_only, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {false, "never"});
  // A holiday on the only open day pushes the opening to the next week.
  CallingWindow blocked = MustParse({{"mon", {"09:00-10:00"}}}, {"2026-06-15"});
  ExpectState(blocked, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 7, 30), {false, "2026-06-22T07:00:00.000Z"});
}

TEST(EvaluateWindow, UntilIsAlwaysAfterNowEvenAtTheExactBoundary) {
  const CallingWindow w = MustParse({{"mon", {"09:00-10:00", "11:00-12:00"}}});
  for (int minute : {9 * 60, 10 * 60, 11 * 60, 12 * 60}) {
    const TimePoint now = Local("Europe/Berlin", Ymd(2026, 6, 15), minute / 60, minute % 60);
    const WindowState s = EvaluateWindow(w, Zone("Europe/Berlin"), now);
    EXPECT_GT(s.until, now) << minute;
    EXPECT_NE(EvaluateWindow(w, Zone("Europe/Berlin"), s.until).open, s.open) << minute;
  }
}

TEST(EvaluateWindow, ToleratesTouchingRangesInAHandBuiltWindow) {
  CallingWindow w;
  w.days[0] = {MinuteRange{9 * 60, 12 * 60}, MinuteRange{12 * 60, 13 * 60}};
  ExpectState(w, "Europe/Berlin", Utc(Ymd(2026, 6, 15), 8, 0), {true, "2026-06-15T11:00:00.000Z"});
}

TEST(EvaluateWindow, ZonesWithoutTransitions) {
  const CallingWindow w = MustParse({{"sat", {"10:00-11:00"}}});
  ExpectState(w, "UTC", Utc(Ymd(2026, 6, 15), 8, 0), {false, "2026-06-20T10:00:00.000Z"});
  // Etc/GMT-14 is UTC+14 (POSIX signs): Friday 20:00 UTC is already Saturday 10:00 there.
  ExpectState(w, "Etc/GMT-14", Utc(Ymd(2026, 6, 19), 20, 0), {true, "2026-06-19T21:00:00.000Z"});
}

// ---------------------------------------------------------------------------------------------
// Property: the state is constant on [now, until) and differs at `until`.

// An independent reading of the rules, straight from zone->to_local.
bool OracleOpen(const CallingWindow& w, const date::time_zone* zone, TimePoint t) {
  const auto local = zone->to_local(t);
  const auto day = date::floor<date::days>(local);
  if (std::find(w.holidays.begin(), w.holidays.end(), year_month_day{day}) != w.holidays.end()) return false;
  const unsigned index = date::weekday{day}.iso_encoding() - 1;
  const int64_t minute = std::chrono::duration_cast<minutes>(local - day).count();
  for (const auto& r : w.days[index]) {
    if (minute >= r.begin_min && minute < r.end_min) return true;
  }
  return false;
}

CallingWindow RandomWindow(std::mt19937_64& rng, TimePoint around) {
  // Boundaries favour the hours zones jump at (00:00, 01:00-03:00, 23:00-24:00) and odd minutes.
  static const std::vector<int> kInteresting = {0,   30,  45,  60,  90,   105,  120,  135,  150,  165, 180,
                                                210, 540, 720, 750, 1200, 1380, 1410, 1425, 1439, 1440};
  auto boundary = [&] {
    if (rng() % 3 == 0) return static_cast<int>(rng() % 1441);
    return kInteresting[rng() % kInteresting.size()];
  };
  CallingWindow w;
  // Some windows are open around the clock, so that only holidays (and zone jumps back into
  // them) change the state.
  const bool always_open = rng() % 8 == 0;
  for (auto& day : w.days) {
    const auto kind = always_open ? 3 : rng() % 10;
    if (kind < 2) continue;  // closed all day
    if (kind < 4) {          // open all day
      day = {MinuteRange{0, 1440}};
      continue;
    }
    std::vector<int> cuts;
    const size_t ranges = 1 + rng() % 3;
    for (size_t i = 0; i < 2 * ranges; ++i) cuts.push_back(boundary());
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    for (size_t i = 0; i + 1 < cuts.size(); i += 2) day.push_back(MinuteRange{cuts[i], cuts[i + 1]});
  }
  const auto today = date::floor<date::days>(around);
  const size_t holidays = rng() % 5;
  const int spread = rng() % 4 == 0 ? 60 : 24;  // days; sometimes well past the first weeks
  for (size_t i = 0; i < holidays; ++i) {
    w.holidays.push_back(year_month_day{today + date::days{static_cast<int>(rng() % spread) - 3}});
  }
  std::sort(w.holidays.begin(), w.holidays.end());
  w.holidays.erase(std::unique(w.holidays.begin(), w.holidays.end()), w.holidays.end());
  return w;
}

TEST(EvaluateWindowProperty, StateIsConstantUntilItChanges) {
  const std::vector<const date::time_zone*> zones = {Zone("Europe/Berlin"),      Zone("America/New_York"),
                                                     Zone("Asia/Kolkata"),       Zone("Australia/Lord_Howe"),
                                                     Zone("America/Santiago"),   Zone("Pacific/Apia"),
                                                     Zone("Asia/Kathmandu"),     Zone("Pacific/Chatham"),
                                                     Zone("America/St_Johns"),   Zone("Africa/Casablanca"),
                                                     Zone("Antarctica/Troll"),   Zone("Europe/London"),
                                                     Zone("Pacific/Kiritimati"), Zone("UTC"),
                                                     Zone("America/Sao_Paulo"),  Zone("Asia/Tehran"),
                                                     Zone("America/Goose_Bay")};
  std::mt19937_64 rng(20260308);
  const int64_t lo = ToEpochMs(Utc(Ymd(1985, 1, 1), 0, 0));
  const int64_t hi = ToEpochMs(Utc(Ymd(2040, 1, 1), 0, 0));
  int changes = 0;
  for (int sample = 0; sample < 3000; ++sample) {
    const date::time_zone* zone = zones[rng() % zones.size()];
    TimePoint now = FromEpochMs(lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo)));
    if (rng() % 2 == 0) {
      // Land within a few hours of a real UTC-offset change, where the bugs live.
      const auto end = zone->get_info(date::floor<std::chrono::seconds>(now)).end;
      if (end < Utc(Ymd(2040, 1, 1), 0, 0))
        now = TimePoint{end} + Millis{static_cast<int64_t>(rng() % 21'600'000) - 10'800'000};
    }
    if (rng() % 4 == 0) now = date::floor<minutes>(now);  // exactly on a possible boundary
    const CallingWindow w = RandomWindow(rng, now);
    const WindowState s = EvaluateWindow(w, zone, now);
    SCOPED_TRACE(::testing::Message() << "sample " << sample << " zone " << zone->name() << " now "
                                      << Iso(now) << " open " << s.open << " until " << Iso(s.until));
    ASSERT_EQ(s.open, OracleOpen(w, zone, now));
    ASSERT_GT(s.until, now);
    const TimePoint last = s.until == kNever ? now + date::days{90} : s.until - Millis{1};
    if (s.until != kNever) {
      ++changes;
      ASSERT_NE(OracleOpen(w, zone, s.until), s.open);
      ASSERT_EQ(EvaluateWindow(w, zone, s.until).open, !s.open);
    }
    ASSERT_EQ(OracleOpen(w, zone, last), s.open);
    // Inside [now, until): random instants, and both sides of every offset change in between.
    std::vector<TimePoint> probes;
    const int64_t span = ToEpochMs(last) - ToEpochMs(now) + 1;
    for (int i = 0; i < 6; ++i)
      probes.push_back(now + Millis{static_cast<int64_t>(rng() % static_cast<uint64_t>(span))});
    for (auto t = date::floor<std::chrono::seconds>(now); probes.size() < 40;) {
      const auto end = zone->get_info(t).end;
      if (TimePoint{end} > last || end <= t) break;
      probes.push_back(end);
      probes.push_back(TimePoint{end} - Millis{1});
      t = end;
    }
    for (TimePoint t : probes) {
      if (t < now || t > last) continue;
      ASSERT_EQ(OracleOpen(w, zone, t), s.open) << "at " << Iso(t);
      // From any point of the stretch, the next change is the same instant.
      const WindowState later = EvaluateWindow(w, zone, t);
      ASSERT_EQ(later.open, s.open) << "at " << Iso(t);
      ASSERT_EQ(Iso(later.until), Iso(s.until)) << "at " << Iso(t);
    }
  }
  EXPECT_GT(changes, 2000);  // the generator mostly makes windows that do change
}

TEST(EvaluateWindow, ApiaSkippedAWholeDay) {
  // Samoa crossed the date line: 2011-12-29 23:59:59 (-10) was followed by 2011-12-31 00:00 (+14),
  // so Friday 30 December never happened there. A Friday-only window skips that week.
  const auto* zone = Zone("Pacific/Apia");
  const CallingWindow w = MustParse({{"fri", {"00:00-24:00"}}});
  const TimePoint thursday_noon = zone->to_sys(local_days{Ymd(2011, 12, 29)} + hours{12});
  const WindowState s = EvaluateWindow(w, zone, thursday_noon);
  EXPECT_FALSE(s.open);
  EXPECT_EQ(Iso(s.until), Iso(zone->to_sys(local_days{Ymd(2012, 1, 6)})));
}

// ---------------------------------------------------------------------------------------------
// ZoneTable

TEST(ZoneTable, InternsOncePerName) {
  ZoneTable table;
  auto berlin = table.Intern("Europe/Berlin");
  auto ny = table.Intern("America/New_York");
  auto berlin_again = table.Intern("Europe/Berlin");
  ASSERT_TRUE(berlin.ok());
  ASSERT_TRUE(ny.ok());
  ASSERT_TRUE(berlin_again.ok());
  EXPECT_EQ(*berlin, 0);
  EXPECT_EQ(*ny, 1);
  EXPECT_EQ(*berlin_again, *berlin);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Name(*ny), "America/New_York");
  EXPECT_EQ(table.Zone(*berlin), Zone("Europe/Berlin"));
  EXPECT_EQ(table.Zone(*berlin)->name(), "Europe/Berlin");
}

TEST(ZoneTable, UnknownZoneIsAValidationErrorNamingTheField) {
  ZoneTable table;
  auto r = table.Intern("Foo/Bar");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  ASSERT_EQ(r.error().details.size(), 1u);
  EXPECT_EQ(r.error().details[0], (FieldProblem{"timezone", "unknown IANA time zone 'Foo/Bar'"}));

  auto custom = table.Intern("europe/berlin", "contacts[3].timezone");
  ASSERT_FALSE(custom.ok());
  EXPECT_EQ(custom.error().details[0].field, "contacts[3].timezone");
  for (const char* bad : {"", "Europe", "../zone.tab", "Europe/Berlin ", "posix/Europe/Berlin"}) {
    EXPECT_FALSE(table.Intern(bad).ok()) << "'" << bad << "'";
  }
  EXPECT_EQ(table.size(), 0u);
  // Failures do not use up ids.
  auto utc = table.Intern("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(*utc, 0);
}

TEST(ZoneTable, AcceptsLinks) {
  ZoneTable table;
  auto r = table.Intern("US/Eastern");
  ASSERT_TRUE(r.ok());
  const TimePoint t = Utc(Ymd(2026, 6, 15), 12, 0);
  EXPECT_EQ(table.Zone(*r)->to_local(t), Zone("America/New_York")->to_local(t));
}

}  // namespace
}  // namespace outdial::core
