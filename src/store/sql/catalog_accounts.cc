// The Catalog's tenants, users and sessions (sql_database.h), on the catalog connection.
#include "store/sql/sql_database.h"

#include <fmt/format.h>

#include "core/settings_json.h"
#include "store/catalog_rules.h"
#include "store/sql/records.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::Result;
using engine::TenantRow;
using engine::UserRow;

namespace {

// Maps a foreign-key miss (NOT_FOUND from the driver) to the parent that is missing, and a
// uniqueness conflict to `conflict`.
core::Error InsertError(const core::Error& error, std::string_view parent, std::string_view conflict) {
  if (error.code == ErrorCode::kNotFound) return NotFound(parent);
  return AsConflict(error, conflict).error();
}

}  // namespace

// ---- tenants ------------------------------------------------------------------------------------

Result<TenantRow> SqlDatabase::CreateTenant(const core::TenantSettings& settings, UserRow admin) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  TenantRow row;
  row.settings = settings;
  row.created_at = core::FromEpochMs(WallNowMs());
  auto r = InTransaction(db, [&]() -> Result<void> {
    auto id = InsertReturningId(
        db, "INSERT INTO tenants (name, settings, created_at) VALUES ($1, $2, $3) RETURNING id",
        settings.name, core::TenantSettingsToJson(settings).dump(), core::ToEpochMs(row.created_at));
    if (!id.ok()) return AsConflict(id.error(), kTenantNameTaken);
    row.id = core::TenantId{static_cast<uint64_t>(*id)};
    return Execute(db,
                   "INSERT INTO users (tenant_id, username, password_hash, role, team, station, created_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   row.id.value, admin.username, admin.password_hash, engine::ToString(admin.role),
                   admin.team, admin.station, core::ToEpochMs(row.created_at));
  });
  if (!r.ok()) return r.error();
  return row;
}

Result<TenantRow> SqlDatabase::GetTenant(core::TenantId tenant) {
  static const std::string kSql = fmt::format("SELECT {} FROM tenants WHERE id = $1", kTenantColumns);
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(*catalog_, kSql, "tenant", ReadTenant, tenant.value);
}

Result<TenantRow> SqlDatabase::FindTenantByName(std::string_view name) {
  static const std::string kSql = fmt::format("SELECT {} FROM tenants WHERE name = $1", kTenantColumns);
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(*catalog_, kSql, "tenant", ReadTenant, name);
}

Result<TenantRow> SqlDatabase::UpdateTenant(core::TenantId tenant, const core::TenantSettings& settings) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  {
    std::lock_guard lock(catalog_mutex_);
    auto r = ChangeOne(*catalog_, "UPDATE tenants SET name = $2, settings = $3 WHERE id = $1", "tenant",
                       tenant.value, settings.name, core::TenantSettingsToJson(settings).dump());
    if (!r.ok()) return AsConflict(r, kTenantNameTaken).error();
  }
  return GetTenant(tenant);
}

// ---- users --------------------------------------------------------------------------------------

Result<UserRow> SqlDatabase::CreateUser(UserRow user) {
  std::lock_guard lock(catalog_mutex_);
  if (user.created_at == core::TimePoint{}) user.created_at = core::FromEpochMs(WallNowMs());
  auto id =
      InsertReturningId(*catalog_,
                        "INSERT INTO users (tenant_id, username, password_hash, role, team, station, "
                        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        user.tenant_id.value, user.username, user.password_hash, engine::ToString(user.role),
                        user.team, user.station, core::ToEpochMs(user.created_at));
  if (!id.ok()) return InsertError(id.error(), "tenant", kUsernameTaken);
  user.id = core::AgentId{static_cast<uint64_t>(*id)};
  return user;
}

Result<UserRow> SqlDatabase::GetUser(core::TenantId tenant, core::AgentId user) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM users WHERE id = $1 AND tenant_id = $2", kUserColumns);
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(*catalog_, kSql, "user", ReadUser, user.value, tenant.value);
}

Result<UserRow> SqlDatabase::FindUser(core::TenantId tenant, std::string_view username) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM users WHERE tenant_id = $1 AND username = $2", kUserColumns);
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(*catalog_, kSql, "user", ReadUser, tenant.value, username);
}

Result<std::vector<UserRow>> SqlDatabase::ListUsers(core::TenantId tenant) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM users WHERE tenant_id = $1 ORDER BY id", kUserColumns);
  std::lock_guard lock(catalog_mutex_);
  return ReadAll(*catalog_, kSql, ReadUser, tenant.value);
}

Result<UserRow> SqlDatabase::UpdateUser(const UserRow& user) {
  {
    std::lock_guard lock(catalog_mutex_);
    OD_TRY(ChangeOne(*catalog_,
                     "UPDATE users SET password_hash = $3, role = $4, team = $5, station = $6 WHERE id = $1 "
                     "AND tenant_id = $2",
                     "user", user.id.value, user.tenant_id.value, user.password_hash,
                     engine::ToString(user.role), user.team, user.station));
  }
  return GetUser(user.tenant_id, user.id);
}

Result<void> SqlDatabase::DeleteUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  return InTransaction(db, [&]() -> Result<void> {
    OD_TRY(ChangeOne(db, "DELETE FROM users WHERE id = $1 AND tenant_id = $2", "user", user.value,
                     tenant.value));
    // The foreign key cascades too; saying it here keeps the promise visible.
    return Execute(db, "DELETE FROM sessions WHERE user_id = $1", user.value);
  });
}

// ---- sessions -----------------------------------------------------------------------------------

Result<void> SqlDatabase::CreateSession(const engine::SessionRow& session) {
  std::lock_guard lock(catalog_mutex_);
  auto r = Execute(
      *catalog_, "INSERT INTO sessions (token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)",
      session.token_hash, session.user_id.value, session.tenant_id.value,
      core::ToEpochMs(session.expires_at));
  if (!r.ok()) return InsertError(r.error(), "user", kSessionExists);
  return core::Ok{};
}

Result<engine::SessionRow> SqlDatabase::FindSession(std::string_view token_hash) {
  std::lock_guard lock(catalog_mutex_);
  return ReadOne(
      *catalog_, "SELECT token_hash, user_id, tenant_id, expires_at FROM sessions WHERE token_hash = $1",
      "session",
      [](const Query& q) {
        engine::SessionRow s;
        s.token_hash = q.String(0);
        s.user_id = core::AgentId{static_cast<uint64_t>(q.Int(1))};
        s.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(2))};
        s.expires_at = core::FromEpochMs(q.Int(3));
        return s;
      },
      token_hash);
}

Result<void> SqlDatabase::DeleteSession(std::string_view token_hash) {
  std::lock_guard lock(catalog_mutex_);
  return Execute(*catalog_, "DELETE FROM sessions WHERE token_hash = $1", token_hash);
}

}  // namespace outdial::store::sql
