// The idempotent demo seed of `serve --demo`: written through the Catalog like any other data,
// it reaches the engine by the start-up load (app/db/startup.h). Any thread (Catalog only).
#pragma once

#include "api/auth.h"
#include "core/result.h"
#include "engine/catalog.h"

namespace outdial::app {

struct DemoSeed {
  bool created = false;  // false: the tenant `demo` existed already and nothing was added
  int campaigns = 0;
  int contacts_per_campaign = 0;
};
// Tenant `demo` (admin admin/admin, agents agent1..agent3 with password `agent` on sim:auto),
// one running campaign of each mode with 200 contacts each. Does nothing when `demo` exists.
core::Result<DemoSeed> SeedDemo(engine::Catalog& catalog, api::HashCost cost, core::TimePoint now);

}  // namespace outdial::app
