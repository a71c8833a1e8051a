// The rule of src/api/services/change.h, tested on the services over the real Dialer and the
// in-memory catalog: whichever side fails, the catalog and the engine agree afterwards.
#include <gtest/gtest.h>

#include <string>

#include "api/services/campaign_service.h"
#include "api/services/dnc_service.h"
#include "api/services/engine_gate.h"
#include "engine/dialer.h"
#include "engine/sim_time.h"
#include "store/import/streaming_intake.h"
#include "store/memory/memory_catalog.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial::api {
namespace {

using core::CampaignStatus;
using core::Error;
using core::ErrorCode;

// The in-memory catalog, with one method made to fail on demand (as a database can).
class FaultyCatalog final : public engine::Catalog {
 public:
  explicit FaultyCatalog(engine::Catalog& inner) : inner_(inner) {}
  std::string failing;  // the method that fails, "" for none

  core::Result<engine::TenantRow> CreateTenant(const core::TenantSettings& s,
                                               engine::UserRow admin) override {
    return inner_.CreateTenant(s, std::move(admin));
  }
  core::Result<engine::TenantRow> GetTenant(core::TenantId t) override { return inner_.GetTenant(t); }
  core::Result<engine::TenantRow> FindTenantByName(std::string_view n) override {
    return inner_.FindTenantByName(n);
  }
  core::Result<engine::TenantRow> UpdateTenant(core::TenantId t, const core::TenantSettings& s) override {
    return inner_.UpdateTenant(t, s);
  }
  core::Result<engine::UserRow> CreateUser(engine::UserRow u) override {
    return inner_.CreateUser(std::move(u));
  }
  core::Result<engine::UserRow> GetUser(core::TenantId t, core::AgentId u) override {
    return inner_.GetUser(t, u);
  }
  core::Result<engine::UserRow> FindUser(core::TenantId t, std::string_view n) override {
    return inner_.FindUser(t, n);
  }
  core::Result<std::vector<engine::UserRow>> ListUsers(core::TenantId t) override {
    return inner_.ListUsers(t);
  }
  core::Result<engine::UserRow> UpdateUser(const engine::UserRow& u) override { return inner_.UpdateUser(u); }
  core::Result<void> DeleteUser(core::TenantId t, core::AgentId u) override {
    return inner_.DeleteUser(t, u);
  }
  core::Result<void> CreateSession(const engine::SessionRow& s) override { return inner_.CreateSession(s); }
  core::Result<engine::SessionRow> FindSession(std::string_view h) override { return inner_.FindSession(h); }
  core::Result<void> DeleteSession(std::string_view h) override { return inner_.DeleteSession(h); }
  core::Result<engine::CampaignRow> CreateCampaign(core::TenantId t,
                                                   const core::CampaignSettings& s) override {
    return inner_.CreateCampaign(t, s);
  }
  core::Result<engine::CampaignRow> GetCampaign(core::TenantId t, core::CampaignId c) override {
    return inner_.GetCampaign(t, c);
  }
  core::Result<void> HasCampaign(core::TenantId t, core::CampaignId c) override {
    return inner_.HasCampaign(t, c);
  }
  core::Result<std::vector<engine::CampaignRow>> ListCampaigns(core::TenantId t) override {
    return inner_.ListCampaigns(t);
  }
  core::Result<engine::CampaignRow> UpdateCampaign(core::TenantId t, core::CampaignId c,
                                                   const core::CampaignSettings& s) override {
    if (failing == "UpdateCampaign") return Broken();
    return inner_.UpdateCampaign(t, c, s);
  }
  core::Result<engine::CampaignRow> SetCampaignStatus(core::TenantId t, core::CampaignId c,
                                                      CampaignStatus s) override {
    if (failing == "SetCampaignStatus") return Broken();
    return inner_.SetCampaignStatus(t, c, s);
  }
  core::Result<void> DeleteCampaign(core::TenantId t, core::CampaignId c) override {
    if (failing == "DeleteCampaign") return Broken();
    return inner_.DeleteCampaign(t, c);
  }
  core::Result<void> InsertContacts(core::TenantId t, core::CampaignId c,
                                    std::vector<engine::ContactRow>& r) override {
    return inner_.InsertContacts(t, c, r);
  }
  core::Result<engine::ContactPage> ListContacts(core::TenantId t, core::CampaignId c,
                                                 std::optional<core::ContactState> s, size_t limit,
                                                 std::string_view cursor) override {
    return inner_.ListContacts(t, c, s, limit, cursor);
  }
  core::Result<engine::ContactDetail> GetContact(core::TenantId t, core::ContactId c) override {
    return inner_.GetContact(t, c);
  }
  core::Result<void> AddDnc(const engine::DncRecord& e) override {
    if (failing == "AddDnc") return Broken();
    return inner_.AddDnc(e);
  }
  core::Result<void> RemoveDnc(core::TenantId t, std::string_view l, std::string_view n) override {
    return inner_.RemoveDnc(t, l, n);
  }
  core::Result<engine::DncPage> ListDnc(core::TenantId t, std::string_view l, size_t limit,
                                        std::string_view cursor) override {
    return inner_.ListDnc(t, l, limit, cursor);
  }
  core::Result<engine::RecoveryReport> Recover(engine::TimePoint now) override { return inner_.Recover(now); }
  core::Result<void> Load(engine::LoadSink& sink) override { return inner_.Load(sink); }

 private:
  static Error Broken() { return core::MakeError(ErrorCode::kInternal, "disk full"); }
  engine::Catalog& inner_;
};

class NullSink final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event&) override {}
};

class ServicesTest : public ::testing::Test {
 protected:
  ServicesTest()
      : time_(core::FromEpochMs(1'795'615'200'000)),
        phones_(time_, time_, telephony::RulePicker({})),
        dialer_({time_, time_, phones_, memory_, sink_}, engine::DatacenterConfig{}),
        catalog_(memory_),
        // The test thread is the engine thread: a posted task runs at once.
        gate_([](std::function<void()> task) { task(); }),
        campaigns_(catalog_, dialer_, gate_) {
    core::TenantSettings ts;
    ts.name = "t";
    auto tenant =
        memory_.CreateTenant(ts, engine::UserRow{{}, {}, "admin", "x", engine::Role::kAdmin, "", "", {}});
    EXPECT_TRUE(tenant.ok());
    tenant_ = tenant->id;
    EXPECT_TRUE(dialer_.AddTenant(tenant_, ts).ok());
  }

  engine::CampaignRow NewCampaign(core::CampaignMode mode = core::CampaignMode::kPreviewStandard) {
    core::CampaignSettings cs;
    cs.name = "c";
    cs.mode = mode;
    auto row = campaigns_.Create(tenant_, cs);
    EXPECT_TRUE(row.ok());
    return *row;
  }
  // The catalog's status and mode of `id` equal the engine's (or neither has it).
  void ExpectAgree(core::CampaignId id) {
    auto stored = memory_.GetCampaign(tenant_, id);
    auto live = dialer_.Campaign(id);
    ASSERT_EQ(stored.ok(), live.has_value());
    if (!live) return;
    EXPECT_EQ(stored->status, live->status);
    EXPECT_EQ(stored->settings.mode, live->mode);
  }

  engine::SimulatedTime time_;
  telephony::SimTelephony phones_;
  store::MemoryCatalog memory_;
  NullSink sink_;
  engine::Dialer dialer_;
  FaultyCatalog catalog_;
  EngineGate gate_;
  CampaignService campaigns_;
  core::TenantId tenant_;
};

TEST_F(ServicesTest, EngineRefusalUndoesTheCatalogWrite) {
  auto row = NewCampaign();
  ASSERT_TRUE(campaigns_.SetStatus(tenant_, row.id, CampaignStatus::kRunning).ok());
  // The engine refuses a running campaign's mode change; the catalog had it first and takes it back.
  core::CampaignSettings changed = row.settings;
  changed.mode = core::CampaignMode::kPreviewDirect;
  auto current = memory_.GetCampaign(tenant_, row.id);
  auto updated = campaigns_.Update(*current, changed);
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().code, ErrorCode::kConflict);
  EXPECT_EQ(memory_.GetCampaign(tenant_, row.id)->settings.mode, core::CampaignMode::kPreviewStandard);
  ExpectAgree(row.id);
}

TEST_F(ServicesTest, EngineRefusalOfACreateDeletesTheRow) {
  core::CampaignSettings cs;
  cs.name = "orphan";
  // A tenant the catalog has and the engine does not: the engine refuses the campaign.
  core::TenantSettings ts;
  ts.name = "other";
  auto other =
      memory_.CreateTenant(ts, engine::UserRow{{}, {}, "admin", "x", engine::Role::kAdmin, "", "", {}});
  ASSERT_TRUE(other.ok());
  auto created = campaigns_.Create(other->id, cs);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(memory_.ListCampaigns(other->id)->empty());
}

TEST_F(ServicesTest, CatalogFailureLeavesTheEngineUntouched) {
  auto row = NewCampaign();
  catalog_.failing = "SetCampaignStatus";
  auto started = campaigns_.SetStatus(tenant_, row.id, CampaignStatus::kRunning);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(dialer_.Campaign(row.id)->status, CampaignStatus::kDraft);
  ExpectAgree(row.id);

  catalog_.failing = "UpdateCampaign";
  core::CampaignSettings changed = row.settings;
  changed.mode = core::CampaignMode::kPreviewDirect;
  ASSERT_FALSE(campaigns_.Update(row, changed).ok());
  ExpectAgree(row.id);
}

TEST_F(ServicesTest, DeleteIsRefusedByTheEngineAndARetryFinishesAFailedOne) {
  auto row = NewCampaign();
  ASSERT_TRUE(campaigns_.SetStatus(tenant_, row.id, CampaignStatus::kRunning).ok());
  auto refused = campaigns_.Delete(tenant_, row.id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "A running campaign cannot be deleted; pause or stop it first.");
  ExpectAgree(row.id);

  ASSERT_TRUE(campaigns_.SetStatus(tenant_, row.id, CampaignStatus::kPaused).ok());
  catalog_.failing = "DeleteCampaign";
  ASSERT_FALSE(campaigns_.Delete(tenant_, row.id).ok());
  EXPECT_FALSE(dialer_.Campaign(row.id));  // no longer live, still stored
  EXPECT_TRUE(memory_.GetCampaign(tenant_, row.id).ok());
  catalog_.failing = "";
  ASSERT_TRUE(campaigns_.Delete(tenant_, row.id).ok());
  ExpectAgree(row.id);
}

TEST_F(ServicesTest, DncEntryReachesTheEngineOnlyAfterTheCatalog) {
  store::StreamingContactIntake intake;
  DncService dnc(catalog_, intake, dialer_, gate_);
  engine::DncRecord entry{tenant_, "tenant", "+12135550100", time_.Now(), "admin"};
  catalog_.failing = "AddDnc";
  EXPECT_FALSE(dnc.Add(entry).ok());
  EXPECT_FALSE(dialer_.IsOnDnc(tenant_, "tenant", entry.number));
  catalog_.failing = "";
  EXPECT_TRUE(dnc.Add(entry).ok());
  EXPECT_TRUE(dialer_.IsOnDnc(tenant_, "tenant", entry.number));
}

}  // namespace
}  // namespace outdial::api
