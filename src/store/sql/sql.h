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
#include <type_traits>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/catalog_rules.h"

// Early return on error: OD_TRY(expr) for Result<void>/Result<T> whose value is not needed.
#define OD_TRY(expr)                                         \
  do {                                                       \
    auto od_try_result_ = (expr);                            \
    if (!od_try_result_.ok()) return od_try_result_.error(); \
  } while (0)

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

// ---- the "query, bind, step, read" shape, once ---------------------------------------------------
// The store's statements bind their parameters in order, step, and read rows with a reader of the
// Query (a `ReadX(const Query&)` returning the row, or a Result of it). These run that shape; the
// caller holds whatever lock guards the connection.

using store::NotFound;  // "No such <what>." (store/catalog_rules.h)

namespace detail {
template <typename T>
struct Row {
  using Value = T;
};
template <typename T>
struct Row<core::Result<T>> {
  using Value = T;
};
template <typename ReadFn>
using RowOf = typename Row<std::invoke_result_t<ReadFn&, const Query&>>::Value;
}  // namespace detail

// Runs `sql` with `params` and hands each row to `row`, which returns void or a Result<void>
// (its error stops the walk and is returned).
template <typename RowFn, typename... Params>
core::Result<void> ForEachRow(Connection& db, std::string_view sql, RowFn&& row, const Params&... params) {
  Query q(db, sql);
  q.BindAll(params...);
  for (;;) {
    auto more = q.Step();
    if (!more.ok()) return more.error();
    if (!*more) return core::Ok{};
    if constexpr (std::is_void_v<std::invoke_result_t<RowFn&, const Query&>>) {
      row(std::as_const(q));
    } else {
      OD_TRY(row(std::as_const(q)));
    }
  }
}

// Runs `sql` and reads its first row with `read`; NotFound(what) when there is none.
template <typename ReadFn, typename... Params>
core::Result<detail::RowOf<ReadFn>> ReadOne(Connection& db, std::string_view sql, std::string_view what,
                                            ReadFn&& read, const Params&... params) {
  Query q(db, sql);
  q.BindAll(params...);
  auto found = q.Step();
  if (!found.ok()) return found.error();
  if (!*found) return NotFound(what);
  return read(std::as_const(q));
}

// Runs `sql` and reads every row with `read`, in the order the statement gives them.
template <typename ReadFn, typename... Params>
core::Result<std::vector<detail::RowOf<ReadFn>>> ReadAll(Connection& db, std::string_view sql, ReadFn&& read,
                                                         const Params&... params) {
  std::vector<detail::RowOf<ReadFn>> out;
  auto walked = ForEachRow(
      db, sql,
      [&](const Query& q) -> core::Result<void> {
        if constexpr (std::is_same_v<detail::RowOf<ReadFn>, std::invoke_result_t<ReadFn&, const Query&>>) {
          out.push_back(read(q));
        } else {
          auto row = read(q);
          if (!row.ok()) return row.error();
          out.push_back(std::move(*row));
        }
        return core::Ok{};
      },
      params...);
  if (!walked.ok()) return walked.error();
  return out;
}

// Runs a statement that must change a row (UPDATE/DELETE by key); NotFound(what) when it changed
// none. The statement's own error is returned as is.
template <typename... Params>
core::Result<void> ChangeOne(Connection& db, std::string_view sql, std::string_view what,
                             const Params&... params) {
  Query q(db, sql);
  q.BindAll(params...);
  OD_TRY(q.Run());
  if (q.Changes() == 0) return NotFound(what);
  return core::Ok{};
}

// Runs a statement without result rows (INSERT/UPDATE/DELETE).
template <typename... Params>
core::Result<void> Execute(Connection& db, std::string_view sql, const Params&... params) {
  Query q(db, sql);
  q.BindAll(params...);
  return q.Run();
}

// Runs an INSERT … RETURNING id of one row and returns the id.
template <typename... Params>
core::Result<int64_t> InsertReturningId(Connection& db, std::string_view sql, const Params&... params) {
  Query q(db, sql);
  q.BindAll(params...);
  auto inserted = q.Step();
  if (!inserted.ok()) return inserted.error();
  const int64_t id = q.Int(0);
  OD_TRY(q.Step());  // completes the statement
  return id;
}

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
