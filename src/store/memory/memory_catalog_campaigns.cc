// MemoryCatalog's campaigns, contacts and DNC lists (memory_catalog.h), as the SQL store keeps
// them (store/sql/catalog_campaigns.cc, catalog_contacts.cc, catalog_dnc.cc): the same checks,
// errors, page limits and cursors (store/catalog_rules.h).
#include <algorithm>

#include "store/catalog_rules.h"
#include "store/memory/memory_catalog.h"
#include "store/memory/memory_tables.h"
#include "store/sql/row_codec.h"

namespace outdial::store {

namespace {

// A contact as the SQL stores keep it: its custom fields and numbers go through their JSON columns
// (store/sql/row_codec.h), which store invalid UTF-8 as U+FFFD.
core::Result<void> AsStored(core::Contact& c) {
  std::string json, counts;
  sql::AppendFieldsJson(c.fields, json);
  if (auto r = sql::ParseFields(json, c.fields); !r.ok()) return r;
  json.clear();
  sql::AppendPhonesJson(c.phones, json);
  sql::AppendPhoneCounts(c.phones, counts);
  return sql::ParsePhones(json, counts, c.phones);
}

}  // namespace

// --- campaigns -----------------------------------------------------------------------------------

core::Result<engine::CampaignRow> MemoryCatalog::CreateCampaign(core::TenantId tenant,
                                                                const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (!t.tenants.contains(tenant.value)) return NotFound("tenant");
  engine::CampaignRow row;
  row.id = core::CampaignId{t.next_campaign++};
  row.tenant_id = tenant;
  row.settings = settings;
  row.status = core::CampaignStatus::kDraft;
  row.created_at = row.updated_at = WallNow();
  t.campaigns.emplace(row.id.value, row);
  t.campaign_contacts[row.id.value];
  return row;
}

core::Result<engine::CampaignRow> MemoryCatalog::GetCampaign(core::TenantId tenant,
                                                             core::CampaignId campaign) {
  std::lock_guard lock(mutex_);
  engine::CampaignRow* row = t_->Campaign(tenant, campaign);
  if (row == nullptr) return NotFound("campaign");
  return *row;
}

core::Result<void> MemoryCatalog::HasCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(mutex_);
  if (t_->Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  return core::Ok{};
}

core::Result<std::vector<engine::CampaignRow>> MemoryCatalog::ListCampaigns(core::TenantId tenant) {
  std::lock_guard lock(mutex_);
  std::vector<engine::CampaignRow> out;
  for (const auto& [id, row] : t_->campaigns) {
    if (row.tenant_id == tenant) out.push_back(row);
  }
  return out;
}

core::Result<engine::CampaignRow> MemoryCatalog::UpdateCampaign(core::TenantId tenant,
                                                                core::CampaignId campaign,
                                                                const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(mutex_);
  engine::CampaignRow* row = t_->Campaign(tenant, campaign);
  if (row == nullptr) return NotFound("campaign");
  row->settings = settings;
  row->updated_at = WallNow();
  return *row;
}

core::Result<engine::CampaignRow> MemoryCatalog::SetCampaignStatus(core::TenantId tenant,
                                                                   core::CampaignId campaign,
                                                                   core::CampaignStatus status) {
  std::lock_guard lock(mutex_);
  engine::CampaignRow* row = t_->Campaign(tenant, campaign);
  if (row == nullptr) return NotFound("campaign");
  row->status = status;
  row->updated_at = WallNow();
  return *row;
}

core::Result<void> MemoryCatalog::DeleteCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (t.Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  for (uint64_t cid : t.campaign_contacts[campaign.value]) {
    for (uint64_t aid : t.contact_attempts[cid]) t.attempts.erase(aid);
    t.contact_attempts.erase(cid);
    t.contacts.erase(cid);
  }
  t.campaign_contacts.erase(campaign.value);
  t.campaigns.erase(campaign.value);
  return core::Ok{};
}

// --- contacts ------------------------------------------------------------------------------------

core::Result<void> MemoryCatalog::InsertContacts(core::TenantId tenant, core::CampaignId campaign,
                                                 std::vector<engine::ContactRow>& rows) {
  if (auto r = ValidateContacts(rows); !r.ok()) return r;
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (t.Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  std::vector<engine::ContactRow> stored = rows;
  for (auto& row : stored) {
    if (auto r = AsStored(row.contact); !r.ok()) return r;
  }
  auto& order = t.campaign_contacts[campaign.value];
  order.reserve(order.size() + rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    row.contact.id = core::ContactId{t.next_contact++};
    row.contact.campaign_id = campaign;
    order.push_back(row.contact.id.value);
    stored[i].contact.id = row.contact.id;
    stored[i].contact.campaign_id = campaign;
    t.contacts.emplace(row.contact.id.value, std::move(stored[i]));
  }
  return core::Ok{};
}

core::Result<engine::ContactPage> MemoryCatalog::ListContacts(core::TenantId tenant,
                                                              core::CampaignId campaign,
                                                              std::optional<core::ContactState> state,
                                                              size_t limit, std::string_view cursor) {
  auto after = ParseContactCursor(cursor);
  if (!after.ok()) return after.error();
  limit = ClampPageLimit(limit);
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (t.Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  // Ids are handed out in import order, so a campaign's list is sorted by id.
  const auto& order = t.campaign_contacts[campaign.value];
  engine::ContactPage page;
  for (auto it = std::upper_bound(order.begin(), order.end(), *after); it != order.end(); ++it) {
    const auto& row = t.contacts.at(*it);
    if (state && row.contact.state != *state) continue;
    if (page.items.size() == limit) {  // one more exists: the page has a next one
      page.next_cursor = page.items.back().contact.id.str();
      break;
    }
    page.items.push_back(row);
  }
  return page;
}

core::Result<engine::ContactDetail> MemoryCatalog::GetContact(core::TenantId tenant,
                                                              core::ContactId contact) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  auto it = t.contacts.find(contact.value);
  if (it == t.contacts.end() || t.Campaign(tenant, it->second.contact.campaign_id) == nullptr) {
    return NotFound("contact");
  }
  engine::ContactDetail detail;
  detail.contact = it->second;
  if (auto a = t.contact_attempts.find(contact.value); a != t.contact_attempts.end()) {
    for (uint64_t aid : a->second) detail.attempts.push_back(t.attempts.at(aid));
  }
  std::sort(detail.attempts.begin(), detail.attempts.end(), [](const auto& x, const auto& y) {
    return x.started_at != y.started_at ? x.started_at < y.started_at : x.id < y.id;
  });
  return detail;
}

// --- DNC -----------------------------------------------------------------------------------------

core::Result<void> MemoryCatalog::AddDnc(const engine::DncRecord& entry) {
  std::lock_guard lock(mutex_);
  if (!t_->tenants.contains(entry.tenant_id.value)) return NotFound("tenant");
  t_->dnc[{entry.tenant_id.value, entry.list}].emplace(entry.number, entry);  // the first entry stays
  return core::Ok{};
}

core::Result<void> MemoryCatalog::RemoveDnc(core::TenantId tenant, std::string_view list,
                                            std::string_view number) {
  std::lock_guard lock(mutex_);
  if (auto* entries = t_->DncList(tenant, list)) {
    if (auto n = entries->find(std::string(number)); n != entries->end()) entries->erase(n);
  }
  return core::Ok{};
}

core::Result<engine::DncPage> MemoryCatalog::ListDnc(core::TenantId tenant, std::string_view list,
                                                     size_t limit, std::string_view cursor) {
  limit = ClampPageLimit(limit);
  std::lock_guard lock(mutex_);
  engine::DncPage page;
  auto* entries = t_->DncList(tenant, list);
  if (entries == nullptr) return page;
  for (auto n = entries->upper_bound(DncResumeAfter(cursor)); n != entries->end(); ++n) {
    if (page.items.size() == limit) {
      page.next_cursor = DncCursor(page.items.back().number);
      break;
    }
    page.items.push_back(n->second);
  }
  return page;
}

}  // namespace outdial::store
