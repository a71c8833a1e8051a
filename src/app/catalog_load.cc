#include "app/catalog_load.h"

#include <fmt/format.h>

#include <vector>

namespace outdial::app {

namespace {

class DialerLoader final : public engine::LoadSink {
 public:
  explicit DialerLoader(engine::Dialer& dialer) : dialer_(dialer) {}

  void OnTenant(const engine::TenantRow& tenant) override {
    Keep(dialer_.AddTenant(tenant.id, tenant.settings), "tenant " + tenant.id.str());
    ++report.tenants;
  }
  void OnUser(const engine::UserRow& user) override {
    if (user.role != engine::Role::kAgent) return;
    Keep(dialer_.AddAgent({user.id, user.tenant_id, user.username, user.team, user.station}),
         "agent " + user.id.str());
    ++report.agents;
  }
  void OnCampaign(const engine::CampaignRow& campaign) override {
    Keep(dialer_.AddCampaign(campaign.tenant_id, campaign.id, campaign.settings),
         "campaign " + campaign.id.str());
    statuses_.emplace_back(campaign.id, campaign.status);
    ++report.campaigns;
  }
  void OnContacts(core::CampaignId campaign, std::vector<engine::ContactRow>&& batch) override {
    std::vector<core::Contact> contacts;
    contacts.reserve(batch.size());
    for (auto& row : batch) {
      auto zone = dialer_.zones().Intern(row.timezone);
      row.contact.zone = zone.ok() ? *zone : 0;
      contacts.push_back(std::move(row.contact));
    }
    report.contacts += static_cast<int64_t>(contacts.size());
    Keep(dialer_.AddContacts(campaign, std::move(contacts)), "contacts of campaign " + campaign.str());
  }
  void OnDnc(const engine::DncRecord& entry) override {
    dialer_.AddDnc(entry.tenant_id, entry.list, entry.number);
    ++report.dnc;
  }
  void OnAttemptCounts(core::CampaignId, const std::array<int64_t, core::kOutcomeCount>&) override {
    // The engine counts attempts from its own start; stored history stays in the Catalog.
  }
  void OnIdFloor(uint64_t) override {}

  // Statuses go last: a campaign starts with its contacts in place. The engine moves only along
  // legal transitions, so paused and stopped campaigns pass through running (no agent is logged
  // in at start-up, so nothing is offered meanwhile).
  void ApplyStatuses() {
    for (auto [id, status] : statuses_) {
      switch (status) {
        case core::CampaignStatus::kDraft:
          break;
        case core::CampaignStatus::kRunning:
          Keep(dialer_.SetCampaignStatus(id, status), "status of campaign " + id.str());
          break;
        case core::CampaignStatus::kPaused:
        case core::CampaignStatus::kStopped:
          Keep(dialer_.SetCampaignStatus(id, core::CampaignStatus::kRunning),
               "status of campaign " + id.str());
          Keep(dialer_.SetCampaignStatus(id, status), "status of campaign " + id.str());
          break;
      }
    }
  }

  LoadReport report;
  std::optional<core::Error> first_error;

 private:
  void Keep(const core::Result<void>& r, const std::string& what) {
    if (!r.ok() && !first_error) {
      first_error = r.error();
      first_error->message = what + ": " + first_error->message;
    }
  }
  engine::Dialer& dialer_;
  std::vector<std::pair<core::CampaignId, core::CampaignStatus>> statuses_;
};

}  // namespace

core::Result<LoadReport> LoadIntoDialer(engine::Catalog& catalog, engine::Dialer& dialer) {
  DialerLoader loader(dialer);
  if (auto r = catalog.Load(loader); !r.ok()) return r.error();
  loader.ApplyStatuses();
  if (loader.first_error) return *loader.first_error;
  return loader.report;
}

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
