// Opening a SQLite database: two connections to the file (catalog and group-commit writer, see
// store/sql/sql_database.h), the embedded migrations applied on open.
#pragma once

#include <span>

#include <memory>
#include <string>

#include "store/sql/sql_database.h"
#include "store/sqlite/sqlite_connection.h"

namespace outdial::store::sqlite {

// Opens (creating) the database at `path`; refuses one whose schema is newer than this build.
core::Result<std::unique_ptr<sql::SqlDatabase>> OpenSqliteDatabase(const std::string& path,
                                                                   sql::PostToEngine post_to_engine,
                                                                   const SqliteOptions& options = {});

// The newest schema version this build knows.
int LatestSchemaVersion();
// Every migration this build carries, oldest first (upgrade tests apply a prefix of them).
std::span<const sql::Migration> SchemaMigrations();

}  // namespace outdial::store::sqlite
