// Calls (PRODUCT.md §5): the customer call from Accept to its end. Write before act: the attempt
// row (`dialing`) is committed before the INVITE leaves. In pull mode the agent's station is rung
// first. The call's progress is decided by core::NextCallStep (call_machine.h); this part carries
// each step out. Every way a call ends goes through CloseCall (timers, legs, capacity, `ended_at`,
// the call event); what follows differs: a failed attempt takes its retry rule and the agent moves
// on, a connected call goes to wrap-up, a call never dialed returns its contact untouched.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include "core/call_machine.h"
#include "engine/dialer/contact_picker.h"
#include "engine/dialer/live_objects.h"
#include "engine/telephony.h"

namespace outdial::engine {

struct Engine;

class Calls {
 public:
  explicit Calls(Engine& engine) : e_(engine) {}

  void Start(AgentRt& agent, CampaignRt& camp, TenantRt& tenant, CallId cid, const ClosedOfferView& offer,
             PickedContact contact);
  // The pull-mode agent leg answered: store the attempt, then dial the customer.
  void OnAgentLegAnswered(CallRt& call, CampaignRt& camp);
  // The pull-mode agent leg failed or was not answered in time: nothing was dialed. A failed leg
  // is forgotten by the caller first (it is not hung up).
  void OnAgentLegLost(CallRt& call, CampaignRt& camp);
  void OnCustomerEvent(CallRt& call, const LegEvent& event);
  // The agent (or its line going down) ends a call that is not connected yet.
  void CancelByAgent(CallRt& call, CampaignRt& camp);
  // A connected call ends (either side hung up): the agent goes to wrap-up.
  void EndConnected(CallRt& call, CampaignRt& camp, bool hangup);

  CallEvent MakeEvent(const CallRt& call, const CampaignRt& camp) const;
  AttemptRecord AttemptOf(const CallRt& call, const CampaignRt& camp) const;
  // The attempt row of an ended call, with its outcome and reason.
  AttemptRecord FinalAttempt(const CallRt& call, const CampaignRt& camp) const;
  // Forgets an ended call (its hold on the contact, the idempotency memory keeps the answer).
  ClosedCall& Forget(CallRt& call, CampaignRt& camp);
  bool CanCancel(const CampaignRt& camp) const;

 private:
  void WriteAttemptThenDial(CallRt& call, CampaignRt& camp);
  void Dial(CallRt& call, CampaignRt& camp);
  void Apply(CallRt& call, CampaignRt& camp, AgentRt& agent, const core::CallStep& step);
  void ArmRingLimit(CallRt& call, const CampaignRt& camp);
  void Connect(CallRt& call, CampaignRt& camp, AgentRt& agent, core::Outcome outcome,
               std::optional<core::AmdResult> amd);
  void Fail(CallRt& call, CampaignRt& camp, core::Outcome outcome, core::ReasonCode reason, int sip_code,
            bool hangup);
  void AbortUndialed(CallRt& call, CampaignRt& camp, core::ReasonCode code);
  // The one teardown of a customer call: DropLegs (timers off, legs down: the customer's hung up
  // when `hangup_customer`), then MarkEnded (phase, outcome, `ended_at`, capacity back, event).
  void CloseCall(CallRt& call, CampaignRt& camp, core::Outcome outcome, bool hangup_customer);
  void DropLegs(CallRt& call, bool hangup_customer);
  void MarkEnded(CallRt& call, CampaignRt& camp, core::Outcome outcome);

  Engine& e_;
};

}  // namespace outdial::engine
