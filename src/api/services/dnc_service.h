// DncService: a tenant's do-not-call lists in the Catalog and the engine. The engine never refuses
// a DNC entry and adding or removing one is idempotent, so (change.h) the catalog is written first
// and the entry is then delivered to the engine: a slow engine still takes it, nothing is undone.
//
// Threading: HTTP I/O threads (blocks on the Catalog and on the engine through the EngineGate).
#pragma once

#include <string>
#include <string_view>

#include "api/services/engine_gate.h"
#include "engine/catalog.h"
#include "engine/contact_intake.h"
#include "engine/dialer.h"

namespace outdial::api {

class DncService {
 public:
  DncService(engine::Catalog& catalog, engine::ContactIntake& intake, engine::Dialer& dialer,
             const EngineGate& engine)
      : catalog_(catalog), intake_(intake), dialer_(dialer), engine_(engine) {}

  // A list name is 1–64 letters, digits, '_', '-' or '.'.
  static core::Result<void> CheckList(std::string_view list);
  // `number` in E.164, read in the tenant's default region when national; VALIDATION_FAILED else.
  core::Result<std::string> Number(core::TenantId tenant, std::string_view list, const std::string& number);

  core::Result<void> Add(const engine::DncRecord& entry);
  core::Result<void> Remove(core::TenantId tenant, const std::string& list, const std::string& e164);
  core::Result<engine::DncPage> List(core::TenantId tenant, std::string_view list, size_t limit,
                                     std::string_view cursor) {
    return catalog_.ListDnc(tenant, list, limit, cursor);
  }

 private:
  engine::Catalog& catalog_;
  engine::ContactIntake& intake_;
  engine::Dialer& dialer_;  // engine thread only, through engine_
  const EngineGate& engine_;
};

}  // namespace outdial::api
