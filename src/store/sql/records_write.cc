// Writing the rows of an engine WriteBatch (records.h): the group-commit writer's statements, one
// per row, prepared once per connection. SQLite's UPDATEs also rewrite the row's load image head
// (store/sqlite/load_image.h); the dialect picks the statement text, with no call of its own.
#include "store/sql/records.h"

#include <fmt/format.h>

#include "store/sql/row_codec.h"
#include "store/sqlite/load_image.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::Result;

namespace {

// An optional enum column: its name, or NULL.
template <typename Enum>
void BindName(Query& q, const std::optional<Enum>& value) {
  if (value) {
    q.Bind(core::ToString(*value));
  } else {
    q.BindNull();
  }
}

}  // namespace

void BindOutcomeAndCallback(Query& q, const std::optional<core::Outcome>& last_outcome, bool callback,
                            core::AgentId callback_agent) {
  BindName(q, last_outcome);
  q.Bind(callback);
  if (callback_agent.valid()) {
    q.Bind(callback_agent.value);
  } else {
    q.BindNull();
  }
}

// The numbers' counts are a column of the same row, so a dial costs no page of another table. A
// record without phones leaves the counts as they are.
Result<void> WriteContactRecord(Connection& db, const engine::ContactRecord& c) {
  static constexpr std::string_view kSet =
      "UPDATE contacts SET state = $2, attempts_made = $3, next_eligible_at = $4, last_outcome = $5, "
      "callback = $6, callback_agent = $7";
  static const std::string kWithCounts = std::string(kSet) + ", phone_counts = $8 WHERE id = $1";
  static const std::string kWithoutCounts = std::string(kSet) + " WHERE id = $1";
  static const std::string kSqliteWithCounts =
      std::string(kSet) + ", phone_counts = $8, " +
      sqlite::ImageHeadSet("$3", "$4", "$6", "$7", "$2", "$5", "$8") + " WHERE id = $1";
  static const std::string kSqliteWithoutCounts =
      std::string(kSet) + ", " + sqlite::ImageHeadSet("$3", "$4", "$6", "$7", "$2", "$5", "phone_counts") +
      " WHERE id = $1";
  const bool image = db.dialect() == Dialect::kSqlite;
  Query q(db, c.phones.empty() ? (image ? kSqliteWithoutCounts : kWithoutCounts)
                               : (image ? kSqliteWithCounts : kWithCounts));
  q.BindAll(c.id.value, core::ToString(c.state), static_cast<int64_t>(c.attempts_made),
            core::ToEpochMs(c.next_eligible_at));
  BindOutcomeAndCallback(q, c.last_outcome, c.callback, c.callback_agent);
  if (!c.phones.empty()) {
    std::string counts;
    AppendPhoneCounts(c.phones, counts);
    q.Bind(counts);
  }
  OD_TRY(q.Run());
  if (q.Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, fmt::format("No such contact {}.", c.id.value));
  }
  return Ok{};
}

namespace {

Result<void> WriteAttempt(Connection& db, const engine::AttemptRecord& a) {
  Query q(db,
          "INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, "
          "answered_at, connected_at, ended_at, wrapped_up_at, outcome, reason, sip_code, amd, disposition, "
          "notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
          "ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, number = excluded.number, "
          "answered_at = excluded.answered_at, connected_at = excluded.connected_at, "
          "ended_at = excluded.ended_at, wrapped_up_at = excluded.wrapped_up_at, outcome = excluded.outcome, "
          "reason = excluded.reason, sip_code = excluded.sip_code, amd = excluded.amd, "
          "disposition = excluded.disposition, notes = excluded.notes");
  q.BindAll(a.id.value, a.tenant_id.value, a.campaign_id.value, a.contact_id.value, a.agent_id.value,
            a.number, core::ToEpochMs(a.started_at));
  auto ms = [](const std::optional<core::TimePoint>& t) {
    return t ? std::optional<int64_t>(core::ToEpochMs(*t)) : std::nullopt;
  };
  q.Bind(ms(a.answered_at)).Bind(ms(a.connected_at)).Bind(ms(a.ended_at)).Bind(ms(a.wrapped_up_at));
  BindName(q, a.outcome);
  BindName(q, a.reason);
  q.Bind(a.sip_code);
  BindName(q, a.amd);
  q.BindAll(a.disposition, a.notes);
  return q.Run();
}

}  // namespace

Result<void> WriteDnc(Connection& db, const engine::DncRecord& d) {
  Query q(db,
          "INSERT INTO dnc_entries (tenant_id, list, number, added_at, source) VALUES ($1, $2, $3, $4, $5) "
          "ON CONFLICT DO NOTHING");
  q.BindAll(d.tenant_id.value, d.list, d.number, core::ToEpochMs(d.added_at), d.source);
  return q.Run();
}

namespace {

Result<void> WriteAudit(Connection& db, const engine::AuditRecord& a) {
  Query q(db, "INSERT INTO audit (at, tenant_id, agent_id, action, detail) VALUES ($1, $2, $3, $4, $5)");
  q.BindAll(core::ToEpochMs(a.at), a.tenant_id.value, a.agent_id.value, a.action, a.detail);
  return q.Run();
}

}  // namespace

// Contact changes and attempt rows of one batch go in the same transaction (the caller's).
Result<void> WriteBatchRows(Connection& db, const engine::WriteBatch& batch) {
  for (const auto& a : batch.attempts) OD_TRY(WriteAttempt(db, a));
  for (const auto& c : batch.contacts) OD_TRY(WriteContactRecord(db, c));
  for (const auto& d : batch.dnc) OD_TRY(WriteDnc(db, d));
  for (const auto& a : batch.audit) OD_TRY(WriteAudit(db, a));
  return Ok{};
}

}  // namespace outdial::store::sql
