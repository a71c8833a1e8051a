// EngineLoop: the engine thread of a running server. It owns one thread that runs posted tasks and
// due timers in order, and is the real-time Clock and TimerService handed to the Dialer. Other
// threads (HTTP, SIP, store writer) talk to the engine only through Post().
//
// Threading: Post() and Stop() may be called from any thread. Now(), Schedule() and Cancel() are
// for the engine thread (tasks and timers), like every other engine call.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "engine/clock.h"

namespace outdial::app {

class EngineLoop final : public engine::Clock, public engine::TimerService {
 public:
  EngineLoop();
  ~EngineLoop() override;
  EngineLoop(const EngineLoop&) = delete;
  EngineLoop& operator=(const EngineLoop&) = delete;

  void Start();
  // Stops after the tasks already posted; timers not yet due are dropped.
  void Stop();

  void Post(std::function<void()> task);
  // Runs `fn` on the engine thread and waits for its result (for start-up and admin paths).
  template <typename Fn>
  auto Call(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    Post([&task] { task(); });
    return future.get();
  }

  core::TimePoint Now() const override;
  engine::TimerId Schedule(core::TimePoint deadline, std::function<void()> fn) override;
  void Cancel(engine::TimerId id) override;

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
  // Engine-thread only: timers by (deadline, id).
  engine::TimerId next_timer_ = 1;
  std::map<std::pair<int64_t, engine::TimerId>, std::function<void()>> timers_;
  std::unordered_map<engine::TimerId, int64_t> deadline_of_;
};

}  // namespace outdial::app
