// Test backends for the store contract suite: each gives a fresh, empty database per test and can
// reopen it (durability across a restart) or reach it with a raw connection (schema tests).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "store/sql/sql_database.h"

namespace outdial::store::testing {

class Backend {
 public:
  virtual ~Backend() = default;
  // Empty string when available; otherwise why not (the suite skips, loudly).
  virtual std::string Unavailable() const { return ""; }
  // Opens the test's database (the same one on every call).
  virtual core::Result<std::unique_ptr<sql::SqlDatabase>> Open(sql::PostToEngine post) = 0;
  // A raw, unmigrated connection to the test's database.
  virtual core::Result<std::unique_ptr<sql::Connection>> Connect() = 0;
  // The dialect's migrations, oldest first (upgrade tests apply a prefix of them).
  virtual std::span<const sql::Migration> Migrations() const = 0;
};

struct BackendFactory {
  std::string name;
  std::function<std::unique_ptr<Backend>()> make;
};

std::unique_ptr<Backend> MakeSqliteBackend();
// A throwaway PostgreSQL cluster started once per process (pg_cluster.cc).
std::unique_ptr<Backend> MakePostgresBackend();

}  // namespace outdial::store::testing
