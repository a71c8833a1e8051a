// Less travelled paths: the agent hangs up the reservation line, the agent changes its mind about
// Idle/Available during a pull preview, and a store that fails a commit (acknowledged means durable).
#include <gtest/gtest.h>

#include "scenarios/scenario_fixture.h"

namespace outdial::scenarios {
namespace {

using engine::AttemptFailedEvent;
using engine::CallEvent;
using engine::OfferClosedEvent;
using engine::ReservationEvent;

constexpr char kNum1[] = "+12015550101";
constexpr char kNum2[] = "+12015550102";

core::CampaignSettings PullCampaign() {
  auto cs = Scenario::Campaign(CampaignMode::kPreview);
  cs.preview_offer_timeout_s = 60;
  return cs;
}

TEST(ReservationLine, HangingUpWhilePreviewingLeavesTheCampaign) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), c1);
  s.phones.FarEndHangup(s.phones.StationLegs()[0].request.leg);
  s.Run(0);
  EXPECT_EQ(s.events.Last<OfferClosedEvent>(a)->action, OfferAction::kCancel);
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
}

TEST(ReservationLine, HangingUpWhileTheCustomerRingsCancelsTheCall) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  s.AddContact(camp, kNum2);
  s.phones.Script(kNum1, RingsForever());
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(500);
  CallId call = s.CallOf(a);
  s.phones.FarEndHangup(s.phones.StationLegs()[0].request.leg);
  s.Run(0);
  EXPECT_EQ(s.store.memory.FindAttempt(call)->outcome, Outcome::kCancelled);
  EXPECT_FALSE(s.phones.IsLive(s.phones.CustomerLegs()[0].request.leg));
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);  // the agent left: no next contact
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
}

TEST(ReservationLine, HangingUpAConnectedCallGoesToWrapUp) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_EQ(s.StateOf(a), AgentState::kConnected);
  core::LegId customer = s.phones.CustomerLegs()[0].request.leg;
  s.phones.FarEndHangup(s.phones.StationLegs()[0].request.leg);
  s.Run(0);
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  EXPECT_FALSE(s.phones.IsLive(customer));
  EXPECT_EQ(s.dialer->ActiveCalls(s.tenant), 0);
}

TEST(PullPreview, AvailableDuringAPreviewFromIdleIsHonoured) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  s.AddContact(camp, kNum1);
  s.AddContact(camp, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Idle(a);
  ASSERT_TRUE(s.Pull(a).ok());
  // While looking at the contact the agent switches to Available: that is where it goes after.
  EXPECT_TRUE(s.Capture(a, AgentState::kAvailable).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kPreviewing);
  ASSERT_TRUE(s.Skip(a).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
}

TEST(PullPreview, AvailableDuringACallFromIdleIsHonoured) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Idle(a);
  ASSERT_TRUE(s.Pull(a).ok());
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(3000);
  EXPECT_TRUE(s.Capture(a, AgentState::kAvailable).ok());
  ASSERT_TRUE(s.EndCall(a).ok());
  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
}

TEST(ClosedOffers, AgentRepeatingTheTimeoutActionAnswersAsTheServerDid) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.preview_offer_timeout_s = 10;
  cs.preview_timeout_action = core::TimeoutAction::kAccept;
  CampaignId camp = s.AddCampaign(cs);
  s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  OfferId offer = s.OfferOf(a);
  s.RunSeconds(10);  // the server accepts
  CallId call = s.CallOf(a);
  ASSERT_TRUE(call.valid());
  // The agent's late click on Accept answers like the server's accept, and dials nothing more.
  Answer late = s.Act(a, offer, OfferAction::kAccept);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late.result->value().call_id, call);
  EXPECT_EQ(s.Act(a, offer, OfferAction::kSkip).code(), ReasonCode::kOfferClosed);
  EXPECT_EQ(s.phones.CustomerLegs().size(), 1u);
}

TEST(ClosedOffers, SkipAfterTheServersTimeoutSkipAnswersTheSame) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.preview_offer_timeout_s = 10;
  CampaignId camp = s.AddCampaign(cs);
  s.AddContact(camp, kNum1);
  s.AddContact(camp, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  OfferId offer = s.OfferOf(a);
  s.RunSeconds(10);
  ASSERT_NE(s.OfferOf(a), offer);
  EXPECT_TRUE(s.Act(a, offer, OfferAction::kSkip).ok());
  EXPECT_EQ(s.Act(a, offer, OfferAction::kAccept).code(), ReasonCode::kOfferClosed);
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
}

TEST(StoreFailure, AcceptWhoseAttemptIsNotDurableDialsNothing) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  s.store.memory.FailNextCommits(1);
  Answer acc = s.Accept(a);
  EXPECT_EQ(acc.code(), ReasonCode::kUnavailable);  // not acknowledged: it was not stored
  EXPECT_TRUE(s.phones.CustomerLegs().empty());     // write before act: nothing dialed
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 0);
  EXPECT_NE(s.StateOf(camp, c1), ContactState::kDone);
  EXPECT_EQ(s.dialer->ActiveCalls(s.tenant), 0);
}

}  // namespace
}  // namespace outdial::scenarios
