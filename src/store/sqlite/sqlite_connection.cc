#include "store/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace outdial::store::sqlite {

namespace {

class SqliteStatement final : public sql::Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindText(int index, std::string_view value) override {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  core::Result<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      return false;
    }
    // The statement's own error code (extended) is more precise than the connection's.
    core::Error error = SqliteError(db_, sqlite3_extended_errcode(db_), sqlite3_sql(stmt_));
    sqlite3_reset(stmt_);
    return error;
  }
  bool IsNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string_view Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
  }
  int64_t Changes() const override { return changes_; }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    changes_ = 0;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int64_t changes_ = 0;
};

// `$N` → `?N`: the shared SQL uses PostgreSQL's parameter syntax; SQLite would read `$1` as a
// named parameter whose index depends on the order of appearance.
std::string ToSqliteParams(std::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '$' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '?';
  }
  return out;
}

}  // namespace

core::Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message = fmt::format("SQLite: {} ({})", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), what);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return core::MakeError(core::ErrorCode::kConflict, std::move(message));
    case SQLITE_CONSTRAINT_FOREIGNKEY: return core::MakeError(core::ErrorCode::kNotFound, std::move(message));
    default: break;
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR: return core::MakeError(core::ErrorCode::kUnavailable, std::move(message));
    default: return core::MakeError(core::ErrorCode::kInternal, std::move(message));
  }
}

core::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                       const SqliteOptions& options) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    core::Error error = core::MakeError(core::ErrorCode::kUnavailable,
                                        fmt::format("cannot open SQLite database '{}': {}", path,
                                                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  // journal_mode answers a row, so it goes through a statement rather than Exec's sqlite3_exec.
  {
    sql::Query wal(*connection, "PRAGMA journal_mode=WAL");
    auto row = wal.Step();
    if (!row.ok()) {
      return core::MakeError(core::ErrorCode::kUnavailable,
                             fmt::format("cannot open SQLite database '{}': {}", path, row.error().message));
    }
    if (!*row || wal.Text(0) != "wal") {
      return core::MakeError(core::ErrorCode::kUnavailable,
                             fmt::format("SQLite database '{}' cannot use WAL mode", path));
    }
  }
  std::string pragmas =
      fmt::format("PRAGMA synchronous={}; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
                  options.synchronous_full ? "FULL" : "NORMAL");
  if (auto r = connection->Exec(pragmas); !r.ok()) return r.error();
  return connection;
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // finalize before close
  sqlite3_close(db_);
}

core::Result<sql::Statement*> SqliteConnection::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it != statements_.end()) return it->second.get();
  std::string text = ToSqliteParams(sql);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()), SQLITE_PREPARE_PERSISTENT,
                              &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  auto owned = std::make_unique<SqliteStatement>(db_, stmt);
  sql::Statement* raw = owned.get();
  statements_.emplace(std::string(sql), std::move(owned));
  return raw;
}

core::Result<void> SqliteConnection::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    core::Error error = SqliteError(nullptr, sqlite3_extended_errcode(db_), text.substr(0, 80));
    error.message = fmt::format("SQLite: {} ({})", what, text.substr(0, 80));
    return error;
  }
  return core::Ok{};
}

core::Result<void> SqliteConnection::Begin() {
  return Exec("BEGIN IMMEDIATE");
}

}  // namespace outdial::store::sqlite
