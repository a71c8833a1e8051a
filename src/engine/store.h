// The Store port: what the engine persists. Implementations live in src/store (`memory/` for tests
// and the simulator; SQLite and PostgreSQL later). The engine collects the changes of one event into
// a WriteBatch and commits it; it acts (dials, acks the agent) only in `on_durable`, which is the
// write-before-act rule of DESIGN.md.
//
// Threading: Commit is called on the engine thread; `on_durable` runs on the engine thread (a
// synchronous store may call it before Commit returns; the engine is written for both).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/contact.h"
#include "core/ids.h"
#include "core/outcome.h"
#include "core/result.h"
#include "core/time.h"

namespace outdial::engine {

using core::TimePoint;

struct AttemptRecord {
  core::CallId id;
  core::TenantId tenant_id;
  core::ContactId contact_id;
  core::CampaignId campaign_id;
  core::AgentId agent_id;
  std::string number;
  TimePoint started_at{};
  std::optional<TimePoint> answered_at;   // the far end answered (200 OK), before any CPA verdict
  std::optional<TimePoint> connected_at;  // the agent was connected to the customer
  std::optional<TimePoint> ended_at;      // the call ended; the wrap-up does not move it
  std::optional<TimePoint> wrapped_up_at;
  std::optional<core::Outcome> outcome;
  std::optional<core::ReasonCode> reason;
  int sip_code = 0;
  std::optional<core::AmdResult> amd;
  std::string disposition;
  std::string notes;
};

// The mutable part of a contact after a change (state, counters, due time, callback).
struct ContactRecord {
  core::ContactId id;
  core::CampaignId campaign_id;
  core::ContactState state = core::ContactState::kCallable;
  uint16_t attempts_made = 0;
  TimePoint next_eligible_at{};
  std::optional<core::Outcome> last_outcome;
  struct PhoneState {
    uint16_t attempts = 0;
    bool invalid = false;
  };
  std::vector<PhoneState> phones;  // in the contact's phone order
  bool callback = false;
  core::AgentId callback_agent;
};

struct DncRecord {
  core::TenantId tenant_id;
  std::string list;
  std::string number;
  TimePoint added_at{};
  std::string source;  // "disposition", "admin", ...
};

// Who did what, when and why: agent actions and dial decisions (eligibility, limit refusals).
struct AuditRecord {
  TimePoint at{};
  core::TenantId tenant_id;
  core::AgentId agent_id;
  std::string action;  // "accept", "skip", "dial", "limit_refused", ...
  std::string detail;  // ids and the reason code
};

struct WriteBatch {
  std::vector<AttemptRecord> attempts;  // insert or replace by id
  std::vector<ContactRecord> contacts;  // replace the mutable part by id
  std::vector<DncRecord> dnc;
  std::vector<AuditRecord> audit;
  bool empty() const { return attempts.empty() && contacts.empty() && dnc.empty() && audit.empty(); }
};

class Store {
 public:
  virtual ~Store() = default;
  // Commits the batch atomically, then calls `on_durable` with the outcome.
  virtual void Commit(WriteBatch batch, std::function<void(core::Result<void>)> on_durable) = 0;
};

ContactRecord ToRecord(const core::Contact& contact);

}  // namespace outdial::engine
