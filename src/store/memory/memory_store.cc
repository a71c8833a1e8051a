#include "store/memory/memory_store.h"

#include <algorithm>

namespace outdial::store {

void MemoryStore::Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) {
  if (fail_next_ > 0) {
    --fail_next_;
    on_durable(core::MakeError(core::ErrorCode::kUnavailable, "store unavailable (injected)"));
    return;
  }
  ++commits_;
  for (auto& a : batch.attempts) {
    attempts_.insert_or_assign(a.id.value, std::move(a));
  }
  for (auto& c : batch.contacts) contacts_.insert_or_assign(c.id.value, std::move(c));
  for (auto& d : batch.dnc) dnc_[{d.tenant_id.value, d.list}].insert(d.number);
  for (auto& a : batch.audit) {
    ++audit_total_;
    if (audit_capacity_ == 0) continue;
    if (audit_.size() == audit_capacity_) audit_.pop_front();
    audit_.push_back(std::move(a));
  }
  on_durable(core::Ok{});
}

const engine::AttemptRecord* MemoryStore::FindAttempt(core::CallId id) const {
  auto it = attempts_.find(id.value);
  return it == attempts_.end() ? nullptr : &it->second;
}

std::vector<engine::AttemptRecord> MemoryStore::AttemptsForContact(core::ContactId id) const {
  std::vector<engine::AttemptRecord> out;
  // A scan: this store serves tests and the simulator, where this query is rare.
  for (const auto& [attempt_id, attempt] : attempts_) {
    if (attempt.contact_id == id) out.push_back(attempt);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.started_at != b.started_at ? a.started_at < b.started_at : a.id < b.id;
  });
  return out;
}

const engine::ContactRecord* MemoryStore::FindContact(core::ContactId id) const {
  auto it = contacts_.find(id.value);
  return it == contacts_.end() ? nullptr : &it->second;
}

bool MemoryStore::IsOnDnc(core::TenantId tenant, std::string_view list, std::string_view number) const {
  auto it = dnc_.find({tenant.value, std::string(list)});
  return it != dnc_.end() && it->second.contains(number);
}

}  // namespace outdial::store
