// The customer call's progress (core/call_machine.h), as a table: phase x mode x input -> step.
#include "core/call_machine.h"

#include <gtest/gtest.h>

#include <string>

namespace outdial::core {
namespace {

using K = CallInputKind;
using S = CallStepKind;
using P = CallPhase;

CampaignSettings Mode(CampaignMode mode) {
  CampaignSettings s;
  s.mode = mode;
  return s;
}
const ModeRules kStandard = RulesFor(Mode(CampaignMode::kPreviewStandard));  // CPA + AMD on by default
const ModeRules kDirect = RulesFor(Mode(CampaignMode::kPreviewDirect));
const ModeRules kPull = RulesFor(Mode(CampaignMode::kPreview));
ModeRules StandardHangingUpOnMachines() {
  CampaignSettings s = Mode(CampaignMode::kPreviewStandard);
  s.on_machine = OnMachine::kHangup;
  return RulesFor(s);
}
ModeRules StandardWithoutAmd() {
  CampaignSettings s = Mode(CampaignMode::kPreviewStandard);
  s.cpa.amd_enabled = false;
  return RulesFor(s);
}
ModeRules StandardWithoutCpa() {
  CampaignSettings s = Mode(CampaignMode::kPreviewStandard);
  s.cpa.enabled = false;
  return RulesFor(s);
}

struct Row {
  std::string name;
  P phase;
  ModeRules rules;
  CallInput input;
  S kind;
  Outcome outcome = Outcome::kConnected;
  ReasonCode reason = ReasonCode::kNetworkError;
  bool hangup = false;
  std::optional<AmdResult> amd;
  bool record_answer = false;
  bool arm_ring_limit = false;
};

CallInput In(K kind, int sip = 0, AmdResult amd = AmdResult::kUnknown) {
  return CallInput{kind, sip, amd, {}, false};
}

class CallMachineTable : public ::testing::TestWithParam<Row> {};

TEST_P(CallMachineTable, Step) {
  const Row& r = GetParam();
  CallStep step = NextCallStep(r.phase, r.rules, r.input);
  EXPECT_EQ(step.kind, r.kind);
  EXPECT_EQ(step.record_answer, r.record_answer);
  if (r.kind == S::kRing) {
    EXPECT_EQ(step.arm_ring_limit, r.arm_ring_limit);
  }
  if (r.kind == S::kConnect || r.kind == S::kFail) {
    EXPECT_EQ(step.outcome, r.outcome);
    EXPECT_EQ(step.amd, r.amd);
  }
  if (r.kind == S::kFail) {
    EXPECT_EQ(step.reason, r.reason);
    EXPECT_EQ(step.hangup, r.hangup);
  }
}

CallInput Hint(Outcome outcome) {
  CallInput in = In(K::kFailed);
  in.outcome_hint = outcome;
  return in;
}
CallInput Cancelled487() {
  CallInput in = In(K::kFailed, 487);
  in.cancel_requested = true;
  return in;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CallMachineTable,
    ::testing::Values(
        // Ringing arms the no-answer limit, except in Direct Preview where the agent decides.
        Row{"RingStandard",
            P::kDialing,
            kStandard,
            In(K::kRinging, 180),
            S::kRing,
            {},
            {},
            false,
            {},
            false,
            true},
        Row{"RingPull", P::kDialing, kPull, In(K::kRinging, 180), S::kRing, {}, {}, false, {}, false, true},
        Row{"RingDirect",
            P::kDialing,
            kDirect,
            In(K::kRinging, 183),
            S::kRing,
            {},
            {},
            false,
            {},
            false,
            false},
        Row{"RingAgain", P::kRinging, kStandard, In(K::kRinging, 183), S::kIgnore},
        // The answer: without CPA the agent hears the customer at once; with CPA it waits.
        Row{"AnswerDirect",
            P::kRinging,
            kDirect,
            In(K::kAnswered, 200),
            S::kConnect,
            Outcome::kConnected,
            {},
            false,
            std::nullopt,
            true},
        Row{"AnswerPull",
            P::kDialing,
            kPull,
            In(K::kAnswered, 200),
            S::kConnect,
            Outcome::kConnected,
            {},
            false,
            std::nullopt,
            true},
        Row{"AnswerNoCpa",
            P::kRinging,
            StandardWithoutCpa(),
            In(K::kAnswered, 200),
            S::kConnect,
            Outcome::kConnected,
            {},
            false,
            std::nullopt,
            true},
        Row{"AnswerCpa", P::kRinging, kStandard, In(K::kAnswered, 200), S::kAnalyze, {}, {}, false, {}, true},
        Row{"AnswerCpaFromDialing",
            P::kDialing,
            kStandard,
            In(K::kAnswered, 200),
            S::kAnalyze,
            {},
            {},
            false,
            {},
            true},
        Row{"AnswerTwice", P::kAnalyzing, kStandard, In(K::kAnswered, 200), S::kIgnore},
        Row{"AnswerWhenConnected", P::kConnected, kDirect, In(K::kAnswered, 200), S::kIgnore},
        // The verdict.
        Row{"Human",
            P::kAnalyzing,
            kStandard,
            In(K::kCpaVerdict, 200, AmdResult::kHuman),
            S::kConnect,
            Outcome::kConnected,
            {},
            false,
            AmdResult::kHuman},
        Row{"NotSure",
            P::kAnalyzing,
            kStandard,
            In(K::kCpaVerdict, 200, AmdResult::kUnknown),
            S::kConnect,
            Outcome::kConnected,
            {},
            false,
            AmdResult::kUnknown},
        Row{"MachineConnects",
            P::kAnalyzing,
            kStandard,
            In(K::kCpaVerdict, 200, AmdResult::kMachine),
            S::kConnect,
            Outcome::kMachine,
            {},
            false,
            AmdResult::kMachine},
        Row{"MachineHungUp", P::kAnalyzing, StandardHangingUpOnMachines(),
            In(K::kCpaVerdict, 200, AmdResult::kMachine), S::kFail, Outcome::kMachine,
            ReasonCode::kAnsweringMachine, true, AmdResult::kMachine},
        Row{"MachineWithoutAmd",
            P::kAnalyzing,
            StandardWithoutAmd(),
            In(K::kCpaVerdict, 200, AmdResult::kMachine),
            S::kConnect,
            Outcome::kConnected,
            {},
            false,
            AmdResult::kUnknown},
        Row{"Fax", P::kAnalyzing, kStandard, In(K::kCpaVerdict, 200, AmdResult::kFax), S::kFail,
            Outcome::kFax, ReasonCode::kFaxDetected, true, AmdResult::kFax},
        Row{"VerdictBeforeAnswer", P::kRinging, kStandard, In(K::kCpaVerdict, 200, AmdResult::kHuman),
            S::kIgnore},
        Row{"VerdictAfterConnect", P::kConnected, kStandard, In(K::kCpaVerdict, 200, AmdResult::kFax),
            S::kIgnore},
        // Failures before the agent hears anybody: the SIP code, or what media analysis found.
        Row{"Busy", P::kRinging, kStandard, In(K::kFailed, 486), S::kFail, Outcome::kBusy,
            ReasonCode::kCustomerBusy},
        Row{"NoResponse", P::kDialing, kDirect, In(K::kFailed, 0), S::kFail, Outcome::kNetworkError,
            ReasonCode::kNetworkError},
        Row{"AgentCancel487", P::kRinging, kDirect, Cancelled487(), S::kFail, Outcome::kCancelled,
            ReasonCode::kAgentCancelled},
        Row{"Sit", P::kRinging, kStandard, Hint(Outcome::kSpecialInformationTone), S::kFail,
            Outcome::kSpecialInformationTone, ReasonCode::kSpecialInformationTone},
        Row{"SitWhileAnalyzing", P::kAnalyzing, kStandard, Hint(Outcome::kSpecialInformationTone), S::kFail,
            Outcome::kSpecialInformationTone, ReasonCode::kSpecialInformationTone},
        Row{"FailedAfterConnect", P::kConnected, kStandard, In(K::kFailed, 503), S::kIgnore},
        // Hang-ups.
        Row{"HangupConnected", P::kConnected, kStandard, In(K::kEnded), S::kEndConnected},
        Row{"HangupWhileAnalyzing", P::kAnalyzing, kStandard, In(K::kEnded), S::kFail, Outcome::kNetworkError,
            ReasonCode::kNetworkError},
        Row{"HangupEnded", P::kEnded, kStandard, In(K::kEnded), S::kIgnore},
        // The ring limit.
        Row{"RingTimeout", P::kRinging, kStandard, In(K::kRingTimeout), S::kFail, Outcome::kNoAnswer,
            ReasonCode::kNoAnswer, true},
        Row{"RingTimeoutWhileAnalyzing", P::kAnalyzing, kStandard, In(K::kRingTimeout), S::kIgnore},
        Row{"RingTimeoutConnected", P::kConnected, kPull, In(K::kRingTimeout), S::kIgnore}),
    [](const ::testing::TestParamInfo<Row>& row) { return row.param.name; });

TEST(CallMachine, AnalyzingShowsAsRinging) {
  EXPECT_EQ(PublicState(CallPhase::kAnalyzing), CallState::kRinging);
  EXPECT_EQ(PublicState(CallPhase::kDialing), CallState::kDialing);
  EXPECT_EQ(PublicState(CallPhase::kConnected), CallState::kConnected);
  EXPECT_EQ(PublicState(CallPhase::kEnded), CallState::kEnded);
}

TEST(ModeRules, EachModeDiffersWhereProductSpecSaysSo) {
  EXPECT_TRUE(kStandard.push && kStandard.cpa && kStandard.amd && kStandard.ring_limit);
  EXPECT_FALSE(kStandard.end_while_ringing || kStandard.early_media_to_agent ||
               kStandard.agent_station_first);
  EXPECT_TRUE(kDirect.push && kDirect.early_media_to_agent && kDirect.end_while_ringing);
  EXPECT_FALSE(kDirect.cpa || kDirect.ring_limit);
  EXPECT_FALSE(kPull.push || kPull.can_remove || kPull.can_cancel || kPull.cpa);
  EXPECT_TRUE(kPull.agent_station_first && kPull.early_media_to_agent && kPull.ring_limit);
  CampaignSettings accept = Mode(CampaignMode::kPreview);
  accept.preview_timeout_action = TimeoutAction::kAccept;
  EXPECT_EQ(RulesFor(accept).timeout_action, TimeoutAction::kSkip);  // pull never dials on a timeout
  accept.mode = CampaignMode::kPreviewDirect;
  EXPECT_EQ(RulesFor(accept).timeout_action, TimeoutAction::kAccept);
  CampaignSettings locked = Mode(CampaignMode::kPreviewStandard);
  locked.skip_disabled = locked.remove_disabled = true;
  EXPECT_FALSE(RulesFor(locked).can_skip || RulesFor(locked).can_remove);
  EXPECT_TRUE(RulesFor(locked).can_cancel);
}

}  // namespace
}  // namespace outdial::core
