#include "engine/dialer/leg_router.h"

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::CallPhase;

void LegRouter::OnLegEvent(const LegEvent& event) {
  EngineState& st = e_.state;
  auto it = st.legs.find(event.leg);
  if (it == st.legs.end()) return;  // a leg the engine closed itself: late events are dropped
  LegOwner owner = it->second;
  switch (owner.kind) {
    case LegOwnerKind::kReservation:
      if (ReservationRt* res = EngineState::Find(st.reservations, ReservationId{owner.id})) {
        OnReservationLeg(*res, event);
      }
      return;
    case LegOwnerKind::kPullAgent: {
      CallRt* call = EngineState::Find(st.calls, CallId{owner.id});
      CampaignRt* camp = call != nullptr ? st.FindCampaign(call->campaign) : nullptr;
      if (camp != nullptr) OnPullAgentLeg(*call, *camp, event);
      return;
    }
    case LegOwnerKind::kCustomer:
      if (CallRt* call = EngineState::Find(st.calls, CallId{owner.id})) {
        e_.calls.OnCustomerEvent(*call, event);
      }
      return;
  }
}

void LegRouter::OnReservationLeg(ReservationRt& res, const LegEvent& event) {
  switch (event.kind) {
    case LegEventKind::kRinging:
    case LegEventKind::kEarlyMedia:
    case LegEventKind::kCpaVerdict: return;
    case LegEventKind::kAnswered:
      if (res.state == core::ReservationState::kRinging) e_.reservations.OnAnswered(res);
      return;
    case LegEventKind::kFailed:
      if (res.state == core::ReservationState::kRinging) e_.reservations.NotAnswered(res);
      return;
    case LegEventKind::kEnded: OnReservationLineDown(res); return;
  }
}

// The agent hung up the reservation line: the agent leaves the campaign.
void LegRouter::OnReservationLineDown(ReservationRt& res) {
  EngineState& st = e_.state;
  AgentRt* agent = st.FindAgent(res.agent);
  st.legs.erase(res.leg);
  if (agent == nullptr) return;
  if (agent->call.valid()) {
    CallRt* call = EngineState::Find(st.calls, agent->call);
    CampaignRt* camp = call != nullptr ? st.FindCampaign(call->campaign) : nullptr;
    if (call == nullptr || camp == nullptr) return;
    if (call->phase == CallPhase::kConnected) {
      e_.calls.EndConnected(*call, *camp, true);
    } else if (call->phase != CallPhase::kEnded) {
      agent->idle_after_call = true;
      e_.calls.CancelByAgent(*call, *camp);
    }
    return;
  }
  if (agent->offer.valid()) {
    e_.offers.Act(agent->info.id, agent->offer, core::OfferAction::kCancel, ClosedBy::kSystem, nullptr);
  }
}

void LegRouter::OnPullAgentLeg(CallRt& call, CampaignRt& camp, const LegEvent& event) {
  EngineState& st = e_.state;
  switch (event.kind) {
    case LegEventKind::kRinging:
    case LegEventKind::kEarlyMedia:
    case LegEventKind::kCpaVerdict: return;
    case LegEventKind::kAnswered: e_.calls.OnAgentLegAnswered(call, camp); return;
    case LegEventKind::kFailed:
      if (call.customer_dialed) return;
      st.legs.erase(call.agent_leg);  // the leg failed: nothing to hang up
      call.agent_leg = {};
      e_.calls.OnAgentLegLost(call, camp);
      return;
    case LegEventKind::kEnded:
      st.legs.erase(call.agent_leg);
      call.agent_leg = {};
      if (call.phase == CallPhase::kConnected) {
        e_.calls.EndConnected(call, camp, true);
      } else {
        e_.calls.CancelByAgent(call, camp);
      }
      return;
  }
}

}  // namespace outdial::engine
