// SqlDatabase's own members: its two connections (sql_database.h). The Catalog calls, recovery
// and the load live in the files the header lists.
#include "store/sql/sql_database.h"

namespace outdial::store::sql {

SqlDatabase::SqlDatabase(std::unique_ptr<Connection> catalog, std::unique_ptr<Connection> writer,
                         PostToEngine post)
    : catalog_(std::move(catalog)), writer_(std::move(writer), std::move(post)) {}

SqlDatabase::~SqlDatabase() = default;

void SqlDatabase::RunOnWriterAlone(const std::function<void(Connection&)>& task) {
  std::lock_guard catalog(catalog_mutex_);
  writer_.RunBetweenGroups(task);
}

}  // namespace outdial::store::sql
