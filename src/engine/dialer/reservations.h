// Reservations (PRODUCT.md §4, push modes): the reservation call to an Available agent's station,
// which holds the picked contact while it rings. Answered, it turns into the first offer; not
// answered within `reservation_ring_limit_s` (or failed), the contact goes back untouched and the
// agent goes Idle with RESERVATION_NOT_ANSWERED. A reservation lives until its agent's contact work
// on the campaign ends: later offers and the call run on the same agent leg.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>

#include "engine/dialer/contact_picker.h"
#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class Reservations {
 public:
  explicit Reservations(Engine& engine) : e_(engine) {}

  void Start(AgentRt& agent, CampaignRt& camp, PickedContact contact);
  // Ends the reservation (and the agent's leg, when `hangup_leg`); `res` is gone afterwards.
  void End(ReservationRt& res, std::optional<core::ReasonCode> code, bool hangup_leg);
  // Ends the agent's reservation, if any, and forgets it on the agent.
  void EndOf(AgentRt& agent, std::optional<core::ReasonCode> code = std::nullopt);
  void OnAnswered(ReservationRt& res);
  void NotAnswered(ReservationRt& res);

 private:
  void OnRingTimeout(ReservationId rid);

  Engine& e_;
};

}  // namespace outdial::engine
