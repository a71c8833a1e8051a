// Invariants: the engine's self-check (Dialer::CheckInvariants / CheckChangedInvariants), kept out
// of the hot path. The full check recounts everything: per-state contact counts, that every
// in_progress contact is held by exactly one reservation, offer or call, one offer per agent, the
// call counters against the live calls and both limits. The incremental check looks only at what
// the events since the previous check touched, from an independent account the parts keep through
// Hold/Touch/NoteAgent (a branch on `tracking` and nothing else until a test or the simulator
// first asks; production never does).
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class Invariants {
 public:
  explicit Invariants(Engine& engine) : e_(engine) {}

  // A live object takes (+1) or gives back (-1) its hold on contact `index`.
  void Hold(CampaignRt& camp, uint32_t index, int delta);
  void Touch(CampaignRt& camp, const core::Contact& contact) {
    if (tracking_) TouchSlow(camp, contact);
  }
  void NoteAgent(AgentId agent) {
    if (tracking_) touched_agents_.push_back(agent);
  }
  bool tracking() const { return tracking_; }
  // Something that must never happen happened during an event (a second offer for one agent).
  void Problem(std::string text) { found_problems_.push_back(std::move(text)); }

  std::vector<std::string> CheckAll() const;
  std::vector<std::string> CheckChanged();

 private:
  void TouchSlow(CampaignRt& camp, const core::Contact& contact);
  void StartTracking();
  void CheckTouchedContacts(std::vector<std::string>& problems);
  void CheckTouchedAgents(std::vector<std::string>& problems);
  void CheckLimits(std::vector<std::string>& problems) const;

  Engine& e_;
  bool tracking_ = false;
  std::vector<std::pair<CampaignId, uint32_t>> touched_contacts_;
  std::vector<AgentId> touched_agents_;
  std::vector<std::string> found_problems_;  // found while an event ran
};

}  // namespace outdial::engine
