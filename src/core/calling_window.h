// Calling windows (PRODUCT.md §3, §6; API.md `calling_window`): the local times of the *contact*
// at which it may be called, per weekday, minus holidays. Evaluated DST-correctly in the contact's
// IANA time zone with date/tz. Pure values and functions; callers pass `now`.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "core/result.h"
#include "core/time.h"

namespace outdial::core {

// [begin_min, end_min) in minutes since local midnight; end_min <= 1440 ("24:00").
struct MinuteRange {
  int begin_min = 0;
  int end_min = 0;
  bool operator==(const MinuteRange&) const = default;
};

struct CallingWindow {
  // Index 0 = Monday ... 6 = Sunday. Ranges sorted, non-overlapping. Empty day: no calls.
  std::array<std::vector<MinuteRange>, 7> days;
  // Local dates (in the contact's zone) with no calls at all. Sorted, unique.
  std::vector<date::year_month_day> holidays;

  // PRODUCT.md default: Mon–Sat 09:00–20:00, no holidays.
  static CallingWindow Default();
  bool operator==(const CallingWindow&) const = default;
};

// Parses the API.md form: day keys "mon".."sun" → ["HH:MM-HH:MM", ...] and holidays
// ["YYYY-MM-DD", ...]. A missing day means no calls that day. Errors name the field, e.g.
// {"calling_window.tue[1]", "expected HH:MM-HH:MM with start before end"}. Overlapping ranges of
// one day are an error; ranges are sorted. `field_prefix` defaults to "calling_window".
Result<CallingWindow> ParseCallingWindow(const std::map<std::string, std::vector<std::string>>& days,
                                         const std::vector<std::string>& holidays,
                                         std::string_view field_prefix = "calling_window");
// Back to the API.md form ("HH:MM-HH:MM"; "00:00-24:00" for the whole day; all 7 day keys).
std::map<std::string, std::vector<std::string>> FormatCallingWindowDays(const CallingWindow& w);
std::vector<std::string> FormatHolidays(const CallingWindow& w);

// Whether the window is open at `now` for a contact in `zone`, and until when that stays so:
// the state is constant on [now, until). `until` is the next instant (UTC) at which the window
// opens or closes; kNever when it never changes (e.g. no day has any range). Local times that do
// not exist (spring-forward gap) are skipped; in a repeated hour (fall-back) a range is judged by
// the local wall time, so 01:30 local happens twice and both are inside "01:00-02:00".
struct WindowState {
  bool open = false;
  TimePoint until = kNever;
};
WindowState EvaluateWindow(const CallingWindow& window, const date::time_zone* zone, TimePoint now);

// Resolves IANA names once and hands out small integer ids, so that contacts store a 16-bit zone
// id and the engine can cache window states per zone. Not thread-safe: owned by one thread.
// (date/tz reads the system tzdata on first use; resolution happens at load/import time.)
class ZoneTable {
 public:
  using ZoneId = uint16_t;
  // Returns the id of a valid IANA zone name, or a VALIDATION_FAILED error naming `field`.
  Result<ZoneId> Intern(std::string_view iana_name, std::string_view field = "timezone");
  const date::time_zone* Zone(ZoneId id) const { return zones_[id]; }
  const std::string& Name(ZoneId id) const { return names_[id]; }
  size_t size() const { return zones_.size(); }

 private:
  std::vector<const date::time_zone*> zones_;
  std::vector<std::string> names_;
  std::map<std::string, ZoneId, std::less<>> by_name_;
};

}  // namespace outdial::core
