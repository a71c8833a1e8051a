// Queries: read-only views of the live state — an agent's snapshot (what a reconnecting desktop
// redraws: state, reservation, offer, call, the accepted contact's card, wrap-up) and a campaign's
// stats (contacts by state, attempts by outcome, agents by activity, both limits and their load).
//
// Owned by Engine. Threading: engine thread only; nothing here changes state.
#pragma once

#include <optional>

#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class Queries {
 public:
  explicit Queries(const Engine& engine) : e_(engine) {}

  std::optional<AgentSnapshot> Snapshot(AgentId agent) const;
  std::optional<CampaignStats> Stats(CampaignId campaign) const;

 private:
  void AddCallView(const CallRt& call, AgentSnapshot& snap) const;

  const Engine& e_;
};

}  // namespace outdial::engine
