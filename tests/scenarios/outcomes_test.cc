// PRODUCT.md §5.2 steps 6–7 and §7: every customer-call outcome with its reason code, the raw SIP
// code kept on the attempt, the retry rule applied to the contact, and the next contact offered on
// the same reservation.
#include <gtest/gtest.h>

#include "scenarios/scenario_fixture.h"

namespace outdial::scenarios {
namespace {

using engine::AttemptFailedEvent;
using engine::CallEvent;
using engine::OfferEvent;

constexpr char kFirst[] = "+12015550101";
constexpr char kSecond[] = "+12015550102";

struct OutcomeCase {
  const char* name;
  LegScript script;
  Outcome outcome;
  ReasonCode reason;
  int sip_code;
  std::optional<core::AmdResult> amd;
  int64_t wait_ms;             // from Accept until the attempt has failed
  ContactState contact_state;  // with one number and default limits
  int retry_delay_s;           // from the failure; ignored unless scheduled
  bool counts = true;          // attempt counted
  bool number_invalid = false;
  bool on_machine_hangup = false;  // campaign setting
};

std::vector<OutcomeCase> Cases() {
  return {
      {"busy_486",
       FailsWith(486),
       Outcome::kBusy,
       ReasonCode::kCustomerBusy,
       486,
       {},
       1500,
       ContactState::kScheduled,
       300},
      {"busy_600",
       FailsWith(600),
       Outcome::kBusy,
       ReasonCode::kCustomerBusy,
       600,
       {},
       1500,
       ContactState::kScheduled,
       300},
      {"no_answer_408",
       FailsWith(408),
       Outcome::kNoAnswer,
       ReasonCode::kNoAnswer,
       408,
       {},
       1500,
       ContactState::kScheduled,
       1800},
      {"no_answer_480",
       FailsWith(480),
       Outcome::kNoAnswer,
       ReasonCode::kNoAnswer,
       480,
       {},
       1500,
       ContactState::kScheduled,
       1800},
      // The ring limit (32 s by default) ends the ringing call; the engine cancelled it (487).
      {"no_answer_ring_limit",
       RingsForever(),
       Outcome::kNoAnswer,
       ReasonCode::kNoAnswer,
       487,
       {},
       32'100,
       ContactState::kScheduled,
       1800},
      // An invalid number is never dialed again: with one number the contact is exhausted.
      {"invalid_404",
       FailsWith(404),
       Outcome::kInvalidNumber,
       ReasonCode::kInvalidNumber,
       404,
       {},
       1500,
       ContactState::kExhausted,
       0,
       true,
       true},
      {"invalid_410",
       FailsWith(410),
       Outcome::kInvalidNumber,
       ReasonCode::kInvalidNumber,
       410,
       {},
       1500,
       ContactState::kExhausted,
       0,
       true,
       true},
      {"invalid_484",
       FailsWith(484),
       Outcome::kInvalidNumber,
       ReasonCode::kInvalidNumber,
       484,
       {},
       1500,
       ContactState::kExhausted,
       0,
       true,
       true},
      {"invalid_604",
       FailsWith(604),
       Outcome::kInvalidNumber,
       ReasonCode::kInvalidNumber,
       604,
       {},
       1500,
       ContactState::kExhausted,
       0,
       true,
       true},
      {"rejected_403",
       FailsWith(403),
       Outcome::kRejected,
       ReasonCode::kCallRejected,
       403,
       {},
       1500,
       ContactState::kScheduled,
       3600},
      {"rejected_603",
       FailsWith(603),
       Outcome::kRejected,
       ReasonCode::kCallRejected,
       603,
       {},
       1500,
       ContactState::kScheduled,
       3600},
      {"network_500",
       FailsWith(500),
       Outcome::kNetworkError,
       ReasonCode::kNetworkError,
       500,
       {},
       1500,
       ContactState::kScheduled,
       600},
      {"network_503",
       FailsWith(503),
       Outcome::kNetworkError,
       ReasonCode::kNetworkError,
       503,
       {},
       1500,
       ContactState::kScheduled,
       600},
      {"network_no_response",
       FailsWith(0, 32'000),
       Outcome::kNetworkError,
       ReasonCode::kNetworkError,
       0,
       {},
       32'000,
       ContactState::kScheduled,
       600},
      // A 487 the agent did not ask for is the network's doing.
      {"network_unasked_487",
       FailsWith(487),
       Outcome::kNetworkError,
       ReasonCode::kNetworkError,
       487,
       {},
       1500,
       ContactState::kScheduled,
       600},
      {"machine_hangup", Answers(2000, core::AmdResult::kMachine), Outcome::kMachine,
       ReasonCode::kAnsweringMachine, 200, core::AmdResult::kMachine, 2000, ContactState::kScheduled, 3600,
       true, false, true},
      // Fax and SIT use the `rejected` rule (docs/architecture.md decisions).
      {"fax", Answers(2000, core::AmdResult::kFax), Outcome::kFax, ReasonCode::kFaxDetected, 200,
       core::AmdResult::kFax, 2000, ContactState::kScheduled, 3600},
      {"sit",
       SitTones(1500),
       Outcome::kSpecialInformationTone,
       ReasonCode::kSpecialInformationTone,
       0,
       {},
       1500,
       ContactState::kScheduled,
       3600},
  };
}

void PrintTo(const OutcomeCase& c, std::ostream* os) {
  *os << c.name;
}

class Outcomes : public ::testing::TestWithParam<OutcomeCase> {};

TEST_P(Outcomes, FailedAttemptHasItsReasonRetryRuleAndNextContact) {
  const OutcomeCase& tc = GetParam();
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  if (tc.on_machine_hangup) cs.on_machine = core::OnMachine::kHangup;
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kFirst);
  ContactId c2 = s.AddContact(camp, kSecond);
  s.phones.Script(kFirst, tc.script);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), c1);
  ReservationId rid = s.ReservationOf(a);
  Answer acc = s.Accept(a);
  ASSERT_TRUE(acc.ok());
  CallId call = acc.result->value().call_id;
  s.Run(tc.wait_ms - 1);
  // Not failed a moment before its time (e.g. the ring limit).
  EXPECT_EQ(s.events.Count<AttemptFailedEvent>(a), 0u);
  s.Run(1);
  TimePoint failed_at = s.Now();
  auto failed = s.events.Last<AttemptFailedEvent>(a);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->call_id, call);
  EXPECT_EQ(failed->reason_code, tc.reason);
  EXPECT_EQ(failed->sip_code, tc.sip_code);
  auto ended = s.events.Last<CallEvent>(a);
  EXPECT_EQ(ended->state, core::CallState::kEnded);
  EXPECT_EQ(ended->outcome, tc.outcome);
  // The attempt row: outcome, reason, raw SIP code, AMD verdict.
  const engine::AttemptRecord* row = s.store.memory.FindAttempt(call);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->outcome, tc.outcome);
  EXPECT_EQ(row->reason, tc.reason);
  EXPECT_EQ(row->sip_code, tc.sip_code);
  EXPECT_EQ(row->amd, tc.amd);
  EXPECT_EQ(row->number, kFirst);
  EXPECT_TRUE(row->ended_at);
  // The contact's retry rule.
  const core::Contact& c = s.ContactOf(camp, c1);
  EXPECT_EQ(c.state, tc.contact_state);
  EXPECT_EQ(c.last_outcome, tc.outcome);
  EXPECT_EQ(c.attempts_made, tc.counts ? 1 : 0);
  EXPECT_EQ(c.phones[0].invalid, tc.number_invalid);
  if (tc.contact_state == ContactState::kScheduled) {
    EXPECT_EQ(c.next_eligible_at, failed_at + core::Seconds{tc.retry_delay_s});
  }
  EXPECT_EQ(s.store.memory.FindContact(c1)->state, tc.contact_state);
  // The dialog offers the next contact on the same reservation.
  EXPECT_EQ(s.StateOf(a), AgentState::kPreviewing);
  EXPECT_EQ(s.OfferedContact(a), c2);
  EXPECT_EQ(s.ReservationOf(a), rid);
  EXPECT_EQ(s.dialer->ActiveCalls(s.tenant), 0);
  auto stats = s.dialer->Stats(camp);
  EXPECT_EQ(stats->attempts_by_outcome[static_cast<size_t>(tc.outcome)], 1);
  if (tc.number_invalid) {
    // Never dialed again, however long we wait.
    ASSERT_TRUE(s.Skip(a).ok());
    s.RunSeconds(3 * 24 * 3600);
    EXPECT_EQ(s.phones.CustomerLegsTo(kFirst).size(), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Outcomes, ::testing::ValuesIn(Cases()),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(Outcomes, InvalidNumberMovesToTheContactsOtherNumber) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactSpec spec;
  spec.numbers = {kFirst, kSecond};
  ContactId c1 = s.AddContact(camp, spec);
  s.phones.Script(kFirst, FailsWith(404));
  s.phones.Script(kSecond, FailsWith(486));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(1500);
  TimePoint at = s.Now();
  EXPECT_TRUE(s.ContactOf(camp, c1).phones[0].invalid);
  // The number is marked invalid and the contact takes the `rejected` rule (architecture.md).
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_EQ(s.ContactOf(camp, c1).next_eligible_at, at + core::Seconds{3600});
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  s.RunSeconds(3600);
  s.Run(2000);  // the campaign wakes on whole seconds, then the reservation call rings 1 s
  auto offer = s.events.Last<OfferEvent>(a);
  ASSERT_EQ(s.OfferedContact(a), c1);
  EXPECT_EQ(offer->phone, kSecond);
  ASSERT_TRUE(s.Accept(a).ok());
  EXPECT_EQ(s.phones.CustomerLegsTo(kFirst).size(), 1u);
  EXPECT_EQ(s.phones.CustomerLegsTo(kSecond).size(), 1u);
}

TEST(Outcomes, AgentCancelWhileRingingWithEndCallEnabled) {
  auto ts = Scenario::DefaultTenant();
  ts.end_call_enabled = true;
  Scenario s(ts);
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kFirst);
  s.phones.Script(kFirst, RingsForever());
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  EXPECT_TRUE(s.events.Last<CallEvent>(a)->can_cancel);  // Cancel instead of the plain Ringing
  s.Run(5000);
  auto ringing = s.events.Last<CallEvent>(a);
  EXPECT_EQ(ringing->state, core::CallState::kRinging);
  EXPECT_TRUE(ringing->can_cancel);
  CallId call = s.CallOf(a);
  core::LegId leg = s.phones.CustomerLegs()[0].request.leg;
  TimePoint at = s.Now();
  Answer cancel = s.CancelCall(a);
  ASSERT_TRUE(cancel.ok());
  EXPECT_FALSE(s.phones.IsLive(leg));  // the call was stopped
  auto ended = s.events.Last<CallEvent>(a);
  EXPECT_EQ(ended->state, core::CallState::kEnded);
  EXPECT_EQ(ended->outcome, Outcome::kCancelled);
  EXPECT_EQ(s.events.Last<AttemptFailedEvent>(a)->reason_code, ReasonCode::kAgentCancelled);
  const auto* row = s.store.memory.FindAttempt(call);
  EXPECT_EQ(row->outcome, Outcome::kCancelled);
  EXPECT_EQ(row->reason, ReasonCode::kAgentCancelled);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_EQ(s.ContactOf(camp, c1).next_eligible_at, at + core::Seconds{600});
  // Repeating the cancel answers the same; the call is gone.
  Answer again = s.CancelCall(a, call);
  EXPECT_TRUE(again.ok());
}

TEST(Outcomes, CancelWhileRingingWithoutEndCallEnabledIsRefused) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kFirst);
  s.phones.Script(kFirst, RingsForever());
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(5000);
  EXPECT_FALSE(s.events.Last<CallEvent>(a)->can_cancel);
  EXPECT_EQ(s.CancelCall(a).code(), ReasonCode::kActionDisabled);
  EXPECT_EQ(s.StateOf(a), AgentState::kRinging);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kInProgress);
  // Standard Preview: the ring limit ends it.
  s.RunSeconds(30);
  EXPECT_EQ(s.events.Last<AttemptFailedEvent>(a)->reason_code, ReasonCode::kNoAnswer);
}

TEST(Outcomes, MachineWithConnectLetsTheAgentLeaveAVoicemail) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kFirst);
  s.phones.Script(kFirst, Answers(2000, core::AmdResult::kMachine));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  auto connected = s.events.Last<CallEvent>(a);
  EXPECT_EQ(connected->state, core::CallState::kConnected);
  EXPECT_EQ(connected->amd_result, core::AmdResult::kMachine);  // "answering machine" shown
  EXPECT_EQ(s.events.Count<AttemptFailedEvent>(a), 0u);
  s.RunSeconds(20);
  CallId call = s.CallOf(a);
  ASSERT_TRUE(s.EndCall(a).ok());
  TimePoint at = s.Now();
  ASSERT_TRUE(s.WrapUp(a, "voicemail_left").ok());  // a retry disposition
  const auto* row = s.store.memory.FindAttempt(call);
  EXPECT_EQ(row->outcome, Outcome::kMachine);
  EXPECT_EQ(row->amd, core::AmdResult::kMachine);
  EXPECT_EQ(row->disposition, "voicemail_left");
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_EQ(s.ContactOf(camp, c1).next_eligible_at, at + core::Seconds{3600});  // the machine rule
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 1);
}

TEST(Outcomes, CustomerHangsUpAConnectedCallIntoWrapUp) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  s.AddContact(camp, kFirst);
  s.phones.Script(kFirst, AnswersThenHangsUp(2000, 45'000));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  EXPECT_EQ(s.StateOf(a), AgentState::kConnected);
  s.Run(45'000);
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  EXPECT_EQ(s.events.Last<CallEvent>(a)->state, core::CallState::kEnded);
  EXPECT_EQ(s.dialer->ActiveCalls(s.tenant), 0);  // wrap-up is not a call in progress
}

}  // namespace
}  // namespace outdial::scenarios
