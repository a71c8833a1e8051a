// EngineGate: how the API reaches the engine thread. `Run` posts a task to the engine thread and
// waits (bounded) for it, for changes whose answer the caller needs; `Post` only posts, for tasks
// that answer from the engine thread themselves.
//
// Threading: Run is called on HTTP I/O threads, never on the engine thread (it would wait for
// itself). Post from any thread.
#pragma once

#include <functional>

#include "core/result.h"

namespace outdial::api {

class EngineGate {
 public:
  using Poster = std::function<void(std::function<void()>)>;
  explicit EngineGate(Poster post) : post_(std::move(post)) {}

  // Runs `fn` on the engine thread and waits for it. UNAVAILABLE when the engine does not answer
  // in time; `fn` then never runs (it may capture the caller's locals by reference), so "no
  // answer" means "not applied" — which is what lets a service undo its catalog write then.
  core::Result<void> Run(std::function<void()> fn) const;

  // Runs `fn` (a Dialer call answering core::Result<void>) on the engine thread; its result, or
  // UNAVAILABLE as for Run.
  template <typename Fn>
  core::Result<void> Apply(Fn&& fn) const {
    core::Result<void> result = core::Ok{};
    if (auto waited = Run([&] { result = fn(); }); !waited.ok()) return waited.error();
    return result;
  }

  // For a change the engine cannot refuse and that is idempotent (a DNC entry): `fn` owns what it
  // touches (captures by value) and runs even when the wait gives up, so "no answer" means "applied
  // later" and there is nothing to undo. UNAVAILABLE when the engine did not answer in time.
  core::Result<void> Deliver(std::function<void()> fn) const;

  void Post(std::function<void()> task) const { post_(std::move(task)); }

 private:
  Poster post_;
};

}  // namespace outdial::api
