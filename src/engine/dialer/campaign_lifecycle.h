// CampaignLifecycle: the engine's configuration — tenants, campaigns and their status changes
// (start, pause, stop, delete), contact lists, agents and DNC entries — validated where the engine
// relies on it. Pausing or stopping a campaign closes its open offers and ringing reservations
// (contacts go back untouched); calls in progress finish. A campaign is deleted only when it is
// not running and no agent still works a contact of it ("a running campaign cannot be deleted"
// lives here, and only here).
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class CampaignLifecycle {
 public:
  explicit CampaignLifecycle(Engine& engine) : e_(engine) {}

  core::Result<void> AddTenant(TenantId id, const core::TenantSettings& settings);
  core::Result<void> UpdateTenant(TenantId id, const core::TenantSettings& settings);
  core::Result<void> AddCampaign(TenantId tenant, CampaignId id, const core::CampaignSettings& settings);
  core::Result<void> UpdateCampaign(CampaignId id, const core::CampaignSettings& settings);
  core::Result<void> SetStatus(CampaignId id, core::CampaignStatus status);
  core::Result<void> Remove(CampaignId id);
  bool HasLiveWork(CampaignId id) const;
  core::Result<void> AddContacts(CampaignId id, std::vector<core::Contact> contacts);
  void ReserveContacts(CampaignId id, size_t count);
  core::Result<void> RestoreAttemptCounts(CampaignId id,
                                          const std::array<int64_t, core::kOutcomeCount>& by_outcome);
  core::Result<void> AddAgent(const AgentInfo& info);
  core::Result<void> UpdateAgent(const AgentInfo& info);
  void RemoveDnc(TenantId tenant, const std::string& list, const std::string& number);
  void RestoreDnc(TenantId tenant, const std::string& list, const std::string& number);
  bool IsOnDnc(TenantId tenant, const std::string& list, const std::string& number) const;

 private:
  core::Result<void> ValidateContacts(const CampaignRt& camp,
                                      const std::vector<core::Contact>& contacts) const;
  void ReleaseHolds(CampaignRt& camp);
  void SortTenantCampaigns(TenantRt& tenant);

  Engine& e_;
};

}  // namespace outdial::engine
