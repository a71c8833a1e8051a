#include "engine/store.h"

#include "engine/catalog.h"

namespace outdial::engine {

ContactRecord ToRecord(const core::Contact& contact) {
  ContactRecord r;
  r.id = contact.id;
  r.campaign_id = contact.campaign_id;
  r.state = contact.state;
  r.attempts_made = contact.attempts_made;
  r.next_eligible_at = contact.next_eligible_at;
  r.last_outcome = contact.last_outcome;
  r.phones.reserve(contact.phones.size());
  for (const auto& p : contact.phones) r.phones.push_back({p.attempts, p.invalid});
  r.callback = contact.callback;
  r.callback_agent = contact.callback_agent;
  return r;
}

std::string_view ToString(Role role) {
  switch (role) {
    case Role::kSystem: return "system";
    case Role::kAdmin: return "admin";
    case Role::kSupervisor: return "supervisor";
    case Role::kAgent: return "agent";
  }
  return "agent";
}

std::optional<Role> RoleFromString(std::string_view text) {
  for (Role role : {Role::kSystem, Role::kAdmin, Role::kSupervisor, Role::kAgent}) {
    if (ToString(role) == text) return role;
  }
  return std::nullopt;
}

}  // namespace outdial::engine
