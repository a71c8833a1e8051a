// API.md attempt and `call` event times: `answered_at` is the far end's answer, before any CPA
// verdict; `connected_at` is when the agent hears the customer; `ended_at` is the call's end and
// the wrap-up does not move it (its own end is `wrapped_up_at`). And PRODUCT.md §8.3: an event goes
// out only after the change it reports is stored.
#include <gtest/gtest.h>

#include "scenarios/scenario_fixture.h"

namespace outdial::scenarios {
namespace {

using engine::CallEvent;
using engine::OfferClosedEvent;
using engine::OfferEvent;

constexpr char kNum[] = "+12015550101";

LegScript AnswersWithVerdictAfter(int64_t answer_ms, int64_t verdict_ms, int64_t talk_ms) {
  LegScript s = Answers(answer_ms, core::AmdResult::kHuman);
  s.back().verdict_after_ms = verdict_ms;
  s.push_back(
      LegStep{answer_ms + verdict_ms + talk_ms, LegEventKind::kEnded, 0, core::AmdResult::kUnknown, 0, {}});
  return s;
}

TEST(CallTimes, StandardPreviewAnswerThenVerdictThenTalkThenWrapUp) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, kNum);
  s.phones.Script(kNum, AnswersWithVerdictAfter(2000, 1500, 20000));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  TimePoint accepted = s.Now();
  CallId call = s.CallOf(a);
  s.Run(2000);  // answered, CPA listening: the agent does not hear the customer yet
  auto analyzing = s.events.Last<CallEvent>(a);
  ASSERT_TRUE(analyzing);
  EXPECT_EQ(analyzing->state, core::CallState::kRinging);
  ASSERT_TRUE(analyzing->answered_at);
  EXPECT_EQ(*analyzing->answered_at, accepted + core::Millis{2000});
  EXPECT_FALSE(analyzing->connected_at);
  EXPECT_EQ(s.StateOf(a), AgentState::kRinging);
  s.Run(1500);  // the verdict: a person
  auto connected = s.events.Last<CallEvent>(a);
  EXPECT_EQ(connected->state, core::CallState::kConnected);
  ASSERT_TRUE(connected->connected_at);
  EXPECT_EQ(*connected->connected_at - *connected->answered_at, core::Millis{1500});
  EXPECT_EQ(connected->amd_result, core::AmdResult::kHuman);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  s.Run(20000);  // the customer hangs up
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  TimePoint ended = s.Now();
  s.RunSeconds(30);
  ASSERT_TRUE(s.WrapUp(a, "sale").ok());
  auto rows = s.store.AttemptRows(call);
  ASSERT_FALSE(rows.empty());
  const engine::AttemptRecord& last = rows.back();
  EXPECT_EQ(last.answered_at, accepted + core::Millis{2000});
  EXPECT_EQ(last.connected_at, accepted + core::Millis{3500});
  EXPECT_EQ(last.ended_at, ended);  // the call's end, not the wrap-up's
  EXPECT_EQ(last.wrapped_up_at, ended + core::Seconds{30});
  EXPECT_FALSE(last.disposition.empty());
}

TEST(CallTimes, WithoutCpaTheAnswerIsTheConnection) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewDirect));
  s.AddContact(camp, kNum);
  s.phones.Script(kNum, AnswersThenHangsUp(2000, 5000));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  CallId call = s.CallOf(a);
  s.Run(2000);
  auto connected = s.events.Last<CallEvent>(a);
  EXPECT_EQ(connected->state, core::CallState::kConnected);
  EXPECT_EQ(connected->answered_at, connected->connected_at);
  s.Run(5000);
  auto rows = s.store.AttemptRows(call);
  EXPECT_EQ(rows.back().ended_at, s.Now());
  EXPECT_FALSE(rows.back().wrapped_up_at);
}

TEST(CallTimes, AHangUpWhileCpaListensIsNeverConnected) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId contact = s.AddContact(camp, kNum);
  LegScript script = Answers(2000, core::AmdResult::kHuman);
  script.back().verdict_after_ms = 3000;
  script.push_back(LegStep{3000, LegEventKind::kEnded, 0, core::AmdResult::kUnknown, 0, {}});
  s.phones.Script(kNum, script);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  CallId call = s.CallOf(a);
  s.Run(5000);
  const auto* attempt = s.store.memory.FindAttempt(call);
  ASSERT_NE(attempt, nullptr);
  EXPECT_TRUE(attempt->answered_at);
  EXPECT_FALSE(attempt->connected_at);
  EXPECT_EQ(attempt->outcome, Outcome::kNetworkError);
  EXPECT_EQ(s.StateOf(camp, contact), ContactState::kScheduled);
}

// PRODUCT.md §8.3 inside the engine: while the store has not committed, nothing the event reports
// reaches the clients, and the agent's action is not acknowledged; then both go out, in order.
TEST(EventsAfterDurability, NothingGoesOutBeforeItsCommit) {
  Scenario s;
  core::CampaignSettings cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.preview_offer_timeout_s = 30;
  cs.retry[static_cast<size_t>(core::RetryKey::kSkipped)].delay_s = 3600;
  CampaignId camp = s.AddCampaign(cs);
  ContactId first = s.AddContact(camp, kNum);
  s.AddContact(camp, "+12015550102");
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.events.Last<OfferEvent>(a));
  size_t before = s.events.events.size();
  s.store.hold = true;
  s.RunSeconds(30);  // the countdown skips: the contact change waits in the store
  EXPECT_GT(s.store.held(), 0u);
  EXPECT_EQ(s.events.events.size(), before) << "an event went out before its change was stored";
  EXPECT_EQ(s.StateOf(camp, first), ContactState::kScheduled);  // the engine has moved on
  s.store.ReleaseHeld();
  auto closed = s.events.Last<OfferClosedEvent>(a);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->by, engine::ClosedBy::kTimeout);
  EXPECT_EQ(s.store.memory.FindContact(first)->state, ContactState::kScheduled);
  // An agent action is acknowledged only after its commit, and its events come first.
  s.store.hold = true;
  auto skip = std::make_shared<std::optional<engine::ActionResult>>();
  size_t events_before_skip = s.events.events.size();
  s.dialer->ActOnOffer(
      a, s.OfferOf(a), OfferAction::kSkip, [skip, &s, events_before_skip](const engine::ActionResult& r) {
        EXPECT_GT(s.events.events.size(), events_before_skip) << "the ack went out before the events";
        *skip = r;
      });
  EXPECT_FALSE(skip->has_value()) << "acknowledged before its commit";
  EXPECT_EQ(s.events.events.size(), events_before_skip);
  s.store.ReleaseHeld();
  ASSERT_TRUE(skip->has_value());
  EXPECT_TRUE((*skip)->ok());
}

}  // namespace
}  // namespace outdial::scenarios
