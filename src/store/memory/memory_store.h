// MemoryStore: the Store port kept in memory, for tests and `outdial simulate`. Commit applies the
// batch at once and reports it durable before returning (a synchronous store). Keeps attempts,
// the latest state of each contact, DNC entries, and the newest audit records in a bounded ring.
// Single-threaded: the engine thread only.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/store.h"

namespace outdial::store {

class MemoryStore final : public engine::Store {
 public:
  explicit MemoryStore(size_t audit_capacity = 100000) : audit_capacity_(audit_capacity) {}

  void Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) override;

  const engine::AttemptRecord* FindAttempt(core::CallId id) const;
  std::vector<engine::AttemptRecord> AttemptsForContact(core::ContactId id) const;  // by started_at
  const engine::ContactRecord* FindContact(core::ContactId id) const;
  bool IsOnDnc(core::TenantId tenant, std::string_view list, std::string_view number) const;
  size_t attempt_count() const { return attempts_.size(); }
  uint64_t audit_total() const { return audit_total_; }
  std::vector<engine::AuditRecord> RecentAudit() const { return {audit_.begin(), audit_.end()}; }
  uint64_t commits() const { return commits_; }

  // Test hook: the next `n` commits fail (UNAVAILABLE) and change nothing.
  void FailNextCommits(int n) { fail_next_ = n; }

 private:
  size_t audit_capacity_;
  std::unordered_map<uint64_t, engine::AttemptRecord> attempts_;
  std::unordered_map<uint64_t, engine::ContactRecord> contacts_;
  std::map<std::pair<uint64_t, std::string>, std::set<std::string, std::less<>>> dnc_;
  std::deque<engine::AuditRecord> audit_;
  uint64_t audit_total_ = 0;
  uint64_t commits_ = 0;
  int fail_next_ = 0;
};

}  // namespace outdial::store
