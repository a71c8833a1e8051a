// WorkDispatcher: who works next. It owns the agents' state changes (SetAgent, with the
// agent_state event), where an agent goes when its contact work ends, the push modes' assignment
// of an Available agent to the best campaign of its teams with a callable contact (campaigns by
// priority), the campaigns' waiting lists of agents, and the work found during an event that is
// handed out at its end (Flush, called by EventScope), never in the middle of another change.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>

#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class WorkDispatcher {
 public:
  explicit WorkDispatcher(Engine& engine) : e_(engine) {}

  void SetAgent(AgentRt& agent, core::AgentState state, std::optional<core::ReasonCode> code = std::nullopt,
                std::string reason = {});
  // Where an agent goes when the contact work ends: Available (and to work), unless it asked to
  // go idle meanwhile.
  void WorkEnded(AgentRt& agent, std::optional<core::ReasonCode> code = std::nullopt);
  // Pull mode, after an offer closed without a call: back to where the agent was when it asked.
  void ReturnFromPull(AgentRt& agent);
  bool WorksCampaign(const AgentRt& agent, const CampaignRt& camp) const;
  // Push modes: reserves an Available agent for the best campaign with a contact for it, or puts
  // it on the waiting list of each of its push campaigns.
  bool TryAssign(AgentRt& agent);
  // Hands ready contacts of `camp` to agents waiting for work.
  void DispatchWaiting(CampaignRt& camp);

  void NeedAssign(AgentId agent) { assign_needed_.insert(agent); }
  void NeedDispatch(CampaignId campaign) { dispatch_needed_.insert(campaign); }
  void Forget(CampaignId campaign) { dispatch_needed_.erase(campaign); }
  // Hands out the work found during the event.
  void Flush();

 private:
  std::unordered_set<CampaignId> dispatch_needed_;
  std::unordered_set<AgentId> assign_needed_;
  Engine& e_;
};

}  // namespace outdial::engine
