// Reading the rows of the SQL store (records.h).
#include "store/sql/records.h"

#include <chrono>

#include <fmt/format.h>

#include "store/sql/row_codec.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::Result;
using engine::CampaignRow;
using engine::ContactRow;
using engine::TenantRow;
using engine::UserRow;

int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<void> AsConflict(Result<void> r, std::string_view message) {
  if (!r.ok() && r.error().code == ErrorCode::kConflict) {
    return MakeError(ErrorCode::kConflict, std::string(message));
  }
  return r;
}

Result<TenantRow> ReadTenant(const Query& q) {
  TenantRow row;
  row.id = core::TenantId{static_cast<uint64_t>(q.Int(0))};
  auto settings = ParseTenantSettings(q.Text(1));
  if (!settings.ok()) return settings.error();
  row.settings = std::move(*settings);
  row.created_at = core::FromEpochMs(q.Int(2));
  return row;
}

UserRow ReadUser(const Query& q) {
  UserRow row;
  row.id = core::AgentId{static_cast<uint64_t>(q.Int(0))};
  row.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(1))};
  row.username = q.String(2);
  row.password_hash = q.String(3);
  row.role = engine::RoleFromString(q.Text(4)).value_or(engine::Role::kAgent);
  row.team = q.String(5);
  row.station = q.String(6);
  row.created_at = core::FromEpochMs(q.Int(7));
  return row;
}

Result<CampaignRow> ReadCampaign(const Query& q) {
  CampaignRow row;
  row.id = core::CampaignId{static_cast<uint64_t>(q.Int(0))};
  row.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(1))};
  auto settings = ParseCampaignSettings(q.Text(2));
  if (!settings.ok()) return settings.error();
  row.settings = std::move(*settings);
  auto status = core::CampaignStatusFromString(q.Text(3));
  if (!status) {
    return MakeError(ErrorCode::kInternal,
                     fmt::format("stored campaign {} has an unknown status", row.id.value));
  }
  row.status = *status;
  row.created_at = core::FromEpochMs(q.Int(4));
  row.updated_at = core::FromEpochMs(q.Int(5));
  return row;
}

engine::AttemptRecord ReadAttempt(const Query& q) {
  engine::AttemptRecord a;
  a.id = core::CallId{static_cast<uint64_t>(q.Int(0))};
  a.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(1))};
  a.campaign_id = core::CampaignId{static_cast<uint64_t>(q.Int(2))};
  a.contact_id = core::ContactId{static_cast<uint64_t>(q.Int(3))};
  a.agent_id = core::AgentId{static_cast<uint64_t>(q.Int(4))};
  a.number = q.String(5);
  a.started_at = core::FromEpochMs(q.Int(6));
  // The four moments of a call (engine/store.h), each NULL when it did not happen.
  const auto moment = [&q](int column, std::optional<core::TimePoint>& out) {
    if (!q.IsNull(column)) out = core::FromEpochMs(q.Int(column));
  };
  moment(7, a.answered_at);
  moment(8, a.connected_at);
  moment(9, a.ended_at);
  moment(10, a.wrapped_up_at);
  if (!q.IsNull(11)) a.outcome = core::OutcomeFromString(q.Text(11));
  if (!q.IsNull(12)) a.reason = core::ReasonCodeFromString(q.Text(12));
  a.sip_code = static_cast<int>(q.Int(13));
  if (!q.IsNull(14)) a.amd = AmdFromString(q.Text(14));
  a.disposition = q.String(15);
  a.notes = q.String(16);
  return a;
}

engine::DncRecord ReadDnc(const Query& q) {
  return engine::DncRecord{core::TenantId{static_cast<uint64_t>(q.Int(0))}, q.String(1), q.String(2),
                           core::FromEpochMs(q.Int(3)), q.String(4)};
}

Result<void> ReadContactColumns(const Query& q, core::Contact& c) {
  c.id = core::ContactId{static_cast<uint64_t>(q.Int(0))};
  c.campaign_id = core::CampaignId{static_cast<uint64_t>(q.Int(1))};
  c.name.assign(q.Text(2));
  c.priority = static_cast<uint8_t>(q.Int(4));
  if (auto r = ParseFields(q.Text(5), c.fields); !r.ok()) return r;
  auto state = ContactStateFromString(q.Text(6));
  if (!state) {
    return MakeError(ErrorCode::kInternal, fmt::format("stored contact {} has an unknown state", c.id.value));
  }
  c.state = *state;
  c.attempts_made = static_cast<uint16_t>(q.Int(7));
  c.next_eligible_at = core::FromEpochMs(q.Int(8));
  if (!q.IsNull(9)) c.last_outcome = core::OutcomeFromString(q.Text(9));
  c.callback = q.Int(10) != 0;
  c.callback_agent = core::AgentId{q.IsNull(11) ? 0 : static_cast<uint64_t>(q.Int(11))};
  return ParsePhones(q.Text(12), q.Text(13), c.phones);
}

Result<void> ReadContactRow(const Query& q, ContactRow& row) {
  row.timezone.assign(q.Text(3));
  return ReadContactColumns(q, row.contact);
}

Result<void> ReadContactPage(Connection& db, core::CampaignId campaign, int64_t after,
                             std::optional<core::ContactState> state, size_t limit,
                             std::vector<ContactRow>& out) {
  out.clear();
  static const std::string kAll =
      std::string(kContactSelect) + "WHERE campaign_id = $1 AND id > $2 ORDER BY id LIMIT $3";
  static const std::string kInState =
      std::string(kContactSelect) + "WHERE campaign_id = $1 AND state = $4 AND id > $2 ORDER BY id LIMIT $3";
  auto row = [&](const Query& q) { return ReadContactRow(q, out.emplace_back()); };
  if (state) {
    return ForEachRow(db, kInState, row, campaign.value, after, static_cast<int64_t>(limit),
                      core::ToString(*state));
  }
  return ForEachRow(db, kAll, row, campaign.value, after, static_cast<int64_t>(limit));
}

Result<ContactRow> ReadOneContact(Connection& db, core::ContactId id) {
  static const std::string kSql = std::string(kContactSelect) + "WHERE id = $1";
  return ReadOne(
      db, kSql, "contact",
      [](const Query& q) -> Result<ContactRow> {
        ContactRow row;
        OD_TRY(ReadContactRow(q, row));
        return row;
      },
      id.value);
}

Result<std::optional<std::pair<int64_t, int64_t>>> CampaignIdRange(Connection& db,
                                                                   core::CampaignId campaign) {
  Query q(db, "SELECT MIN(id), MAX(id) FROM contacts WHERE campaign_id = $1");
  q.Bind(campaign.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row || q.IsNull(0)) return std::optional<std::pair<int64_t, int64_t>>{};
  return std::optional<std::pair<int64_t, int64_t>>{std::pair{q.Int(0), q.Int(1)}};
}

Result<void> CheckCampaign(Connection& db, core::TenantId tenant, core::CampaignId campaign) {
  auto found = ReadOne(
      db, "SELECT 1 FROM campaigns WHERE id = $1 AND tenant_id = $2", "campaign",
      [](const Query&) { return true; }, campaign.value, tenant.value);
  if (!found.ok()) return found.error();
  return Ok{};
}

Result<int64_t> ScalarInt(Connection& db, std::string_view sql) {
  Query q(db, sql);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row || q.IsNull(0)) return int64_t{0};
  return q.Int(0);
}

}  // namespace outdial::store::sql
