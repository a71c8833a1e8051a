// SimulatedTime: a Clock and TimerService whose time moves only when the owner runs due timers,
// firing them in (deadline, scheduling order). A test of "ring 32 s, no answer, retry in 30 min"
// runs in microseconds, and a whole shift in seconds. Single-threaded: owner's thread only.
#pragma once

#include <queue>
#include <unordered_map>
#include <vector>

#include "engine/clock.h"

namespace outdial::engine {

class SimulatedTime final : public Clock, public TimerService {
 public:
  explicit SimulatedTime(TimePoint start) : now_(start) {}

  TimePoint Now() const override { return now_; }
  TimerId Schedule(TimePoint deadline, std::function<void()> fn) override;
  void Cancel(TimerId id) override;

  // Fires the next due timer, moving time to its deadline. False when none is pending.
  bool RunNext();
  // Fires every timer with deadline <= `until`, then sets the time to `until`.
  void RunUntil(TimePoint until);
  void RunFor(core::Millis duration) { RunUntil(now_ + duration); }
  // Fires everything pending (including timers scheduled meanwhile) up to a safety cap.
  size_t RunAll(size_t max_timers = 100'000'000);

  size_t pending() const { return callbacks_.size(); }
  uint64_t fired() const { return fired_; }

 private:
  struct Entry {
    int64_t deadline_ms;
    TimerId id;
    bool operator>(const Entry& other) const {
      return deadline_ms != other.deadline_ms ? deadline_ms > other.deadline_ms : id > other.id;
    }
  };
  TimePoint now_;
  TimerId next_id_ = 1;
  uint64_t fired_ = 0;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::unordered_map<TimerId, std::function<void()>> callbacks_;
};

}  // namespace outdial::engine
