// Start-up from the durable store: recovery of what a crash left open, then the load of the stored
// state into the Dialer (PRODUCT.md §8). Used by `outdial serve` and the crash-test driver.
//
// Threading: call from a thread other than the engine's (the main thread at start-up). The Catalog
// is read on the calling thread while the Dialer is filled on the engine thread through
// `run_on_engine` (EngineLoop::Post), so reading the next page overlaps adding the last one.
// `wait_engine` runs a task on the engine thread and waits for it (EngineLoop::Call).
#pragma once

#include <cstdint>
#include <functional>

#include "core/result.h"
#include "core/time.h"
#include "engine/catalog.h"
#include "engine/dialer.h"

namespace outdial::app {

struct StartupReport {
  engine::RecoveryReport recovery;
  int64_t tenants = 0, agents = 0, campaigns = 0, contacts = 0, dnc = 0;
  uint64_t id_floor = 0;
  double recover_seconds = 0, load_seconds = 0;
};

using RunOnEngine = std::function<void(std::function<void()>)>;
using WaitOnEngine = std::function<void(std::function<void()>)>;

// Runs Catalog::Recover(now), then Catalog::Load into `dialer`: tenants, agents (users with role
// agent), campaigns with their contacts in import order (time zones interned into dialer.zones()),
// DNC entries, attempt counts, the id floor, and last the campaign statuses (so a running campaign
// starts dispatching with all its contacts present). The first error stops the load.
core::Result<StartupReport> RecoverAndLoad(engine::Catalog& catalog, engine::Dialer& dialer,
                                           core::TimePoint now, const RunOnEngine& run_on_engine,
                                           const WaitOnEngine& wait_engine);

}  // namespace outdial::app
