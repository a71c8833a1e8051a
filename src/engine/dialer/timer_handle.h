// TimerHandle: one armed engine timer, owned like a resource (Envoy's TimerPtr). Destroying or
// re-arming the handle cancels the timer it held, so a live object that goes away takes its
// timers with it and no code keeps raw timer ids to reset by hand.
//
// Threading: engine thread only, like the TimerService it wraps. The TimerService must outlive
// every handle (the Dialer's collaborators outlive the Dialer).
#pragma once

#include <functional>
#include <utility>

#include "engine/clock.h"

namespace outdial::engine {

class TimerHandle {
 public:
  TimerHandle() = default;
  TimerHandle(TimerService& timers, TimePoint deadline, std::function<void()> fn)
      : timers_(&timers), id_(timers.Schedule(deadline, std::move(fn))) {}
  ~TimerHandle() { Cancel(); }
  TimerHandle(const TimerHandle&) = delete;
  TimerHandle& operator=(const TimerHandle&) = delete;
  TimerHandle(TimerHandle&& other) noexcept
      : timers_(other.timers_), id_(std::exchange(other.id_, kNoTimer)) {}
  TimerHandle& operator=(TimerHandle&& other) noexcept {
    if (this != &other) {
      Cancel();
      timers_ = other.timers_;
      id_ = std::exchange(other.id_, kNoTimer);
    }
    return *this;
  }

  // True from arming until it fires (Fired), is cancelled or is destroyed.
  bool armed() const { return id_ != kNoTimer; }
  void Cancel() {
    if (id_ != kNoTimer) timers_->Cancel(id_);
    id_ = kNoTimer;
  }
  // Called by the timer's own callback: it fired, so there is nothing left to cancel.
  void Fired() { id_ = kNoTimer; }

 private:
  TimerService* timers_ = nullptr;
  TimerId id_ = kNoTimer;
};

}  // namespace outdial::engine
