// The schema's migrations (sql_database.h Migrate, SchemaVersion).
#include <fmt/format.h>

#include "store/sql/records.h"
#include "store/sql/sql_database.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::Result;

core::Result<int> SchemaVersion(Connection& connection) {
  OD_TRY(connection.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)"));
  auto v = ScalarInt(connection, "SELECT MAX(version) FROM schema_migrations");
  if (!v.ok()) return v.error();
  return static_cast<int>(*v);
}

core::Result<void> Migrate(Connection& connection, std::span<const Migration> migrations) {
  auto current = SchemaVersion(connection);
  if (!current.ok()) return current.error();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  // SQLite rebuilds a table to change it (migration 0002): with foreign keys on, dropping the old
  // table would cascade into its children. The pragma is a no-op inside a transaction, so it is set
  // around it, and the keys are checked before the commit instead.
  const bool sqlite = connection.dialect() == Dialect::kSqlite;
  if (sqlite && *current < newest) OD_TRY(connection.Exec("PRAGMA foreign_keys=OFF"));
  auto migrated = InTransaction(connection, [&]() -> Result<void> {
    // Servers sharing a PostgreSQL database migrate one at a time.
    if (connection.dialect() == Dialect::kPostgres) {
      OD_TRY(connection.Exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"));
    }
    // Read again inside the transaction: another server may have migrated meanwhile.
    auto version = ScalarInt(connection, "SELECT MAX(version) FROM schema_migrations");
    if (!version.ok()) return version.error();
    if (*version > newest) {
      return MakeError(ErrorCode::kValidationFailed,
                       fmt::format("the database schema is version {}, newer than this outdial build knows "
                                   "(up to {}); upgrade outdial or use another database",
                                   *version, newest));
    }
    for (const Migration& m : migrations) {
      if (m.version <= *version) continue;
      if (auto r = connection.Exec(m.sql); !r.ok()) {
        return MakeError(r.error().code,
                         fmt::format("migration {} ({}) failed: {}", m.version, m.name, r.error().message));
      }
      Query q(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
      q.BindAll(m.version, m.name, WallNowMs());
      OD_TRY(q.Run());
    }
    if (sqlite && *version < newest) {
      Query check(connection, "PRAGMA foreign_key_check");
      auto broken = check.Step();
      if (!broken.ok()) return broken.error();
      if (*broken) {
        return MakeError(ErrorCode::kInternal,
                         fmt::format("migrating to version {} left a row of {} without its parent", newest,
                                     check.Text(0)));
      }
    }
    return Ok{};
  });
  if (sqlite && *current < newest) OD_TRY(connection.Exec("PRAGMA foreign_keys=ON"));
  return migrated;
}

}  // namespace outdial::store::sql
