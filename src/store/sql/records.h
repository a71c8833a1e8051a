// The rows of the SQL store's tables (migrations/0001_init.sql of each dialect), read into and
// written from the engine's records: the column lists and readers that the catalog, recovery and
// the start-up load share, and the writes of an engine WriteBatch (the group-commit writer's rows,
// records_write.cc). Free functions over a Connection; the caller holds the lock that guards it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/catalog.h"
#include "engine/store.h"
#include "store/sql/sql.h"

namespace outdial::store::sql {

// The store stamps created_at/updated_at itself: the Catalog port takes no clock, and these are
// records of when the row was written.
int64_t WallNowMs();

// A conflict message the API can show as is; any other result unchanged.
core::Result<void> AsConflict(core::Result<void> r, std::string_view message);

// ---- reading ------------------------------------------------------------------------------------

inline constexpr std::string_view kTenantColumns = "id, settings, created_at";
core::Result<engine::TenantRow> ReadTenant(const Query& q);

inline constexpr std::string_view kUserColumns =
    "id, tenant_id, username, password_hash, role, team, station, created_at";
engine::UserRow ReadUser(const Query& q);

inline constexpr std::string_view kCampaignColumns =
    "id, tenant_id, settings, status, created_at, updated_at";
core::Result<engine::CampaignRow> ReadCampaign(const Query& q);

inline constexpr std::string_view kAttemptColumns =
    "id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, answered_at, connected_at, "
    "ended_at, wrapped_up_at, outcome, reason, sip_code, amd, disposition, notes";
engine::AttemptRecord ReadAttempt(const Query& q);

inline constexpr std::string_view kDncColumns = "tenant_id, list, number, added_at, source";
engine::DncRecord ReadDnc(const Query& q);

// Contacts are read in id (= import) order in keyset pages, which serve listing, detail, recovery
// and the start-up load alike, on both dialects (a PostgreSQL result is held in memory, so it must
// be bounded). A contact's numbers are columns of its row (row_codec.h).
inline constexpr std::string_view kContactSelect =
    "SELECT id, campaign_id, name, timezone, priority, fields, state, attempts_made, next_eligible_at, "
    "last_outcome, callback, callback_agent, phones, phone_counts FROM contacts ";
// Every column of kContactSelect but the time zone (column 3), which the caller keeps its own way.
core::Result<void> ReadContactColumns(const Query& q, core::Contact& c);
core::Result<void> ReadContactRow(const Query& q, engine::ContactRow& row);
// Reads up to `limit` contacts of `campaign` with id > after (optionally in one state) into `out`.
core::Result<void> ReadContactPage(Connection& db, core::CampaignId campaign, int64_t after,
                                   std::optional<core::ContactState> state, size_t limit,
                                   std::vector<engine::ContactRow>& out);
core::Result<engine::ContactRow> ReadOneContact(Connection& db, core::ContactId id);

// The smallest and largest contact id of `campaign`; nullopt when it has no contacts.
core::Result<std::optional<std::pair<int64_t, int64_t>>> CampaignIdRange(Connection& db,
                                                                         core::CampaignId campaign);
// Checks that `campaign` belongs to `tenant` (NOT_FOUND otherwise, as for an unknown id).
core::Result<void> CheckCampaign(Connection& db, core::TenantId tenant, core::CampaignId campaign);
// The first column of the first row as an integer (0 for no row or NULL).
core::Result<int64_t> ScalarInt(Connection& db, std::string_view sql);

// ---- writing (records_write.cc) -----------------------------------------------------------------

// The last three contact columns, in this order: last_outcome, callback, callback_agent (NULL
// when there is none).
void BindOutcomeAndCallback(Query& q, const std::optional<core::Outcome>& last_outcome, bool callback,
                            core::AgentId callback_agent);
// The mutable part of a contact (what the engine's ContactRecord carries), its numbers' counts
// included; NOT_FOUND when the contact is gone.
core::Result<void> WriteContactRecord(Connection& db, const engine::ContactRecord& c);
core::Result<void> WriteDnc(Connection& db, const engine::DncRecord& d);
// Every row of one batch, in the caller's transaction.
core::Result<void> WriteBatchRows(Connection& db, const engine::WriteBatch& batch);

}  // namespace outdial::store::sql
