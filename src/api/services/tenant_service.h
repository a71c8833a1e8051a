// TenantService: creating a tenant with its first admin, reading and changing its settings, in
// the Catalog and the engine together by the rule of change.h (catalog first; an engine refusal
// undoes the catalog write).
//
// Threading: HTTP I/O threads (blocks on the Catalog and on the engine through the EngineGate).
#pragma once

#include <optional>
#include <string_view>

#include "api/auth.h"
#include "api/services/engine_gate.h"
#include "engine/catalog.h"
#include "engine/dialer.h"

namespace outdial::api {

class TenantService {
 public:
  TenantService(engine::Catalog& catalog, engine::Dialer& dialer, const EngineGate& engine,
                HashCost hash_cost)
      : catalog_(catalog), dialer_(dialer), engine_(engine), hash_cost_(hash_cost) {}

  struct Created {
    engine::TenantRow tenant;
    std::optional<engine::UserRow> admin;  // as stored (absent if reading it back failed)
  };
  // The catalog has no tenant delete, so an engine refusal here (it re-checks the settings) is
  // logged as a disagreement; the settings were validated already, so it does not happen.
  core::Result<Created> Create(const core::TenantSettings& settings, std::string_view admin_username,
                               std::string_view admin_password);
  core::Result<engine::TenantRow> Get(core::TenantId tenant) { return catalog_.GetTenant(tenant); }
  // `current` is the row the caller read (and merged the request into).
  core::Result<engine::TenantRow> Update(const engine::TenantRow& current,
                                         const core::TenantSettings& settings);

 private:
  engine::Catalog& catalog_;
  engine::Dialer& dialer_;  // engine thread only, through engine_
  const EngineGate& engine_;
  HashCost hash_cost_;
};

}  // namespace outdial::api
