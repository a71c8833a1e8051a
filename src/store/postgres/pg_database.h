// The PostgreSQL store: SqlDatabase (store/sql/sql_database.h) over two PgConnections, plus the
// contact claim that lets several servers share one database.
//
// ClaimContacts leases up to `n` callable contacts of a campaign to `server` until `lease_until`,
// skipping rows another claimer holds locked (FOR UPDATE SKIP LOCKED) and contacts whose lease by
// another server has not expired: concurrent claimers never get the same contact. Running the
// engine itself on several servers over these leases is not built yet (the engine loads every
// contact at start-up); the claim is the database half of it.
//
// Threading: as SqlDatabase; ClaimContacts from any thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "store/sql/sql_database.h"

namespace outdial::store::postgres {

class PostgresDatabase final : public sql::SqlDatabase {
 public:
  using SqlDatabase::SqlDatabase;

  // The start-up load reads on the catalog connection alone, in one REPEATABLE READ transaction
  // (libpq cannot share a snapshot between connections without exporting it).
  core::Result<std::vector<std::unique_ptr<sql::Connection>>> BeginLoadSnapshot(sql::Connection& catalog,
                                                                                size_t wanted) override;

  core::Result<std::vector<core::ContactId>> ClaimContacts(core::CampaignId campaign, std::string_view server,
                                                           size_t n, core::TimePoint now,
                                                           core::TimePoint lease_until);
  // Gives the server's leases back (e.g. at a clean shutdown).
  core::Result<int64_t> ReleaseClaims(core::CampaignId campaign, std::string_view server);
};

// Connects twice to `url` (catalog and writer) and applies the embedded migrations.
core::Result<std::unique_ptr<PostgresDatabase>> OpenPostgresDatabase(const std::string& url,
                                                                     sql::PostToEngine post_to_engine);

// Every migration this build carries, oldest first (upgrade tests apply a prefix of them).
std::span<const sql::Migration> SchemaMigrations();

}  // namespace outdial::store::postgres
