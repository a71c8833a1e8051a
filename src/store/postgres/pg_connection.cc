#include "store/postgres/pg_connection.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

namespace outdial::store::postgres {

namespace {

// Converts the exception in flight into an Error; call only inside a catch block.
core::Error CurrentError(std::string_view what) {
  try {
    throw;
  } catch (const pqxx::unique_violation& e) {
    return core::MakeError(core::ErrorCode::kConflict, fmt::format("PostgreSQL: {} ({})", e.what(), what));
  } catch (const pqxx::foreign_key_violation& e) {
    return core::MakeError(core::ErrorCode::kNotFound, fmt::format("PostgreSQL: {} ({})", e.what(), what));
  } catch (const pqxx::broken_connection& e) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("PostgreSQL connection lost: {}", e.what()));
  } catch (const pqxx::transaction_rollback& e) {
    return core::MakeError(core::ErrorCode::kUnavailable, fmt::format("PostgreSQL: {} ({})", e.what(), what));
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kInternal, fmt::format("PostgreSQL: {} ({})", e.what(), what));
  }
}

class PgStatement final : public sql::Statement {
 public:
  PgStatement(pqxx::nontransaction& work, std::string name, std::string sql)
      : work_(work), name_(std::move(name)), sql_(std::move(sql)) {}

  void BindInt(int index, int64_t value) override { Slot(index) = std::to_string(value); }
  void BindText(int index, std::string_view value) override { Slot(index) = std::string(value); }
  void BindNull(int index) override { Slot(index).reset(); }

  core::Result<bool> Step() override {
    if (!executed_) {
      executed_ = true;
      row_ = -1;
      std::vector<const char*> params;
      params.reserve(values_.size());
      for (const auto& v : values_) params.push_back(v ? v->c_str() : nullptr);
      try {
        result_ = work_.exec_prepared(name_, pqxx::prepare::make_dynamic_params(params));
      } catch (...) {
        return CurrentError(sql_);
      }
    }
    ++row_;
    return row_ < static_cast<int64_t>(result_.size());
  }
  bool IsNull(int column) const override { return Field(column).is_null(); }
  int64_t Int(int column) const override {
    auto f = Field(column);
    int64_t v = 0;
    std::from_chars(f.c_str(), f.c_str() + f.size(), v);
    return v;
  }
  std::string_view Text(int column) const override {
    auto f = Field(column);
    return {f.c_str(), f.size()};
  }
  int64_t Changes() const override { return executed_ ? static_cast<int64_t>(result_.affected_rows()) : 0; }
  void Reset() override {
    executed_ = false;
    result_ = pqxx::result();
    values_.clear();
  }

 private:
  std::optional<std::string>& Slot(int index) {
    if (values_.size() < static_cast<size_t>(index)) values_.resize(static_cast<size_t>(index));
    return values_[static_cast<size_t>(index - 1)];
  }
  pqxx::field Field(int column) const {
    return result_[static_cast<pqxx::result::size_type>(row_)][static_cast<pqxx::row::size_type>(column)];
  }

  pqxx::nontransaction& work_;
  std::string name_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  pqxx::result result_;
  int64_t row_ = -1;
  bool executed_ = false;
};

}  // namespace

struct PgConnection::Handles {
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<pqxx::nontransaction> work;
};

PgConnection::PgConnection() : pq_(std::make_unique<Handles>()) {}

core::Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url) {
  std::unique_ptr<PgConnection> c(new PgConnection());
  try {
    c->pq_->connection = std::make_unique<pqxx::connection>(url);
    c->pq_->work = std::make_unique<pqxx::nontransaction>(*c->pq_->connection);
    // Quiet the NOTICEs of CREATE ... IF NOT EXISTS.
    c->pq_->work->exec("SET client_min_messages = WARNING");
  } catch (const std::exception& e) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("cannot connect to PostgreSQL: {}", e.what()));
  }
  return c;
}

PgConnection::~PgConnection() {
  statements_.clear();
  try {
    pq_->work.reset();
    pq_->connection.reset();
  } catch (...) {
    // Closing a connection never fails the caller.
  }
}

core::Result<sql::Statement*> PgConnection::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it != statements_.end()) return it->second.get();
  std::string name = fmt::format("s{}", statements_.size());
  try {
    pq_->connection->prepare(name, std::string(sql));
  } catch (...) {
    return CurrentError(sql);
  }
  auto owned = std::make_unique<PgStatement>(*pq_->work, name, std::string(sql));
  sql::Statement* raw = owned.get();
  statements_.emplace(std::string(sql), std::move(owned));
  return raw;
}

core::Result<void> PgConnection::Exec(std::string_view sql) {
  try {
    pq_->work->exec(std::string(sql));
  } catch (...) {
    return CurrentError(sql.substr(0, 80));
  }
  return core::Ok{};
}

core::Result<void> PgConnection::Begin() {
  return Exec("BEGIN");
}

}  // namespace outdial::store::postgres
