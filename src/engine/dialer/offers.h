// Offers (PRODUCT.md §4–§5): the Campaign Contact preview an agent sees, with the server-owned
// countdown and its timeout action, and the four answers to it — Accept (which hands the contact
// to the dial gate and the call), Skip (the contact takes its `skipped` retry rule), Remove and
// Cancel (the contact goes back untouched and the agent Idle). In push modes the next contact is
// offered on the same reservation; in pull mode the agent returns to where it was.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>

#include "core/eligibility.h"
#include "engine/dialer/contact_picker.h"
#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class Offers {
 public:
  explicit Offers(Engine& engine) : e_(engine) {}

  // Offers a picked (held) contact to the agent; `rid` is invalid in pull mode.
  void Create(AgentRt& agent, CampaignRt& camp, PickedContact contact, ReservationId rid);
  // An agent's, the countdown's or the system's action on an open offer (repeats answer as the
  // first time; a different action on a closed offer is OFFER_CLOSED).
  void Act(AgentId agent, OfferId offer, core::OfferAction action, ClosedBy by, ActionDone done);
  // Closes the offer (event, idempotency memory, hold given back); `offer` is gone afterwards.
  ClosedOfferView Close(OfferRt& offer, core::OfferAction action, ClosedBy by, ActionReply reply,
                        std::optional<core::ReasonCode> code = std::nullopt);
  // Push modes: the next contact on the same reservation, or the reservation ends.
  void NextOrEnd(AgentRt& agent, ReservationId rid);
  // After an offer closed without a call: next offer (push) or back where the agent was (pull).
  void AfterWithoutCall(AgentRt& agent, const ClosedOfferView& closed);
  // The agent leaves the preview as with Cancel (going Idle, the campaign paused, the agent's
  // line hung up): the contact goes back untouched, the reservation ends.
  ClosedOfferView Withdraw(OfferRt& offer, CampaignRt& camp, ClosedBy by,
                           std::optional<core::ReasonCode> code = std::nullopt);
  OfferEvent MakeEvent(const OfferRt& offer, const CampaignRt& camp) const;

 private:
  void OnTimeout(OfferId oid);
  void Accept(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done);
  void RefuseDial(AgentRt& agent, CampaignRt& camp, OfferRt& offer, const core::EligibilityResult& elig,
                  const ActionDone& done);
  void RetryTimeoutAccept(OfferRt& offer);
  void Skip(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done);
  void Remove(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done);
  void Cancel(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done);
  bool AnswerClosed(AgentId agent, OfferId offer, core::OfferAction action, const ActionDone& done);

  Engine& e_;
};

}  // namespace outdial::engine
