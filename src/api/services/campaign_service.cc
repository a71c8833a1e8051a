#include "api/services/campaign_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/services/change.h"
#include "core/states.h"

namespace outdial::api {

namespace {
std::string What(core::CampaignId id) {
  return fmt::format("campaign {}", id.value);
}

// The catalog calls answer the row; the rule's steps answer only whether they worked.
template <typename T>
core::Result<void> Done(const core::Result<T>& r) {
  if (!r.ok()) return r.error();
  return core::Ok{};
}
}  // namespace

core::Result<engine::CampaignRow> CampaignService::Create(core::TenantId tenant,
                                                          const core::CampaignSettings& settings) {
  auto row = catalog_.CreateCampaign(tenant, settings);
  if (!row.ok()) return row.error();
  auto added = ApplyOrUndo(
      engine_, What(row->id), [&] { return dialer_.AddCampaign(tenant, row->id, row->settings); },
      [&] { return catalog_.DeleteCampaign(tenant, row->id); });
  if (!added.ok()) return added.error();
  return row;
}

core::Result<engine::CampaignRow> CampaignService::Update(const engine::CampaignRow& current,
                                                          const core::CampaignSettings& settings) {
  auto updated = catalog_.UpdateCampaign(current.tenant_id, current.id, settings);
  if (!updated.ok()) return updated.error();
  auto applied = ApplyOrUndo(
      engine_, What(current.id), [&] { return dialer_.UpdateCampaign(current.id, settings); },
      [&] { return Done(catalog_.UpdateCampaign(current.tenant_id, current.id, current.settings)); });
  if (!applied.ok()) return applied.error();
  return updated;
}

core::Result<engine::CampaignRow> CampaignService::SetStatus(core::TenantId tenant, core::CampaignId id,
                                                             core::CampaignStatus to) {
  auto row = catalog_.GetCampaign(tenant, id);
  if (!row.ok()) return row.error();
  const core::CampaignStatus from = row->status;
  if (!core::CanTransition(from, to)) {
    return core::MakeError(core::ErrorCode::kConflict, fmt::format("A {} campaign cannot become {}.",
                                                                   core::ToString(from), core::ToString(to)));
  }
  auto updated = catalog_.SetCampaignStatus(tenant, id, to);
  if (!updated.ok()) return updated.error();
  auto applied = ApplyOrUndo(
      engine_, What(id), [&] { return dialer_.SetCampaignStatus(id, to); },
      [&] { return Done(catalog_.SetCampaignStatus(tenant, id, from)); });
  if (!applied.ok()) return applied.error();
  spdlog::info("campaign {} is {}", id.value, core::ToString(to));
  return updated;
}

core::Result<void> CampaignService::Delete(core::TenantId tenant, core::CampaignId id) {
  if (auto row = catalog_.GetCampaign(tenant, id); !row.ok()) return row.error();
  return RemoveThenErase(
      engine_, What(id), [&] { return dialer_.RemoveCampaign(id); },
      [&] { return catalog_.DeleteCampaign(tenant, id); });
}

}  // namespace outdial::api
