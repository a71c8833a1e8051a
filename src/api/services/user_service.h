// UserService: the users of a tenant and their mirror in the engine (agents are engine agents with
// the same id; other roles are not). Owns the rules about users — nobody deletes themselves or
// takes the admin role from themselves, an agent handling a contact is not deleted — and the order
// of catalog writes and engine changes, by the rule of change.h.
//
// Threading: HTTP I/O threads (blocks on the Catalog and on the engine through the EngineGate).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/event_hub.h"
#include "api/services/engine_gate.h"
#include "engine/catalog.h"
#include "engine/dialer.h"

namespace outdial::api {

class UserService {
 public:
  // `users_changed` runs right after every catalog write of a user (the principal cache forgets).
  UserService(engine::Catalog& catalog, engine::Dialer& dialer, const EngineGate& engine, HashCost hash_cost,
              std::function<void()> users_changed)
      : catalog_(catalog),
        dialer_(dialer),
        engine_(engine),
        hash_cost_(hash_cost),
        users_changed_(std::move(users_changed)) {}

  core::Result<std::vector<engine::UserRow>> List(core::TenantId tenant) {
    return catalog_.ListUsers(tenant);
  }
  core::Result<engine::UserRow> Get(core::TenantId tenant, core::AgentId id) {
    return catalog_.GetUser(tenant, id);
  }
  // `user` has every field but the id and the password hash.
  core::Result<engine::UserRow> Create(engine::UserRow user, const std::string& password);
  // `user` is `current` with the request's fields applied; `password` when it changes.
  core::Result<engine::UserRow> Update(const Principal& by, const engine::UserRow& current,
                                       engine::UserRow user, const std::optional<std::string>& password);
  core::Result<void> Delete(const Principal& by, core::AgentId id);

 private:
  // Mirrors a user into the engine (engine thread): an agent is added or updated; a user who was
  // an agent and is not any more is logged out.
  core::Result<void> SyncAgent(const engine::UserRow& user, bool was_agent);

  engine::Catalog& catalog_;
  engine::Dialer& dialer_;  // engine thread only, through engine_
  const EngineGate& engine_;
  HashCost hash_cost_;
  std::function<void()> users_changed_;
};

}  // namespace outdial::api
