// CampaignService: a tenant's campaigns in the Catalog and the engine together — create, change
// settings, start/pause/stop, delete — by the rule of change.h (catalog first, an engine refusal
// undoes the catalog write; a delete goes the other way round). The rules on campaigns live in
// core (settings validation, core::CanTransition for the status) and in the engine, which refuses
// what depends on live state: the mode of a running campaign, and deleting a running campaign or
// one whose contacts agents still work (Dialer::RemoveCampaign is the one place of that rule).
//
// Threading: HTTP I/O threads (blocks on the Catalog and on the engine through the EngineGate).
#pragma once

#include <vector>

#include "api/services/engine_gate.h"
#include "engine/catalog.h"
#include "engine/dialer.h"

namespace outdial::api {

class CampaignService {
 public:
  CampaignService(engine::Catalog& catalog, engine::Dialer& dialer, const EngineGate& engine)
      : catalog_(catalog), dialer_(dialer), engine_(engine) {}

  core::Result<std::vector<engine::CampaignRow>> List(core::TenantId tenant) {
    return catalog_.ListCampaigns(tenant);
  }
  core::Result<engine::CampaignRow> Get(core::TenantId tenant, core::CampaignId id) {
    return catalog_.GetCampaign(tenant, id);
  }
  core::Result<engine::CampaignRow> Create(core::TenantId tenant, const core::CampaignSettings& settings);
  // `current` is the row the caller read (and merged the request into).
  core::Result<engine::CampaignRow> Update(const engine::CampaignRow& current,
                                           const core::CampaignSettings& settings);
  core::Result<engine::CampaignRow> SetStatus(core::TenantId tenant, core::CampaignId id,
                                              core::CampaignStatus to);
  core::Result<void> Delete(core::TenantId tenant, core::CampaignId id);

 private:
  engine::Catalog& catalog_;
  engine::Dialer& dialer_;  // engine thread only, through engine_
  const EngineGate& engine_;
};

}  // namespace outdial::api
