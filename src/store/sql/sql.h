// A small SQL driver interface, so that the store logic (SqlDatabase, sql_database.h) is written
// once over SQLite and PostgreSQL. A driver (sqlite/, postgres/) turns its library's errors and
// exceptions into core::Error values; nothing throws across this interface.
//
// SQL text uses `$1`, `$2`, … for parameters (PostgreSQL's syntax; the SQLite driver rewrites them
// to `?1`, `?2`), and only syntax both dialects accept (ON CONFLICT, RETURNING, LIMIT).
//
// Threading: a Connection and its statements belong to one thread at a time (the caller locks).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace outdial::store::sql {

enum class Dialect { kSqlite, kPostgres };

// One prepared statement. Parameters are 1-based, columns 0-based. Text views stay valid until the
// next Step or Reset.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindNull(int index) = 0;
  // Executes (first call after Reset) or advances; true when a row is available.
  virtual core::Result<bool> Step() = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
  // Rows changed by the last execution (UPDATE/DELETE/INSERT).
  virtual int64_t Changes() const = 0;
  // Ends the current execution (releases its read snapshot) and clears the bindings.
  virtual void Reset() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Prepared statements are cached by their text; the pointer lives as long as the connection.
  virtual core::Result<Statement*> Prepare(std::string_view sql) = 0;
  // Runs one or more statements without parameters (migrations, BEGIN, SAVEPOINT).
  virtual core::Result<void> Exec(std::string_view sql) = 0;
  // Begins a write transaction (SQLite: BEGIN IMMEDIATE, so the write lock is taken up front).
  virtual core::Result<void> Begin() = 0;
};

// Binds and runs one statement, resetting it when done (a SQLite statement left un-reset would
// keep its read snapshot open and hold back WAL checkpoints).
class Query {
 public:
  Query(Connection& connection, std::string_view sql);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // The statement's preparation error, if any (then Step returns it too).
  bool ok() const { return statement_ != nullptr; }

  Query& Bind(int64_t value) {
    if (statement_) statement_->BindInt(next_++, value);
    return *this;
  }
  Query& Bind(uint64_t value) { return Bind(static_cast<int64_t>(value)); }
  Query& Bind(int value) { return Bind(static_cast<int64_t>(value)); }
  Query& Bind(bool value) { return Bind(static_cast<int64_t>(value ? 1 : 0)); }
  Query& Bind(std::string_view value) {
    if (statement_) statement_->BindText(next_++, value);
    return *this;
  }
  Query& Bind(const std::string& value) { return Bind(std::string_view(value)); }
  Query& Bind(const char* value) { return Bind(std::string_view(value)); }
  Query& BindNull() {
    if (statement_) statement_->BindNull(next_++);
    return *this;
  }
  template <typename T>
  Query& Bind(const std::optional<T>& value) {
    return value ? Bind(*value) : BindNull();
  }
  template <typename... Ts>
  Query& BindAll(const Ts&... values) {
    (Bind(values), ...);
    return *this;
  }

  core::Result<bool> Step();
  // Steps once and expects no row (INSERT/UPDATE/DELETE without RETURNING).
  core::Result<void> Run();
  // Starts again with new bindings (the statement stays prepared).
  void Rebind();

  bool IsNull(int column) const { return statement_->IsNull(column); }
  int64_t Int(int column) const { return statement_->Int(column); }
  std::string_view Text(int column) const { return statement_->Text(column); }
  std::string String(int column) const { return std::string(statement_->Text(column)); }
  int64_t Changes() const { return statement_->Changes(); }

 private:
  Statement* statement_ = nullptr;
  core::Error error_;
  int next_ = 1;
};

// Runs `body` in a transaction on `connection`: Begin, then COMMIT when `body` succeeds, ROLLBACK
// otherwise (the body's error is returned).
template <typename Fn>
core::Result<void> InTransaction(Connection& connection, Fn&& body) {
  if (auto r = connection.Begin(); !r.ok()) return r;
  core::Result<void> result = body();
  if (!result.ok()) {
    (void)connection.Exec("ROLLBACK");
    return result;
  }
  if (auto r = connection.Exec("COMMIT"); !r.ok()) {
    (void)connection.Exec("ROLLBACK");
    return r;
  }
  return core::Ok{};
}

}  // namespace outdial::store::sql

// Early return on error: OD_TRY(expr) for Result<void>/Result<T> whose value is not needed.
#define OD_TRY(expr)                                         \
  do {                                                       \
    auto od_try_result_ = (expr);                            \
    if (!od_try_result_.ok()) return od_try_result_.error(); \
  } while (0)
