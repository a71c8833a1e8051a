#include "engine/dialer/work_dispatcher.h"

#include <algorithm>
#include <cassert>

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::AgentState;

void WorkDispatcher::SetAgent(AgentRt& agent, AgentState state, std::optional<core::ReasonCode> code,
                              std::string reason) {
  assert(core::CanTransition(agent.state, state) || agent.state == state);
  bool changed = agent.state != state || agent.reason_code != code || agent.reason != reason;
  if (agent.state != state) {
    agent.since = e_.state.Now();
    ++agent.wait_epoch;  // any waiting-list entry of the old state is stale now
  }
  agent.state = state;
  agent.reason_code = code;
  agent.reason = std::move(reason);
  e_.invariants.NoteAgent(agent.info.id);
  if (changed) e_.scope.Emit(AgentStateEvent{agent.info.id, state, code, agent.reason, agent.since});
}

void WorkDispatcher::WorkEnded(AgentRt& agent, std::optional<core::ReasonCode> code) {
  agent.reservation = {};
  agent.offer = {};
  agent.call = {};
  if (agent.idle_after_call) {
    agent.idle_after_call = false;
    SetAgent(agent, AgentState::kIdle, code, std::move(agent.idle_after_reason));
    return;
  }
  SetAgent(agent, AgentState::kAvailable, code);
  TryAssign(agent);
}

void WorkDispatcher::ReturnFromPull(AgentRt& agent) {
  agent.offer = {};
  if (agent.pull_return_state == AgentState::kIdle || agent.idle_after_call) {
    agent.idle_after_call = false;
    SetAgent(agent, AgentState::kIdle, std::nullopt, agent.idle_after_reason);
  } else {
    SetAgent(agent, AgentState::kAvailable);
    TryAssign(agent);
  }
}

bool WorkDispatcher::WorksCampaign(const AgentRt& agent, const CampaignRt& camp) const {
  if (camp.tenant != agent.info.tenant_id) return false;
  const auto& teams = camp.settings.teams;
  return teams.empty() || std::find(teams.begin(), teams.end(), agent.info.team) != teams.end();
}

bool WorkDispatcher::TryAssign(AgentRt& agent) {
  if (agent.state != AgentState::kAvailable) return false;
  TenantRt* tenant = EngineState::Find(e_.state.tenants, agent.info.tenant_id);
  if (tenant == nullptr) return false;
  for (CampaignId cid : tenant->campaigns) {
    CampaignRt* camp = e_.state.FindCampaign(cid);
    if (camp == nullptr || camp->status != core::CampaignStatus::kRunning || !camp->rules.push ||
        !WorksCampaign(agent, *camp)) {
      continue;
    }
    if (auto pick = e_.picker.Pick(*camp, agent.info.id)) {
      e_.reservations.Start(agent, *camp, *pick);
      return true;
    }
  }
  // Nothing now: wait on every push campaign of the agent until one has work.
  ++agent.wait_epoch;
  for (CampaignId cid : tenant->campaigns) {
    CampaignRt* camp = e_.state.FindCampaign(cid);
    if (camp != nullptr && camp->rules.push && WorksCampaign(agent, *camp)) {
      camp->waiting.emplace_back(agent.info.id, agent.wait_epoch);
    }
  }
  return false;
}

void WorkDispatcher::DispatchWaiting(CampaignRt& camp) {
  if (camp.status != core::CampaignStatus::kRunning || !camp.rules.push) return;
  auto still_waiting = [&](AgentId agent_id, uint64_t epoch) {
    AgentRt* agent = e_.state.FindAgent(agent_id);
    return agent != nullptr && agent->wait_epoch == epoch && agent->state == AgentState::kAvailable ? agent
                                                                                                    : nullptr;
  };
  size_t budget = camp.waiting.size();
  while (budget-- > 0 && !camp.waiting.empty() && e_.picker.HasCallableNow(camp)) {
    auto [agent_id, epoch] = camp.waiting.front();
    camp.waiting.pop_front();
    if (AgentRt* agent = still_waiting(agent_id, epoch)) TryAssign(*agent);
  }
  // Drop stale entries at the front so the deque does not grow without bound.
  while (!camp.waiting.empty() &&
         still_waiting(camp.waiting.front().first, camp.waiting.front().second) == nullptr) {
    camp.waiting.pop_front();
  }
}

void WorkDispatcher::Flush() {
  while (!dispatch_needed_.empty() || !assign_needed_.empty()) {
    auto agents_pending = std::move(assign_needed_);
    assign_needed_.clear();
    for (AgentId id : agents_pending) {
      if (AgentRt* agent = e_.state.FindAgent(id)) TryAssign(*agent);
    }
    auto pending = std::move(dispatch_needed_);
    dispatch_needed_.clear();
    for (CampaignId id : pending) {
      if (CampaignRt* camp = e_.state.FindCampaign(id)) DispatchWaiting(*camp);
    }
  }
}

}  // namespace outdial::engine
