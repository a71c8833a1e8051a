#include "store/sql/sql.h"

namespace outdial::store::sql {

Query::Query(Connection& connection, std::string_view sql) {
  auto prepared = connection.Prepare(sql);
  if (prepared.ok()) {
    statement_ = *prepared;
    statement_->Reset();
  } else {
    error_ = prepared.error();
  }
}

Query::~Query() {
  if (statement_) statement_->Reset();
}

core::Result<bool> Query::Step() {
  if (!statement_) return error_;
  return statement_->Step();
}

core::Result<void> Query::Run() {
  auto r = Step();
  if (!r.ok()) return r.error();
  return core::Ok{};
}

void Query::Rebind() {
  if (statement_) statement_->Reset();
  next_ = 1;
}

}  // namespace outdial::store::sql
