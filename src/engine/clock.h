// Injected time. Nothing in core or engine reads a clock or sleeps: production wires a real clock
// and a timer service driven by the engine loop; tests and `outdial simulate` wire SimulatedTime.
// Both interfaces are called on the engine thread only.
#pragma once

#include <cstdint>
#include <functional>

#include "core/time.h"

namespace outdial::engine {

using core::TimePoint;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

using TimerId = uint64_t;
inline constexpr TimerId kNoTimer = 0;

class TimerService {
 public:
  virtual ~TimerService() = default;
  // Runs `fn` on the engine thread at `deadline` (at once, on the next turn, when it is past).
  // Timers with equal deadlines fire in the order they were scheduled.
  virtual TimerId Schedule(TimePoint deadline, std::function<void()> fn) = 0;
  // Cancelling a fired, cancelled or unknown timer is a no-op.
  virtual void Cancel(TimerId id) = 0;
};

}  // namespace outdial::engine
