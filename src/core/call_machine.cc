#include "core/call_machine.h"

namespace outdial::core {

std::string_view ToString(CallPhase phase) {
  switch (phase) {
    case CallPhase::kDialing: return "dialing";
    case CallPhase::kRinging: return "ringing";
    case CallPhase::kAnalyzing: return "analyzing";
    case CallPhase::kConnected: return "connected";
    case CallPhase::kEnded: return "ended";
  }
  return "ended";
}

CallState PublicState(CallPhase phase) {
  switch (phase) {
    case CallPhase::kDialing: return CallState::kDialing;
    case CallPhase::kRinging:
    case CallPhase::kAnalyzing: return CallState::kRinging;
    case CallPhase::kConnected: return CallState::kConnected;
    case CallPhase::kEnded: return CallState::kEnded;
  }
  return CallState::kEnded;
}

namespace {

CallStep Connect(Outcome outcome, std::optional<AmdResult> amd) {
  CallStep s;
  s.kind = CallStepKind::kConnect;
  s.outcome = outcome;
  s.amd = amd;
  return s;
}

CallStep Fail(Outcome outcome, ReasonCode reason, int sip_code, bool hangup) {
  CallStep s;
  s.kind = CallStepKind::kFail;
  s.outcome = outcome;
  s.reason = reason;
  s.sip_code = sip_code;
  s.hangup = hangup;
  return s;
}

// The verdict of CPA on an answered call (PRODUCT.md §5.2: fax and, when configured, machines
// are not put through to the agent).
CallStep OnVerdict(const ModeRules& rules, AmdResult amd) {
  switch (amd) {
    case AmdResult::kFax: {
      CallStep s = Fail(Outcome::kFax, ReasonCode::kFaxDetected, 200, true);
      s.amd = amd;
      return s;
    }
    case AmdResult::kMachine:
      if (!rules.amd) return Connect(Outcome::kConnected, AmdResult::kUnknown);
      if (rules.machine_hangs_up) {
        CallStep s = Fail(Outcome::kMachine, ReasonCode::kAnsweringMachine, 200, true);
        s.amd = amd;
        return s;
      }
      return Connect(Outcome::kMachine, AmdResult::kMachine);
    case AmdResult::kHuman:
    case AmdResult::kUnknown: return Connect(Outcome::kConnected, amd);
  }
  return Connect(Outcome::kConnected, amd);
}

bool Unanswered(CallPhase phase) {
  return phase == CallPhase::kDialing || phase == CallPhase::kRinging;
}
bool Open(CallPhase phase) {
  return phase != CallPhase::kConnected && phase != CallPhase::kEnded;
}

}  // namespace

CallStep NextCallStep(CallPhase phase, const ModeRules& rules, const CallInput& in) {
  switch (in.kind) {
    case CallInputKind::kRinging: {
      if (phase != CallPhase::kDialing) return {};
      CallStep s;
      s.kind = CallStepKind::kRing;
      s.arm_ring_limit = rules.ring_limit;
      return s;
    }
    case CallInputKind::kAnswered: {
      if (!Unanswered(phase)) return {};
      CallStep s =
          rules.cpa ? CallStep{.kind = CallStepKind::kAnalyze} : Connect(Outcome::kConnected, std::nullopt);
      s.record_answer = true;
      return s;
    }
    case CallInputKind::kCpaVerdict:
      if (phase != CallPhase::kAnalyzing) return {};
      return OnVerdict(rules, in.amd);
    case CallInputKind::kFailed: {
      if (!Open(phase)) return {};
      if (in.outcome_hint) {
        return Fail(*in.outcome_hint, ReasonFor(*in.outcome_hint).value_or(ReasonCode::kNetworkError),
                    in.sip_code, false);
      }
      SipClassification cls = ClassifySipFailure(in.sip_code, in.cancel_requested);
      return Fail(cls.outcome, cls.reason, in.sip_code, false);
    }
    case CallInputKind::kEnded:
      if (phase == CallPhase::kConnected) return CallStep{.kind = CallStepKind::kEndConnected};
      if (phase == CallPhase::kEnded) return {};
      return Fail(Outcome::kNetworkError, ReasonCode::kNetworkError, in.sip_code, false);
    case CallInputKind::kRingTimeout:
      if (phase != CallPhase::kRinging) return {};
      return Fail(Outcome::kNoAnswer, ReasonCode::kNoAnswer, 487, true);
  }
  return {};
}

}  // namespace outdial::core
