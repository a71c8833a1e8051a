// Start-up from SQLite into the Dialer (app/db/startup.h): recovery runs first, then tenants,
// agents, campaigns with their contacts, DNC entries, attempt counts and the id floor arrive in the
// engine, and what the engine does next is committed through the group-commit writer.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <mutex>
#include <random>

#include "app/db/startup.h"
#include "engine/sim_time.h"
#include "store/sqlite/sqlite_database.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial::app {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;

// The test thread is the engine thread: writer callbacks wait in a queue until Pump().
class Mailbox {
 public:
  void Post(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(fn));
  }
  void Pump(store::sql::SqlDatabase& db) {
    for (int round = 0; round < 20; ++round) {
      db.Flush();
      std::deque<std::function<void()>> tasks;
      {
        std::lock_guard lock(mu_);
        tasks.swap(tasks_);
      }
      if (tasks.empty()) return;
      for (auto& t : tasks) t();
    }
  }

 private:
  std::mutex mu_;
  std::deque<std::function<void()>> tasks_;
};

class Calls final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event& event) override {
    if (const auto* call = std::get_if<engine::CallEvent>(&event)) {
      if (call->state == core::CallState::kDialing) dialed.push_back(call->call_id);
    }
  }
  std::vector<core::CallId> dialed;
};

TEST(StoreStartup, RecoversThenLoadsEverythingIntoTheDialer) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("outdial-startup-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  Mailbox mailbox;
  auto opened = store::sqlite::OpenSqliteDatabase(
      (dir / "s.db").string(), [&](std::function<void()> fn) { mailbox.Post(std::move(fn)); });
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto& db = **opened;

  core::TenantSettings ts;
  ts.name = "t";
  auto tenant = db.CreateTenant(ts, engine::UserRow{{}, {}, "admin", "!", engine::Role::kAdmin, "", "", {}});
  ASSERT_TRUE(tenant.ok());
  auto agent = db.CreateUser({{}, tenant->id, "ann", "!", engine::Role::kAgent, "", "sim:auto", {}});
  ASSERT_TRUE(agent.ok());
  core::CampaignSettings cs;
  cs.name = "c";
  cs.calling_window = core::CallingWindow{};
  for (auto& day : cs.calling_window.days) day = {core::MinuteRange{0, 1440}};
  auto campaign = db.CreateCampaign(tenant->id, cs);
  ASSERT_TRUE(campaign.ok());
  std::vector<engine::ContactRow> rows(3);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].contact.name = "c" + std::to_string(i);
    rows[i].contact.phones.push_back(core::Phone{"+1201555000" + std::to_string(i), "", 0, false});
    rows[i].timezone = i == 0 ? "" : "Europe/Berlin";  // empty: the tenant's default zone
  }
  ASSERT_TRUE(db.InsertContacts(tenant->id, campaign->id, rows).ok());
  ASSERT_TRUE(db.SetCampaignStatus(tenant->id, campaign->id, core::CampaignStatus::kRunning).ok());
  ASSERT_TRUE(
      db.AddDnc({tenant->id, "tenant", rows[2].contact.phones[0].number, core::FromEpochMs(kT0), "admin"})
          .ok());
  // A finished busy attempt on rows[0]; an attempt on rows[1] left open by a crash.
  engine::WriteBatch batch;
  engine::AttemptRecord a;
  a.tenant_id = tenant->id;
  a.campaign_id = campaign->id;
  a.agent_id = agent->id;
  a.id = core::CallId{500};
  a.contact_id = rows[0].contact.id;
  a.number = rows[0].contact.phones[0].number;
  a.started_at = core::FromEpochMs(kT0 - 10'000);
  a.ended_at = core::FromEpochMs(kT0 - 9'000);
  a.outcome = core::Outcome::kBusy;
  batch.attempts.push_back(a);
  a.id = core::CallId{501};
  a.contact_id = rows[1].contact.id;
  a.number = rows[1].contact.phones[0].number;
  a.ended_at.reset();
  a.outcome.reset();
  batch.attempts.push_back(a);
  core::Contact held = rows[1].contact;
  held.state = core::ContactState::kInProgress;
  batch.contacts.push_back(engine::ToRecord(held));
  bool committed = false;
  db.Commit(std::move(batch), [&](core::Result<void> r) { committed = r.ok(); });
  mailbox.Pump(db);
  ASSERT_TRUE(committed);

  engine::SimulatedTime time(core::FromEpochMs(kT0));
  telephony::SimTelephony phones(time, time,
                                 telephony::RulePicker({{"*", telephony::SimOutcome::kBusy, 500}}));
  Calls calls;
  engine::Dialer dialer({time, time, phones, db, calls}, engine::DatacenterConfig{});
  auto inline_run = [](std::function<void()> fn) { fn(); };
  auto report = RecoverAndLoad(db, dialer, time.Now(), inline_run, inline_run);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->recovery.attempts_interrupted, 1);
  EXPECT_EQ(report->recovery.contacts_rescheduled, 1);
  EXPECT_EQ(report->tenants, 1);
  EXPECT_EQ(report->agents, 1);
  EXPECT_EQ(report->campaigns, 1);
  EXPECT_EQ(report->contacts, 3);
  EXPECT_EQ(report->dnc, 1);
  EXPECT_EQ(report->id_floor, 501u);

  auto stats = dialer.Stats(campaign->id);
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->contacts_total, 3);
  EXPECT_EQ(stats->contacts_by_state[static_cast<size_t>(core::ContactState::kScheduled)], 1);  // interrupted
  EXPECT_EQ(stats->attempts_by_outcome[static_cast<size_t>(core::Outcome::kBusy)], 1);
  EXPECT_EQ(stats->attempts_by_outcome[static_cast<size_t>(core::Outcome::kInterrupted)], 1);
  EXPECT_EQ(stats->attempts_total, 2);
  EXPECT_TRUE(dialer.IsOnDnc(tenant->id, "tenant", rows[2].contact.phones[0].number));
  const core::Contact* c0 = dialer.FindContact(campaign->id, rows[0].contact.id);
  ASSERT_NE(c0, nullptr);
  EXPECT_EQ(dialer.zones().Name(c0->zone), "UTC");  // the tenant's default_timezone
  EXPECT_EQ(dialer.zones().Name(dialer.FindContact(campaign->id, rows[1].contact.id)->zone), "Europe/Berlin");
  EXPECT_TRUE(dialer.CheckInvariants().empty());

  // The agent works: the new attempt's id is above every stored one, and it is stored.
  dialer.Login(agent->id, nullptr);
  dialer.SetAgentState(agent->id, core::AgentState::kAvailable, "", nullptr);
  for (int i = 0; i < 200 && calls.dialed.empty(); ++i) {
    mailbox.Pump(db);
    time.RunFor(core::Millis{100});
    if (auto snap = dialer.Snapshot(agent->id); snap && snap->offer) {
      dialer.ActOnOffer(agent->id, snap->offer->offer_id, core::OfferAction::kAccept, nullptr);
    }
  }
  mailbox.Pump(db);
  ASSERT_FALSE(calls.dialed.empty());
  EXPECT_GT(calls.dialed.front().value, 501u);
  auto detail = db.GetContact(tenant->id, rows[0].contact.id);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->attempts.size(), 2u);
  EXPECT_EQ(detail->attempts[1].id, calls.dialed.front());

  opened->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace outdial::app
