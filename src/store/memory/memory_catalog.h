// MemoryCatalog: the Catalog port and the engine's Store port kept in memory, over one set of
// tables — the fake for tests (DESIGN.md: a fake for every interface) and the `[database] url =
// "memory:"` backend of `outdial serve`. Engine commits (attempts, contact state, DNC entries) land
// in the same tables the Catalog queries read, so a contact's detail shows its attempts.
//
// Threading: every method is thread-safe (one mutex). Commit is synchronous: it applies the batch
// and calls `on_durable` before returning, on the caller's (engine) thread, outside the lock.
// Nothing survives the process. The same contract tests as the SQL stores' run on it
// (tests/store/contract_test.cc), so that the fake cannot drift from them.
//
// Parts: memory_catalog.cc (Commit), memory_catalog_accounts.cc (tenants, users, sessions),
// memory_catalog_campaigns.cc (campaigns, contacts, DNC), memory_catalog_startup.cc (Recover, Load).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/catalog.h"
#include "engine/store.h"

namespace outdial::store {

class MemoryCatalog final : public engine::Catalog, public engine::Store {
 public:
  MemoryCatalog();
  ~MemoryCatalog() override;

  // --- engine::Store ---
  void Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) override;

  // --- engine::Catalog ---
  core::Result<engine::TenantRow> CreateTenant(const core::TenantSettings& settings,
                                               engine::UserRow admin) override;
  core::Result<engine::TenantRow> GetTenant(core::TenantId tenant) override;
  core::Result<engine::TenantRow> FindTenantByName(std::string_view name) override;
  core::Result<engine::TenantRow> UpdateTenant(core::TenantId tenant,
                                               const core::TenantSettings& settings) override;

  core::Result<engine::UserRow> CreateUser(engine::UserRow user) override;
  core::Result<engine::UserRow> GetUser(core::TenantId tenant, core::AgentId user) override;
  core::Result<engine::UserRow> FindUser(core::TenantId tenant, std::string_view username) override;
  core::Result<std::vector<engine::UserRow>> ListUsers(core::TenantId tenant) override;
  core::Result<engine::UserRow> UpdateUser(const engine::UserRow& user) override;
  core::Result<void> DeleteUser(core::TenantId tenant, core::AgentId user) override;

  core::Result<void> CreateSession(const engine::SessionRow& session) override;
  core::Result<engine::SessionRow> FindSession(std::string_view token_hash) override;
  core::Result<void> DeleteSession(std::string_view token_hash) override;

  core::Result<engine::CampaignRow> CreateCampaign(core::TenantId tenant,
                                                   const core::CampaignSettings& settings) override;
  core::Result<engine::CampaignRow> GetCampaign(core::TenantId tenant, core::CampaignId campaign) override;
  core::Result<void> HasCampaign(core::TenantId tenant, core::CampaignId campaign) override;
  core::Result<std::vector<engine::CampaignRow>> ListCampaigns(core::TenantId tenant) override;
  core::Result<engine::CampaignRow> UpdateCampaign(core::TenantId tenant, core::CampaignId campaign,
                                                   const core::CampaignSettings& settings) override;
  core::Result<engine::CampaignRow> SetCampaignStatus(core::TenantId tenant, core::CampaignId campaign,
                                                      core::CampaignStatus status) override;
  core::Result<void> DeleteCampaign(core::TenantId tenant, core::CampaignId campaign) override;

  core::Result<void> InsertContacts(core::TenantId tenant, core::CampaignId campaign,
                                    std::vector<engine::ContactRow>& rows) override;
  core::Result<engine::ContactPage> ListContacts(core::TenantId tenant, core::CampaignId campaign,
                                                 std::optional<core::ContactState> state, size_t limit,
                                                 std::string_view cursor) override;
  core::Result<engine::ContactDetail> GetContact(core::TenantId tenant, core::ContactId contact) override;

  core::Result<void> AddDnc(const engine::DncRecord& entry) override;
  core::Result<void> RemoveDnc(core::TenantId tenant, std::string_view list,
                               std::string_view number) override;
  core::Result<engine::DncPage> ListDnc(core::TenantId tenant, std::string_view list, size_t limit,
                                        std::string_view cursor) override;

  core::Result<engine::RecoveryReport> Recover(core::TimePoint now) override;
  core::Result<void> Load(engine::LoadSink& sink) override;

  // Test hook: the next `n` engine commits fail (UNAVAILABLE) and change nothing.
  void FailNextCommits(int n);
  uint64_t commits() const;

 public:
  struct Tables;  // memory_tables.h, private to src/store/memory

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<Tables> t_;
};

}  // namespace outdial::store
