#include "engine/dialer/queries.h"

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::AgentState;

std::optional<AgentSnapshot> Queries::Snapshot(AgentId agent_id) const {
  const EngineState& st = e_.state;
  auto it = st.agents.find(agent_id);
  if (it == st.agents.end()) return std::nullopt;
  const AgentRt& agent = it->second;
  AgentSnapshot snap;
  snap.agent_id = agent_id;
  snap.state = agent.state;
  snap.reason_code = agent.reason_code;
  snap.reason = agent.reason;
  snap.since = agent.since;
  if (auto r = st.reservations.find(agent.reservation); r != st.reservations.end()) {
    snap.reservation =
        ReservationEvent{agent_id, r->first, r->second.campaign, r->second.state, std::nullopt};
  }
  if (auto o = st.offers.find(agent.offer); o != st.offers.end()) {
    if (const CampaignRt* camp = st.FindCampaign(o->second.campaign)) {
      snap.offer = e_.offers.MakeEvent(o->second, *camp);
    }
  }
  if (auto c = st.calls.find(agent.call); c != st.calls.end()) AddCallView(c->second, snap);
  return snap;
}

void Queries::AddCallView(const CallRt& call, AgentSnapshot& snap) const {
  const CampaignRt* camp = e_.state.FindCampaign(call.campaign);
  if (camp == nullptr) return;
  snap.call = e_.calls.MakeEvent(call, *camp);
  // The offer itself is closed once accepted; rebuild its view from what the call keeps.
  OfferRt accepted;
  accepted.id = call.offer;
  accepted.agent = call.agent;
  accepted.campaign = call.campaign;
  accepted.reservation = call.reservation;
  accepted.contact = call.contact;
  accepted.phone = call.phone;
  snap.task = e_.offers.MakeEvent(accepted, *camp);
  if (call.in_wrap_up) {
    snap.wrapup = WrapupEvent{call.agent, call.id, camp->settings.dispositions, call.wrap_deadline};
  }
}

std::optional<CampaignStats> Queries::Stats(CampaignId id) const {
  const EngineState& st = e_.state;
  const CampaignRt* camp = st.FindCampaign(id);
  if (camp == nullptr) return std::nullopt;
  CampaignStats out;
  out.contacts_by_state = camp->counts;
  out.contacts_total = static_cast<int64_t>(camp->contacts.size());
  out.attempts_by_outcome = camp->attempts_by_outcome;
  out.attempts_total = camp->attempts_total;
  out.active_calls = camp->active_calls;
  const TenantRt& tenant = st.tenants.at(camp->tenant);
  out.tenant_active_calls = tenant.active_calls;
  out.tenant_max_calls = tenant.settings.max_concurrent_calls;
  out.datacenter_active_calls = st.dc_active_calls;
  out.datacenter_max_calls = st.datacenter.max_concurrent_calls;
  for (AgentId agent_id : tenant.agents) {
    const AgentRt& agent = st.agents.at(agent_id);
    if (!e_.dispatcher.WorksCampaign(agent, *camp)) continue;
    switch (agent.state) {
      case AgentState::kLoggedOut: break;
      case AgentState::kIdle: ++out.agents_idle; break;
      case AgentState::kAvailable: ++out.agents_available; break;
      case AgentState::kReserved:
      case AgentState::kPreviewing: ++out.agents_reserved; break;
      case AgentState::kDialing:
      case AgentState::kRinging:
      case AgentState::kConnected: ++out.agents_on_call; break;
      case AgentState::kWrapUp: ++out.agents_wrap_up; break;
    }
  }
  return out;
}

}  // namespace outdial::engine
