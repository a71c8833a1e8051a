// SqlDatabase: the durable store, written once over the SQL driver interface (sql.h) and used by
// both SQLite (store/sqlite) and PostgreSQL (store/postgres). One object is both the engine's
// Store (hot-path writes) and the Catalog (administration, queries, recovery, start-up load), over
// the tables of the dialect's migrations/0001_init.sql. Its parts, a file each:
//  - group_commit_writer.h: Commit's path, on the writer connection and its thread;
//  - catalog_accounts.cc (tenants, users, sessions), catalog_campaigns.cc, catalog_contacts.cc,
//    catalog_dnc.cc: the Catalog calls, on the catalog connection;
//  - recovery.cc (Recover, the rule being core/recovery.h), startup_load.cc (Load);
//  - records.h: the rows they all read and write; migrate.cc: the schema.
//
// Two connections:
//  - the writer connection belongs to the group-commit writer thread (group_commit_writer.h).
//  - the catalog connection serves Catalog calls synchronously, one at a time (a mutex). Reads run
//    beside the writer (WAL / MVCC); catalog writes take the database's write lock for their own
//    short transaction, and the busy timeout makes the other side wait instead of failing.
//
// Threading: Commit from the engine thread; Catalog calls from any thread; Flush from any thread
// but the engine's when `post_to_engine` runs tasks on it later. Destruction writes what is queued,
// then stops the writer; the callbacks of those last batches are still posted.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "engine/catalog.h"
#include "engine/store.h"
#include "store/sql/group_commit_writer.h"
#include "store/sql/sql.h"

namespace outdial::store::sql {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Applies the missing migrations in one transaction, recording each in `schema_migrations`;
// refuses (VALIDATION_FAILED) a database whose schema is newer than the newest migration known.
core::Result<void> Migrate(Connection& connection, std::span<const Migration> migrations);
// The highest version recorded in schema_migrations (0 for an empty database).
core::Result<int> SchemaVersion(Connection& connection);

class SqlDatabase : public engine::Store, public engine::Catalog {
 public:
  // The connections are migrated already. Starts the writer thread.
  SqlDatabase(std::unique_ptr<Connection> catalog, std::unique_ptr<Connection> writer, PostToEngine post);
  ~SqlDatabase() override;
  SqlDatabase(const SqlDatabase&) = delete;
  SqlDatabase& operator=(const SqlDatabase&) = delete;

  // --- engine::Store ---
  void Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) override {
    writer_.Commit(std::move(batch), std::move(on_durable));
  }
  // Returns once every batch committed before the call is written and its callback posted.
  void Flush() { writer_.Flush(); }
  // Batches and transactions written so far (the group-commit ratio is batches / transactions).
  uint64_t batches_written() const { return writer_.batches_written(); }
  uint64_t transactions_written() const { return writer_.transactions_written(); }

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

  // The tenant a campaign belongs to: for operator tools (`outdial import`/`export`) that name a
  // campaign by id alone. Not part of the Catalog, whose callers always act within one tenant.
  core::Result<core::TenantId> CampaignTenant(core::CampaignId campaign);

  // Every attempt of the campaign in export order: by contact (import order), then started_at and
  // id (the order of GetContact's attempts). Read in keyset pages of `page_rows` — one query per
  // page, whatever the number of contacts — and handed to `fn` one by one after each page is read,
  // with no lock held (fn may call the database). Memory stays at one page on both dialects (a
  // PostgreSQL result is held whole by libpq). `fn`'s error stops the walk and is returned. For
  // operator tools (`outdial export --what attempts`).
  using AttemptVisitor = std::function<core::Result<void>(const engine::AttemptRecord&)>;
  core::Result<void> ForEachAttempt(core::TenantId tenant, core::CampaignId campaign,
                                    const AttemptVisitor& fn, size_t page_rows = 10000);

 public:
  // What the dialect's own background work has done, for /metrics (SQLite: its checkpointer,
  // store/sqlite/wal_checkpointer.h). Any thread.
  struct MaintenanceFigures {
    bool checkpointer = false;  // false: nothing to report (PostgreSQL)
    uint64_t checkpoints = 0, failures = 0, pages = 0, restarts = 0, holds = 0;
  };
  virtual MaintenanceFigures maintenance() const { return {}; }

  // Begins on `catalog` the read transaction of the start-up load (one snapshot for all of it) and
  // returns up to `wanted` more connections reading that same snapshot, each in its own read
  // transaction, so that the load reads contacts on several threads (the dialect's own way:
  // store/sqlite/sqlite_database.cc, store/postgres/pg_database.cc). Called with the catalog locked.
  virtual core::Result<std::vector<std::unique_ptr<Connection>>> BeginLoadSnapshot(Connection& catalog,
                                                                                   size_t wanted) = 0;

  // Runs `task` on the writer thread with the writer's connection, outside any transaction,
  // before its next group (at once when it is idle), with the catalog connection locked so that
  // nothing else of this store writes meanwhile; returns once it ran. Any thread but the writer's
  // and none holding the catalog. SQLite's checkpointer has the WAL's last frames copied this way,
  // so that the next commit starts the WAL over (store/sqlite/wal_checkpointer.h): the writer
  // waits only for the task, never for the (low-priority) caller.
  void RunOnWriterAlone(const std::function<void(Connection&)>& task);

 protected:
  // For dialect-specific extensions (PostgreSQL's ClaimContacts): run `fn` with the catalog
  // connection locked.
  template <typename Fn>
  auto WithCatalog(Fn&& fn) {
    std::lock_guard lock(catalog_mutex_);
    return fn(*catalog_);
  }

 private:
  std::mutex catalog_mutex_;
  std::unique_ptr<Connection> catalog_;
  GroupCommitWriter writer_;  // last: stops (writing what is queued) before the catalog closes
};

}  // namespace outdial::store::sql
