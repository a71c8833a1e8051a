// Time values used throughout outdial. Core never reads a clock: every function that needs
// "now" takes it as a parameter. Times are wall-clock epoch milliseconds (API.md: `*_at`).
#pragma once

#include <chrono>
#include <cstdint>

namespace outdial::core {

using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;
using TimePoint = std::chrono::sys_time<Millis>;

inline int64_t ToEpochMs(TimePoint t) {
  return t.time_since_epoch().count();
}
inline TimePoint FromEpochMs(int64_t ms) {
  return TimePoint{Millis{ms}};
}

// A time far in the future, used for "never" (e.g. a calling window with no open day).
inline constexpr TimePoint kNever = TimePoint{Millis{INT64_C(253402300799000)}};  // 9999-12-31

}  // namespace outdial::core
