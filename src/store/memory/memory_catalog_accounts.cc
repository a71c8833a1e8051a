// MemoryCatalog's tenants, users and sessions (memory_catalog.h), as the SQL store keeps them
// (store/sql/catalog_accounts.cc): the same checks, errors and messages.
#include <algorithm>

#include "store/catalog_rules.h"
#include "store/memory/memory_catalog.h"
#include "store/memory/memory_tables.h"

namespace outdial::store {

namespace {

bool NameTaken(const MemoryCatalog::Tables& t, std::string_view name, core::TenantId except = {}) {
  return std::any_of(t.tenants.begin(), t.tenants.end(), [&](const auto& row) {
    return row.first != except.value && row.second.settings.name == name;
  });
}

bool UsernameTaken(const MemoryCatalog::Tables& t, core::TenantId tenant, std::string_view name) {
  return std::any_of(t.users.begin(), t.users.end(), [&](const auto& u) {
    return u.second.tenant_id == tenant && u.second.username == name;
  });
}

}  // namespace

// --- tenants -------------------------------------------------------------------------------------

core::Result<engine::TenantRow> MemoryCatalog::CreateTenant(const core::TenantSettings& settings,
                                                            engine::UserRow admin) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (NameTaken(t, settings.name)) return Conflict(kTenantNameTaken);
  engine::TenantRow row{core::TenantId{t.next_tenant++}, settings, WallNow()};
  t.tenants.emplace(row.id.value, row);
  admin.id = core::AgentId{t.next_user++};
  admin.tenant_id = row.id;
  admin.created_at = row.created_at;
  t.users.emplace(admin.id.value, std::move(admin));
  return row;
}

core::Result<engine::TenantRow> MemoryCatalog::GetTenant(core::TenantId tenant) {
  std::lock_guard lock(mutex_);
  auto it = t_->tenants.find(tenant.value);
  if (it == t_->tenants.end()) return NotFound("tenant");
  return it->second;
}

core::Result<engine::TenantRow> MemoryCatalog::FindTenantByName(std::string_view name) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, row] : t_->tenants) {
    if (row.settings.name == name) return row;
  }
  return NotFound("tenant");
}

core::Result<engine::TenantRow> MemoryCatalog::UpdateTenant(core::TenantId tenant,
                                                            const core::TenantSettings& settings) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(mutex_);
  auto it = t_->tenants.find(tenant.value);
  if (it == t_->tenants.end()) return NotFound("tenant");
  if (NameTaken(*t_, settings.name, tenant)) return Conflict(kTenantNameTaken);
  it->second.settings = settings;
  return it->second;
}

// --- users ---------------------------------------------------------------------------------------

core::Result<engine::UserRow> MemoryCatalog::CreateUser(engine::UserRow user) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (!t.tenants.contains(user.tenant_id.value)) return NotFound("tenant");
  if (UsernameTaken(t, user.tenant_id, user.username)) return Conflict(kUsernameTaken);
  user.id = core::AgentId{t.next_user++};
  if (user.created_at == core::TimePoint{}) user.created_at = WallNow();
  t.users.emplace(user.id.value, user);
  return user;
}

core::Result<engine::UserRow> MemoryCatalog::GetUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(mutex_);
  engine::UserRow* row = t_->User(tenant, user);
  if (row == nullptr) return NotFound("user");
  return *row;
}

core::Result<engine::UserRow> MemoryCatalog::FindUser(core::TenantId tenant, std::string_view username) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, row] : t_->users) {
    if (row.tenant_id == tenant && row.username == username) return row;
  }
  return NotFound("user");
}

core::Result<std::vector<engine::UserRow>> MemoryCatalog::ListUsers(core::TenantId tenant) {
  std::lock_guard lock(mutex_);
  std::vector<engine::UserRow> out;
  for (const auto& [id, row] : t_->users) {
    if (row.tenant_id == tenant) out.push_back(row);
  }
  return out;
}

core::Result<engine::UserRow> MemoryCatalog::UpdateUser(const engine::UserRow& user) {
  std::lock_guard lock(mutex_);
  engine::UserRow* row = t_->User(user.tenant_id, user.id);
  if (row == nullptr) return NotFound("user");
  row->password_hash = user.password_hash;
  row->role = user.role;
  row->team = user.team;
  row->station = user.station;
  return *row;
}

core::Result<void> MemoryCatalog::DeleteUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(mutex_);
  if (t_->User(tenant, user) == nullptr) return NotFound("user");
  t_->users.erase(user.value);
  std::erase_if(t_->sessions, [&](const auto& s) { return s.second.user_id == user; });
  return core::Ok{};
}

// --- sessions ------------------------------------------------------------------------------------

core::Result<void> MemoryCatalog::CreateSession(const engine::SessionRow& session) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (!t.users.contains(session.user_id.value) || !t.tenants.contains(session.tenant_id.value)) {
    return NotFound("user");
  }
  if (!t.sessions.emplace(session.token_hash, session).second) return Conflict(kSessionExists);
  return core::Ok{};
}

core::Result<engine::SessionRow> MemoryCatalog::FindSession(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto it = t_->sessions.find(token_hash);
  if (it == t_->sessions.end()) return NotFound("session");
  return it->second;
}

core::Result<void> MemoryCatalog::DeleteSession(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto it = t_->sessions.find(token_hash);
  if (it != t_->sessions.end()) t_->sessions.erase(it);
  return core::Ok{};
}

}  // namespace outdial::store
