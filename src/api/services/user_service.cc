#include "api/services/user_service.h"

#include <fmt/format.h>

#include "api/services/change.h"
#include "core/states.h"

namespace outdial::api {

namespace {
std::string What(core::AgentId id) {
  return fmt::format("user {}", id.value);
}
}  // namespace

core::Result<void> UserService::SyncAgent(const engine::UserRow& user, bool was_agent) {
  engine::AgentInfo info{user.id, user.tenant_id, user.username, user.team, user.station};
  if (user.role == engine::Role::kAgent) {
    return dialer_.Agent(user.id) ? dialer_.UpdateAgent(info) : dialer_.AddAgent(info);
  }
  if (was_agent) dialer_.Logout(user.id, nullptr);
  return core::Ok{};
}

core::Result<engine::UserRow> UserService::Create(engine::UserRow user, const std::string& password) {
  auto hash = HashPassword(password, hash_cost_);
  if (!hash.ok()) return hash.error();
  user.password_hash = *hash;
  auto created = catalog_.CreateUser(user);
  if (!created.ok()) return created.error();
  auto synced = ApplyOrUndo(
      engine_, What(created->id), [&] { return SyncAgent(*created, false); },
      [&] { return catalog_.DeleteUser(created->tenant_id, created->id); });
  if (!synced.ok()) return synced.error();
  return created;
}

core::Result<engine::UserRow> UserService::Update(const Principal& by, const engine::UserRow& current,
                                                  engine::UserRow user,
                                                  const std::optional<std::string>& password) {
  if (user.id == by.user && user.role != engine::Role::kAdmin) {
    return core::MakeError(core::ErrorCode::kConflict, "You cannot take the admin role from yourself.");
  }
  if (password) {
    auto hash = HashPassword(*password, hash_cost_);
    if (!hash.ok()) return hash.error();
    user.password_hash = *hash;
  }
  auto updated = catalog_.UpdateUser(user);
  users_changed_();  // role or team may have changed
  if (!updated.ok()) return updated.error();
  auto synced = ApplyOrUndo(
      engine_, What(user.id), [&] { return SyncAgent(*updated, current.role == engine::Role::kAgent); },
      [&]() -> core::Result<void> {
        auto restored = catalog_.UpdateUser(current);
        users_changed_();
        if (!restored.ok()) return restored.error();
        return core::Ok{};
      });
  if (!synced.ok()) return synced.error();
  return updated;
}

core::Result<void> UserService::Delete(const Principal& by, core::AgentId id) {
  if (id == by.user) return core::MakeError(core::ErrorCode::kConflict, "You cannot delete yourself.");
  auto current = catalog_.GetUser(by.tenant, id);
  if (!current.ok()) return current.error();
  auto erase = [&] {
    auto deleted = catalog_.DeleteUser(by.tenant, id);
    users_changed_();
    return deleted;
  };
  if (current->role != engine::Role::kAgent) return erase();
  // Refuse while the agent holds a contact: deleting it then would strand the contact.
  return RemoveThenErase(
      engine_, What(id),
      [&]() -> core::Result<void> {
        auto snap = dialer_.Snapshot(id);
        if (snap && core::IsHandlingContact(snap->state)) {
          return core::MakeError(core::ErrorCode::kConflict,
                                 "The agent is handling a contact; try again after its wrap-up.");
        }
        dialer_.Logout(id, nullptr);
        return core::Ok{};
      },
      erase);
}

}  // namespace outdial::api
