#include "engine/dialer/agent_actions.h"

#include <fmt/format.h>

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::AgentState;
using core::CallPhase;
using core::Error;
using core::ErrorCode;
using core::MakeError;
using core::Outcome;
using core::ReasonCode;

namespace {
Error Refuse(ReasonCode code) {
  return MakeError(code, std::string(core::HumanSentence(code)));
}
Error NoSuchAgent() {
  return MakeError(ReasonCode::kNotFound, "No such agent.");
}
}  // namespace

void AgentActions::Login(AgentId agent_id, ActionDone done) {
  AgentRt* agent = e_.state.FindAgent(agent_id);
  if (agent == nullptr) return EventScope::Fail(done, NoSuchAgent());
  if (agent->state == AgentState::kLoggedOut) {
    e_.dispatcher.SetAgent(*agent, AgentState::kIdle);
    e_.scope.Audit(agent->info.tenant_id, agent_id, "login", "");
  }
  e_.scope.Ack(std::move(done), {});
}

void AgentActions::Logout(AgentId agent_id, ActionDone done) {
  AgentRt* agent = e_.state.FindAgent(agent_id);
  if (agent == nullptr) return EventScope::Fail(done, NoSuchAgent());
  if (core::IsHandlingContact(agent->state)) {
    return EventScope::Fail(
        done, MakeError(ReasonCode::kAgentNotAvailable, "Finish the current contact before logging out."));
  }
  e_.dispatcher.SetAgent(*agent, AgentState::kLoggedOut);
  e_.scope.Audit(agent->info.tenant_id, agent_id, "logout", "");
  e_.scope.Ack(std::move(done), {});
}

void AgentActions::SetState(AgentId agent_id, AgentState state, std::string reason, ActionDone done) {
  AgentRt* agent = e_.state.FindAgent(agent_id);
  if (agent == nullptr) return EventScope::Fail(done, NoSuchAgent());
  if (state != AgentState::kAvailable && state != AgentState::kIdle) {
    return EventScope::Fail(done, Error{ErrorCode::kValidationFailed,
                                        "An agent can only set available or idle.",
                                        {{"state", "must be available or idle"}}});
  }
  if (agent->state == AgentState::kLoggedOut) {
    return EventScope::Fail(done, Refuse(ReasonCode::kAgentNotAvailable));
  }
  e_.scope.Audit(agent->info.tenant_id, agent_id, "set_state", std::string(core::ToString(state)));
  if (state == AgentState::kAvailable) {
    agent->idle_after_call = false;
    // The latest request wins: a pull preview opened from Idle must return to Available once
    // the agent asked for Available meanwhile (it used to go back to Idle after a skip or an
    // expiry; PullPreview.AvailableDuringAPreviewFromIdleIsHonoured).
    agent->pull_return_state = AgentState::kAvailable;
    if (agent->state == AgentState::kIdle) {
      e_.dispatcher.SetAgent(*agent, AgentState::kAvailable);
      e_.dispatcher.TryAssign(*agent);
    }
  } else {
    GoIdle(*agent, std::move(reason));
  }
  e_.scope.Ack(std::move(done), {});
}

// Going Idle while a preview is open is the same as Cancel; going Idle while dialing, on a call
// or in wrap-up takes effect when the wrap-up ends (docs/architecture.md, decisions).
void AgentActions::GoIdle(AgentRt& agent, std::string reason) {
  switch (agent.state) {
    case AgentState::kLoggedOut: return;  // refused by the caller
    case AgentState::kIdle:
    case AgentState::kAvailable: break;
    case AgentState::kReserved:
      if (ReservationRt* res = EngineState::Find(e_.state.reservations, agent.reservation)) {
        CampaignRt* camp = e_.state.FindCampaign(res->campaign);
        if (camp != nullptr && res->holds_contact) e_.picker.ReturnUntouched(*camp, res->held_contact);
      }
      e_.reservations.EndOf(agent);
      break;
    case AgentState::kPreviewing: {
      OfferRt* offer = EngineState::Find(e_.state.offers, agent.offer);
      CampaignRt* camp = offer != nullptr ? e_.state.FindCampaign(offer->campaign) : nullptr;
      if (offer != nullptr && camp != nullptr) e_.offers.Withdraw(*offer, *camp, ClosedBy::kSystem);
      agent.reservation = {};
      agent.offer = {};
      break;
    }
    case AgentState::kDialing:
    case AgentState::kRinging:
    case AgentState::kConnected:
    case AgentState::kWrapUp:
      agent.idle_after_call = true;
      agent.idle_after_reason = std::move(reason);
      return;
  }
  e_.dispatcher.SetAgent(agent, AgentState::kIdle, std::nullopt, std::move(reason));
}

void AgentActions::PreviewRequest(AgentId agent_id, std::optional<CampaignId> campaign_id, ActionDone done) {
  EngineState& st = e_.state;
  AgentRt* agent = st.FindAgent(agent_id);
  if (agent == nullptr) return EventScope::Fail(done, NoSuchAgent());
  if (agent->state != AgentState::kAvailable && agent->state != AgentState::kIdle) {
    return EventScope::Fail(done, Refuse(ReasonCode::kAgentNotAvailable));
  }
  TenantRt& tenant = st.tenants.at(agent->info.tenant_id);
  bool any_running = false;
  for (CampaignId cid : tenant.campaigns) {
    CampaignRt* camp = st.FindCampaign(cid);
    if (camp == nullptr || camp->rules.push || !e_.dispatcher.WorksCampaign(*agent, *camp)) continue;
    if (campaign_id && *campaign_id != cid) continue;
    if (camp->status != core::CampaignStatus::kRunning) continue;
    any_running = true;
    if (auto pick = e_.picker.Pick(*camp, agent_id)) {
      agent->pull_return_state = agent->state;
      if (agent->state == AgentState::kIdle) {
        // After the pull-mode contact (and its call) the agent returns to Idle, not Available.
        agent->idle_after_call = true;
        agent->idle_after_reason = agent->reason;
      }
      e_.scope.Audit(tenant.id, agent_id, "preview_request", fmt::format("campaign={}", cid.value));
      e_.offers.Create(*agent, *camp, *pick, ReservationId{});
      return e_.scope.Ack(std::move(done), ActionReply{agent->offer, {}});
    }
  }
  if (campaign_id) {
    CampaignRt* camp = st.FindCampaign(*campaign_id);
    if (camp == nullptr || camp->tenant != agent->info.tenant_id ||
        !e_.dispatcher.WorksCampaign(*agent, *camp) || camp->rules.push) {
      return EventScope::Fail(done, MakeError(ReasonCode::kNotFound, "No such preview campaign."));
    }
    if (!any_running) return EventScope::Fail(done, Refuse(ReasonCode::kCampaignNotRunning));
  }
  e_.scope.Emit(NoticeEvent{agent_id, ReasonCode::kNoCallableContacts,
                            std::string(core::HumanSentence(ReasonCode::kNoCallableContacts))});
  EventScope::Fail(done, Refuse(ReasonCode::kNoCallableContacts));
}

void AgentActions::AnswerReservation(AgentId agent_id, ReservationId rid, ActionDone done) {
  ReservationRt* res = EngineState::Find(e_.state.reservations, rid);
  if (res == nullptr || res->agent != agent_id) {
    return EventScope::Fail(done, MakeError(ReasonCode::kNotFound, "No such reservation."));
  }
  if (res->state != core::ReservationState::kRinging) return e_.scope.Ack(std::move(done), {});  // idempotent
  if (!e_.state.deps.telephony.AnswerStation(res->leg)) {
    return EventScope::Fail(done, MakeError(ReasonCode::kActionDisabled,
                                            "This station is answered on the phone, not from the desktop."));
  }
  e_.scope.Ack(std::move(done), {});
}

CallRt* AgentActions::LiveCall(AgentId agent_id, CallId cid, const ActionDone& done, bool cancel) {
  CallRt* call = EngineState::Find(e_.state.calls, cid);
  if (call != nullptr && call->agent == agent_id) return call;
  auto closed = e_.state.closed_calls.find(cid);
  bool mine = closed != e_.state.closed_calls.end() && closed->second.agent == agent_id;
  if (!mine) {
    EventScope::Fail(done, MakeError(ReasonCode::kNotFound, "No such call."));
  } else if (cancel && closed->second.outcome != Outcome::kCancelled) {
    EventScope::Fail(done, MakeError(ReasonCode::kConflict, "The call has ended already."));
  } else if (done) {
    done(ActionResult(ActionReply{{}, cid}));  // ended already: the same answer
  }
  return nullptr;
}

void AgentActions::CancelCall(AgentId agent_id, CallId cid, ActionDone done) {
  CallRt* call = LiveCall(agent_id, cid, done, true);
  if (call == nullptr) return;
  CampaignRt* camp = e_.state.FindCampaign(call->campaign);
  if (camp == nullptr) return EventScope::Fail(done, Refuse(ReasonCode::kInternal));
  if (!e_.calls.CanCancel(*camp)) return EventScope::Fail(done, Refuse(ReasonCode::kActionDisabled));
  if (call->phase != CallPhase::kDialing && call->phase != CallPhase::kRinging &&
      call->phase != CallPhase::kAnalyzing) {
    return EventScope::Fail(
        done, MakeError(ReasonCode::kConflict, "Only a call that is still ringing can be cancelled."));
  }
  e_.scope.Audit(camp->tenant, agent_id, "cancel_call", fmt::format("call={}", cid.value));
  ++e_.state.counters.cancels;
  e_.calls.CancelByAgent(*call, *camp);
  e_.scope.Ack(std::move(done), ActionReply{{}, cid});
}

void AgentActions::EndCall(AgentId agent_id, CallId cid, ActionDone done) {
  CallRt* call = LiveCall(agent_id, cid, done, false);
  if (call == nullptr) return;
  CampaignRt* camp = e_.state.FindCampaign(call->campaign);
  if (camp == nullptr) return EventScope::Fail(done, Refuse(ReasonCode::kInternal));
  if (call->in_wrap_up) return e_.scope.Ack(std::move(done), ActionReply{{}, cid});
  e_.scope.Audit(camp->tenant, agent_id, "end_call", fmt::format("call={}", cid.value));
  if (call->phase == CallPhase::kConnected) {
    e_.calls.EndConnected(*call, *camp, true);
    return e_.scope.Ack(std::move(done), ActionReply{{}, cid});
  }
  // Not answered yet. In Direct Preview (and pull mode) the agent hears the line and decides
  // when to give up (PRODUCT.md §5.3): End then stops the ringing call as the agent's cancel.
  if (!camp->rules.end_while_ringing) {
    return EventScope::Fail(done, MakeError(ReasonCode::kConflict, "The call is not connected yet."));
  }
  e_.calls.CancelByAgent(*call, *camp);
  e_.scope.Ack(std::move(done), ActionReply{{}, cid});
}

}  // namespace outdial::engine
