// The Catalog's do-not-call lists (sql_database.h), on the catalog connection.
#include <fmt/format.h>

#include "store/catalog_rules.h"
#include "store/sql/records.h"
#include "store/sql/sql_database.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::Result;

Result<void> SqlDatabase::AddDnc(const engine::DncRecord& entry) {
  std::lock_guard lock(catalog_mutex_);
  auto r = WriteDnc(*catalog_, entry);
  if (!r.ok() && r.error().code == ErrorCode::kNotFound) return NotFound("tenant");
  return r;
}

Result<void> SqlDatabase::RemoveDnc(core::TenantId tenant, std::string_view list, std::string_view number) {
  std::lock_guard lock(catalog_mutex_);
  return Execute(*catalog_, "DELETE FROM dnc_entries WHERE tenant_id = $1 AND list = $2 AND number = $3",
                 tenant.value, list, number);
}

Result<engine::DncPage> SqlDatabase::ListDnc(core::TenantId tenant, std::string_view list, size_t limit,
                                             std::string_view cursor) {
  // Numbers are unique within a list and sorted (the cursor: catalog_rules.h).
  static const std::string kSql = fmt::format(
      "SELECT {} FROM dnc_entries WHERE tenant_id = $1 AND list = $2 AND number > $3 ORDER BY number LIMIT "
      "$4",
      kDncColumns);
  limit = ClampPageLimit(limit);
  const std::string after = DncResumeAfter(cursor);
  std::lock_guard lock(catalog_mutex_);
  auto items = ReadAll(*catalog_, kSql, ReadDnc, tenant.value, list, after, static_cast<int64_t>(limit + 1));
  if (!items.ok()) return items.error();
  engine::DncPage page;
  page.items = std::move(*items);
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_cursor = DncCursor(page.items.back().number);
  }
  return page;
}

}  // namespace outdial::store::sql
