#include "store/memory/memory_catalog.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace outdial::store {

using core::ErrorCode;
using core::MakeError;

namespace {

core::Error NotFound(std::string_view what) {
  return MakeError(ErrorCode::kNotFound, "No such " + std::string(what) + ".");
}

core::TimePoint WallNow() {
  return std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
}

// Cursors are decimal positions; anything else is a client error, not a crash.
std::optional<size_t> ParseCursor(std::string_view cursor) {
  if (cursor.empty()) return 0;
  size_t value = 0;
  for (char c : cursor) {
    if (c < '0' || c > '9' || value > (SIZE_MAX / 10) - 10) return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

}  // namespace

struct MemoryCatalog::Tables {
  uint64_t next_tenant = 1, next_user = 1, next_campaign = 1, next_contact = 1;
  std::map<uint64_t, engine::TenantRow> tenants;
  std::map<uint64_t, engine::UserRow> users;
  std::map<std::string, engine::SessionRow, std::less<>> sessions;
  std::map<uint64_t, engine::CampaignRow> campaigns;
  std::map<uint64_t, std::vector<uint64_t>> campaign_contacts;  // import order
  std::unordered_map<uint64_t, engine::ContactRow> contacts;
  std::map<uint64_t, engine::AttemptRecord> attempts;
  std::unordered_map<uint64_t, std::vector<uint64_t>> contact_attempts;
  std::map<uint64_t, std::array<int64_t, core::kOutcomeCount>> attempt_counts;  // per campaign
  std::map<std::pair<uint64_t, std::string>, std::map<std::string, engine::DncRecord>, std::less<>> dnc;
  uint64_t max_engine_id = 0;
  uint64_t commits = 0;
  int fail_next = 0;

  engine::CampaignRow* Campaign(core::TenantId tenant, core::CampaignId id) {
    auto it = campaigns.find(id.value);
    return it == campaigns.end() || it->second.tenant_id != tenant ? nullptr : &it->second;
  }
  engine::UserRow* User(core::TenantId tenant, core::AgentId id) {
    auto it = users.find(id.value);
    return it == users.end() || it->second.tenant_id != tenant ? nullptr : &it->second;
  }
  bool UsernameTaken(core::TenantId tenant, std::string_view name) const {
    return std::any_of(users.begin(), users.end(), [&](const auto& u) {
      return u.second.tenant_id == tenant && u.second.username == name;
    });
  }
  void ApplyAttempt(const engine::AttemptRecord& a) {
    auto [it, inserted] = attempts.insert_or_assign(a.id.value, a);
    max_engine_id = std::max(max_engine_id, a.id.value);
    if (inserted) contact_attempts[a.contact_id.value].push_back(a.id.value);
    // Counted once, when the attempt gets its outcome (an attempt row is written several times).
    (void)it;
  }
};

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
      ++t.commits;
      for (const auto& a : batch.attempts) {
        auto old = t.attempts.find(a.id.value);
        bool had_outcome = old != t.attempts.end() && old->second.outcome.has_value();
        t.ApplyAttempt(a);
        if (a.outcome && !had_outcome)
          ++t.attempt_counts[a.campaign_id.value][static_cast<size_t>(*a.outcome)];
      }
      for (const auto& c : batch.contacts) {
        auto it = t.contacts.find(c.id.value);
        if (it == t.contacts.end()) continue;  // deleted with its campaign meanwhile
        core::Contact& stored = it->second.contact;
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
      for (const auto& d : batch.dnc) {
        auto& list = t.dnc[{d.tenant_id.value, d.list}];
        list.emplace(d.number, d);  // the first entry stays
      }
    }
  }
  on_durable(result);
}

// --- tenants -------------------------------------------------------------------------------------

core::Result<engine::TenantRow> MemoryCatalog::CreateTenant(const core::TenantSettings& settings,
                                                            engine::UserRow admin) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  for (const auto& [id, row] : t.tenants) {
    if (row.settings.name == settings.name)
      return MakeError(ErrorCode::kConflict, "A tenant with this name exists.");
  }
  engine::TenantRow row{core::TenantId{t.next_tenant++}, settings, WallNow()};
  t.tenants.emplace(row.id.value, row);
  admin.id = core::AgentId{t.next_user++};
  admin.tenant_id = row.id;
  admin.created_at = row.created_at;
  t.users.emplace(admin.id.value, std::move(admin));
  return row;
}

core::Result<engine::TenantRow> MemoryCatalog::GetTenant(core::TenantId tenant) {
  std::lock_guard lock(mutex_);
  auto it = t_->tenants.find(tenant.value);
  if (it == t_->tenants.end()) return NotFound("tenant");
  return it->second;
}

core::Result<engine::TenantRow> MemoryCatalog::FindTenantByName(std::string_view name) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, row] : t_->tenants) {
    if (row.settings.name == name) return row;
  }
  return NotFound("tenant");
}

core::Result<engine::TenantRow> MemoryCatalog::UpdateTenant(core::TenantId tenant,
                                                            const core::TenantSettings& settings) {
  std::lock_guard lock(mutex_);
  auto it = t_->tenants.find(tenant.value);
  if (it == t_->tenants.end()) return NotFound("tenant");
  for (const auto& [id, row] : t_->tenants) {
    if (id != tenant.value && row.settings.name == settings.name) {
      return MakeError(ErrorCode::kConflict, "A tenant with this name exists.");
    }
  }
  it->second.settings = settings;
  return it->second;
}

// --- users ---------------------------------------------------------------------------------------

core::Result<engine::UserRow> MemoryCatalog::CreateUser(engine::UserRow user) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (!t.tenants.contains(user.tenant_id.value)) return NotFound("tenant");
  if (t.UsernameTaken(user.tenant_id, user.username))
    return MakeError(ErrorCode::kConflict, "This username is taken.");
  user.id = core::AgentId{t.next_user++};
  user.created_at = WallNow();
  t.users.emplace(user.id.value, user);
  return user;
}

core::Result<engine::UserRow> MemoryCatalog::GetUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(mutex_);
  engine::UserRow* row = t_->User(tenant, user);
  if (row == nullptr) return NotFound("user");
  return *row;
}

core::Result<engine::UserRow> MemoryCatalog::FindUser(core::TenantId tenant, std::string_view username) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, row] : t_->users) {
    if (row.tenant_id == tenant && row.username == username) return row;
  }
  return NotFound("user");
}

core::Result<std::vector<engine::UserRow>> MemoryCatalog::ListUsers(core::TenantId tenant) {
  std::lock_guard lock(mutex_);
  std::vector<engine::UserRow> out;
  for (const auto& [id, row] : t_->users) {
    if (row.tenant_id == tenant) out.push_back(row);
  }
  return out;
}

core::Result<engine::UserRow> MemoryCatalog::UpdateUser(const engine::UserRow& user) {
  std::lock_guard lock(mutex_);
  engine::UserRow* row = t_->User(user.tenant_id, user.id);
  if (row == nullptr) return NotFound("user");
  row->password_hash = user.password_hash;
  row->role = user.role;
  row->team = user.team;
  row->station = user.station;
  return *row;
}

core::Result<void> MemoryCatalog::DeleteUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(mutex_);
  if (t_->User(tenant, user) == nullptr) return NotFound("user");
  t_->users.erase(user.value);
  std::erase_if(t_->sessions, [&](const auto& s) { return s.second.user_id == user; });
  return core::Ok{};
}

// --- sessions ------------------------------------------------------------------------------------

core::Result<void> MemoryCatalog::CreateSession(const engine::SessionRow& session) {
  std::lock_guard lock(mutex_);
  t_->sessions.insert_or_assign(session.token_hash, session);
  return core::Ok{};
}

core::Result<engine::SessionRow> MemoryCatalog::FindSession(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto it = t_->sessions.find(token_hash);
  if (it == t_->sessions.end()) return NotFound("session");
  return it->second;
}

core::Result<void> MemoryCatalog::DeleteSession(std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto it = t_->sessions.find(token_hash);
  if (it != t_->sessions.end()) t_->sessions.erase(it);
  return core::Ok{};
}

// --- campaigns -----------------------------------------------------------------------------------

core::Result<engine::CampaignRow> MemoryCatalog::CreateCampaign(core::TenantId tenant,
                                                                const core::CampaignSettings& settings) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (!t.tenants.contains(tenant.value)) return NotFound("tenant");
  engine::CampaignRow row;
  row.id = core::CampaignId{t.next_campaign++};
  row.tenant_id = tenant;
  row.settings = settings;
  row.created_at = row.updated_at = WallNow();
  t.campaigns.emplace(row.id.value, row);
  t.campaign_contacts[row.id.value];
  return row;
}

core::Result<engine::CampaignRow> MemoryCatalog::GetCampaign(core::TenantId tenant,
                                                             core::CampaignId campaign) {
  std::lock_guard lock(mutex_);
  engine::CampaignRow* row = t_->Campaign(tenant, campaign);
  if (row == nullptr) return NotFound("campaign");
  return *row;
}

core::Result<void> MemoryCatalog::HasCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(mutex_);
  if (t_->Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  return core::Ok{};
}

core::Result<std::vector<engine::CampaignRow>> MemoryCatalog::ListCampaigns(core::TenantId tenant) {
  std::lock_guard lock(mutex_);
  std::vector<engine::CampaignRow> out;
  for (const auto& [id, row] : t_->campaigns) {
    if (row.tenant_id == tenant) out.push_back(row);
  }
  return out;
}

core::Result<engine::CampaignRow> MemoryCatalog::UpdateCampaign(core::TenantId tenant,
                                                                core::CampaignId campaign,
                                                                const core::CampaignSettings& settings) {
  std::lock_guard lock(mutex_);
  engine::CampaignRow* row = t_->Campaign(tenant, campaign);
  if (row == nullptr) return NotFound("campaign");
  row->settings = settings;
  row->updated_at = WallNow();
  return *row;
}

core::Result<engine::CampaignRow> MemoryCatalog::SetCampaignStatus(core::TenantId tenant,
                                                                   core::CampaignId campaign,
                                                                   core::CampaignStatus status) {
  std::lock_guard lock(mutex_);
  engine::CampaignRow* row = t_->Campaign(tenant, campaign);
  if (row == nullptr) return NotFound("campaign");
  row->status = status;
  row->updated_at = WallNow();
  return *row;
}

core::Result<void> MemoryCatalog::DeleteCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (t.Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  for (uint64_t cid : t.campaign_contacts[campaign.value]) {
    for (uint64_t aid : t.contact_attempts[cid]) t.attempts.erase(aid);
    t.contact_attempts.erase(cid);
    t.contacts.erase(cid);
  }
  t.campaign_contacts.erase(campaign.value);
  t.attempt_counts.erase(campaign.value);
  t.campaigns.erase(campaign.value);
  return core::Ok{};
}

// --- contacts ------------------------------------------------------------------------------------

core::Result<void> MemoryCatalog::InsertContacts(core::TenantId tenant, core::CampaignId campaign,
                                                 std::vector<engine::ContactRow>& rows) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (t.Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  auto& order = t.campaign_contacts[campaign.value];
  order.reserve(order.size() + rows.size());
  for (auto& row : rows) {
    row.contact.id = core::ContactId{t.next_contact++};
    row.contact.campaign_id = campaign;
    order.push_back(row.contact.id.value);
    t.contacts.emplace(row.contact.id.value, row);
  }
  return core::Ok{};
}

core::Result<engine::ContactPage> MemoryCatalog::ListContacts(core::TenantId tenant,
                                                              core::CampaignId campaign,
                                                              std::optional<core::ContactState> state,
                                                              size_t limit, std::string_view cursor) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  if (t.Campaign(tenant, campaign) == nullptr) return NotFound("campaign");
  auto start = ParseCursor(cursor);
  if (!start) {
    return core::Error{ErrorCode::kValidationFailed,
                       "The cursor is not valid.",
                       {{"cursor", "is not a cursor of this list"}}};
  }
  const auto& order = t.campaign_contacts[campaign.value];
  engine::ContactPage page;
  size_t i = *start;
  for (; i < order.size() && page.items.size() < limit; ++i) {
    const auto& row = t.contacts.at(order[i]);
    if (!state || row.contact.state == *state) page.items.push_back(row);
  }
  // Skip to the next match so that an empty last page is not announced.
  while (i < order.size() && state && t.contacts.at(order[i]).contact.state != *state) ++i;
  if (i < order.size()) page.next_cursor = std::to_string(i);
  return page;
}

core::Result<engine::ContactDetail> MemoryCatalog::GetContact(core::TenantId tenant,
                                                              core::ContactId contact) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  auto it = t.contacts.find(contact.value);
  if (it == t.contacts.end() || t.Campaign(tenant, it->second.contact.campaign_id) == nullptr)
    return NotFound("contact");
  engine::ContactDetail detail;
  detail.contact = it->second;
  if (auto a = t.contact_attempts.find(contact.value); a != t.contact_attempts.end()) {
    for (uint64_t aid : a->second) detail.attempts.push_back(t.attempts.at(aid));
  }
  std::sort(detail.attempts.begin(), detail.attempts.end(), [](const auto& x, const auto& y) {
    return x.started_at != y.started_at ? x.started_at < y.started_at : x.id < y.id;
  });
  return detail;
}

// --- DNC -----------------------------------------------------------------------------------------

core::Result<void> MemoryCatalog::AddDnc(const engine::DncRecord& entry) {
  std::lock_guard lock(mutex_);
  if (!t_->tenants.contains(entry.tenant_id.value)) return NotFound("tenant");
  t_->dnc[{entry.tenant_id.value, entry.list}].emplace(entry.number, entry);
  return core::Ok{};
}

core::Result<void> MemoryCatalog::RemoveDnc(core::TenantId tenant, std::string_view list,
                                            std::string_view number) {
  std::lock_guard lock(mutex_);
  auto it = t_->dnc.find(std::pair<uint64_t, std::string>{tenant.value, std::string(list)});
  if (it != t_->dnc.end()) {
    auto n = it->second.find(std::string(number));
    if (n != it->second.end()) it->second.erase(n);
  }
  return core::Ok{};
}

core::Result<engine::DncPage> MemoryCatalog::ListDnc(core::TenantId tenant, std::string_view list,
                                                     size_t limit, std::string_view cursor) {
  std::lock_guard lock(mutex_);
  engine::DncPage page;
  auto it = t_->dnc.find(std::pair<uint64_t, std::string>{tenant.value, std::string(list)});
  if (it == t_->dnc.end()) return page;
  // The cursor is the last number of the previous page without its '+' (numbers are sorted), so
  // that it needs no escaping in a query string.
  auto n = cursor.empty() ? it->second.begin() : it->second.upper_bound("+" + std::string(cursor));
  for (; n != it->second.end() && page.items.size() < limit; ++n) page.items.push_back(n->second);
  if (n != it->second.end() && !page.items.empty()) {
    const std::string& last = page.items.back().number;
    page.next_cursor = !last.empty() && last[0] == '+' ? last.substr(1) : last;
  }
  return page;
}

// --- start-up ------------------------------------------------------------------------------------

core::Result<engine::RecoveryReport> MemoryCatalog::Recover(core::TimePoint now) {
  std::lock_guard lock(mutex_);
  auto& t = *t_;
  engine::RecoveryReport report;
  std::set<uint64_t> rescheduled;
  for (auto& [id, a] : t.attempts) {
    if (a.ended_at) continue;
    a.ended_at = now;
    a.outcome = core::Outcome::kInterrupted;
    ++t.attempt_counts[a.campaign_id.value][static_cast<size_t>(core::Outcome::kInterrupted)];
    ++report.attempts_interrupted;
    auto c = t.contacts.find(a.contact_id.value);
    auto camp = t.campaigns.find(a.campaign_id.value);
    if (c == t.contacts.end() || camp == t.campaigns.end()) continue;
    const auto& rule = camp->second.settings.RetryFor(core::RetryKey::kInterrupted);
    core::Contact& contact = c->second.contact;
    contact.last_outcome = core::Outcome::kInterrupted;
    if (rule.counts_as_attempt) ++contact.attempts_made;
    contact.state = contact.attempts_made >= camp->second.settings.max_attempts
                        ? core::ContactState::kExhausted
                        : core::ContactState::kScheduled;
    contact.next_eligible_at = now + core::Seconds(rule.delay_s);
    rescheduled.insert(contact.id.value);
    ++report.contacts_rescheduled;
  }
  for (auto& [id, row] : t.contacts) {
    if (row.contact.state == core::ContactState::kInProgress && !rescheduled.contains(id)) {
      row.contact.state = core::ContactState::kCallable;
      ++report.contacts_released;
    }
  }
  return report;
}

core::Result<void> MemoryCatalog::Load(engine::LoadSink& sink) {
  // Copies under the lock, calls the sink outside it (the sink may call back into the catalog).
  std::vector<engine::TenantRow> tenants;
  std::vector<engine::UserRow> users;
  std::vector<engine::CampaignRow> campaigns;
  std::vector<std::pair<core::CampaignId, std::vector<engine::ContactRow>>> contacts;
  std::vector<engine::DncRecord> dnc;
  std::map<uint64_t, std::array<int64_t, core::kOutcomeCount>> counts;
  uint64_t floor = 0;
  {
    std::lock_guard lock(mutex_);
    auto& t = *t_;
    for (const auto& [id, row] : t.tenants) tenants.push_back(row);
    for (const auto& [id, row] : t.users) users.push_back(row);
    for (const auto& [id, row] : t.campaigns) {
      campaigns.push_back(row);
      std::vector<engine::ContactRow> rows;
      for (uint64_t cid : t.campaign_contacts[id]) rows.push_back(t.contacts.at(cid));
      contacts.emplace_back(row.id, std::move(rows));
    }
    for (const auto& [key, list] : t.dnc) {
      for (const auto& [number, entry] : list) dnc.push_back(entry);
    }
    counts = t.attempt_counts;
    floor = t.max_engine_id;
  }
  for (const auto& row : tenants) sink.OnTenant(row);
  for (const auto& row : users) sink.OnUser(row);
  for (const auto& row : campaigns) sink.OnCampaign(row);
  constexpr size_t kBatch = 10000;
  std::vector<std::string> zone_names;
  std::map<std::string, uint16_t, std::less<>> zone_index;
  for (auto& [campaign, rows] : contacts) {
    for (size_t i = 0; i < rows.size(); i += kBatch) {
      engine::ContactLoadBatch batch;
      for (size_t j = i; j < std::min(rows.size(), i + kBatch); ++j) {
        auto [it, added] = zone_index.try_emplace(rows[j].timezone, static_cast<uint16_t>(zone_names.size()));
        if (added) zone_names.push_back(rows[j].timezone);
        rows[j].contact.zone = it->second;
        batch.contacts.push_back(std::move(rows[j].contact));
      }
      batch.zone_names = zone_names;
      if (i == 0) batch.campaign_size_hint = rows.size();
      sink.OnContacts(campaign, std::move(batch));
    }
  }
  for (const auto& entry : dnc) sink.OnDnc(entry);
  for (const auto& [campaign, by_outcome] : counts)
    sink.OnAttemptCounts(core::CampaignId{campaign}, by_outcome);
  sink.OnIdFloor(floor);
  return core::Ok{};
}

}  // namespace outdial::store
