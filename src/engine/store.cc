#include "engine/store.h"

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

}  // namespace outdial::engine
