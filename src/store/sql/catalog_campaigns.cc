// The Catalog's campaigns (sql_database.h), on the catalog connection, and the operator tools'
// walks over one campaign (CampaignTenant, ForEachAttempt).
#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "core/settings_json.h"
#include "store/sql/records.h"
#include "store/sql/sql_database.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::Ok;
using core::Result;
using engine::CampaignRow;

namespace {

const std::string& SelectCampaign() {
  static const std::string kSql =
      fmt::format("SELECT {} FROM campaigns WHERE id = $1 AND tenant_id = $2", kCampaignColumns);
  return kSql;
}

}  // namespace

Result<CampaignRow> SqlDatabase::CreateCampaign(core::TenantId tenant,
                                                const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(catalog_mutex_);
  CampaignRow row;
  row.tenant_id = tenant;
  row.settings = settings;
  row.status = core::CampaignStatus::kDraft;
  row.created_at = row.updated_at = core::FromEpochMs(WallNowMs());
  auto id =
      InsertReturningId(*catalog_,
                        "INSERT INTO campaigns (tenant_id, settings, status, created_at, updated_at) VALUES "
                        "($1, $2, $3, $4, $4) RETURNING id",
                        tenant.value, core::CampaignSettingsToJson(settings).dump(),
                        core::ToString(row.status), core::ToEpochMs(row.created_at));
  if (!id.ok()) return id.error().code == ErrorCode::kNotFound ? NotFound("tenant") : id.error();
  row.id = core::CampaignId{static_cast<uint64_t>(*id)};
  return row;
}

Result<CampaignRow> SqlDatabase::GetCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(*catalog_, SelectCampaign(), "campaign", ReadCampaign, campaign.value, tenant.value);
}

Result<void> SqlDatabase::HasCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  return CheckCampaign(*catalog_, tenant, campaign);
}

Result<core::TenantId> SqlDatabase::CampaignTenant(core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(
      *catalog_, "SELECT tenant_id FROM campaigns WHERE id = $1", "campaign",
      [](const Query& q) { return core::TenantId{static_cast<uint64_t>(q.Int(0))}; }, campaign.value);
}

Result<std::vector<CampaignRow>> SqlDatabase::ListCampaigns(core::TenantId tenant) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM campaigns WHERE tenant_id = $1 ORDER BY id", kCampaignColumns);
  std::lock_guard lock(catalog_mutex_);
  return ReadAll(*catalog_, kSql, ReadCampaign, tenant.value);
}

Result<CampaignRow> SqlDatabase::UpdateCampaign(core::TenantId tenant, core::CampaignId campaign,
                                                const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  {
    std::lock_guard lock(catalog_mutex_);
    OD_TRY(ChangeOne(*catalog_,
                     "UPDATE campaigns SET settings = $3, updated_at = $4 WHERE id = $1 AND tenant_id = $2",
                     "campaign", campaign.value, tenant.value, core::CampaignSettingsToJson(settings).dump(),
                     WallNowMs()));
  }
  return GetCampaign(tenant, campaign);
}

Result<CampaignRow> SqlDatabase::SetCampaignStatus(core::TenantId tenant, core::CampaignId campaign,
                                                   core::CampaignStatus status) {
  {
    std::lock_guard lock(catalog_mutex_);
    OD_TRY(ChangeOne(*catalog_,
                     "UPDATE campaigns SET status = $3, updated_at = $4 WHERE id = $1 AND tenant_id = $2",
                     "campaign", campaign.value, tenant.value, core::ToString(status), WallNowMs()));
  }
  return GetCampaign(tenant, campaign);
}

Result<void> SqlDatabase::DeleteCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  return InTransaction(db, [&]() -> Result<void> {
    OD_TRY(CheckCampaign(db, tenant, campaign));
    // Attempts reference contacts; deleting them first keeps the cascade a plain range delete.
    OD_TRY(Execute(db, "DELETE FROM attempts WHERE campaign_id = $1", campaign.value));
    OD_TRY(Execute(db, "DELETE FROM contacts WHERE campaign_id = $1", campaign.value));
    return Execute(db, "DELETE FROM campaigns WHERE id = $1", campaign.value);
  });
}

Result<void> SqlDatabase::ForEachAttempt(core::TenantId tenant, core::CampaignId campaign,
                                         const AttemptVisitor& fn, size_t page_rows) {
  page_rows = std::max<size_t>(page_rows, 1);
  int64_t first = 0, last = -1;
  {
    std::lock_guard lock(catalog_mutex_);
    OD_TRY(CheckCampaign(*catalog_, tenant, campaign));
    auto range = CampaignIdRange(*catalog_, campaign);
    if (!range.ok()) return range.error();
    if (!*range) return Ok{};
    std::tie(first, last) = **range;
  }
  // The campaign's contacts lie in [first, last] (ids are handed out in import order), so one range
  // of the attempts_contact index (contact_id, started_at, id) holds its attempts already sorted;
  // `+campaign_id` keeps the planner off attempts_campaign_outcome, which would need a sort of the
  // whole campaign before the first row. Other campaigns' rows in the range are filtered out.
  static const std::string kSql = fmt::format(
      "SELECT {} FROM attempts WHERE (contact_id, started_at, id) > ($2, $3, $4) AND contact_id <= $5 AND "
      "+campaign_id = $1 ORDER BY contact_id, started_at, id LIMIT $6",
      kAttemptColumns);
  int64_t after_contact = first - 1, after_started = 0, after_id = 0;
  std::vector<engine::AttemptRecord> page;
  page.reserve(std::min<size_t>(page_rows, 100000));
  for (;;) {
    page.clear();
    {
      std::lock_guard lock(catalog_mutex_);
      OD_TRY(ForEachRow(
          *catalog_, kSql, [&](const Query& q) { page.push_back(ReadAttempt(q)); }, campaign.value,
          after_contact, after_started, after_id, last, static_cast<int64_t>(page_rows)));
    }
    for (const auto& a : page) OD_TRY(fn(a));
    if (page.size() < page_rows) return Ok{};
    const engine::AttemptRecord& tail = page.back();
    after_contact = static_cast<int64_t>(tail.contact_id.value);
    after_started = core::ToEpochMs(tail.started_at);
    after_id = static_cast<int64_t>(tail.id.value);
  }
}

}  // namespace outdial::store::sql
