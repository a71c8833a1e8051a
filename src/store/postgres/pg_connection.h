// The PostgreSQL driver of the SQL interface (store/sql/sql.h) over libpqxx 6.4. Every pqxx
// exception is caught here and becomes a core::Error (unique violation → CONFLICT, foreign key →
// NOT_FOUND, a lost connection → UNAVAILABLE). Statements run on one long-lived
// pqxx::nontransaction; transactions are the plain SQL BEGIN/COMMIT/SAVEPOINT the shared store
// logic issues, so SQLite and PostgreSQL share it unchanged.
//
// Threading: one thread at a time (the owner locks).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "store/sql/sql.h"

namespace outdial::store::postgres {

class PgConnection final : public sql::Connection {
 public:
  // `url` is a libpq URI (postgresql://user@host:port/db). A server that cannot be reached is
  // UNAVAILABLE, with libpq's message.
  static core::Result<std::unique_ptr<PgConnection>> Open(const std::string& url);
  ~PgConnection() override;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  core::Result<sql::Statement*> Prepare(std::string_view sql) override;
  core::Result<void> Exec(std::string_view sql) override;
  core::Result<void> Begin() override;

 private:
  PgConnection();
  struct Handles;  // the pqxx connection and its nontransaction (pqxx stays out of this header)
  std::unique_ptr<Handles> pq_;
  std::unordered_map<std::string, std::unique_ptr<sql::Statement>> statements_;
};

}  // namespace outdial::store::postgres
