// MemoryCatalog's tables (memory_catalog.h): the rows a SQL store keeps in its tables, in maps,
// and the lookups its parts share. Private to src/store/memory; guarded by MemoryCatalog's mutex.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/catalog.h"
#include "engine/store.h"
#include "store/memory/memory_catalog.h"

namespace outdial::store {

// The store stamps created_at/updated_at itself, as the SQL store does.
inline core::TimePoint WallNow() {
  return std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
}

struct MemoryCatalog::Tables {
  uint64_t next_tenant = 1, next_user = 1, next_campaign = 1, next_contact = 1;
  std::map<uint64_t, engine::TenantRow> tenants;
  std::map<uint64_t, engine::UserRow> users;
  std::map<std::string, engine::SessionRow, std::less<>> sessions;
  std::map<uint64_t, engine::CampaignRow> campaigns;
  std::map<uint64_t, std::vector<uint64_t>> campaign_contacts;  // import (= id) order
  std::unordered_map<uint64_t, engine::ContactRow> contacts;
  std::map<uint64_t, engine::AttemptRecord> attempts;
  std::unordered_map<uint64_t, std::vector<uint64_t>> contact_attempts;
  std::map<std::pair<uint64_t, std::string>, std::map<std::string, engine::DncRecord>, std::less<>> dnc;
  uint64_t max_engine_id = 0;
  uint64_t commits = 0;
  int fail_next = 0;

  engine::CampaignRow* Campaign(core::TenantId tenant, core::CampaignId id) {
    auto it = campaigns.find(id.value);
    return it == campaigns.end() || it->second.tenant_id != tenant ? nullptr : &it->second;
  }
  engine::UserRow* User(core::TenantId tenant, core::AgentId id) {
    auto it = users.find(id.value);
    return it == users.end() || it->second.tenant_id != tenant ? nullptr : &it->second;
  }
  // The DNC list `list` of `tenant`; nullptr when it has no entry.
  std::map<std::string, engine::DncRecord>* DncList(core::TenantId tenant, std::string_view list) {
    auto it = dnc.find(std::pair<uint64_t, std::string>{tenant.value, std::string(list)});
    return it == dnc.end() ? nullptr : &it->second;
  }
  // Each campaign's attempts by their outcome now (what the SQL store's GROUP BY counts).
  std::map<uint64_t, std::array<int64_t, core::kOutcomeCount>> AttemptCounts() const {
    std::map<uint64_t, std::array<int64_t, core::kOutcomeCount>> counts;
    for (const auto& [id, a] : attempts) {
      if (a.outcome) ++counts[a.campaign_id.value][static_cast<size_t>(*a.outcome)];
    }
    return counts;
  }
};

}  // namespace outdial::store
