#include "store/sqlite/sqlite_database.h"

#include "store/sqlite/migrations.h"

namespace outdial::store::sqlite {

int LatestSchemaVersion() {
  return std::size(kMigrations) == 0 ? 0 : std::end(kMigrations)[-1].version;
}

core::Result<std::unique_ptr<sql::SqlDatabase>> OpenSqliteDatabase(const std::string& path,
                                                                   sql::PostToEngine post_to_engine,
                                                                   const SqliteOptions& options) {
  auto catalog = SqliteConnection::Open(path, options);
  if (!catalog.ok()) return catalog.error();
  if (auto r = sql::Migrate(**catalog, kMigrations); !r.ok()) {
    return core::MakeError(r.error().code, "SQLite database '" + path + "': " + r.error().message);
  }
  auto writer = SqliteConnection::Open(path, options);
  if (!writer.ok()) return writer.error();
  return std::make_unique<sql::SqlDatabase>(std::move(*catalog), std::move(*writer),
                                            std::move(post_to_engine));
}

}  // namespace outdial::store::sqlite
