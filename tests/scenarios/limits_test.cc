// PRODUCT.md §2 concurrency limits and §4/§5.2 reservation calls: the tenant and data-centre
// limits (offer stays open, no attempt charged, Accept works once a call ends), the reservation
// ring limit, unreachable stations and `sim:manual` answering from the desktop.
#include <gtest/gtest.h>

#include "scenarios/scenario_fixture.h"
#include "telephony/sim/sim_telephony.h"

#include <fmt/format.h>

namespace outdial::scenarios {
namespace {

using engine::NoticeEvent;
using engine::OfferEvent;
using engine::ReservationEvent;

struct LimitCase {
  const char* name;
  int tenant_limit;
  int dc_limit;
  ReasonCode reason;
};

void PrintTo(const LimitCase& c, std::ostream* os) {
  *os << c.name;
}

class ConcurrencyLimits : public ::testing::TestWithParam<LimitCase> {};

TEST_P(ConcurrencyLimits, RefusedAcceptKeepsTheOfferOpenAndChargesNothing) {
  const LimitCase& tc = GetParam();
  auto ts = Scenario::DefaultTenant();
  ts.max_concurrent_calls = tc.tenant_limit;
  Scenario s(ts, engine::DatacenterConfig{"dc1", tc.dc_limit});
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, "+12015550101");
  ContactId c2 = s.AddContact(camp, "+12015550102");
  s.phones.Script("+12015550101", AnswersThenHangsUp(2000, 60'000));
  AgentId a = s.AddAgent();
  AgentId b = s.AddAgent();
  s.Available(a);
  s.Available(b);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  ASSERT_EQ(s.OfferedContact(b), c2);
  OfferId offer = s.OfferOf(b);
  size_t attempts = s.store.memory.attempt_count();
  Answer refused = s.Accept(b);
  EXPECT_EQ(refused.code(), tc.reason);
  EXPECT_EQ(s.OfferOf(b), offer);  // stays open
  EXPECT_EQ(s.StateOf(b), AgentState::kPreviewing);
  EXPECT_EQ(s.StateOf(camp, c2), ContactState::kInProgress);
  EXPECT_EQ(s.ContactOf(camp, c2).attempts_made, 0);
  EXPECT_EQ(s.store.memory.attempt_count(), attempts);  // neither dialed nor charged
  EXPECT_EQ(s.phones.CustomerLegsTo("+12015550102").size(), 0u);
  auto notice = s.events.Last<NoticeEvent>(b);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->reason_code, tc.reason);
  EXPECT_EQ(s.events.Count<engine::OfferClosedEvent>(b), 0u);
  // A second try while the call still runs is refused again; after it ends (wrap-up is not a
  // call in progress) Accept goes through.
  EXPECT_EQ(s.Accept(b).code(), tc.reason);
  s.Run(60'000);
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  Answer ok = s.Accept(b);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(s.phones.CustomerLegsTo("+12015550102").size(), 1u);
  EXPECT_LE(s.dialer->DatacenterActiveCalls(), tc.dc_limit);
  EXPECT_LE(s.dialer->ActiveCalls(s.tenant), tc.tenant_limit);
  // Skip stays possible on a refused offer: checked in the next test.
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, ConcurrencyLimits,
    ::testing::Values(LimitCase{"tenant", 1, 100, ReasonCode::kTenantConcurrentCallLimit},
                      LimitCase{"datacenter", 100, 1, ReasonCode::kDatacenterConcurrentCallLimit}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(ConcurrencyLimits, SkipAfterALimitRefusalWorks) {
  auto ts = Scenario::DefaultTenant();
  ts.max_concurrent_calls = 1;
  Scenario s(ts);
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, "+12015550101");
  ContactId c2 = s.AddContact(camp, "+12015550102");
  ContactId c3 = s.AddContact(camp, "+12015550103");
  s.phones.Script("+12015550101", RingsForever());
  AgentId a = s.AddAgent();
  AgentId b = s.AddAgent();
  s.Available(a);
  s.Available(b);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  ASSERT_EQ(s.OfferedContact(b), c2);
  EXPECT_EQ(s.Accept(b).code(), ReasonCode::kTenantConcurrentCallLimit);
  ASSERT_TRUE(s.Skip(b).ok());
  EXPECT_EQ(s.OfferedContact(b), c3);
  EXPECT_EQ(s.StateOf(camp, c2), ContactState::kCallable);
}

TEST(ConcurrencyLimits, TimeoutAcceptRefusedByLimitIsRetriedByTheServer) {
  auto ts = Scenario::DefaultTenant();
  ts.max_concurrent_calls = 1;
  Scenario s(ts);
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.preview_offer_timeout_s = 10;
  cs.preview_timeout_action = core::TimeoutAction::kAccept;
  CampaignId camp = s.AddCampaign(cs);
  s.AddContact(camp, "+12015550101");
  ContactId c2 = s.AddContact(camp, "+12015550102");
  s.phones.Script("+12015550101", AnswersThenHangsUp(1000, 30'000));
  AgentId a = s.AddAgent();
  AgentId b = s.AddAgent();
  s.Available(a);
  s.Available(b);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.RunSeconds(10);  // b's countdown ends while a's call is connected
  EXPECT_EQ(s.events.Last<NoticeEvent>(b)->reason_code, ReasonCode::kTenantConcurrentCallLimit);
  EXPECT_EQ(s.OfferedContact(b), c2);
  EXPECT_EQ(s.phones.CustomerLegsTo("+12015550102").size(), 0u);
  s.RunSeconds(30);  // a's customer hung up: the server's retry goes through
  EXPECT_EQ(s.phones.CustomerLegsTo("+12015550102").size(), 1u);
  auto closed = s.events.Last<engine::OfferClosedEvent>(b);
  EXPECT_EQ(closed->action, OfferAction::kAccept);
  EXPECT_EQ(closed->by, engine::ClosedBy::kTimeout);
}

TEST(ConcurrencyLimits, NeverExceededWithManyAgents) {
  auto ts = Scenario::DefaultTenant();
  ts.max_concurrent_calls = 3;
  Scenario s(ts, engine::DatacenterConfig{"dc1", 4});
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  for (int i = 0; i < 20; ++i) s.AddContact(camp, fmt::format("+1201555{:04d}", i));
  std::vector<AgentId> agents;
  for (int i = 0; i < 10; ++i) agents.push_back(s.AddAgent());
  for (AgentId a : agents) s.Available(a);
  s.Run(1000);
  int refused = 0, placed = 0;
  for (AgentId a : agents) {
    Answer r = s.Accept(a);
    if (r.ok()) {
      ++placed;
    } else {
      EXPECT_EQ(r.code(), ReasonCode::kTenantConcurrentCallLimit);
      ++refused;
    }
    EXPECT_LE(s.dialer->ActiveCalls(s.tenant), 3);
  }
  EXPECT_EQ(placed, 3);
  EXPECT_EQ(refused, 7);
}

TEST(Reservation, RingLimitSetsAgentIdleAndReturnsTheContact) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.reservation_ring_limit_s = 5;
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent("sim:noanswer");
  s.Available(a);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kInProgress);
  s.Run(4999);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
  s.Run(1);
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  auto snap = s.dialer->Snapshot(a);
  EXPECT_EQ(snap->reason_code, ReasonCode::kReservationNotAnswered);
  auto res = s.events.Last<ReservationEvent>(a);
  EXPECT_EQ(res->state, core::ReservationState::kEnded);
  EXPECT_EQ(res->reason_code, ReasonCode::kReservationNotAnswered);
  EXPECT_FALSE(s.phones.IsLive(s.phones.StationLegs()[0].request.leg));
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 0);
  EXPECT_EQ(s.store.memory.attempt_count(), 0u);
  EXPECT_EQ(s.events.Count<OfferEvent>(a), 0u);
  s.RunSeconds(600);  // idle: not reserved again
  EXPECT_EQ(s.phones.StationLegs().size(), 1u);
}

TEST(Reservation, UnreachableStationIsNotAnswered) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent("sim:unreachable");
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.dialer->Snapshot(a)->reason_code, ReasonCode::kReservationNotAnswered);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  // Another agent gets the contact.
  AgentId b = s.AddAgent();
  s.Available(b);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(b), c1);
}

TEST(Reservation, ManualStationIsAnsweredFromTheDesktop) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent("sim:manual");
  s.Available(a);
  s.RunSeconds(10);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
  EXPECT_EQ(s.events.Count<OfferEvent>(a), 0u);
  ASSERT_TRUE(s.AnswerReservation(a).ok());
  s.Run(0);
  EXPECT_EQ(s.StateOf(a), AgentState::kPreviewing);
  EXPECT_EQ(s.OfferedContact(a), c1);
  EXPECT_EQ(s.events.Last<ReservationEvent>(a)->state, core::ReservationState::kAnswered);
  EXPECT_TRUE(s.AnswerReservation(a).ok());  // idempotent
}

TEST(Reservation, AutoStationCannotBeAnsweredFromTheDesktop) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent("sim:noanswer");
  s.Available(a);
  EXPECT_EQ(s.AnswerReservation(a).code(), ReasonCode::kActionDisabled);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
}

// The same with the real simulated telephony (src/telephony/sim), not the scripted one.
class NullSink final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event& e) override { events.push_back(e); }
  std::vector<engine::Event> events;
};

TEST(Reservation, ManualStationWithSimTelephony) {
  engine::SimulatedTime time(core::FromEpochMs(kStartMs));
  telephony::SimTelephony phones(time, time,
                                 telephony::RulePicker({{"*", telephony::SimOutcome::kBusy, 500}}));
  store::MemoryStore store;
  NullSink sink;
  engine::Dialer dialer({time, time, phones, store, sink}, engine::DatacenterConfig{});
  ASSERT_TRUE(dialer.zones().Intern("UTC").ok());
  ASSERT_TRUE(dialer.AddTenant(core::TenantId{1}, Scenario::DefaultTenant()).ok());
  ASSERT_TRUE(
      dialer.AddCampaign(core::TenantId{1}, CampaignId{1}, Scenario::Campaign(CampaignMode::kPreviewStandard))
          .ok());
  core::Contact c;
  c.id = ContactId{1};
  c.phones.push_back(core::Phone{"+12015550101", "", 0, false});
  c.next_eligible_at = time.Now();
  ASSERT_TRUE(dialer.AddContacts(CampaignId{1}, {c}).ok());
  ASSERT_TRUE(dialer.SetCampaignStatus(CampaignId{1}, core::CampaignStatus::kRunning).ok());
  ASSERT_TRUE(dialer.AddAgent(engine::AgentInfo{AgentId{1}, core::TenantId{1}, "a", "", "sim:manual"}).ok());
  dialer.Login(AgentId{1}, nullptr);
  dialer.SetAgentState(AgentId{1}, AgentState::kAvailable, "", nullptr);
  time.RunFor(core::Seconds{5});
  auto snap = dialer.Snapshot(AgentId{1});
  ASSERT_TRUE(snap->reservation);
  EXPECT_EQ(snap->state, AgentState::kReserved);
  bool answered = false;
  dialer.AnswerReservation(AgentId{1}, snap->reservation->reservation_id,
                           [&](const engine::ActionResult& r) { answered = r.ok(); });
  EXPECT_TRUE(answered);
  time.RunFor(core::Millis{0});
  snap = dialer.Snapshot(AgentId{1});
  ASSERT_TRUE(snap->offer);
  dialer.ActOnOffer(AgentId{1}, snap->offer->offer_id, OfferAction::kAccept, nullptr);
  time.RunFor(core::Seconds{1});
  const auto& contact = *dialer.FindContact(CampaignId{1}, ContactId{1});
  EXPECT_EQ(contact.last_outcome, Outcome::kBusy);
  EXPECT_EQ(contact.state, ContactState::kScheduled);
  EXPECT_TRUE(dialer.CheckInvariants().empty());
}

}  // namespace
}  // namespace outdial::scenarios
