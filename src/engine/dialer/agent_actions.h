// AgentActions: the agent actions of API.md — login, logout, Available/Idle, the pull-mode
// preview request, answering a `sim:manual` reservation, cancelling and ending a call — each
// checked against the agent's state (refusals change nothing and answer at once), then carried
// out by the part that owns what changes. Offer actions go to Offers, wrap-ups to WrapUp.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>
#include <string>

#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class AgentActions {
 public:
  explicit AgentActions(Engine& engine) : e_(engine) {}

  void Login(AgentId agent, ActionDone done);
  void Logout(AgentId agent, ActionDone done);
  void SetState(AgentId agent, core::AgentState state, std::string reason, ActionDone done);
  void PreviewRequest(AgentId agent, std::optional<CampaignId> campaign, ActionDone done);
  void AnswerReservation(AgentId agent, ReservationId reservation, ActionDone done);
  void CancelCall(AgentId agent, CallId call, ActionDone done);
  void EndCall(AgentId agent, CallId call, ActionDone done);

 private:
  void GoIdle(AgentRt& agent, std::string reason);
  // A call of the agent's that is live, or an answer for one that closed (true: answered).
  CallRt* LiveCall(AgentId agent, CallId call, const ActionDone& done, bool cancel);

  Engine& e_;
};

}  // namespace outdial::engine
