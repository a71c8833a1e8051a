#include "core/calling_window.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace outdial::core {

namespace {

using LocalMs = date::local_time<Millis>;

constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr int kMinutesPerDay = 24 * 60;
constexpr int64_t kMsPerMinute = int64_t{60} * 1000;
constexpr int64_t kMsPerDay = int64_t{kMinutesPerDay} * kMsPerMinute;

// From the day after the last holiday on, the window repeats weekly, so if it has not changed
// for two weeks of local time by then it never will. One week is not enough: a day's only range
// can lie inside a spring-forward gap and be skipped that week.
constexpr date::days kSteadyHorizon{15};

// ---------------------------------------------------------------------------------------------
// Parsing and formatting

std::string Quoted(std::string_view text) {
  std::string out = "'";
  out.append(text);
  out += '\'';
  return out;
}

std::string Field(std::string_view prefix, std::string_view key) {
  std::string out(prefix);
  out += '.';
  out.append(key);
  return out;
}

std::string Field(std::string_view prefix, std::string_view key, size_t index) {
  std::string out = Field(prefix, key);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// std::stoi would accept signs, spaces and trailing junk; the API form is exact digits.
std::optional<int> ParseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "HH:MM" → minutes since midnight. "24:00" is accepted only as a range end (`is_end`).
std::optional<int> ParseClock(std::string_view text, bool is_end) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto hours = ParseDigits(text.substr(0, 2));
  auto minutes = ParseDigits(text.substr(3, 2));
  if (!hours || !minutes) return std::nullopt;
  if (is_end && *hours == 24 && *minutes == 0) return kMinutesPerDay;
  if (*hours > 23 || *minutes > 59) return std::nullopt;
  return *hours * 60 + *minutes;
}

void AppendTwoDigits(std::string& out, int value) {
  out += static_cast<char>('0' + value / 10 % 10);
  out += static_cast<char>('0' + value % 10);
}

std::string FormatClock(int minutes) {
  std::string out;
  AppendTwoDigits(out, minutes / 60);
  out += ':';
  AppendTwoDigits(out, minutes % 60);
  return out;
}

std::string FormatRange(const MinuteRange& r) {
  return FormatClock(r.begin_min) + "-" + FormatClock(r.end_min);
}

std::optional<date::year_month_day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = ParseDigits(text.substr(0, 4));
  auto m = ParseDigits(text.substr(5, 2));
  auto d = ParseDigits(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                           date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string FormatDate(const date::year_month_day& ymd) {
  const int y = static_cast<int>(ymd.year());
  std::string out;
  AppendTwoDigits(out, y / 100);
  AppendTwoDigits(out, y % 100);
  out += '-';
  AppendTwoDigits(out, static_cast<int>(static_cast<unsigned>(ymd.month())));
  out += '-';
  AppendTwoDigits(out, static_cast<int>(static_cast<unsigned>(ymd.day())));
  return out;
}

// Validates one day's list. Problems name the offending element by its index in the request, so
// the overlap check keeps the original index through the sort.
std::vector<MinuteRange> ParseDay(std::string_view prefix, std::string_view key,
                                  const std::vector<std::string>& texts,
                                  std::vector<FieldProblem>& problems) {
  struct Indexed {
    MinuteRange range;
    size_t index;
  };
  std::vector<Indexed> parsed;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string_view text = texts[i];
    const size_t dash = text.find('-');
    std::optional<int> begin;
    std::optional<int> end;
    if (dash != std::string_view::npos) {
      begin = ParseClock(text.substr(0, dash), /*is_end=*/false);
      end = ParseClock(text.substr(dash + 1), /*is_end=*/true);
    }
    if (!begin || !end) {
      problems.push_back(
          {Field(prefix, key, i),
           "expected HH:MM-HH:MM (hours 00-23, minutes 00-59, 24:00 only as an end), got " + Quoted(text)});
      continue;
    }
    if (*begin >= *end) {
      problems.push_back(
          {Field(prefix, key, i), "expected HH:MM-HH:MM with start before end, got " + Quoted(text)});
      continue;
    }
    parsed.push_back({MinuteRange{*begin, *end}, i});
  }
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const Indexed& a, const Indexed& b) { return a.range.begin_min < b.range.begin_min; });

  std::vector<MinuteRange> merged;
  const Indexed* reaching_furthest = nullptr;  // the range that ends last so far
  for (const Indexed& item : parsed) {
    if (reaching_furthest != nullptr && item.range.begin_min < reaching_furthest->range.end_min) {
      const Indexed& other = *reaching_furthest;
      std::string problem = Quoted(FormatRange(item.range)) + " overlaps ";
      problem += Field(prefix, key, other.index) + " " + Quoted(FormatRange(other.range));
      problems.push_back({Field(prefix, key, item.index), std::move(problem)});
    } else if (!merged.empty() && item.range.begin_min == merged.back().end_min) {
      // Touching ranges are one stretch of open time; merging keeps "sorted, non-overlapping"
      // also true of the ends, which EvaluateWindow relies on to find where a stretch ends.
      merged.back().end_min = item.range.end_min;
    } else {
      merged.push_back(item.range);
    }
    if (reaching_furthest == nullptr || item.range.end_min > reaching_furthest->range.end_min) {
      reaching_furthest = &item;
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Evaluation. Everything below works on the contact's local wall time, in milliseconds.

size_t WeekdayIndex(date::local_days day) {
  return static_cast<size_t>(date::weekday{day}.iso_encoding() - 1);  // ISO: Monday = 1
}

bool IsHoliday(const CallingWindow& w, date::local_days day) {
  return std::binary_search(w.holidays.begin(), w.holidays.end(), date::year_month_day{day});
}

const std::vector<MinuteRange>& RangesOn(const CallingWindow& w, date::local_days day) {
  static const std::vector<MinuteRange> kClosed;
  return IsHoliday(w, day) ? kClosed : w.days[WeekdayIndex(day)];
}

bool Contains(const MinuteRange& r, int64_t ms_of_day) {
  return ms_of_day >= r.begin_min * kMsPerMinute && ms_of_day < r.end_min * kMsPerMinute;
}

bool OpenAt(const CallingWindow& w, LocalMs local) {
  const auto day = date::floor<date::days>(local);
  const int64_t ms_of_day = (local - day).count();
  const auto& ranges = RangesOn(w, day);
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const MinuteRange& r) { return Contains(r, ms_of_day); });
}

// The first point in [from_ms, end of day) of a day with `ranges` whose state is not `open`.
std::optional<int64_t> FirstChangeInDay(const std::vector<MinuteRange>& ranges, int64_t from_ms, bool open) {
  if (open) {
    // Follow the stretch through ranges that touch or overlap (a hand-built window may have
    // them; parsed ones are merged), relying on the sort by begin.
    int64_t at = from_ms;
    for (const auto& r : ranges) {
      if (Contains(r, at)) at = r.end_min * kMsPerMinute;
    }
    if (at >= kMsPerDay) return std::nullopt;
    return at;
  }
  for (const auto& r : ranges) {
    if (r.end_min * kMsPerMinute > from_ms) return std::max(r.begin_min * kMsPerMinute, from_ms);
  }
  return std::nullopt;
}

bool OpenAroundTheClock(const CallingWindow& w) {
  return std::all_of(w.days.begin(), w.days.end(), [](const std::vector<MinuteRange>& ranges) {
    return ranges.size() == 1 && ranges[0] == MinuteRange{0, kMinutesPerDay};
  });
}

// The first local time L >= `from` at which the state is not `open`, if there is one before
// `limit`. L == `from` when the state at `from` already differs (right after a zone jump).
std::optional<LocalMs> NextLocalChange(const CallingWindow& w, LocalMs from, bool open, LocalMs limit) {
  auto day = date::floor<date::days>(from);
  int64_t from_ms = (from - day).count();
  if (open && OpenAroundTheClock(w)) {
    // Only a holiday can close it. Jump there rather than walk: a mistyped year ("2206") would
    // otherwise cost a walk over tens of thousands of days.
    const date::year_month_day today{day};
    const auto next = std::lower_bound(w.holidays.begin(), w.holidays.end(), today);
    if (next == w.holidays.end()) return std::nullopt;
    const LocalMs change = *next == today ? from : LocalMs{date::local_days{*next}};
    if (change < limit) return change;
    return std::nullopt;
  }
  for (; day < limit; day += date::days{1}, from_ms = 0) {
    if (auto ms = FirstChangeInDay(RangesOn(w, day), from_ms, open)) {
      const LocalMs change = day + Millis{*ms};
      if (change < limit) return change;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A stretch of UTC time over which the zone's UTC offset is constant, so that local wall time
// moves in step with UTC and a local time maps to exactly one instant.
struct OffsetSpan {
  TimePoint end;
  std::chrono::seconds offset;
};

OffsetSpan SpanAt(const date::time_zone* zone, TimePoint t) {
  if (zone == nullptr) {  // not expected (ZoneTable hands out resolved zones); UTC is a safe reading
    return {date::sys_days{date::year::max() / date::December / 31}, std::chrono::seconds{0}};
  }
  const date::sys_info info = zone->get_info(date::floor<std::chrono::seconds>(t));
  return {info.end, info.offset};
}

LocalMs ToLocal(TimePoint t, std::chrono::seconds offset) {
  return LocalMs{t.time_since_epoch() + offset};
}
TimePoint ToSys(LocalMs local, std::chrono::seconds offset) {
  return TimePoint{local.time_since_epoch() - offset};
}

}  // namespace

CallingWindow CallingWindow::Default() {
  CallingWindow w;
  for (size_t d = 0; d < 6; ++d) w.days[d] = {MinuteRange{9 * 60, 20 * 60}};
  return w;
}

Result<CallingWindow> ParseCallingWindow(const std::map<std::string, std::vector<std::string>>& days,
                                         const std::vector<std::string>& holidays,
                                         std::string_view field_prefix) {
  CallingWindow w;
  std::vector<FieldProblem> problems;
  for (const auto& [key, ranges] : days) {
    const auto it = std::find(kDayKeys.begin(), kDayKeys.end(), key);
    if (it == kDayKeys.end()) {
      problems.push_back(
          {Field(field_prefix, key),
           "unknown day " + Quoted(key) + ", expected one of mon, tue, wed, thu, fri, sat, sun, holidays"});
      continue;
    }
    w.days[static_cast<size_t>(it - kDayKeys.begin())] = ParseDay(field_prefix, key, ranges, problems);
  }
  for (size_t i = 0; i < holidays.size(); ++i) {
    if (auto ymd = ParseDate(holidays[i])) {
      w.holidays.push_back(*ymd);
    } else {
      problems.push_back(
          {Field(field_prefix, "holidays", i), "expected a date YYYY-MM-DD, got " + Quoted(holidays[i])});
    }
  }
  if (!problems.empty()) {
    const size_t n = problems.size();
    return Error{
        ErrorCode::kValidationFailed,
        "The calling window is not valid: " + std::to_string(n) + (n == 1 ? " problem." : " problems."),
        std::move(problems)};
  }
  std::sort(w.holidays.begin(), w.holidays.end());
  w.holidays.erase(std::unique(w.holidays.begin(), w.holidays.end()), w.holidays.end());
  return w;
}

std::map<std::string, std::vector<std::string>> FormatCallingWindowDays(const CallingWindow& w) {
  std::map<std::string, std::vector<std::string>> out;
  for (size_t d = 0; d < kDayKeys.size(); ++d) {
    auto& list = out[std::string(kDayKeys[d])];
    for (const auto& r : w.days[d]) list.push_back(FormatRange(r));
  }
  return out;
}

std::vector<std::string> FormatHolidays(const CallingWindow& w) {
  std::vector<std::string> out;
  out.reserve(w.holidays.size());
  for (const auto& h : w.holidays) out.push_back(FormatDate(h));
  return out;
}

// Walks UTC time one constant-offset span at a time. Inside a span, local time is UTC plus a
// fixed offset, so the next change is simply the next local boundary (range edge, midnight,
// holiday edge) converted back with that offset. At a span's end the wall clock jumps: forward
// over a gap, whose local times never happen (a range starting inside it opens at the jump), or
// back over a repeated stretch, which is judged again by its wall time. If the state right after
// the jump differs, the next span's search finds the change at its very start. This never
// converts a possibly nonexistent or ambiguous local time to UTC, which is where
// choose::earliest/latest would have to guess.
WindowState EvaluateWindow(const CallingWindow& window, const date::time_zone* zone, TimePoint now) {
  OffsetSpan span = SpanAt(zone, now);
  const LocalMs local_now = ToLocal(now, span.offset);
  WindowState state{OpenAt(window, local_now), kNever};
  const bool any_range =
      std::any_of(window.days.begin(), window.days.end(), [](const auto& d) { return !d.empty(); });
  if (!any_range) return state;

  auto steady_from = date::floor<date::days>(local_now);
  if (!window.holidays.empty()) {
    steady_from = std::max(steady_from, date::local_days{window.holidays.back()} + date::days{1});
  }
  const LocalMs horizon = steady_from + kSteadyHorizon;

  TimePoint t = now;
  while (true) {
    const LocalMs span_end = ToLocal(span.end, span.offset);
    if (auto change =
            NextLocalChange(window, ToLocal(t, span.offset), state.open, std::min(span_end, horizon))) {
      state.until = std::min(ToSys(*change, span.offset), kNever);
      return state;
    }
    // Past the horizon the state is steady for good. The second test only guards against tz data
    // that ends (date/tz's last span runs to year 32767) when `now` is beyond it.
    if (span_end >= horizon || span.end <= t) return state;
    t = span.end;
    span = SpanAt(zone, t);
  }
}

Result<ZoneTable::ZoneId> ZoneTable::Intern(std::string_view iana_name, std::string_view field) {
  if (auto it = by_name_.find(iana_name); it != by_name_.end()) return it->second;
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(iana_name);
  } catch (const std::exception&) {
    // locate_zone throws std::runtime_error for unknown names, and also when the tz database
    // itself cannot be loaded; both mean the name cannot be used here.
    zone = nullptr;
  }
  if (zone == nullptr) {
    return Error{ErrorCode::kValidationFailed,
                 "Unknown time zone.",
                 {FieldProblem{std::string(field), "unknown IANA time zone " + Quoted(iana_name)}}};
  }
  if (zones_.size() > std::numeric_limits<ZoneId>::max()) {
    return MakeError(ErrorCode::kInternal, "Too many distinct time zones.");
  }
  const auto id = static_cast<ZoneId>(zones_.size());
  zones_.push_back(zone);
  names_.emplace_back(iana_name);
  by_name_.emplace(std::string(iana_name), id);
  return id;
}

}  // namespace outdial::core
