#include "api/services/change.h"

#include <spdlog/spdlog.h>

namespace outdial::api {

core::Result<void> ApplyOrUndo(const EngineGate& engine, std::string_view what, const Step& apply,
                               const Step& undo) {
  auto applied = engine.Apply(apply);
  if (applied.ok()) return applied;
  if (auto undone = undo(); !undone.ok()) {
    spdlog::error(
        "{}: the engine refused a change ({}) and taking the catalog write back failed ({}); they disagree "
        "until restart",
        what, applied.error().message, undone.error().message);
  }
  return applied;
}

core::Result<void> RemoveThenErase(const EngineGate& engine, std::string_view what, const Step& remove,
                                   const Step& erase) {
  auto removed = engine.Apply(remove);
  if (!removed.ok() && removed.error().code != core::ErrorCode::kNotFound) return removed;
  auto erased = erase();
  if (!erased.ok()) {
    spdlog::warn("{}: no longer live but still stored ({}); repeating the request deletes it", what,
                 erased.error().message);
  }
  return erased;
}

}  // namespace outdial::api
