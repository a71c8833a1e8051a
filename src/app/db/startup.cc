#include "app/db/startup.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace outdial::app {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Lives on the engine thread once the load starts: every On* posts a task that touches the Dialer
// and this state there. The Catalog's thread only builds the tasks.
struct EngineSide {
  engine::Dialer& dialer;
  std::optional<core::Error> error;
  std::unordered_map<uint64_t, core::TenantSettings> tenants;
  std::vector<uint16_t> zone_of;  // the load's zone index (ContactLoadBatch) -> ZoneTable id
  std::vector<std::pair<core::CampaignId, core::CampaignStatus>> statuses;
  int64_t contacts = 0;

  void Fail(core::Error e, std::string_view what) {
    if (error) return;
    e.message = fmt::format("loading {}: {}", what, e.message);
    error = std::move(e);
  }
  // Interns the names of the batch's table not seen yet. An empty name is the tenant's default
  // zone, which differs per tenant: such a table entry is interned per batch instead.
  bool InternZones(const std::vector<std::string>& names, uint64_t campaign_tenant,
                   std::vector<uint16_t>& batch_zone_of) {
    batch_zone_of.resize(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      if (i < zone_of.size() && !names[i].empty()) {
        batch_zone_of[i] = zone_of[i];
        continue;
      }
      std::string zone_name = names[i];
      if (zone_name.empty()) {
        auto t = tenants.find(campaign_tenant);
        zone_name = t == tenants.end() ? "UTC" : t->second.default_timezone;
      }
      auto interned = dialer.zones().Intern(zone_name);
      if (!interned.ok()) {
        Fail(interned.error(), "contacts");
        return false;
      }
      batch_zone_of[i] = *interned;
      if (i == zone_of.size()) zone_of.push_back(*interned);
    }
    return true;
  }
};

class DialerLoadSink final : public engine::LoadSink {
 public:
  DialerLoadSink(std::shared_ptr<EngineSide> side, const RunOnEngine& run)
      : side_(std::move(side)), run_(run) {}

  void OnTenant(const engine::TenantRow& tenant) override {
    ++report.tenants;
    run_([side = side_, tenant] {
      side->tenants[tenant.id.value] = tenant.settings;
      if (auto r = side->dialer.AddTenant(tenant.id, tenant.settings); !r.ok()) {
        side->Fail(r.error(), "a tenant");
      }
    });
  }
  void OnUser(const engine::UserRow& user) override {
    if (user.role != engine::Role::kAgent) return;
    ++report.agents;
    run_([side = side_,
          info = engine::AgentInfo{user.id, user.tenant_id, user.username, user.team, user.station}] {
      if (auto r = side->dialer.AddAgent(info); !r.ok()) side->Fail(r.error(), "an agent");
    });
  }
  void OnCampaign(const engine::CampaignRow& campaign) override {
    ++report.campaigns;
    tenant_of_[campaign.id.value] = campaign.tenant_id.value;
    run_([side = side_, campaign] {
      if (auto r = side->dialer.AddCampaign(campaign.tenant_id, campaign.id, campaign.settings); !r.ok()) {
        side->Fail(r.error(), "a campaign");
      }
      side->statuses.emplace_back(campaign.id, campaign.status);
    });
  }
  void OnContacts(core::CampaignId campaign, engine::ContactLoadBatch&& batch) override {
    report.contacts += static_cast<int64_t>(batch.contacts.size());
    uint64_t tenant = tenant_of_[campaign.value];
    // The batch moves into the task (no copy of the contacts): the Catalog thread reads the next
    // page while the engine thread adds this one.
    run_([side = side_, campaign, tenant,
          batch = std::make_shared<engine::ContactLoadBatch>(std::move(batch))] {
      if (side->error) return;
      std::vector<uint16_t> zone_of;
      if (!side->InternZones(batch->zone_names, tenant, zone_of)) return;
      if (batch->campaign_size_hint > 0) side->dialer.ReserveContacts(campaign, batch->campaign_size_hint);
      for (core::Contact& c : batch->contacts) {
        if (c.zone >= zone_of.size()) {
          side->Fail(core::MakeError(core::ErrorCode::kInternal, "a contact names no zone of its batch"),
                     "contacts");
          return;
        }
        c.zone = zone_of[c.zone];
      }
      side->contacts += static_cast<int64_t>(batch->contacts.size());
      if (auto r = side->dialer.AddContacts(campaign, std::move(batch->contacts)); !r.ok()) {
        side->Fail(r.error(), "contacts");
      }
    });
  }
  void OnDnc(const engine::DncRecord& entry) override {
    ++report.dnc;
    run_([side = side_, entry] { side->dialer.RestoreDnc(entry.tenant_id, entry.list, entry.number); });
  }
  void OnAttemptCounts(core::CampaignId campaign,
                       const std::array<int64_t, core::kOutcomeCount>& by_outcome) override {
    run_([side = side_, campaign, by_outcome] {
      if (auto r = side->dialer.RestoreAttemptCounts(campaign, by_outcome); !r.ok()) {
        side->Fail(r.error(), "attempt counts");
      }
    });
  }
  void OnIdFloor(uint64_t max_used_id) override {
    report.id_floor = max_used_id;
    run_([side = side_, max_used_id] { side->dialer.SetIdFloor(max_used_id); });
  }

  StartupReport report;

 private:
  std::shared_ptr<EngineSide> side_;
  const RunOnEngine& run_;
  std::unordered_map<uint64_t, uint64_t> tenant_of_;
};

}  // namespace

core::Result<StartupReport> RecoverAndLoad(engine::Catalog& catalog, engine::Dialer& dialer,
                                           core::TimePoint now, const RunOnEngine& run_on_engine,
                                           const WaitOnEngine& wait_engine) {
  auto start = Clock::now();
  auto recovered = catalog.Recover(now);
  if (!recovered.ok()) {
    core::Error e = recovered.error();
    e.message = "recovery failed: " + e.message;
    return e;
  }
  double recover_seconds = Since(start);

  start = Clock::now();
  auto side = std::make_shared<EngineSide>(EngineSide{dialer, {}, {}, {}, {}, 0});
  DialerLoadSink sink(side, run_on_engine);
  auto loaded = catalog.Load(sink);
  // Statuses last, on the engine thread; the wait is also the barrier for every task posted above.
  wait_engine([side] {
    if (side->error) return;
    for (auto [id, status] : side->statuses) {
      core::Result<void> r = core::Ok{};
      switch (status) {
        case core::CampaignStatus::kDraft: break;
        case core::CampaignStatus::kRunning: r = side->dialer.SetCampaignStatus(id, status); break;
        case core::CampaignStatus::kPaused:
        case core::CampaignStatus::kStopped:
          // The engine starts every campaign as a draft and reaches paused/stopped only through
          // running; no agent is logged in yet, so the short run dispatches nothing.
          r = side->dialer.SetCampaignStatus(id, core::CampaignStatus::kRunning);
          if (r.ok()) r = side->dialer.SetCampaignStatus(id, status);
          break;
      }
      if (!r.ok()) side->Fail(r.error(), "a campaign status");
    }
  });
  if (!loaded.ok()) {
    core::Error e = loaded.error();
    e.message = "loading the database failed: " + e.message;
    return e;
  }
  std::optional<core::Error> error;
  int64_t engine_contacts = 0;
  wait_engine([&] {
    error = side->error;
    engine_contacts = side->contacts;
  });
  if (error) return *error;
  StartupReport report = sink.report;
  report.recovery = *recovered;
  report.recover_seconds = recover_seconds;
  report.load_seconds = Since(start);
  if (engine_contacts != report.contacts) {
    return core::MakeError(
        core::ErrorCode::kInternal,
        fmt::format("loaded {} contacts but the engine took {}", report.contacts, engine_contacts));
  }
  return report;
}

}  // namespace outdial::app
