// Start-up wiring between the Catalog and the engine: the LoadSink that rebuilds the Dialer's
// live state from what the Catalog holds, and the idempotent demo seed of `serve --demo`.
// Threading: LoadIntoDialer runs on the engine thread (start-up, before the listener opens);
// SeedDemo on any thread (it only touches the Catalog).
#pragma once

#include "api/auth.h"
#include "core/result.h"
#include "engine/catalog.h"
#include "engine/dialer.h"

namespace outdial::app {

struct LoadReport {
  int64_t tenants = 0, agents = 0, campaigns = 0, contacts = 0, dnc = 0;
};

// Loads every tenant, agent, campaign (with its status), contact and DNC entry into `dialer`.
core::Result<LoadReport> LoadIntoDialer(engine::Catalog& catalog, engine::Dialer& dialer);

struct DemoSeed {
  bool created = false;  // false: the tenant `demo` existed already and nothing was added
  int campaigns = 0;
  int contacts_per_campaign = 0;
};
// Tenant `demo` (admin admin/admin, agents agent1..agent3 with password `agent` on sim:auto),
// one running campaign of each mode with 200 contacts each. Does nothing when `demo` exists.
core::Result<DemoSeed> SeedDemo(engine::Catalog& catalog, api::HashCost cost, core::TimePoint now);

}  // namespace outdial::app
