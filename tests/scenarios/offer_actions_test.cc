// PRODUCT.md §5.2 steps 1–5 and 8 in Standard Preview: the reservation call, the offer with its
// server-owned countdown, each agent action, each timeout action, timeout 0, refusals of disabled
// actions, OFFER_CLOSED and the idempotent repeat of the closing action.
#include <gtest/gtest.h>

#include "scenarios/scenario_fixture.h"

namespace outdial::scenarios {
namespace {

using engine::CallEvent;
using engine::ClosedBy;
using engine::OfferClosedEvent;
using engine::OfferEvent;
using engine::ReservationEvent;

TEST(StandardPreview, FullCycleReserveOfferAcceptConnectWrapUp) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.displayed_fields = {"account"};
  CampaignId camp = s.AddCampaign(cs);
  ContactSpec spec;
  spec.numbers = {"+12015550101"};
  spec.name = "Ada Lovelace";
  spec.fields = {{"account", "A-1"}, {"secret", "x"}};
  ContactId contact = s.AddContact(camp, spec);
  AgentId a = s.AddAgent();
  // Write before act: the attempt row exists before the customer's INVITE leaves.
  bool attempt_durable_at_dial = false;
  s.phones.on_originate = [&](const engine::LegRequest& r) {
    if (r.kind == engine::LegKind::kCustomer) attempt_durable_at_dial = s.store.memory.attempt_count() == 1;
  };

  s.Available(a);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
  EXPECT_EQ(s.StateOf(camp, contact), ContactState::kInProgress);
  ASSERT_EQ(s.phones.StationLegs().size(), 1u);
  EXPECT_EQ(s.phones.StationLegs()[0].request.destination, "sim:auto");
  auto res = s.events.Last<ReservationEvent>(a);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->state, core::ReservationState::kRinging);
  EXPECT_EQ(res->campaign_id, camp);

  s.Run(1000);  // sim:auto answers after 1 s
  EXPECT_EQ(s.StateOf(a), AgentState::kPreviewing);
  auto offer = s.events.Last<OfferEvent>(a);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->reservation_id, res->reservation_id);
  EXPECT_EQ(offer->campaign_id, camp);
  EXPECT_EQ(offer->campaign_description, "Scenario campaign");
  EXPECT_EQ(offer->mode, CampaignMode::kPreviewStandard);
  EXPECT_EQ(offer->contact_id, contact);
  EXPECT_EQ(offer->contact_name, "Ada Lovelace");
  EXPECT_EQ(offer->phone, "+12015550101");
  ASSERT_EQ(offer->fields.size(), 1u);  // configured fields only
  EXPECT_EQ(offer->fields[0].first, "account");
  ASSERT_TRUE(offer->expires_at);
  EXPECT_EQ(*offer->expires_at, s.Now() + core::Seconds{600});
  EXPECT_EQ(offer->timeout_action, core::TimeoutAction::kSkip);
  EXPECT_TRUE(offer->can_accept && offer->can_skip && offer->can_remove && offer->can_cancel);
  std::vector<std::string> expected = {"agent.state", "agent.state", "agent.state", "reservation",
                                       "reservation", "agent.state", "offer"};
  EXPECT_EQ(s.events.Types(a), expected);

  Answer acc = s.Accept(a);
  ASSERT_TRUE(acc.ok());
  CallId call = acc.result->value().call_id;
  EXPECT_TRUE(call.valid());
  EXPECT_TRUE(attempt_durable_at_dial);
  auto closed = s.events.Last<OfferClosedEvent>(a);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->action, OfferAction::kAccept);
  EXPECT_EQ(closed->by, ClosedBy::kAgent);
  EXPECT_EQ(s.StateOf(a), AgentState::kDialing);
  auto cust = s.phones.CustomerLegs();
  ASSERT_EQ(cust.size(), 1u);
  EXPECT_EQ(cust[0].request.destination, "+12015550101");
  EXPECT_EQ(cust[0].request.caller_id, "+12015550000");                           // tenant default
  EXPECT_EQ(cust[0].request.bridge_with, s.phones.StationLegs()[0].request.leg);  // on the reservation line
  EXPECT_TRUE(cust[0].request.cpa);
  EXPECT_TRUE(cust[0].request.amd);
  EXPECT_FALSE(cust[0].request.early_media_to_agent);
  auto dialing = s.events.Last<CallEvent>(a);
  ASSERT_TRUE(dialing);
  EXPECT_EQ(dialing->state, core::CallState::kDialing);
  EXPECT_EQ(dialing->contact_id, contact);
  EXPECT_EQ(dialing->offer_id, offer->offer_id);
  EXPECT_FALSE(dialing->can_cancel);  // tenant without end_call_enabled

  s.Run(100);
  EXPECT_EQ(s.StateOf(a), AgentState::kRinging);
  s.Run(1900);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  auto connected = s.events.Last<CallEvent>(a);
  EXPECT_EQ(connected->state, core::CallState::kConnected);
  ASSERT_TRUE(connected->answered_at);
  EXPECT_EQ(connected->amd_result, core::AmdResult::kHuman);

  s.Run(30'000);
  ASSERT_TRUE(s.EndCall(a).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  auto wrap = s.events.Last<engine::WrapupEvent>(a);
  ASSERT_TRUE(wrap);
  EXPECT_EQ(wrap->call_id, call);
  EXPECT_EQ(wrap->dispositions.size(), core::CampaignSettings::DefaultDispositions().size());
  ASSERT_TRUE(wrap->deadline_at);
  EXPECT_EQ(*wrap->deadline_at, s.Now() + core::Seconds{120});
  EXPECT_EQ(s.events.Last<ReservationEvent>(a)->state, core::ReservationState::kEnded);

  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  EXPECT_EQ(s.StateOf(camp, contact), ContactState::kDone);
  EXPECT_EQ(s.ContactOf(camp, contact).attempts_made, 1);
  EXPECT_EQ(s.ContactOf(camp, contact).last_outcome, Outcome::kConnected);
  auto rows = s.store.AttemptRows(call);
  ASSERT_GE(rows.size(), 3u);
  EXPECT_FALSE(rows.front().outcome);  // written as dialing
  const auto* final_row = s.store.memory.FindAttempt(call);
  ASSERT_NE(final_row, nullptr);
  EXPECT_EQ(final_row->outcome, Outcome::kConnected);
  EXPECT_EQ(final_row->disposition, "sale");
  EXPECT_EQ(final_row->amd, core::AmdResult::kHuman);
  EXPECT_TRUE(final_row->answered_at && final_row->ended_at);
  EXPECT_EQ(s.store.memory.FindContact(contact)->state, ContactState::kDone);
  // No contact left: the agent is Available and waits.
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  auto stats = s.dialer->Stats(camp);
  EXPECT_EQ(stats->attempts_total, 1);
  EXPECT_EQ(stats->contacts_by_state[static_cast<size_t>(ContactState::kDone)], 1);
}

TEST(StandardPreview, SkipOffersNextContactOnSameReservationWithFreshCountdown) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  ContactId c2 = s.AddContact(camp, "+12015550102");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), c1);
  ReservationId rid = s.ReservationOf(a);
  OfferId first = s.OfferOf(a);
  s.Run(100'000);  // countdown partly used
  ASSERT_TRUE(s.Skip(a).ok());
  auto closed = s.events.Last<OfferClosedEvent>(a);
  EXPECT_EQ(closed->offer_id, first);
  EXPECT_EQ(closed->action, OfferAction::kSkip);
  EXPECT_EQ(closed->by, ClosedBy::kAgent);
  EXPECT_EQ(s.OfferedContact(a), c2);  // the next one, not the skipped one again
  EXPECT_EQ(s.ReservationOf(a), rid);
  EXPECT_EQ(s.StateOf(a), AgentState::kPreviewing);
  auto next = s.events.Last<OfferEvent>(a);
  EXPECT_EQ(next->reservation_id, rid);
  EXPECT_EQ(*next->expires_at, s.Now() + core::Seconds{600});
  EXPECT_EQ(s.phones.StationLegs().size(), 1u);  // no second reservation call
  // The skipped contact went back by the `skipped` rule (delay 0, not an attempt).
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 0);
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
  EXPECT_EQ(s.store.memory.attempt_count(), 0u);  // a skip is not an attempt
}

TEST(StandardPreview, SkipOfLastContactShowsItAgainWhenItIsTheOnlyOne) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Skip(a).ok());
  // Only one contact and skip's delay is 0: nothing else to pick, so the reservation ends and the
  // agent stays Available; the contact is callable again and comes back on the next reservation.
  EXPECT_EQ(
      s.StateOf(camp, c1) == ContactState::kCallable || s.StateOf(camp, c1) == ContactState::kInProgress,
      true);
  EXPECT_TRUE(s.Problems().empty());
}

TEST(StandardPreview, SkipWithDelayedRetryRuleSchedulesTheContact) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.retry[static_cast<size_t>(core::RetryKey::kSkipped)] = core::RetryRule{900, false};
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  TimePoint skipped_at = s.Now();
  ASSERT_TRUE(s.Skip(a).ok());
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_EQ(s.ContactOf(camp, c1).next_eligible_at, skipped_at + core::Seconds{900});
  auto notice = s.events.Last<engine::NoticeEvent>(a);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->reason_code, ReasonCode::kNoCallableContacts);
  EXPECT_EQ(s.events.Last<ReservationEvent>(a)->state, core::ReservationState::kEnded);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);  // no contact left: stays Available
  s.RunSeconds(900);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);  // the contact came due: reserved again
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c1);
}

TEST(StandardPreview, RemoveClosesTheContactForGood) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  ContactId c2 = s.AddContact(camp, "+12015550102");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Remove(a).ok());
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kRemoved);
  EXPECT_EQ(s.store.memory.FindContact(c1)->state, ContactState::kRemoved);
  EXPECT_EQ(s.OfferedContact(a), c2);
  ASSERT_TRUE(s.Remove(a).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  s.RunSeconds(24 * 3600);  // a whole day: nothing is ever offered or called again
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
  EXPECT_EQ(s.events.Count<OfferEvent>(a), 2u);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kRemoved);
}

TEST(StandardPreview, CancelLeavesCampaignAgentIdleContactUntouched) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  core::Contact before = s.ContactOf(camp, c1);
  ASSERT_TRUE(s.CancelOffer(a).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  auto snap = s.dialer->Snapshot(a);
  EXPECT_EQ(snap->reason_code, ReasonCode::kAgentCancelled);
  EXPECT_FALSE(snap->offer || snap->reservation || snap->call);
  EXPECT_EQ(s.events.Last<OfferClosedEvent>(a)->action, OfferAction::kCancel);
  EXPECT_EQ(s.events.Last<ReservationEvent>(a)->state, core::ReservationState::kEnded);
  EXPECT_FALSE(s.phones.IsLive(s.phones.StationLegs()[0].request.leg));  // reservation line hung up
  const core::Contact& after = s.ContactOf(camp, c1);
  EXPECT_EQ(after.state, ContactState::kCallable);
  EXPECT_EQ(after.attempts_made, before.attempts_made);
  EXPECT_EQ(after.next_eligible_at, before.next_eligible_at);
  // Idle: no more work until the agent is Available again.
  s.RunSeconds(600);
  EXPECT_EQ(s.events.Count<OfferEvent>(a), 1u);
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c1);
}

TEST(StandardPreview, IdleWhilePreviewingIsCancel) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  s.Idle(a, "lunch");
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.dialer->Snapshot(a)->reason, "lunch");
  EXPECT_EQ(s.events.Last<OfferClosedEvent>(a)->action, OfferAction::kCancel);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
  EXPECT_EQ(s.events.Last<ReservationEvent>(a)->state, core::ReservationState::kEnded);
}

TEST(StandardPreview, IdleWhileReservedReturnsHeldContact) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent("sim:manual");
  s.Available(a);
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
  s.Idle(a);
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
}

struct TimeoutCase {
  const char* name;
  core::TimeoutAction action;
  OfferAction closed_as;
};

class TimeoutActions : public ::testing::TestWithParam<TimeoutCase> {};

TEST_P(TimeoutActions, ServerPerformsTheTimeoutActionWhenTheCountdownEnds) {
  const TimeoutCase& tc = GetParam();
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.preview_offer_timeout_s = 30;
  cs.preview_timeout_action = tc.action;
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, "+12015550101");
  ContactId c2 = s.AddContact(camp, "+12015550102");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  auto offer = s.events.Last<OfferEvent>(a);
  EXPECT_EQ(offer->timeout_action, tc.action);
  s.Run(29'999);
  EXPECT_EQ(s.OfferOf(a), offer->offer_id);  // still open just before
  s.Run(1);
  auto closed = s.events.Last<OfferClosedEvent>(a);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->offer_id, offer->offer_id);
  EXPECT_EQ(closed->action, tc.closed_as);
  EXPECT_EQ(closed->by, ClosedBy::kTimeout);
  switch (tc.action) {
    case core::TimeoutAction::kAccept:
      EXPECT_EQ(s.StateOf(a), AgentState::kDialing);
      ASSERT_EQ(s.phones.CustomerLegs().size(), 1u);
      EXPECT_EQ(s.phones.CustomerLegs()[0].request.destination, "+12015550101");
      break;
    case core::TimeoutAction::kSkip:
      EXPECT_EQ(s.OfferedContact(a), c2);
      EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);
      EXPECT_TRUE(s.phones.CustomerLegs().empty());
      break;
    case core::TimeoutAction::kRemove:
      EXPECT_EQ(s.OfferedContact(a), c2);
      EXPECT_EQ(s.StateOf(camp, c1), ContactState::kRemoved);
      EXPECT_TRUE(s.phones.CustomerLegs().empty());
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, TimeoutActions,
    ::testing::Values(TimeoutCase{"accept", core::TimeoutAction::kAccept, OfferAction::kAccept},
                      TimeoutCase{"skip", core::TimeoutAction::kSkip, OfferAction::kSkip},
                      TimeoutCase{"remove", core::TimeoutAction::kRemove, OfferAction::kRemove}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(StandardPreview, TimeoutZeroDialsAtOnceAfterTheOfferEvent) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.preview_offer_timeout_s = 0;
  cs.preview_timeout_action = core::TimeoutAction::kAccept;
  CampaignId camp = s.AddCampaign(cs);
  s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.events.Clear();
  s.Run(1000);
  auto types = s.events.Types(a);
  auto at = std::find(types.begin(), types.end(), "offer");
  ASSERT_NE(at, types.end());
  ASSERT_NE(at + 1, types.end());
  EXPECT_EQ(*(at + 1), "offer.closed");
  auto offer = s.events.Last<OfferEvent>(a);
  EXPECT_FALSE(offer->expires_at);  // no countdown
  auto closed = s.events.Last<OfferClosedEvent>(a);
  EXPECT_EQ(closed->action, OfferAction::kAccept);
  EXPECT_EQ(closed->by, ClosedBy::kTimeout);
  EXPECT_EQ(s.phones.CustomerLegs().size(), 1u);
  EXPECT_EQ(s.StateOf(a), AgentState::kDialing);
}

TEST(StandardPreview, DisabledActionsAreRefusedByTheServer) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.skip_disabled = true;
  cs.remove_disabled = true;
  cs.preview_timeout_action = core::TimeoutAction::kAccept;  // a disabled action cannot be the timeout action
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  auto offer = s.events.Last<OfferEvent>(a);
  EXPECT_FALSE(offer->can_skip);
  EXPECT_FALSE(offer->can_remove);
  EXPECT_TRUE(offer->can_accept && offer->can_cancel);
  size_t batches = s.store.batches.size();
  EXPECT_EQ(s.Skip(a).code(), ReasonCode::kActionDisabled);
  EXPECT_EQ(s.Remove(a).code(), ReasonCode::kActionDisabled);
  // Refused: nothing changed, the offer is still open.
  EXPECT_EQ(s.OfferOf(a), offer->offer_id);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kInProgress);
  EXPECT_EQ(s.events.Count<OfferClosedEvent>(a), 0u);
  for (size_t i = batches; i < s.store.batches.size(); ++i) {
    EXPECT_TRUE(s.store.batches[i].contacts.empty() && s.store.batches[i].attempts.empty());
  }
  EXPECT_TRUE(s.Accept(a).ok());
}

TEST(StandardPreview, DifferentActionOnClosedOfferIsOfferClosedAndRepeatAnswersTheSame) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, "+12015550101");
  s.AddContact(camp, "+12015550102");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  OfferId first = s.OfferOf(a);
  Answer skip = s.Act(a, first, OfferAction::kSkip);
  ASSERT_TRUE(skip.ok());
  EXPECT_EQ(s.Act(a, first, OfferAction::kAccept).code(), ReasonCode::kOfferClosed);
  EXPECT_EQ(s.Act(a, first, OfferAction::kRemove).code(), ReasonCode::kOfferClosed);
  Answer again = s.Act(a, first, OfferAction::kSkip);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.result->value().offer_id, skip.result->value().offer_id);
  EXPECT_EQ(s.events.Count<OfferClosedEvent>(a), 1u);  // the repeat changed nothing
  // Another agent's offer id is not this agent's.
  AgentId b = s.AddAgent();
  EXPECT_EQ(s.Act(b, first, OfferAction::kSkip).code(), ReasonCode::kNotFound);
}

TEST(StandardPreview, AcceptIsIdempotentAndNeverDialsTwice) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, "+12015550101");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  OfferId offer = s.OfferOf(a);
  Answer first = s.Act(a, offer, OfferAction::kAccept);
  ASSERT_TRUE(first.ok());
  Answer second = s.Act(a, offer, OfferAction::kAccept);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.result->value().call_id, first.result->value().call_id);
  s.Run(3000);
  Answer third = s.Act(a, offer, OfferAction::kAccept);  // also once connected
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third.result->value().call_id, first.result->value().call_id);
  EXPECT_EQ(s.phones.CustomerLegs().size(), 1u);
  EXPECT_EQ(s.store.memory.attempt_count(), 1u);
  EXPECT_EQ(s.Act(a, offer, OfferAction::kCancel).code(), ReasonCode::kOfferClosed);
}

}  // namespace
}  // namespace outdial::scenarios
