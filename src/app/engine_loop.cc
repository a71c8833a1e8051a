#include "app/engine_loop.h"

#include <chrono>

namespace outdial::app {

EngineLoop::EngineLoop() = default;

EngineLoop::~EngineLoop() {
  Stop();
}

void EngineLoop::Start() {
  thread_ = std::thread([this] { Run(); });
}

void EngineLoop::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EngineLoop::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

core::TimePoint EngineLoop::Now() const {
  return std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
}

engine::TimerId EngineLoop::Schedule(core::TimePoint deadline, std::function<void()> fn) {
  engine::TimerId id = next_timer_++;
  int64_t ms = core::ToEpochMs(deadline);
  timers_.emplace(std::make_pair(ms, id), std::move(fn));
  deadline_of_.emplace(id, ms);
  return id;
}

void EngineLoop::Cancel(engine::TimerId id) {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return;
  timers_.erase({it->second, id});
  deadline_of_.erase(it);
}

void EngineLoop::Run() {
  for (;;) {
    std::deque<std::function<void()>> batch;
    {
      std::unique_lock lock(mutex_);
      int64_t next = timers_.empty() ? INT64_MAX : timers_.begin()->first.first;
      auto has_work = [&] { return stopping_ || !tasks_.empty(); };
      if (next == INT64_MAX) {
        wake_.wait(lock, has_work);
      } else {
        // Timers are wall-clock deadlines; waiting on the system clock keeps them aligned with Now().
        auto deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(next));
        wake_.wait_until(lock, deadline, has_work);
      }
      if (stopping_ && tasks_.empty()) return;
      batch.swap(tasks_);
    }
    for (auto& task : batch) task();
    const int64_t now_ms = core::ToEpochMs(Now());
    while (!timers_.empty() && timers_.begin()->first.first <= now_ms) {
      auto node = timers_.extract(timers_.begin());
      deadline_of_.erase(node.key().second);
      node.mapped()();
    }
  }
}

}  // namespace outdial::app
