#include "engine/dialer/calls.h"

#include <fmt/format.h>

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::AgentState;
using core::CallPhase;
using core::ContactState;
using core::Outcome;
using core::ReasonCode;

namespace {

core::CallInputKind InputOf(LegEventKind kind) {
  switch (kind) {
    case LegEventKind::kRinging:
    case LegEventKind::kEarlyMedia: return core::CallInputKind::kRinging;
    case LegEventKind::kAnswered: return core::CallInputKind::kAnswered;
    case LegEventKind::kCpaVerdict: return core::CallInputKind::kCpaVerdict;
    case LegEventKind::kFailed: return core::CallInputKind::kFailed;
    case LegEventKind::kEnded: return core::CallInputKind::kEnded;
  }
  return core::CallInputKind::kEnded;
}

}  // namespace

bool Calls::CanCancel(const CampaignRt& camp) const {
  auto it = e_.state.tenants.find(camp.tenant);
  return it != e_.state.tenants.end() && it->second.settings.end_call_enabled;
}

CallEvent Calls::MakeEvent(const CallRt& call, const CampaignRt& camp) const {
  CallEvent ev;
  ev.agent_id = call.agent;
  ev.call_id = call.id;
  ev.offer_id = call.offer;
  ev.campaign_id = call.campaign;
  ev.contact_id = camp.contacts[call.contact].id;
  ev.number = call.number;
  ev.state = call.state();
  ev.started_at = call.started_at;
  ev.answered_at = call.answered_at;
  ev.connected_at = call.connected_at;
  ev.can_cancel =
      (ev.state == core::CallState::kDialing || ev.state == core::CallState::kRinging) && CanCancel(camp);
  ev.amd_result = call.amd;
  if (call.phase == CallPhase::kEnded) ev.outcome = call.outcome;
  return ev;
}

AttemptRecord Calls::AttemptOf(const CallRt& call, const CampaignRt& camp) const {
  AttemptRecord a;
  a.id = call.id;
  a.tenant_id = camp.tenant;
  a.contact_id = camp.contacts[call.contact].id;
  a.campaign_id = camp.id;
  a.agent_id = call.agent;
  a.number = call.number;
  a.started_at = call.started_at;
  a.answered_at = call.answered_at;
  a.connected_at = call.connected_at;
  a.ended_at = call.ended_at;
  a.amd = call.amd;
  return a;
}

AttemptRecord Calls::FinalAttempt(const CallRt& call, const CampaignRt& camp) const {
  AttemptRecord a = AttemptOf(call, camp);
  a.outcome = call.outcome;
  if (call.outcome != Outcome::kConnected) a.reason = core::ReasonFor(call.outcome);
  return a;
}

void Calls::Start(AgentRt& agent, CampaignRt& camp, TenantRt& tenant, CallId cid,
                  const ClosedOfferView& offer, PickedContact contact) {
  EngineState& st = e_.state;
  CallRt& call = st.calls.emplace(cid, CallRt{}).first->second;
  call.id = cid;
  call.agent = agent.info.id;
  call.offer = offer.id;
  call.campaign = camp.id;
  call.reservation = offer.reservation;
  call.contact = contact.index;
  call.phone = contact.phone;
  call.number = camp.contacts[contact.index].phones[static_cast<size_t>(contact.phone)].number;
  call.started_at = st.Now();
  call.customer_leg = LegId{st.NextId()};
  e_.capacity.Take(tenant, camp);
  agent.call = cid;
  e_.invariants.Hold(camp, contact.index, +1);
  st.legs.emplace(call.customer_leg, LegOwner{LegOwnerKind::kCustomer, cid.value});
  e_.dispatcher.SetAgent(agent, AgentState::kDialing);
  e_.scope.Emit(MakeEvent(call, camp));
  if (!camp.rules.agent_station_first) {
    WriteAttemptThenDial(call, camp);
    return;
  }
  // PRODUCT.md §5.1: the agent's station is called first, then the customer.
  call.agent_leg = LegId{st.NextId()};
  st.legs.emplace(call.agent_leg, LegOwner{LegOwnerKind::kPullAgent, cid.value});
  call.agent_ring_timer =
      e_.scope.After(std::chrono::seconds(camp.settings.reservation_ring_limit_s), [this, cid] {
        CallRt* c = EngineState::Find(e_.state.calls, cid);
        if (c == nullptr || c->customer_dialed) return;
        c->agent_ring_timer.Fired();
        CampaignRt* cp = e_.state.FindCampaign(c->campaign);
        if (cp != nullptr && e_.state.FindAgent(c->agent) != nullptr) OnAgentLegLost(*c, *cp);
      });
  LegRequest request;
  request.leg = call.agent_leg;
  request.kind = LegKind::kAgentStation;
  request.destination = agent.info.station;
  st.deps.telephony.Originate(request);
}

void Calls::OnAgentLegAnswered(CallRt& call, CampaignRt& camp) {
  if (call.customer_dialed || call.attempt_written) return;
  call.agent_ring_timer.Cancel();
  WriteAttemptThenDial(call, camp);
}

void Calls::OnAgentLegLost(CallRt& call, CampaignRt& camp) {
  if (call.customer_dialed) return;
  ++e_.state.counters.reservations_unanswered;
  AbortUndialed(call, camp, ReasonCode::kReservationNotAnswered);
}

// Write before act: the attempt is durable as `dialing` before the INVITE leaves.
void Calls::WriteAttemptThenDial(CallRt& call, CampaignRt& camp) {
  call.attempt_written = true;
  e_.scope.batch().attempts.push_back(AttemptOf(call, camp));
  e_.scope.Audit(camp.tenant, call.agent, "dial",
                 fmt::format("call={} contact={} number={}", call.id.value,
                             camp.contacts[call.contact].id.value, call.number));
  CallId cid = call.id;
  e_.scope.Then([this, cid](bool durable) {
    CallRt* c = EngineState::Find(e_.state.calls, cid);
    if (c == nullptr || c->phase == CallPhase::kEnded || c->cancel_requested) return;
    CampaignRt* cp = e_.state.FindCampaign(c->campaign);
    if (cp == nullptr) return;
    if (!durable) {
      // Nothing was dialed: the contact goes back untouched and the agent moves on.
      AbortUndialed(*c, *cp, ReasonCode::kNetworkError);
      return;
    }
    Dial(*c, *cp);
  });
}

void Calls::Dial(CallRt& call, CampaignRt& camp) {
  ++e_.state.counters.dials;
  call.customer_dialed = true;
  const auto& s = camp.settings;
  LegRequest request;
  request.leg = call.customer_leg;
  request.kind = LegKind::kCustomer;
  request.destination = call.number;
  request.caller_id = s.caller_id;
  if (request.caller_id.empty()) {
    if (auto it = e_.state.tenants.find(camp.tenant); it != e_.state.tenants.end()) {
      request.caller_id = it->second.settings.default_caller_id;
    }
  }
  request.bridge_with = call.agent_leg.valid() ? call.agent_leg : LegId{};
  if (ReservationRt* res = EngineState::Find(e_.state.reservations, call.reservation)) {
    request.bridge_with = res->leg;
  }
  request.cpa = camp.rules.cpa;
  request.amd = camp.rules.amd;
  request.cpa_settings = s.cpa;
  request.early_media_to_agent = camp.rules.early_media_to_agent;
  e_.state.deps.telephony.Originate(request);
}

void Calls::OnCustomerEvent(CallRt& call, const LegEvent& ev) {
  CampaignRt* camp = e_.state.FindCampaign(call.campaign);
  AgentRt* agent = e_.state.FindAgent(call.agent);
  if (camp == nullptr || agent == nullptr) return;
  core::CallInput in{InputOf(ev.kind), ev.sip_code, ev.amd, ev.outcome_hint, call.cancel_requested};
  Apply(call, *camp, *agent, core::NextCallStep(call.phase, camp->rules, in));
}

void Calls::Apply(CallRt& call, CampaignRt& camp, AgentRt& agent, const core::CallStep& step) {
  if (step.record_answer) {
    call.ring_timer.Cancel();
    call.answered_at = e_.state.Now();
  }
  switch (step.kind) {
    case core::CallStepKind::kIgnore: return;
    case core::CallStepKind::kRing:
      call.phase = CallPhase::kRinging;
      e_.dispatcher.SetAgent(agent, AgentState::kRinging);
      e_.scope.Emit(MakeEvent(call, camp));
      if (step.arm_ring_limit) ArmRingLimit(call, camp);
      return;
    case core::CallStepKind::kAnalyze:
      // The customer answered; CPA listens before the agent hears them (the dead air it costs is
      // `connected_at` - `answered_at`).
      call.phase = CallPhase::kAnalyzing;
      if (agent.state == AgentState::kDialing) e_.dispatcher.SetAgent(agent, AgentState::kRinging);
      e_.scope.Emit(MakeEvent(call, camp));
      return;
    case core::CallStepKind::kConnect: Connect(call, camp, agent, step.outcome, step.amd); return;
    case core::CallStepKind::kFail:
      if (step.amd) call.amd = step.amd;
      Fail(call, camp, step.outcome, step.reason, step.sip_code, step.hangup);
      return;
    case core::CallStepKind::kEndConnected: EndConnected(call, camp, false); return;
  }
}

void Calls::ArmRingLimit(CallRt& call, const CampaignRt& camp) {
  CallId cid = call.id;
  call.ring_timer = e_.scope.After(std::chrono::seconds(camp.settings.no_answer_ring_limit_s), [this, cid] {
    CallRt* c = EngineState::Find(e_.state.calls, cid);
    if (c == nullptr) return;
    c->ring_timer.Fired();
    CampaignRt* cp = e_.state.FindCampaign(c->campaign);
    AgentRt* agent = e_.state.FindAgent(c->agent);
    if (cp == nullptr || agent == nullptr) return;
    Apply(*c, *cp, *agent,
          core::NextCallStep(c->phase, cp->rules, {.kind = core::CallInputKind::kRingTimeout}));
  });
}

void Calls::Connect(CallRt& call, CampaignRt& camp, AgentRt& agent, Outcome outcome,
                    std::optional<core::AmdResult> amd) {
  call.phase = CallPhase::kConnected;
  call.outcome = outcome;
  call.amd = amd;
  call.connected_at = e_.state.Now();
  ++e_.state.counters.connects;
  e_.dispatcher.SetAgent(agent, AgentState::kConnected);
  e_.scope.Emit(MakeEvent(call, camp));
  e_.scope.batch().attempts.push_back(AttemptOf(call, camp));
}

void Calls::CancelByAgent(CallRt& call, CampaignRt& camp) {
  call.cancel_requested = true;
  if (!call.customer_dialed) {
    AbortUndialed(call, camp, ReasonCode::kAgentCancelled);
  } else {
    Fail(call, camp, Outcome::kCancelled, ReasonCode::kAgentCancelled, 487, true);
  }
}

void Calls::CloseCall(CallRt& call, CampaignRt& camp, Outcome outcome, bool hangup_customer) {
  DropLegs(call, hangup_customer);
  MarkEnded(call, camp, outcome);
}

void Calls::DropLegs(CallRt& call, bool hangup_customer) {
  EngineState& st = e_.state;
  call.ring_timer.Cancel();
  call.agent_ring_timer.Cancel();
  if (hangup_customer) st.deps.telephony.Hangup(call.customer_leg);
  st.legs.erase(call.customer_leg);
  if (call.agent_leg.valid()) {
    st.deps.telephony.Hangup(call.agent_leg);
    st.legs.erase(call.agent_leg);
    call.agent_leg = {};
  }
}

void Calls::MarkEnded(CallRt& call, CampaignRt& camp, Outcome outcome) {
  call.phase = CallPhase::kEnded;
  call.outcome = outcome;
  call.ended_at = e_.state.Now();
  e_.capacity.Release(camp);
  e_.scope.Emit(MakeEvent(call, camp));
}

ClosedCall& Calls::Forget(CallRt& call, CampaignRt& camp) {
  CallId cid = call.id;
  AgentId agent = call.agent;
  Outcome outcome = call.outcome;
  e_.invariants.Hold(camp, call.contact, -1);
  e_.state.calls.erase(cid);  // `call` and its timers are gone from here on
  return e_.state.RememberClosedCall(cid, agent, outcome);
}

// The customer was never dialed (store failure, pull-mode agent did not answer, cancelled before
// the dial): no attempt is charged and the contact returns untouched.
void Calls::AbortUndialed(CallRt& call, CampaignRt& camp, ReasonCode code) {
  CallId cid = call.id;
  AgentId agent_id = call.agent;
  ReservationId rid = call.reservation;
  uint32_t contact = call.contact;
  OfferId oid = call.offer;
  CloseCall(call, camp, Outcome::kCancelled, false);
  if (call.attempt_written) {
    AttemptRecord a = AttemptOf(call, camp);
    a.outcome = Outcome::kInterrupted;
    a.reason = code;
    e_.scope.batch().attempts.push_back(std::move(a));
  }
  Forget(call, camp);
  e_.picker.ReturnUntouched(camp, contact);
  e_.scope.Emit(AttemptFailedEvent{agent_id, cid, oid, code, 0});
  AgentRt* agent = e_.state.FindAgent(agent_id);
  if (agent == nullptr) return;
  agent->call = {};
  if (code == ReasonCode::kReservationNotAnswered) {
    agent->idle_after_call = false;
    agent->reservation = {};
    e_.dispatcher.SetAgent(*agent, AgentState::kIdle, code);
  } else if (rid.valid()) {
    e_.offers.NextOrEnd(*agent, rid);
  } else {
    e_.dispatcher.WorkEnded(*agent, code);
  }
}

// A failed attempt: busy, no answer, invalid, network error, rejected, fax, SIT, machine with
// hangup, or the agent's cancel. The contact takes its retry rule; the agent is offered the next
// contact on the same reservation (push) or returns to where it was (pull).
void Calls::Fail(CallRt& call, CampaignRt& camp, Outcome outcome, ReasonCode reason, int sip_code,
                 bool hangup) {
  CallId cid = call.id;
  AgentId agent_id = call.agent;
  OfferId oid = call.offer;
  ReservationId rid = call.reservation;
  uint32_t idx = call.contact;
  int phone = call.phone;
  ++e_.state.counters.failed_attempts;
  ++camp.attempts_by_outcome[static_cast<size_t>(outcome)];
  ++camp.attempts_total;
  AttemptRecord a = AttemptOf(call, camp);
  a.outcome = outcome;
  a.reason = reason;
  a.sip_code = sip_code;
  CloseCall(call, camp, outcome, hangup);
  a.ended_at = call.ended_at;
  e_.scope.batch().attempts.push_back(std::move(a));
  e_.scope.Emit(AttemptFailedEvent{agent_id, cid, oid, reason, sip_code});
  Forget(call, camp);

  core::Contact& contact = camp.contacts[idx];
  contact.last_outcome = outcome;
  core::ApplyRetry(contact, camp.settings, core::RetryKeyFor(outcome), phone,
                   outcome == Outcome::kInvalidNumber, e_.state.Now());
  ContactState target = contact.state;
  contact.state = ContactState::kInProgress;  // held until the agent's next contact is picked
  if (AgentRt* agent = e_.state.FindAgent(agent_id)) {
    agent->call = {};
    if (rid.valid()) {
      e_.offers.NextOrEnd(*agent, rid);
    } else {
      e_.dispatcher.WorkEnded(*agent);
    }
  }
  e_.picker.Settle(camp, idx, target);
}

void Calls::EndConnected(CallRt& call, CampaignRt& camp, bool hangup) {
  // The customer's leg goes down first, then the agent's reservation line.
  DropLegs(call, hangup);
  if (ReservationRt* res = EngineState::Find(e_.state.reservations, call.reservation)) {
    e_.reservations.End(*res, std::nullopt, true);
  }
  MarkEnded(call, camp, call.outcome);
  call.in_wrap_up = true;
  ++camp.attempts_by_outcome[static_cast<size_t>(call.outcome)];
  ++camp.attempts_total;
  e_.scope.batch().attempts.push_back(FinalAttempt(call, camp));
  e_.wrap_up.Begin(call, camp);
}

}  // namespace outdial::engine
