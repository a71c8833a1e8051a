// Regression: a campaign whose only ready contacts sit in a zone outside its calling window, with
// no agent waiting, once re-armed its wake timer at a stale "window opens" time in the past and
// spun forever at the same instant. The wake timer must fire about once per window change.
#include <gtest/gtest.h>

#include "engine/dialer.h"
#include "engine/sim_time.h"
#include "store/memory/memory_store.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial::engine {
namespace {

class NullSink final : public EventSink {
 public:
  void OnEvent(const Event&) override {}
};

TEST(DialerWake, ClosedZoneWithoutWaitingAgentsDoesNotSpin) {
  // Wed 2026-11-25 14:00 UTC = 06:00 in Los Angeles: outside Mon–Sat 09:00–20:00 there.
  SimulatedTime time(core::FromEpochMs(1'795'615'200'000));
  telephony::SimTelephony phones(time, time, telephony::RulePicker({}));
  store::MemoryStore store;
  NullSink sink;
  Dialer dialer({time, time, phones, store, sink}, DatacenterConfig{});
  core::TenantSettings ts;
  ts.name = "t";
  ASSERT_TRUE(dialer.AddTenant(core::TenantId{1}, ts).ok());
  core::CampaignSettings cs;
  cs.name = "c";
  ASSERT_TRUE(dialer.AddCampaign(core::TenantId{1}, core::CampaignId{1}, cs).ok());
  core::Contact c;
  c.id = core::ContactId{1};
  c.phones.push_back(core::Phone{"+12135550100", "", 0, false});
  c.zone = *dialer.zones().Intern("America/Los_Angeles");
  ASSERT_TRUE(dialer.AddContacts(core::CampaignId{1}, {c}).ok());
  ASSERT_TRUE(dialer.SetCampaignStatus(core::CampaignId{1}, core::CampaignStatus::kRunning).ok());
  // An agent comes and goes idle, so the zone's window state is cached, then nobody waits.
  ASSERT_TRUE(dialer.AddAgent(AgentInfo{core::AgentId{1}, core::TenantId{1}, "a", "", "sim:auto"}).ok());
  dialer.Login(core::AgentId{1}, nullptr);
  dialer.SetAgentState(core::AgentId{1}, core::AgentState::kAvailable, "", nullptr);
  dialer.SetAgentState(core::AgentId{1}, core::AgentState::kIdle, "", nullptr);
  time.RunFor(std::chrono::hours(12));
  EXPECT_LT(time.fired(), 20u);
  EXPECT_TRUE(dialer.CheckInvariants().empty());
}

}  // namespace
}  // namespace outdial::engine
