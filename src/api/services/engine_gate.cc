#include "api/services/engine_gate.h"

#include <future>
#include <memory>
#include <mutex>

namespace outdial::api {

namespace {
constexpr auto kWait = std::chrono::seconds(10);
}  // namespace

core::Result<void> EngineGate::Run(std::function<void()> fn) const {
  // `fn` captures the caller's locals by reference: once we have given up waiting it must not
  // run any more. The engine runs it under `gate` after checking `abandoned`; giving up takes
  // the same lock, so it also waits out a run that has already begun.
  struct Handoff {
    std::mutex gate;
    bool abandoned = false;
    std::promise<void> done;
  };
  auto handoff = std::make_shared<Handoff>();
  auto future = handoff->done.get_future();
  post_([fn = std::move(fn), handoff] {
    std::lock_guard lock(handoff->gate);
    if (handoff->abandoned) return;
    fn();
    handoff->done.set_value();
  });
  if (future.wait_for(kWait) != std::future_status::ready) {
    std::lock_guard lock(handoff->gate);
    if (future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return core::Ok{};
    handoff->abandoned = true;
    return core::MakeError(core::ErrorCode::kUnavailable, "The engine did not answer in time.");
  }
  return core::Ok{};
}

core::Result<void> EngineGate::Deliver(std::function<void()> fn) const {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  post_([fn = std::move(fn), done] {
    fn();
    done->set_value();
  });
  if (future.wait_for(kWait) != std::future_status::ready) {
    return core::MakeError(core::ErrorCode::kUnavailable, "The engine did not answer in time.");
  }
  return core::Ok{};
}

}  // namespace outdial::api
