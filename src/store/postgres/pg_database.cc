#include "store/postgres/pg_database.h"

#include "store/postgres/migrations.h"
#include "store/postgres/pg_connection.h"

namespace outdial::store::postgres {

core::Result<std::vector<core::ContactId>> PostgresDatabase::ClaimContacts(core::CampaignId campaign,
                                                                           std::string_view server, size_t n,
                                                                           core::TimePoint now,
                                                                           core::TimePoint lease_until) {
  return WithCatalog([&](sql::Connection& db) -> core::Result<std::vector<core::ContactId>> {
    // One statement, so it is its own transaction: the row locks of the subquery are held until
    // the UPDATE has written the lease, and a concurrent claimer skips those rows instead of
    // waiting for them.
    sql::Query q(
        db,
        "UPDATE contacts SET claimed_by = $2, claimed_until = $3 WHERE id IN (SELECT id FROM contacts "
        "WHERE campaign_id = $1 AND state = 'callable' AND (claimed_until IS NULL OR claimed_until <= $4) "
        "ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING id");
    q.BindAll(campaign.value, server, core::ToEpochMs(lease_until), core::ToEpochMs(now),
              static_cast<int64_t>(n));
    std::vector<core::ContactId> ids;
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      ids.push_back(core::ContactId{static_cast<uint64_t>(q.Int(0))});
    }
    return ids;
  });
}

core::Result<int64_t> PostgresDatabase::ReleaseClaims(core::CampaignId campaign, std::string_view server) {
  return WithCatalog([&](sql::Connection& db) -> core::Result<int64_t> {
    sql::Query q(db,
                 "UPDATE contacts SET claimed_by = NULL, claimed_until = NULL WHERE campaign_id = $1 AND "
                 "claimed_by = $2");
    q.BindAll(campaign.value, server);
    if (auto r = q.Run(); !r.ok()) return r.error();
    return q.Changes();
  });
}

core::Result<std::vector<std::unique_ptr<sql::Connection>>> PostgresDatabase::BeginLoadSnapshot(
    sql::Connection& catalog, size_t /*wanted*/) {
  if (auto r = catalog.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !r.ok()) return r.error();
  return std::vector<std::unique_ptr<sql::Connection>>{};
}

core::Result<std::unique_ptr<PostgresDatabase>> OpenPostgresDatabase(const std::string& url,
                                                                     sql::PostToEngine post_to_engine) {
  auto catalog = PgConnection::Open(url);
  if (!catalog.ok()) return catalog.error();
  if (auto r = sql::Migrate(**catalog, kMigrations); !r.ok()) {
    return core::MakeError(r.error().code, "PostgreSQL database: " + r.error().message);
  }
  auto writer = PgConnection::Open(url);
  if (!writer.ok()) return writer.error();
  return std::make_unique<PostgresDatabase>(std::move(*catalog), std::move(*writer),
                                            std::move(post_to_engine));
}

std::span<const sql::Migration> SchemaMigrations() {
  return kMigrations;
}

}  // namespace outdial::store::postgres
