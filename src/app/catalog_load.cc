#include "app/catalog_load.h"

#include <fmt/format.h>

#include <vector>

namespace outdial::app {

core::Result<DemoSeed> SeedDemo(engine::Catalog& catalog, api::HashCost cost, core::TimePoint now) {
  DemoSeed seed;
  if (catalog.FindTenantByName("demo").ok()) return seed;
  core::TenantSettings ts;
  ts.name = "demo";
  ts.max_concurrent_calls = 50;
  ts.end_call_enabled = true;
  ts.default_timezone = "America/New_York";
  ts.default_region = "US";
  ts.default_caller_id = "+12015550000";
  auto admin_hash = api::HashPassword("admin", cost);
  if (!admin_hash.ok()) return admin_hash.error();
  engine::UserRow admin;
  admin.username = "admin";
  admin.password_hash = *admin_hash;
  admin.role = engine::Role::kAdmin;
  auto tenant = catalog.CreateTenant(ts, admin);
  if (!tenant.ok()) return tenant.error();
  auto agent_hash = api::HashPassword("agent", cost);
  if (!agent_hash.ok()) return agent_hash.error();
  for (int a = 1; a <= 3; ++a) {
    engine::UserRow agent;
    agent.tenant_id = tenant->id;
    agent.username = fmt::format("agent{}", a);
    agent.password_hash = *agent_hash;
    agent.role = engine::Role::kAgent;
    agent.station = "sim:auto";
    if (auto r = catalog.CreateUser(agent); !r.ok()) return r.error();
  }
  struct DemoCampaign {
    core::CampaignMode mode;
    const char* name;
    const char* description;
  };
  const DemoCampaign demo[] = {
      {core::CampaignMode::kPreviewStandard, "Renewals (Standard Preview)",
       "Customers whose contract ends this month. Offer the loyalty discount."},
      {core::CampaignMode::kPreviewDirect, "Welcome calls (Direct Preview)",
       "New customers from last week: a short welcome and a satisfaction question."},
      {core::CampaignMode::kPreview, "Win-back (Preview)", "Former customers. Ask why they left."},
  };
  const char* zones[] = {"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"};
  const char* first[] = {"Ava", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Henry", "Isla", "Jack"};
  const char* last[] = {"Miller", "Garcia", "Smith", "Brown", "Jones",
                        "Davis",  "Wilson", "Clark", "Lewis", "Young"};
  constexpr int kContacts = 200;
  for (size_t k = 0; k < std::size(demo); ++k) {
    core::CampaignSettings cs;
    cs.name = demo[k].name;
    cs.description = demo[k].description;
    cs.mode = demo[k].mode;
    cs.priority = static_cast<int>(6 - k);
    cs.calling_window = core::CallingWindow{};
    for (auto& day : cs.calling_window.days) day = {core::MinuteRange{0, 1440}};  // demo: any time
    auto campaign = catalog.CreateCampaign(tenant->id, cs);
    if (!campaign.ok()) return campaign.error();
    std::vector<engine::ContactRow> rows;
    for (int i = 0; i < kContacts; ++i) {
      engine::ContactRow row;
      core::Contact& c = row.contact;
      c.name = fmt::format("{} {}", first[i % 10], last[(static_cast<size_t>(i) / 10 + k) % 10]);
      c.phones.push_back(core::Phone{
          fmt::format("+1201555{:04d}", (k * 1000 + static_cast<size_t>(i)) % 10000), "mobile", 0, false});
      c.priority = static_cast<uint8_t>(i % 7 == 0 ? 10 : 0);
      c.fields = {{"account", fmt::format("AC-{:06d}", 100000 + i)}, {"plan", i % 2 ? "Premium" : "Basic"}};
      c.next_eligible_at = now;
      row.timezone = zones[i % 4];
      rows.push_back(std::move(row));
    }
    if (auto r = catalog.InsertContacts(tenant->id, campaign->id, rows); !r.ok()) return r.error();
    if (auto r = catalog.SetCampaignStatus(tenant->id, campaign->id, core::CampaignStatus::kRunning);
        !r.ok()) {
      return r.error();
    }
    ++seed.campaigns;
  }
  seed.created = true;
  seed.contacts_per_campaign = kContacts;
  return seed;
}

}  // namespace outdial::app
