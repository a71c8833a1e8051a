#include "store/open.h"

#include "store/postgres/pg_database.h"
#include "store/sqlite/sqlite_database.h"

namespace outdial::store {

core::Result<std::unique_ptr<sql::SqlDatabase>> OpenDatabase(const std::string& url,
                                                             sql::PostToEngine post_to_engine) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) {
      return core::MakeError(core::ErrorCode::kValidationFailed, "database.url: sqlite:// needs a path");
    }
    return sqlite::OpenSqliteDatabase(path, std::move(post_to_engine));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    auto db = postgres::OpenPostgresDatabase(url, std::move(post_to_engine));
    if (!db.ok()) return db.error();
    return std::unique_ptr<sql::SqlDatabase>(std::move(*db));
  }
  return core::MakeError(core::ErrorCode::kValidationFailed,
                         "database.url must start with sqlite:// or postgresql:// (got '" + url + "')");
}

}  // namespace outdial::store
