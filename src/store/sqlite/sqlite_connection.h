// The SQLite driver of the SQL interface (store/sql/sql.h): one sqlite3 connection opened in WAL
// mode with foreign keys and a busy timeout, its prepared statements cached by text.
//
// Threading: one thread at a time (the owner locks); SQLite itself is built thread-safe.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "store/sql/sql.h"

struct sqlite3;

namespace outdial::store::sqlite {

struct SqliteOptions {
  // NORMAL: in WAL mode a commit is durable against a crash of the process (kill -9) — the WAL
  // frames are in the OS page cache and the next open replays them — but not against power loss
  // (the WAL is fsynced at checkpoints only). FULL fsyncs the WAL on every commit.
  bool synchronous_full = false;
  int busy_timeout_ms = 10000;
};

class SqliteConnection final : public sql::Connection {
 public:
  // Opens (creating) the database file; an error names the path and SQLite's message.
  static core::Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                              const SqliteOptions& options);
  ~SqliteConnection() override;

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  core::Result<sql::Statement*> Prepare(std::string_view sql) override;
  core::Result<void> Exec(std::string_view sql) override;
  core::Result<void> Begin() override;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<sql::Statement>> statements_;
};

// Maps a SQLite result code to the project's error codes (constraint → CONFLICT / NOT_FOUND,
// busy → UNAVAILABLE, the rest INTERNAL).
core::Error SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace outdial::store::sqlite
