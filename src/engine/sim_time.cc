#include "engine/sim_time.h"

namespace outdial::engine {

TimerId SimulatedTime::Schedule(TimePoint deadline, std::function<void()> fn) {
  // A deadline in the past fires "now": time never moves backwards.
  if (deadline < now_) deadline = now_;
  TimerId id = next_id_++;
  heap_.push(Entry{core::ToEpochMs(deadline), id});
  callbacks_.emplace(id, std::move(fn));
  return id;
}

void SimulatedTime::Cancel(TimerId id) {
  callbacks_.erase(id);
}

bool SimulatedTime::RunNext() {
  while (!heap_.empty()) {
    Entry top = heap_.top();
    heap_.pop();
    auto it = callbacks_.find(top.id);
    if (it == callbacks_.end()) continue;  // cancelled: its heap entry is dropped lazily
    std::function<void()> fn = std::move(it->second);
    callbacks_.erase(it);
    now_ = core::FromEpochMs(top.deadline_ms);
    ++fired_;
    fn();
    return true;
  }
  return false;
}

void SimulatedTime::RunUntil(TimePoint until) {
  const int64_t until_ms = core::ToEpochMs(until);
  while (!heap_.empty()) {
    // Skip cancelled entries without moving time.
    if (!callbacks_.contains(heap_.top().id)) {
      heap_.pop();
      continue;
    }
    if (heap_.top().deadline_ms > until_ms) break;
    RunNext();
  }
  if (until > now_) now_ = until;
}

size_t SimulatedTime::RunAll(size_t max_timers) {
  size_t n = 0;
  while (n < max_timers && RunNext()) ++n;
  return n;
}

}  // namespace outdial::engine
