// Crash recovery over the SQL store (sql_database.h Recover), in one transaction on the catalog
// connection. What becomes of each contact is core::RecoverContact's decision (core/recovery.h),
// the rule every store shares; this file only finds the contacts it applies to and writes them.
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/recovery.h"
#include "store/sql/records.h"
#include "store/sql/row_codec.h"
#include "store/sql/sql_database.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::Ok;
using core::Result;

namespace {

// An attempt the crash left open (no ended_at).
struct OpenAttempt {
  uint64_t id, contact, campaign;
  std::string number;
};

// The settings of the campaigns that recovery touches, read once each.
class CampaignSettingsCache {
 public:
  explicit CampaignSettingsCache(Connection& db) : db_(db) {}

  // nullptr when the campaign is gone (its contacts with it).
  Result<const core::CampaignSettings*> Get(uint64_t campaign) {
    if (auto it = settings_.find(campaign); it != settings_.end()) return &it->second;
    Query s(db_, "SELECT settings FROM campaigns WHERE id = $1");
    s.Bind(campaign);
    auto found = s.Step();
    if (!found.ok()) return found.error();
    if (!*found) return static_cast<const core::CampaignSettings*>(nullptr);
    auto parsed = ParseCampaignSettings(s.Text(0));
    if (!parsed.ok()) return parsed.error();
    return &settings_.emplace(campaign, std::move(*parsed)).first->second;
  }

 private:
  Connection& db_;
  std::unordered_map<uint64_t, core::CampaignSettings> settings_;
};

// Step 1: closes every open attempt as interrupted (the dial may have started: PRODUCT.md §8.2)
// and applies the rule to its contact.
Result<void> InterruptOpenAttempts(Connection& db, CampaignSettingsCache& settings, core::TimePoint now,
                                   engine::RecoveryReport& report) {
  std::vector<OpenAttempt> open;
  OD_TRY(ForEachRow(
      db, "SELECT id, contact_id, campaign_id, number FROM attempts WHERE ended_at IS NULL ORDER BY id",
      [&](const Query& q) {
        open.push_back({static_cast<uint64_t>(q.Int(0)), static_cast<uint64_t>(q.Int(1)),
                        static_cast<uint64_t>(q.Int(2)), q.String(3)});
      }));
  for (const OpenAttempt& a : open) {
    OD_TRY(Execute(db, "UPDATE attempts SET ended_at = $2, outcome = $3, reason = NULL WHERE id = $1", a.id,
                   core::ToEpochMs(now), core::ToString(core::kRecoveredOutcome)));
    ++report.attempts_interrupted;
    auto campaign = settings.Get(a.campaign);
    if (!campaign.ok()) return campaign.error();
    if (*campaign == nullptr) continue;
    auto row = ReadOneContact(db, core::ContactId{a.contact});
    if (!row.ok()) {
      if (row.error().code == ErrorCode::kNotFound) continue;
      return row.error();
    }
    core::Contact& c = row->contact;
    if (core::RecoverContact(c, **campaign, a.number, now) != core::RecoveryAction::kRescheduled) continue;
    OD_TRY(WriteContactRecord(db, engine::ToRecord(c)));
    ++report.contacts_rescheduled;
  }
  return Ok{};
}

// Step 2: whatever is still in progress was held by an offer or a reservation. Read in keyset
// pages (a PostgreSQL result is held whole), then written back one by one.
Result<void> ReleaseHeldContacts(Connection& db, CampaignSettingsCache& settings, core::TimePoint now,
                                 engine::RecoveryReport& report) {
  static const std::string kSql =
      std::string(kContactSelect) + "WHERE state = 'in_progress' AND id > $1 ORDER BY id LIMIT $2";
  constexpr int64_t kPage = 1000;
  std::vector<engine::ContactRow> held;
  int64_t after = 0;
  for (;;) {
    held.clear();
    OD_TRY(ForEachRow(
        db, kSql, [&](const Query& q) { return ReadContactRow(q, held.emplace_back()); }, after, kPage));
    for (engine::ContactRow& row : held) {
      core::Contact& c = row.contact;
      auto campaign = settings.Get(c.campaign_id.value);
      if (!campaign.ok()) return campaign.error();
      if (*campaign == nullptr) continue;
      if (core::RecoverContact(c, **campaign, std::nullopt, now) != core::RecoveryAction::kReleased) continue;
      OD_TRY(WriteContactRecord(db, engine::ToRecord(c)));
      ++report.contacts_released;
    }
    if (held.size() < static_cast<size_t>(kPage)) return Ok{};
    after = static_cast<int64_t>(held.back().contact.id.value);
  }
}

}  // namespace

Result<engine::RecoveryReport> SqlDatabase::Recover(core::TimePoint now) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  engine::RecoveryReport report;
  auto r = InTransaction(db, [&]() -> Result<void> {
    CampaignSettingsCache settings(db);
    OD_TRY(InterruptOpenAttempts(db, settings, now, report));
    return ReleaseHeldContacts(db, settings, now, report);
  });
  if (!r.ok()) return r.error();
  return report;
}

}  // namespace outdial::store::sql
