// MemoryCatalog's start-up half (memory_catalog.h): crash recovery, by the rule every store shares
// (core/recovery.h), and the load, in the order and batches of the SQL store's
// (store/sql/recovery.cc, startup_load.cc).
#include <map>

#include "core/recovery.h"
#include "store/memory/memory_catalog.h"
#include "store/memory/memory_tables.h"

namespace outdial::store {

core::Result<engine::RecoveryReport> MemoryCatalog::Recover(core::TimePoint now) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  engine::RecoveryReport report;
  // Step 1: every attempt left open, in id order, is closed as interrupted; its contact takes the
  // rule's decision.
  for (auto& [id, a] : t.attempts) {
    if (a.ended_at) continue;
    a.ended_at = now;
    a.outcome = core::kRecoveredOutcome;
    a.reason.reset();
    ++report.attempts_interrupted;
    auto c = t.contacts.find(a.contact_id.value);
    auto camp = t.campaigns.find(a.campaign_id.value);
    if (c == t.contacts.end() || camp == t.campaigns.end()) continue;
    if (core::RecoverContact(c->second.contact, camp->second.settings, a.number, now) ==
        core::RecoveryAction::kRescheduled) {
      ++report.contacts_rescheduled;
    }
  }
  // Step 2: whatever is still in progress was held by an offer or a reservation.
  for (auto& [id, row] : t.contacts) {
    auto camp = t.campaigns.find(row.contact.campaign_id.value);
    if (camp == t.campaigns.end()) continue;
    if (core::RecoverContact(row.contact, camp->second.settings, std::nullopt, now) ==
        core::RecoveryAction::kReleased) {
      ++report.contacts_released;
    }
  }
  return report;
}

core::Result<void> MemoryCatalog::Load(engine::LoadSink& sink) {
  // Copies under the lock, calls the sink outside it (the sink may call back into the catalog).
  std::vector<engine::TenantRow> tenants;
  std::vector<engine::UserRow> users;
  std::vector<engine::CampaignRow> campaigns;
  std::vector<std::pair<core::CampaignId, std::vector<engine::ContactRow>>> contacts;
  std::vector<engine::DncRecord> dnc;
  std::map<uint64_t, std::array<int64_t, core::kOutcomeCount>> counts;
  uint64_t floor = 0;
  {
    std::lock_guard lock(mutex_);
    auto& t = *t_;
    for (const auto& [id, row] : t.tenants) tenants.push_back(row);
    for (const auto& [id, row] : t.users) users.push_back(row);
    for (const auto& [id, row] : t.campaigns) {
      campaigns.push_back(row);
      std::vector<engine::ContactRow> rows;
      for (uint64_t cid : t.campaign_contacts[id]) rows.push_back(t.contacts.at(cid));
      contacts.emplace_back(row.id, std::move(rows));
    }
    for (const auto& [key, list] : t.dnc) {
      for (const auto& [number, entry] : list) dnc.push_back(entry);
    }
    counts = t.AttemptCounts();
    floor = t.max_engine_id;
  }
  for (const auto& row : tenants) sink.OnTenant(row);
  for (const auto& row : users) sink.OnUser(row);
  for (const auto& row : campaigns) sink.OnCampaign(row);
  constexpr size_t kBatch = 10000;
  std::vector<std::string> zone_names;
  std::map<std::string, uint16_t, std::less<>> zone_index;
  for (auto& [campaign, rows] : contacts) {
    for (size_t i = 0; i < rows.size(); i += kBatch) {
      engine::ContactLoadBatch batch;
      for (size_t j = i; j < std::min(rows.size(), i + kBatch); ++j) {
        auto [it, added] = zone_index.try_emplace(rows[j].timezone, static_cast<uint16_t>(zone_names.size()));
        if (added) zone_names.push_back(rows[j].timezone);
        rows[j].contact.zone = it->second;
        batch.contacts.push_back(std::move(rows[j].contact));
      }
      batch.zone_names = zone_names;
      if (i == 0) batch.campaign_size_hint = rows.size();
      sink.OnContacts(campaign, std::move(batch));
    }
  }
  for (const auto& entry : dnc) sink.OnDnc(entry);
  for (const auto& [campaign, by_outcome] : counts) {
    sink.OnAttemptCounts(core::CampaignId{campaign}, by_outcome);
  }
  sink.OnIdFloor(floor);
  return core::Ok{};
}

}  // namespace outdial::store
