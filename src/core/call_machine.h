// The customer call's progress (PRODUCT.md §5, API.md `call`): a pure state machine that the
// engine drives. Given the call's phase, the campaign's mode rules and what telephony (or the ring
// timer) reported, NextCallStep says what happens: nothing, ringing, listening for the CPA verdict,
// connecting the agent, or ending the attempt with which outcome and reason. The engine carries
// the step out (timers, events, store writes); every decision about the call is made here.
//
// Pure: no I/O, no clock. Any thread. Table-tested in tests/core/call_machine_test.cc.
#pragma once

#include <optional>
#include <string_view>

#include "core/mode_rules.h"
#include "core/outcome.h"
#include "core/reason_code.h"
#include "core/states.h"

namespace outdial::core {

enum class CallPhase {
  kDialing,    // INVITE sent (or, in pull mode, the agent's station rung first)
  kRinging,    // 180/183 from the far end
  kAnalyzing,  // answered (200 OK); CPA listens, the agent does not hear the customer yet
  kConnected,  // the agent hears the customer
  kEnded,
};
std::string_view ToString(CallPhase phase);
// What API.md shows: `analyzing` is still `ringing` for the agent (with `answered_at` set).
CallState PublicState(CallPhase phase);

enum class CallInputKind {
  kRinging,      // 180/183, with or without early media
  kAnswered,     // the far end answered
  kCpaVerdict,   // CPA decided (`amd`)
  kFailed,       // final failure before answer (`sip_code`, `outcome_hint`)
  kEnded,        // the far end hung up
  kRingTimeout,  // `no_answer_ring_limit_s` ran out
};

struct CallInput {
  CallInputKind kind = CallInputKind::kRinging;
  int sip_code = 0;
  AmdResult amd = AmdResult::kUnknown;
  std::optional<Outcome> outcome_hint;  // set when media analysis, not SIP, decided a failure
  bool cancel_requested = false;        // the agent asked to cancel (a 487 is then the agent's)
};

enum class CallStepKind {
  kIgnore,        // late or impossible in this phase: nothing changes
  kRing,          // -> ringing; arm the ring limit when `arm_ring_limit`
  kAnalyze,       // -> analyzing: record the answer, wait for the verdict
  kConnect,       // -> connected with `outcome` and `amd`
  kFail,          // the attempt ends unconnected: `outcome`, `reason`, `sip_code`, `hangup`
  kEndConnected,  // a connected call ended (-> wrap-up)
};

struct CallStep {
  CallStepKind kind = CallStepKind::kIgnore;
  bool record_answer = false;   // the far end answered now (`answered_at`)
  bool arm_ring_limit = false;  // with kRing
  Outcome outcome = Outcome::kConnected;
  ReasonCode reason = ReasonCode::kNetworkError;
  int sip_code = 0;
  bool hangup = false;  // the engine must hang the leg up (the far end has not)
  std::optional<AmdResult> amd;
};

CallStep NextCallStep(CallPhase phase, const ModeRules& rules, const CallInput& input);

}  // namespace outdial::core
