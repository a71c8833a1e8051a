#include "api/services/tenant_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/services/change.h"

namespace outdial::api {

core::Result<TenantService::Created> TenantService::Create(const core::TenantSettings& settings,
                                                           std::string_view admin_username,
                                                           std::string_view admin_password) {
  auto hash = HashPassword(admin_password, hash_cost_);
  if (!hash.ok()) return hash.error();
  engine::UserRow user;
  user.username = std::string(admin_username);
  user.password_hash = *hash;
  user.role = engine::Role::kAdmin;
  auto row = catalog_.CreateTenant(settings, user);
  if (!row.ok()) return row.error();
  auto added = ApplyOrUndo(
      engine_, fmt::format("tenant {}", row->id.value),
      [&] { return dialer_.AddTenant(row->id, row->settings); },
      [] {
        return core::Result<void>(core::MakeError(core::ErrorCode::kInternal, "a tenant cannot be deleted"));
      });
  if (!added.ok()) return added.error();
  Created created{*row, std::nullopt};
  if (auto admin = catalog_.FindUser(row->id, user.username); admin.ok()) created.admin = *admin;
  spdlog::info("tenant {} '{}' created", row->id.value, row->settings.name);
  return created;
}

core::Result<engine::TenantRow> TenantService::Update(const engine::TenantRow& current,
                                                      const core::TenantSettings& settings) {
  auto updated = catalog_.UpdateTenant(current.id, settings);
  if (!updated.ok()) return updated.error();
  auto applied = ApplyOrUndo(
      engine_, fmt::format("tenant {}", current.id.value),
      [&] { return dialer_.UpdateTenant(current.id, settings); },
      [&]() -> core::Result<void> {
        if (auto r = catalog_.UpdateTenant(current.id, current.settings); !r.ok()) return r.error();
        return core::Ok{};
      });
  if (!applied.ok()) return applied.error();
  return updated;
}

}  // namespace outdial::api
