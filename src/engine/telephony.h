// The Telephony port: what the engine needs from a phone system. Implementations live in
// src/telephony (`sim/` simulated on the injected clock, later `sip/` on libre). The interface sits
// in the engine layer because the engine calls it and layers may only include downwards.
//
// Threading: the engine calls these methods on the engine thread. Implementations report back by
// calling TelephonyListener::OnLegEvent on the engine thread too (the sip driver posts to it), and
// never from inside Originate/Hangup themselves (no re-entrancy).
#pragma once

#include <optional>
#include <string>

#include "core/ids.h"
#include "core/outcome.h"
#include "core/settings.h"

namespace outdial::engine {

using core::LegId;

enum class LegKind {
  kAgentStation,  // reservation call (push modes) or the agent leg of a pull-mode call
  kCustomer,      // the customer call, bridged to `bridge_with` (the agent's leg)
};

struct LegRequest {
  LegId leg;
  LegKind kind = LegKind::kCustomer;
  std::string destination;            // station ("sim:auto", "sip:1001@pbx") or E.164 number
  std::string caller_id;              // E.164 shown to the customer
  LegId bridge_with;                  // agent leg the customer audio goes to
  bool cpa = false;                   // run call progress analysis (Standard Preview)
  bool amd = false;                   // answering-machine detection within CPA
  bool early_media_to_agent = false;  // Direct Preview: agent hears ringback/early media
  core::CpaSettings cpa_settings;     // the campaign's `cpa` timings, when `cpa`
};

enum class LegEventKind {
  kRinging,     // 180/183
  kEarlyMedia,  // 183 with SDP (relayed to the agent in Direct Preview)
  // The far end answered (200 OK, or the simulated customer picked up). On a leg without CPA the
  // customer is connected to the agent from this moment; on a leg with CPA a kCpaVerdict follows
  // (API.md: `answered_at` is this moment, `connected_at` the verdict's when it is a person).
  kAnswered,
  kCpaVerdict,  // call progress analysis decided: `amd` (only on legs with `cpa`, after kAnswered)
  kFailed,      // final failure before answer: `sip_code` (0: no response / transport error)
  kEnded,       // an answered leg hung up by the far end (also while CPA still listens)
};

struct LegEvent {
  LegId leg;
  LegEventKind kind = LegEventKind::kRinging;
  int sip_code = 0;
  core::AmdResult amd = core::AmdResult::kUnknown;
  // Set when media analysis (not SIP) decided the failure, e.g. special information tones.
  std::optional<core::Outcome> outcome_hint;
};

class TelephonyListener {
 public:
  virtual ~TelephonyListener() = default;
  virtual void OnLegEvent(const LegEvent& event) = 0;
};

class Telephony {
 public:
  virtual ~Telephony() = default;
  virtual void SetListener(TelephonyListener* listener) = 0;
  // Starts a leg. Its fate arrives as LegEvents. The leg id is chosen by the engine.
  virtual void Originate(const LegRequest& request) = 0;
  // Cancels a leg still ringing or hangs up an answered one. No event follows for a leg the engine
  // hung up itself; unknown legs are ignored.
  virtual void Hangup(LegId leg) = 0;
  // Answers a ringing `sim:manual` station leg (API.md POST /reservations/{id}/answer). False when
  // the leg is not such a station (e.g. a real SIP phone, which the agent answers on the phone).
  virtual bool AnswerStation(LegId leg) = 0;
};

}  // namespace outdial::engine
