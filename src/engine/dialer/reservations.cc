#include "engine/dialer/reservations.h"

#include <fmt/format.h>

#include "engine/dialer/engine.h"

namespace outdial::engine {

void Reservations::Start(AgentRt& agent, CampaignRt& camp, PickedContact contact) {
  EngineState& st = e_.state;
  ReservationId rid{st.NextId()};
  LegId leg{st.NextId()};
  ReservationRt& res = st.reservations.emplace(rid, ReservationRt{}).first->second;
  res.id = rid;
  res.agent = agent.info.id;
  res.campaign = camp.id;
  res.leg = leg;
  res.held_contact = contact.index;
  res.held_phone = contact.phone;
  res.holds_contact = true;
  e_.invariants.Hold(camp, contact.index, +1);
  res.ring_timer = e_.scope.After(std::chrono::seconds(camp.settings.reservation_ring_limit_s),
                                  [this, rid] { OnRingTimeout(rid); });
  st.legs.emplace(leg, LegOwner{LegOwnerKind::kReservation, rid.value});
  agent.reservation = rid;
  ++st.counters.reservations;
  e_.dispatcher.SetAgent(agent, core::AgentState::kReserved);
  e_.scope.Emit(
      ReservationEvent{agent.info.id, rid, camp.id, core::ReservationState::kRinging, std::nullopt});
  e_.scope.Audit(camp.tenant, agent.info.id, "reserve",
                 fmt::format("reservation={} campaign={} contact={}", rid.value, camp.id.value,
                             camp.contacts[contact.index].id.value));
  LegRequest request;
  request.leg = leg;
  request.kind = LegKind::kAgentStation;
  request.destination = agent.info.station;
  st.deps.telephony.Originate(request);
}

void Reservations::End(ReservationRt& res, std::optional<core::ReasonCode> code, bool hangup_leg) {
  EngineState& st = e_.state;
  if (res.holds_contact) {
    if (CampaignRt* camp = st.FindCampaign(res.campaign)) e_.invariants.Hold(*camp, res.held_contact, -1);
    res.holds_contact = false;
  }
  if (hangup_leg) st.deps.telephony.Hangup(res.leg);
  st.legs.erase(res.leg);
  e_.scope.Emit(ReservationEvent{res.agent, res.id, res.campaign, core::ReservationState::kEnded, code});
  st.reservations.erase(res.id);  // `res` and its timer are gone from here on
}

void Reservations::EndOf(AgentRt& agent, std::optional<core::ReasonCode> code) {
  if (ReservationRt* res = EngineState::Find(e_.state.reservations, agent.reservation)) End(*res, code, true);
  agent.reservation = {};
}

void Reservations::OnRingTimeout(ReservationId rid) {
  ReservationRt* res = EngineState::Find(e_.state.reservations, rid);
  if (res == nullptr || res->state != core::ReservationState::kRinging) return;
  res->ring_timer.Fired();
  NotAnswered(*res);
}

void Reservations::NotAnswered(ReservationRt& res) {
  EngineState& st = e_.state;
  ++st.counters.reservations_unanswered;
  CampaignRt* camp = st.FindCampaign(res.campaign);
  AgentRt* agent = st.FindAgent(res.agent);
  if (camp != nullptr && res.holds_contact) e_.picker.ReturnUntouched(*camp, res.held_contact);
  TenantId tenant = camp != nullptr ? camp->tenant : TenantId{};
  e_.scope.Audit(tenant, res.agent, "reservation_not_answered", fmt::format("reservation={}", res.id.value));
  End(res, core::ReasonCode::kReservationNotAnswered, true);
  if (agent != nullptr) {
    agent->reservation = {};
    agent->idle_after_call = false;
    e_.dispatcher.SetAgent(*agent, core::AgentState::kIdle, core::ReasonCode::kReservationNotAnswered);
  }
}

void Reservations::OnAnswered(ReservationRt& res) {
  EngineState& st = e_.state;
  res.ring_timer.Cancel();
  res.state = core::ReservationState::kAnswered;
  e_.scope.Emit(
      ReservationEvent{res.agent, res.id, res.campaign, core::ReservationState::kAnswered, std::nullopt});
  AgentRt* agent = st.FindAgent(res.agent);
  CampaignRt* camp = st.FindCampaign(res.campaign);
  if (agent == nullptr || camp == nullptr) return;
  if (!res.holds_contact) {
    e_.offers.NextOrEnd(*agent, res.id);
    return;
  }
  res.holds_contact = false;
  e_.invariants.Hold(*camp, res.held_contact, -1);  // the offer takes the hold over
  e_.offers.Create(*agent, *camp, PickedContact{res.held_contact, res.held_phone}, res.id);
}

}  // namespace outdial::engine
