// The Catalog port: the administrative data the server keeps besides the dialer's own writes —
// tenants, users and their sessions, campaigns, contact lists and DNC lists — plus the queries over
// contacts and attempts, crash recovery and the start-up load of the engine's live state.
// Implementations live in src/store (`memory/` for tests, `sqlite/` and `postgres/`); one database
// object implements both this and the engine's `Store` (store.h), over the same tables.
//
// Tenant isolation lives here as well as in the API: every call that reads or changes a tenant's
// object takes the caller's TenantId, and an id of another tenant answers NOT_FOUND, exactly as an
// unknown id does.
//
// Threading: implementations are thread-safe and may block on I/O. Call them from API threads or
// at start-up — never on the engine thread's hot path. The engine's live state does not change
// through here: the caller posts the matching change to the engine thread after the call succeeds
// (e.g. InsertContacts, then Dialer::AddContacts with the ids it assigned).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/contact.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/settings.h"
#include "core/states.h"
#include "core/time.h"
#include "engine/store.h"

namespace outdial::engine {

enum class Role { kSystem, kAdmin, kSupervisor, kAgent };
std::string_view ToString(Role role);
std::optional<Role> RoleFromString(std::string_view text);

struct TenantRow {
  core::TenantId id;
  core::TenantSettings settings;  // settings.name is the tenant's unique name (login uses it)
  TimePoint created_at{};
};

// A user of a tenant. Agents are users with role agent; users and agents share one id space, so
// the engine's AgentId of an agent is its user id.
struct UserRow {
  core::AgentId id;
  core::TenantId tenant_id;
  std::string username;       // unique within the tenant
  std::string password_hash;  // argon2id string (crypto_pwhash_str); never sent to a client
  Role role = Role::kAgent;
  std::string team;
  std::string station;  // "sim:auto", "sim:manual", or a SIP URI
  TimePoint created_at{};
};

struct SessionRow {
  std::string token_hash;  // a hash of the bearer token; the token itself is never stored
  core::AgentId user_id;
  core::TenantId tenant_id;
  TimePoint expires_at{};
};

struct CampaignRow {
  core::CampaignId id;
  core::TenantId tenant_id;
  core::CampaignSettings settings;
  core::CampaignStatus status = core::CampaignStatus::kDraft;
  TimePoint created_at{};
  TimePoint updated_at{};
};

// A stored contact. `contact.zone` is an engine-local id and is not stored; `timezone` (the IANA
// name) is.
struct ContactRow {
  core::Contact contact;
  std::string timezone;
};

struct ContactPage {
  std::vector<ContactRow> items;
  std::string next_cursor;  // empty: no more
};

struct ContactDetail {
  ContactRow contact;
  std::vector<AttemptRecord> attempts;  // oldest first
};

struct DncPage {
  std::vector<DncRecord> items;
  std::string next_cursor;  // empty: no more
};

// What start-up recovery did (PRODUCT.md §8): attempts left open by a crash are closed as
// `interrupted` and their contacts wait the `interrupted` retry delay (or are exhausted); contacts
// held by offers or reservations go back untouched.
struct RecoveryReport {
  int64_t attempts_interrupted = 0;
  int64_t contacts_rescheduled = 0;
  int64_t contacts_released = 0;
};

// One batch of a campaign's contacts at start-up, in import order. A few time zone names serve
// millions of contacts, so the names come once, as a table: `contacts[i].zone` is an index into
// `zone_names` (not yet a ZoneTable id; the sink maps it). The table only grows during one load
// (an index keeps its name in later batches), and each batch carries all of it so far.
struct ContactLoadBatch {
  std::vector<core::Contact> contacts;
  std::vector<std::string> zone_names;  // IANA names; "" means the tenant's default_timezone
  // In a campaign's first batch: about how many contacts the campaign has (an upper bound; 0 when
  // unknown), so that the sink can allocate once.
  size_t campaign_size_hint = 0;
};

// Receives the stored state at start-up, in this order: tenants, users, campaigns, then each
// campaign's contacts in import order (in batches), DNC entries, and last the counters.
class LoadSink {
 public:
  virtual ~LoadSink() = default;
  virtual void OnTenant(const TenantRow& tenant) = 0;
  virtual void OnUser(const UserRow& user) = 0;
  virtual void OnCampaign(const CampaignRow& campaign) = 0;
  virtual void OnContacts(core::CampaignId campaign, ContactLoadBatch&& batch) = 0;
  virtual void OnDnc(const DncRecord& entry) = 0;
  // Attempts so far per outcome (campaign stats survive a restart).
  virtual void OnAttemptCounts(core::CampaignId campaign,
                               const std::array<int64_t, core::kOutcomeCount>& by_outcome) = 0;
  // The largest engine-assigned id stored (attempt ids): new ids must start above it.
  virtual void OnIdFloor(uint64_t max_used_id) = 0;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // --- tenants (create: system; the rest: the tenant's admin) ---
  // Creates the tenant and its first admin in one transaction; a taken name is CONFLICT.
  virtual core::Result<TenantRow> CreateTenant(const core::TenantSettings& settings, UserRow admin) = 0;
  virtual core::Result<TenantRow> GetTenant(core::TenantId tenant) = 0;
  virtual core::Result<TenantRow> FindTenantByName(std::string_view name) = 0;
  virtual core::Result<TenantRow> UpdateTenant(core::TenantId tenant,
                                               const core::TenantSettings& settings) = 0;

  // --- users ---
  // Assigns the id; a taken username within the tenant is CONFLICT.
  virtual core::Result<UserRow> CreateUser(UserRow user) = 0;
  virtual core::Result<UserRow> GetUser(core::TenantId tenant, core::AgentId user) = 0;
  virtual core::Result<UserRow> FindUser(core::TenantId tenant, std::string_view username) = 0;
  virtual core::Result<std::vector<UserRow>> ListUsers(core::TenantId tenant) = 0;
  // Replaces the user's mutable fields (password_hash, role, team, station) by id.
  virtual core::Result<UserRow> UpdateUser(const UserRow& user) = 0;
  // Also ends the user's sessions.
  virtual core::Result<void> DeleteUser(core::TenantId tenant, core::AgentId user) = 0;

  // --- sessions ---
  virtual core::Result<void> CreateSession(const SessionRow& session) = 0;
  // NOT_FOUND when unknown; expiry is the caller's check (it owns the clock).
  virtual core::Result<SessionRow> FindSession(std::string_view token_hash) = 0;
  virtual core::Result<void> DeleteSession(std::string_view token_hash) = 0;

  // --- campaigns ---
  virtual core::Result<CampaignRow> CreateCampaign(core::TenantId tenant,
                                                   const core::CampaignSettings& settings) = 0;
  virtual core::Result<CampaignRow> GetCampaign(core::TenantId tenant, core::CampaignId campaign) = 0;
  // OK when the tenant has this campaign, else NOT_FOUND: the ownership check of routes that need
  // none of its settings (GET /campaigns/{id}/stats), without reading and decoding the row.
  virtual core::Result<void> HasCampaign(core::TenantId tenant, core::CampaignId campaign) = 0;
  virtual core::Result<std::vector<CampaignRow>> ListCampaigns(core::TenantId tenant) = 0;
  virtual core::Result<CampaignRow> UpdateCampaign(core::TenantId tenant, core::CampaignId campaign,
                                                   const core::CampaignSettings& settings) = 0;
  // The caller checks the transition (core::CanTransition) first.
  virtual core::Result<CampaignRow> SetCampaignStatus(core::TenantId tenant, core::CampaignId campaign,
                                                      core::CampaignStatus status) = 0;
  // Deletes the campaign with its contacts and attempts (the caller refuses a running one).
  virtual core::Result<void> DeleteCampaign(core::TenantId tenant, core::CampaignId campaign) = 0;

  // --- contacts ---
  // Inserts one batch in one transaction, assigning ids in order (written into rows[i].contact.id
  // and .campaign_id): all rows are stored or none.
  virtual core::Result<void> InsertContacts(core::TenantId tenant, core::CampaignId campaign,
                                            std::vector<ContactRow>& rows) = 0;
  // In import order; `cursor` is the opaque next_cursor of the previous page ("" = first page).
  virtual core::Result<ContactPage> ListContacts(core::TenantId tenant, core::CampaignId campaign,
                                                 std::optional<core::ContactState> state, size_t limit,
                                                 std::string_view cursor) = 0;
  virtual core::Result<ContactDetail> GetContact(core::TenantId tenant, core::ContactId contact) = 0;

  // --- do-not-call lists (numbers in E.164; the caller normalises) ---
  // Adding a number already on the list keeps the first entry (idempotent).
  virtual core::Result<void> AddDnc(const DncRecord& entry) = 0;
  // Removing a number that is not on the list succeeds (idempotent).
  virtual core::Result<void> RemoveDnc(core::TenantId tenant, std::string_view list,
                                       std::string_view number) = 0;
  virtual core::Result<DncPage> ListDnc(core::TenantId tenant, std::string_view list, size_t limit,
                                        std::string_view cursor) = 0;

  // --- start-up ---
  // Closes what a crash left open (see RecoveryReport); idempotent. Call before Load.
  virtual core::Result<RecoveryReport> Recover(TimePoint now) = 0;
  virtual core::Result<void> Load(LoadSink& sink) = 0;
};

}  // namespace outdial::engine
