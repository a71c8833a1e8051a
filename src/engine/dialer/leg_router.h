// LegRouter: which live object a telephony leg belongs to (the agent's reservation line, the
// pull-mode agent leg of a call, or the customer leg) and what each leg event means for it. A leg
// the engine closed itself is forgotten, so its late events are dropped here.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include "engine/dialer/live_objects.h"
#include "engine/telephony.h"

namespace outdial::engine {

struct Engine;

class LegRouter {
 public:
  explicit LegRouter(Engine& engine) : e_(engine) {}

  void OnLegEvent(const LegEvent& event);

 private:
  void OnReservationLeg(ReservationRt& res, const LegEvent& event);
  void OnReservationLineDown(ReservationRt& res);
  void OnPullAgentLeg(CallRt& call, CampaignRt& camp, const LegEvent& event);

  Engine& e_;
};

}  // namespace outdial::engine
