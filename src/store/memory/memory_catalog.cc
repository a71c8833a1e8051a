// MemoryCatalog's engine Store half (Commit) and its test hooks; the Catalog calls live in
// memory_catalog_accounts.cc, memory_catalog_campaigns.cc and memory_catalog_startup.cc.
#include "store/memory/memory_catalog.h"

#include <fmt/format.h>

#include "store/catalog_rules.h"
#include "store/memory/memory_tables.h"

namespace outdial::store {

using core::ErrorCode;
using core::MakeError;

namespace {

// What the SQL store's foreign keys and its "the contact is gone" check refuse: the batch then
// fails alone and stores nothing (store/sql/records_write.cc).
core::Result<void> CheckBatch(const MemoryCatalog::Tables& t, const engine::WriteBatch& batch) {
  for (const auto& a : batch.attempts) {
    if (!t.contacts.contains(a.contact_id.value)) return NotFound("contact");
  }
  for (const auto& c : batch.contacts) {
    if (!t.contacts.contains(c.id.value)) {
      return MakeError(ErrorCode::kNotFound, fmt::format("No such contact {}.", c.id.value));
    }
  }
  for (const auto& d : batch.dnc) {
    if (!t.tenants.contains(d.tenant_id.value)) return NotFound("tenant");
  }
  return core::Ok{};
}

// An attempt row is written several times (started, answered, ended, wrapped up): as the SQL
// store's upsert, a rewrite keeps the row's tenant, campaign, contact and start.
void ApplyAttempt(MemoryCatalog::Tables& t, const engine::AttemptRecord& a) {
  auto [it, inserted] = t.attempts.try_emplace(a.id.value, a);
  t.max_engine_id = std::max(t.max_engine_id, a.id.value);
  if (inserted) {
    t.contact_attempts[a.contact_id.value].push_back(a.id.value);
    return;
  }
  engine::AttemptRecord rewritten = a;
  rewritten.tenant_id = it->second.tenant_id;
  rewritten.campaign_id = it->second.campaign_id;
  rewritten.contact_id = it->second.contact_id;
  rewritten.started_at = it->second.started_at;
  it->second = std::move(rewritten);
}

void ApplyContact(MemoryCatalog::Tables& t, const engine::ContactRecord& c) {
  core::Contact& stored = t.contacts.at(c.id.value).contact;
  stored.state = c.state;
  stored.attempts_made = c.attempts_made;
  stored.next_eligible_at = c.next_eligible_at;
  stored.last_outcome = c.last_outcome;
  stored.callback = c.callback;
  stored.callback_agent = c.callback_agent;
  for (size_t i = 0; i < c.phones.size() && i < stored.phones.size(); ++i) {
    stored.phones[i].attempts = c.phones[i].attempts;
    stored.phones[i].invalid = c.phones[i].invalid;
  }
}

}  // namespace

MemoryCatalog::MemoryCatalog() : t_(std::make_unique<Tables>()) {}
MemoryCatalog::~MemoryCatalog() = default;

void MemoryCatalog::FailNextCommits(int n) {
  std::lock_guard lock(mutex_);
  t_->fail_next = n;
}

uint64_t MemoryCatalog::commits() const {
  std::lock_guard lock(mutex_);
  return t_->commits;
}

void MemoryCatalog::Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) {
  core::Result<void> result = core::Ok{};
  {
    std::lock_guard lock(mutex_);
    auto& t = *t_;
    if (t.fail_next > 0) {
      --t.fail_next;
      result = MakeError(ErrorCode::kUnavailable, "store unavailable (injected)");
    } else {
      result = CheckBatch(t, batch);
    }
    if (result.ok()) {
      ++t.commits;
      for (const auto& a : batch.attempts) ApplyAttempt(t, a);
      for (const auto& c : batch.contacts) ApplyContact(t, c);
      for (const auto& d : batch.dnc) {
        t.dnc[{d.tenant_id.value, d.list}].emplace(d.number, d);  // the first stays
      }
    }
  }
  on_durable(result);
}

}  // namespace outdial::store
