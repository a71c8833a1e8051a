// PRODUCT.md §5.1 Preview (pull) and §5.3 Direct Preview, several campaigns per agent by
// priority and team, pausing and stopping a campaign, and Idle requests while on a call.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "scenarios/scenario_fixture.h"

namespace outdial::scenarios {
namespace {

using engine::AttemptFailedEvent;
using engine::CallEvent;
using engine::NoticeEvent;
using engine::OfferClosedEvent;
using engine::OfferEvent;
using engine::ReservationEvent;
using engine::WrapupEvent;

constexpr char kNum1[] = "+12015550101";
constexpr char kNum2[] = "+12015550102";
constexpr char kNum3[] = "+12015550103";

std::optional<ReasonCode> CodeOf(const core::Result<void>& r) {
  if (r.ok()) return std::nullopt;
  return r.error().code;
}

// ---- Direct Preview -------------------------------------------------------------------------------

TEST(DirectPreview, NoCpaNoRingLimitAgentHearsTheLineAndEnds) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewDirect));
  ContactId c1 = s.AddContact(camp, kNum1);
  s.phones.Script(kNum1, RingsForever());
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  auto offer = s.events.Last<OfferEvent>(a);
  EXPECT_EQ(offer->mode, CampaignMode::kPreviewDirect);
  EXPECT_TRUE(offer->can_remove && offer->can_cancel);  // as Standard Preview up to Accept
  ASSERT_TRUE(s.Accept(a).ok());
  auto leg = s.phones.CustomerLegs().at(0).request;
  EXPECT_FALSE(leg.cpa);
  EXPECT_FALSE(leg.amd);
  EXPECT_TRUE(leg.early_media_to_agent);
  s.RunSeconds(10 * 60);  // far beyond no_answer_ring_limit_s: no ring limit in Direct Preview
  EXPECT_EQ(s.StateOf(a), AgentState::kRinging);
  EXPECT_EQ(s.events.Count<AttemptFailedEvent>(a), 0u);
  // Without end_call_enabled there is no Cancel button, but the agent may End the ringing call.
  EXPECT_EQ(s.CancelCall(a).code(), ReasonCode::kActionDisabled);
  CallId call = s.CallOf(a);
  ASSERT_TRUE(s.EndCall(a).ok());
  EXPECT_FALSE(s.phones.IsLive(leg.leg));
  EXPECT_EQ(s.store.memory.FindAttempt(call)->outcome, Outcome::kCancelled);
  EXPECT_EQ(s.events.Last<AttemptFailedEvent>(a)->reason_code, ReasonCode::kAgentCancelled);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_TRUE(s.EndCall(a, call).ok());  // repeat: same answer
}

TEST(DirectPreview, AnsweredMachineIsClassifiedInWrapUp) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewDirect));
  ContactId c1 = s.AddContact(camp, kNum1);
  s.phones.Script(kNum1, Answers(5000, core::AmdResult::kMachine));  // no CPA: no verdict arrives
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(5000);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  auto connected = s.events.Last<CallEvent>(a);
  EXPECT_NE(connected->amd_result, core::AmdResult::kMachine);
  CallId call = s.CallOf(a);
  ASSERT_TRUE(s.EndCall(a).ok());
  ASSERT_TRUE(s.WrapUp(a, "voicemail_left").ok());
  EXPECT_EQ(s.store.memory.FindAttempt(call)->outcome, Outcome::kConnected);
  EXPECT_EQ(s.store.memory.FindAttempt(call)->disposition, "voicemail_left");
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
}

TEST(DirectPreview, CancelWithEndCallEnabled) {
  auto ts = Scenario::DefaultTenant();
  ts.end_call_enabled = true;
  Scenario s(ts);
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewDirect));
  s.AddContact(camp, kNum1);
  s.phones.Script(kNum1, RingsForever());
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.RunSeconds(3);
  EXPECT_TRUE(s.events.Last<CallEvent>(a)->can_cancel);
  ASSERT_TRUE(s.CancelCall(a).ok());
  EXPECT_EQ(s.events.Last<CallEvent>(a)->outcome, Outcome::kCancelled);
}

// ---- Preview (pull) -------------------------------------------------------------------------------

core::CampaignSettings PullCampaign() {
  auto cs = Scenario::Campaign(CampaignMode::kPreview);
  cs.preview_offer_timeout_s = 60;
  return cs;
}

TEST(PullPreview, CampaignIconOffersAcceptAndSkipOnlyWithoutReservationCall) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.RunSeconds(5);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);  // nothing is pushed in pull mode
  EXPECT_TRUE(s.phones.originated().empty());
  Answer pull = s.Pull(a);
  ASSERT_TRUE(pull.ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kPreviewing);
  auto offer = s.events.Last<OfferEvent>(a);
  EXPECT_EQ(offer->offer_id, pull.result->value().offer_id);
  EXPECT_FALSE(offer->reservation_id.valid());
  EXPECT_EQ(offer->contact_id, c1);
  EXPECT_TRUE(offer->can_accept);
  EXPECT_TRUE(offer->can_skip);
  EXPECT_FALSE(offer->can_remove);
  EXPECT_FALSE(offer->can_cancel);
  EXPECT_EQ(offer->timeout_action, core::TimeoutAction::kSkip);
  EXPECT_TRUE(s.phones.originated().empty());  // no reservation call before Accept
  EXPECT_EQ(s.Remove(a).code(), ReasonCode::kActionDisabled);
  EXPECT_EQ(s.CancelOffer(a).code(), ReasonCode::kActionDisabled);
  // The icon is disabled while handling a contact.
  EXPECT_EQ(s.Pull(a).code(), ReasonCode::kAgentNotAvailable);

  // Accept: the agent's station first, then the customer.
  bool attempt_durable_at_dial = false;
  s.phones.on_originate = [&](const engine::LegRequest& r) {
    if (r.kind == engine::LegKind::kCustomer) attempt_durable_at_dial = s.store.memory.attempt_count() == 1;
  };
  Answer acc = s.Accept(a);
  ASSERT_TRUE(acc.ok());
  ASSERT_EQ(s.phones.StationLegs().size(), 1u);
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
  EXPECT_EQ(s.StateOf(a), AgentState::kDialing);
  s.Run(1000);  // sim:auto answers
  ASSERT_EQ(s.phones.CustomerLegs().size(), 1u);
  EXPECT_TRUE(attempt_durable_at_dial);
  auto leg = s.phones.CustomerLegs()[0].request;
  EXPECT_EQ(leg.bridge_with, s.phones.StationLegs()[0].request.leg);
  EXPECT_TRUE(leg.early_media_to_agent);  // the agent hears the ringback
  s.Run(2000);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  ASSERT_TRUE(s.EndCall(a).ok());
  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDone);
}

TEST(PullPreview, NoCallableContacts) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  AgentId a = s.AddAgent();
  s.Available(a);
  EXPECT_EQ(s.Pull(a).code(), ReasonCode::kNoCallableContacts);
  EXPECT_EQ(s.events.Last<NoticeEvent>(a)->reason_code, ReasonCode::kNoCallableContacts);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_EQ(s.Pull(a, camp).code(), ReasonCode::kNoCallableContacts);
  EXPECT_EQ(s.Pull(a, CampaignId{99}).code(), ReasonCode::kNotFound);
}

TEST(PullPreview, ExpiryIsASkip) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  ASSERT_TRUE(s.Pull(a).ok());
  auto offer = s.events.Last<OfferEvent>(a);
  EXPECT_EQ(*offer->expires_at, s.Now() + core::Seconds{60});
  s.RunSeconds(60);
  auto closed = s.events.Last<OfferClosedEvent>(a);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->action, OfferAction::kSkip);
  EXPECT_EQ(closed->by, engine::ClosedBy::kTimeout);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  EXPECT_TRUE(s.phones.originated().empty());
}

TEST(PullPreview, SkipReturnsTheContactAndClosesTheDialog) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  ContactId c1 = s.AddContact(camp, kNum1);
  ContactId c2 = s.AddContact(camp, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  ASSERT_TRUE(s.Pull(a).ok());
  s.RunSeconds(5);  // the skipped contact is due again from the skip on, later than c2
  ASSERT_TRUE(s.Skip(a).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_FALSE(s.OfferedContact(a));  // no next contact pushed: the dialog closes
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  ASSERT_TRUE(s.Pull(a).ok());
  EXPECT_EQ(s.OfferedContact(a), c2);
}

TEST(PullPreview, FromIdleReturnsToIdle) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  s.AddContact(camp, kNum1);
  s.AddContact(camp, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Idle(a, "paperwork");
  ASSERT_TRUE(s.Pull(a).ok());
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(3000);
  ASSERT_TRUE(s.EndCall(a).ok());
  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  ASSERT_TRUE(s.Pull(a).ok());
  ASSERT_TRUE(s.Skip(a).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
}

TEST(PullPreview, StationNotAnsweredChargesNoAttempt) {
  Scenario s;
  auto cs = PullCampaign();
  cs.reservation_ring_limit_s = 5;
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent("sim:noanswer");
  s.Available(a);
  ASSERT_TRUE(s.Pull(a).ok());
  ASSERT_TRUE(s.Accept(a).ok());
  s.RunSeconds(5);
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.dialer->Snapshot(a)->reason_code, ReasonCode::kReservationNotAnswered);
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 0);
  EXPECT_EQ(s.dialer->Stats(camp)->attempts_total, 0);
}

TEST(PullPreview, FailedAttemptReturnsTheAgent) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  ContactId c1 = s.AddContact(camp, kNum1);
  s.phones.Script(kNum1, FailsWith(486, 500));
  AgentId a = s.AddAgent();
  s.Available(a);
  ASSERT_TRUE(s.Pull(a).ok());
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(1500);
  EXPECT_EQ(s.events.Last<AttemptFailedEvent>(a)->reason_code, ReasonCode::kCustomerBusy);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
}

// ---- several campaigns --------------------------------------------------------------------------

TEST(Campaigns, HigherPriorityCampaignFirstThenTheNext) {
  Scenario s;
  auto low = Scenario::Campaign(CampaignMode::kPreviewStandard);
  low.priority = 3;
  auto high = Scenario::Campaign(CampaignMode::kPreviewDirect);
  high.priority = 8;
  CampaignId c_low = s.AddCampaign(low);
  CampaignId c_high = s.AddCampaign(high);
  ContactId in_low = s.AddContact(c_low, kNum1, 100);
  ContactId in_high = s.AddContact(c_high, kNum2, 0);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(s.events.Last<OfferEvent>(a)->campaign_id, c_high);
  EXPECT_EQ(s.OfferedContact(a), in_high);
  ASSERT_TRUE(s.Remove(a).ok());
  // The reservation of the high campaign has nothing left: it ends, and the low campaign's
  // contact comes on a new reservation.
  s.Run(1000);
  EXPECT_EQ(s.events.Last<OfferEvent>(a)->campaign_id, c_low);
  EXPECT_EQ(s.OfferedContact(a), in_low);
}

TEST(Campaigns, TeamsDecideWhoWorksACampaign) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.teams = {"sales"};
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId support = s.AddAgent("sim:auto", "support");
  AgentId sales = s.AddAgent("sim:auto", "sales");
  s.Available(support);
  s.Run(1000);
  EXPECT_EQ(s.StateOf(support), AgentState::kAvailable);
  s.Available(sales);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(sales), c1);
}

// ---- pause / stop ---------------------------------------------------------------------------------

struct StatusCase {
  const char* name;
  core::CampaignStatus status;
};
void PrintTo(const StatusCase& c, std::ostream* os) {
  *os << c.name;
}
class PauseStop : public ::testing::TestWithParam<StatusCase> {};

TEST_P(PauseStop, ClosesOffersAndRingingReservationsCallsFinish) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  ContactId c2 = s.AddContact(camp, kNum2);
  ContactId c3 = s.AddContact(camp, "+12015550103");
  AgentId on_call = s.AddAgent();
  AgentId previewing = s.AddAgent();
  AgentId ringing = s.AddAgent("sim:manual");
  s.phones.Script(kNum1, AnswersThenHangsUp(1000, 60'000));
  s.Available(on_call);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(on_call), c1);
  ASSERT_TRUE(s.Accept(on_call).ok());
  s.Run(1000);
  EXPECT_EQ(s.StateOf(on_call), AgentState::kConnected);
  s.Available(previewing);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(previewing), c2);
  s.Available(ringing);
  EXPECT_EQ(s.StateOf(ringing), AgentState::kReserved);

  ASSERT_TRUE(s.dialer->SetCampaignStatus(camp, GetParam().status).ok());
  auto closed = s.events.Last<OfferClosedEvent>(previewing);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->by, engine::ClosedBy::kSystem);
  EXPECT_EQ(closed->reason_code, ReasonCode::kCampaignNotRunning);
  EXPECT_EQ(s.StateOf(previewing), AgentState::kAvailable);
  EXPECT_EQ(s.StateOf(camp, c2), ContactState::kCallable);
  EXPECT_EQ(s.events.Last<ReservationEvent>(ringing)->state, core::ReservationState::kEnded);
  EXPECT_EQ(s.StateOf(ringing), AgentState::kAvailable);
  EXPECT_EQ(s.StateOf(camp, c3), ContactState::kCallable);
  EXPECT_EQ(s.StateOf(on_call), AgentState::kConnected);  // the call goes on
  s.RunSeconds(60);
  EXPECT_EQ(s.StateOf(on_call), AgentState::kWrapUp);
  ASSERT_TRUE(s.WrapUp(on_call, "sale").ok());
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDone);
  s.RunSeconds(600);
  // Nothing is offered while the campaign does not run.
  for (AgentId a : {on_call, previewing, ringing}) EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  ASSERT_TRUE(s.dialer->SetCampaignStatus(camp, core::CampaignStatus::kRunning).ok());
  s.Run(1000);
  EXPECT_TRUE(s.OfferedContact(on_call) || s.OfferedContact(previewing));
}

INSTANTIATE_TEST_SUITE_P(Scenarios, PauseStop,
                         ::testing::Values(StatusCase{"pause", core::CampaignStatus::kPaused},
                                           StatusCase{"stop", core::CampaignStatus::kStopped}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(PauseStop, PullOfferClosesAndPullIsRefused) {
  Scenario s;
  CampaignId camp = s.AddCampaign(PullCampaign());
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  ASSERT_TRUE(s.Pull(a).ok());
  ASSERT_TRUE(s.dialer->SetCampaignStatus(camp, core::CampaignStatus::kPaused).ok());
  EXPECT_EQ(s.events.Last<OfferClosedEvent>(a)->reason_code, ReasonCode::kCampaignNotRunning);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  EXPECT_EQ(s.Pull(a, camp).code(), ReasonCode::kCampaignNotRunning);
}

// ---- Idle while working ---------------------------------------------------------------------------

TEST(AgentIdle, IdleDuringACallTakesEffectAfterWrapUp) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, kNum1);
  s.AddContact(camp, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  s.Idle(a, "break");
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  ASSERT_TRUE(s.EndCall(a).ok());
  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.dialer->Snapshot(a)->reason, "break");
  s.RunSeconds(60);
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
}

TEST(AgentIdle, IdleWhileDialingThenFailureEndsTheReservation) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  ContactId c2 = s.AddContact(camp, kNum2);
  s.phones.Script(kNum1, FailsWith(486, 3000));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Idle(a);
  s.Run(3000);
  // The failed attempt would offer the next contact; the agent asked to go idle instead.
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_EQ(s.StateOf(camp, c2), ContactState::kCallable);
  EXPECT_EQ(s.events.Last<ReservationEvent>(a)->state, core::ReservationState::kEnded);
}

// ---- Snapshot of an agent handling a contact ------------------------------------------------------

// A desktop that reconnects mid-call or in wrap-up gets everything from the snapshot: the contact
// card of the accepted offer, and the dispositions with the wrap-up deadline.
TEST(Snapshot, CarriesTheAcceptedContactAndTheWrapUpChoices) {
  Scenario s;
  core::CampaignSettings settings = Scenario::Campaign(CampaignMode::kPreviewStandard);
  settings.displayed_fields = {"account"};
  CampaignId camp = s.AddCampaign(settings);
  ContactSpec spec;
  spec.numbers = {kNum1};
  spec.name = "Ada Lovelace";
  spec.fields = {{"account", "A-17"}, {"secret", "hidden"}};
  ContactId c1 = s.AddContact(camp, spec);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  EXPECT_FALSE(s.dialer->Snapshot(a)->task.has_value()) << "no task while only previewing";
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_EQ(s.StateOf(a), AgentState::kConnected);
  auto during = s.dialer->Snapshot(a);
  ASSERT_TRUE(during->call.has_value());
  ASSERT_TRUE(during->task.has_value());
  EXPECT_EQ(during->task->offer_id, during->call->offer_id);
  EXPECT_EQ(during->task->contact_id, c1);
  EXPECT_EQ(during->task->contact_name, "Ada Lovelace");
  EXPECT_EQ(during->task->phone, kNum1);
  ASSERT_EQ(during->task->fields.size(), 1U);
  EXPECT_EQ(during->task->fields[0].first, "account");
  EXPECT_FALSE(during->wrapup.has_value());

  ASSERT_TRUE(s.EndCall(a).ok());
  ASSERT_EQ(s.StateOf(a), AgentState::kWrapUp);
  auto wrapping = s.dialer->Snapshot(a);
  ASSERT_TRUE(wrapping->wrapup.has_value());
  EXPECT_EQ(wrapping->wrapup->call_id, wrapping->call->call_id);
  EXPECT_EQ(wrapping->wrapup->dispositions.size(), settings.dispositions.size());
  auto event = s.events.Last<WrapupEvent>(a);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(wrapping->wrapup->deadline_at, event->deadline_at);
  EXPECT_TRUE(wrapping->task.has_value());

  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  auto after = s.dialer->Snapshot(a);
  EXPECT_FALSE(after->task.has_value());
  EXPECT_FALSE(after->wrapup.has_value());
}

// ---- Removing a campaign ----------------------------------------------------------------------------

TEST(RemoveCampaign, WaitsUntilNoAgentWorksItThenForgetsIt) {
  Scenario s;
  CampaignId gone = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(gone, kNum1);
  s.AddContact(gone, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(CodeOf(s.dialer->RemoveCampaign(gone)), ReasonCode::kConflict) << "running";
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_TRUE(s.dialer->SetCampaignStatus(gone, core::CampaignStatus::kPaused).ok());
  EXPECT_TRUE(s.dialer->CampaignHasLiveWork(gone));
  EXPECT_EQ(CodeOf(s.dialer->RemoveCampaign(gone)), ReasonCode::kConflict) << "a call is in progress";
  ASSERT_TRUE(s.EndCall(a).ok());
  EXPECT_EQ(CodeOf(s.dialer->RemoveCampaign(gone)), ReasonCode::kConflict) << "wrap-up is still open";
  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  EXPECT_FALSE(s.dialer->CampaignHasLiveWork(gone));
  ASSERT_TRUE(s.dialer->RemoveCampaign(gone).ok());
  EXPECT_FALSE(s.dialer->Campaign(gone).has_value());
  EXPECT_FALSE(s.dialer->Stats(gone).has_value());
  EXPECT_EQ(CodeOf(s.dialer->RemoveCampaign(gone)), ReasonCode::kNotFound);

  // The agent goes on with the other campaigns of the tenant as if the removed one never was.
  CampaignId next = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c3 = s.AddContact(next, kNum3);
  s.Run(2000);
  auto offer = s.events.Last<OfferEvent>(a);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->campaign_id, next);
  EXPECT_EQ(offer->contact_id, c3);
  EXPECT_TRUE(s.dialer->CheckInvariants().empty());
}

}  // namespace
}  // namespace outdial::scenarios
