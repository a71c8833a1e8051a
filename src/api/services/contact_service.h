// ContactService: a campaign's contacts — storing an imported list in the Catalog and handing it
// to the engine (catalog first, as change.h says: the catalog assigns the ids), and the reads.
//
// Threading: HTTP I/O threads (blocks on the Catalog and on the engine through the EngineGate).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "api/services/engine_gate.h"
#include "engine/catalog.h"
#include "engine/dialer.h"

namespace outdial::api {

class ContactService {
 public:
  ContactService(engine::Catalog& catalog, engine::Dialer& dialer, const EngineGate& engine)
      : catalog_(catalog), dialer_(dialer), engine_(engine) {}

  // All of `rows` are stored or none (ids are written into them), then added to the engine. The
  // catalog cannot take an insert back, so an engine refusal (it re-checks ids, phones and zones,
  // which the intake guarantees) is logged as a disagreement.
  core::Result<void> Add(core::TenantId tenant, core::CampaignId campaign,
                         std::vector<engine::ContactRow>& rows);
  core::Result<engine::ContactPage> List(core::TenantId tenant, core::CampaignId campaign,
                                         std::optional<core::ContactState> state, size_t limit,
                                         std::string_view cursor) {
    return catalog_.ListContacts(tenant, campaign, state, limit, cursor);
  }
  core::Result<engine::ContactDetail> Get(core::TenantId tenant, core::ContactId id) {
    return catalog_.GetContact(tenant, id);
  }

 private:
  engine::Catalog& catalog_;
  engine::Dialer& dialer_;  // engine thread only, through engine_
  const EngineGate& engine_;
};

}  // namespace outdial::api
