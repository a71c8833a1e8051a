// Test backends for the store contract suite: each gives a fresh, empty database per test and can
// reopen it (durability across a restart); the SQL ones can also reach it with a raw connection
// (schema tests). MemoryCatalog is one of them, so that the fake keeps the real stores' contract.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "store/sql/sql_database.h"

namespace outdial::store::testing {

// An opened store: the ports the engine and the API use, and the SQL database behind them when
// it is one (what only the SQL stores have: ForEachAttempt, the group-commit figures).
struct OpenedStore {
  std::unique_ptr<sql::SqlDatabase> sql;  // null for MemoryCatalog (the backend owns it)
  engine::Catalog* catalog = nullptr;
  engine::Store* store = nullptr;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Empty string when available; otherwise why not (the suite skips, loudly).
  virtual std::string Unavailable() const { return ""; }
  // Opens the test's database (the same one on every call).
  virtual core::Result<OpenedStore> Open(sql::PostToEngine post) = 0;
  // Whether the store is a SQL database (Connect and Migrations serve).
  virtual bool IsSql() const { return true; }
  // A raw, unmigrated connection to the test's database.
  virtual core::Result<std::unique_ptr<sql::Connection>> Connect() = 0;
  // The dialect's migrations, oldest first (upgrade tests apply a prefix of them).
  virtual std::span<const sql::Migration> Migrations() const = 0;
};

// Opens a SqlDatabase as an OpenedStore.
inline core::Result<OpenedStore> Opened(core::Result<std::unique_ptr<sql::SqlDatabase>> db) {
  if (!db.ok()) return db.error();
  OpenedStore opened;
  opened.sql = std::move(*db);
  opened.catalog = opened.sql.get();
  opened.store = opened.sql.get();
  return opened;
}

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
};

std::unique_ptr<Backend> MakeSqliteBackend();
// A throwaway PostgreSQL cluster started once per process (pg_cluster.cc).
std::unique_ptr<Backend> MakePostgresBackend();
// MemoryCatalog, kept by the backend across reopens (memory_backend.cc).
std::unique_ptr<Backend> MakeMemoryBackend();

}  // namespace outdial::store::testing
