#include "engine/dialer/offers.h"

#include <fmt/format.h>

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::AgentState;
using core::ContactState;
using core::OfferAction;
using core::ReasonCode;

namespace {
// When a timeout accept is refused by a concurrency limit, the server tries again after this.
constexpr auto kLimitRetryDelay = std::chrono::seconds(5);

core::Error Refuse(ReasonCode code) {
  return core::MakeError(code, std::string(core::HumanSentence(code)));
}

OfferAction ActionFor(core::TimeoutAction action) {
  switch (action) {
    case core::TimeoutAction::kAccept: return OfferAction::kAccept;
    case core::TimeoutAction::kSkip: return OfferAction::kSkip;
    case core::TimeoutAction::kRemove: return OfferAction::kRemove;
  }
  return OfferAction::kSkip;
}
}  // namespace

OfferEvent Offers::MakeEvent(const OfferRt& offer, const CampaignRt& camp) const {
  const core::Contact& c = camp.contacts[offer.contact];
  const auto& s = camp.settings;
  OfferEvent ev;
  ev.agent_id = offer.agent;
  ev.offer_id = offer.id;
  ev.reservation_id = offer.reservation;
  ev.campaign_id = camp.id;
  ev.campaign_name = s.name;
  ev.campaign_description = s.description;
  ev.mode = s.mode;
  ev.contact_id = c.id;
  ev.contact_name = c.name;
  ev.phone = offer.phone >= 0 ? c.phones[static_cast<size_t>(offer.phone)].number : std::string();
  if (s.displayed_fields.empty()) {
    ev.fields = c.fields;
  } else {
    for (const auto& name : s.displayed_fields) {
      for (const auto& field : c.fields) {
        if (field.first == name) ev.fields.push_back(field);
      }
    }
  }
  ev.expires_at = offer.expires_at;
  ev.timeout_action = camp.rules.timeout_action;
  ev.can_accept = true;
  ev.can_skip = camp.rules.can_skip;
  ev.can_remove = camp.rules.can_remove;
  ev.can_cancel = camp.rules.can_cancel;
  return ev;
}

void Offers::Create(AgentRt& agent, CampaignRt& camp, PickedContact contact, ReservationId rid) {
  EngineState& st = e_.state;
  OfferId oid{st.NextId()};
  if (agent.offer.valid() && st.offers.contains(agent.offer)) {
    e_.invariants.Problem(fmt::format("agent {} holds two offers ({} and {})", agent.info.id.value,
                                      agent.offer.value, oid.value));
  }
  OfferRt& offer = st.offers.emplace(oid, OfferRt{}).first->second;
  offer.id = oid;
  offer.agent = agent.info.id;
  offer.campaign = camp.id;
  offer.reservation = rid;
  offer.contact = contact.index;
  offer.phone = contact.phone;
  int timeout_s = camp.settings.preview_offer_timeout_s;
  if (timeout_s > 0) {
    offer.expires_at = st.Now() + std::chrono::seconds(timeout_s);
    offer.timer = e_.scope.At(*offer.expires_at, [this, oid] { OnTimeout(oid); });
  }
  e_.invariants.Hold(camp, contact.index, +1);
  agent.offer = oid;
  ++st.counters.offers;
  if (agent.state != AgentState::kPreviewing) e_.dispatcher.SetAgent(agent, AgentState::kPreviewing);
  e_.scope.Emit(MakeEvent(offer, camp));
  e_.scope.Audit(camp.tenant, agent.info.id, "offer",
                 fmt::format("offer={} contact={}", oid.value, camp.contacts[contact.index].id.value));
  if (timeout_s == 0) {
    // Timeout 0 with action accept: dial at once (the offer event still goes out first).
    Act(agent.info.id, oid, OfferAction::kAccept, ClosedBy::kTimeout, nullptr);
  }
}

void Offers::OnTimeout(OfferId oid) {
  OfferRt* offer = EngineState::Find(e_.state.offers, oid);
  if (offer == nullptr) return;
  offer->timer.Fired();
  CampaignRt* camp = e_.state.FindCampaign(offer->campaign);
  if (camp == nullptr) return;
  ++e_.state.counters.timeouts;
  Act(offer->agent, oid, ActionFor(camp->rules.timeout_action), ClosedBy::kTimeout, nullptr);
}

ClosedOfferView Offers::Close(OfferRt& offer, OfferAction action, ClosedBy by, ActionReply reply,
                              std::optional<ReasonCode> code) {
  EngineState& st = e_.state;
  ClosedOfferView closed{offer.id, offer.reservation, offer.contact};
  st.RememberClosedOffer(offer.id, offer.agent, action, reply);
  e_.scope.Emit(OfferClosedEvent{offer.agent, offer.id, action, by, code});
  if (AgentRt* agent = st.FindAgent(offer.agent); agent != nullptr && agent->offer == offer.id) {
    agent->offer = {};
  }
  if (CampaignRt* camp = st.FindCampaign(offer.campaign)) e_.invariants.Hold(*camp, offer.contact, -1);
  st.offers.erase(offer.id);  // `offer` and its timer are gone from here on
  return closed;
}

ClosedOfferView Offers::Withdraw(OfferRt& offer, CampaignRt& camp, ClosedBy by,
                                 std::optional<ReasonCode> code) {
  ClosedOfferView closed = Close(offer, OfferAction::kCancel, by, ActionReply{offer.id, {}}, code);
  e_.picker.ReturnUntouched(camp, closed.contact);
  if (ReservationRt* res = EngineState::Find(e_.state.reservations, closed.reservation)) {
    e_.reservations.End(*res, code, true);
  }
  return closed;
}

void Offers::NextOrEnd(AgentRt& agent, ReservationId rid) {
  ReservationRt* res = EngineState::Find(e_.state.reservations, rid);
  if (res == nullptr) {
    e_.dispatcher.WorkEnded(agent);
    return;
  }
  CampaignRt* camp = e_.state.FindCampaign(res->campaign);
  if (!agent.idle_after_call && camp != nullptr) {
    if (auto pick = e_.picker.Pick(*camp, agent.info.id)) {
      Create(agent, *camp, *pick, rid);
      return;
    }
    e_.scope.Emit(NoticeEvent{agent.info.id, ReasonCode::kNoCallableContacts,
                              std::string(core::HumanSentence(ReasonCode::kNoCallableContacts))});
  }
  e_.reservations.End(*res, std::nullopt, true);
  agent.reservation = {};
  if (agent.state != AgentState::kAvailable && agent.state != AgentState::kIdle) {
    e_.dispatcher.WorkEnded(agent);
  }
}

void Offers::AfterWithoutCall(AgentRt& agent, const ClosedOfferView& closed) {
  if (closed.reservation.valid()) {
    NextOrEnd(agent, closed.reservation);
  } else {
    e_.dispatcher.ReturnFromPull(agent);
  }
}

bool Offers::AnswerClosed(AgentId agent_id, OfferId oid, OfferAction action, const ActionDone& done) {
  auto closed = e_.state.closed_offers.find(oid);
  if (closed == e_.state.closed_offers.end() || closed->second.agent != agent_id) {
    EventScope::Fail(done, core::MakeError(ReasonCode::kNotFound, "No such offer."));
  } else if (closed->second.action == action) {
    if (done) done(ActionResult(closed->second.reply));  // idempotent repeat
  } else {
    EventScope::Fail(done, Refuse(ReasonCode::kOfferClosed));
  }
  return true;
}

void Offers::Act(AgentId agent_id, OfferId oid, OfferAction action, ClosedBy by, ActionDone done) {
  OfferRt* offer = EngineState::Find(e_.state.offers, oid);
  if (offer == nullptr || offer->agent != agent_id) {
    AnswerClosed(agent_id, oid, action, done);
    return;
  }
  AgentRt* agent = e_.state.FindAgent(agent_id);
  CampaignRt* camp = e_.state.FindCampaign(offer->campaign);
  if (agent == nullptr || camp == nullptr) return EventScope::Fail(done, Refuse(ReasonCode::kInternal));
  const core::ModeRules& rules = camp->rules;
  if (by == ClosedBy::kAgent) {
    bool disabled = (action == OfferAction::kSkip && !rules.can_skip) ||
                    (action == OfferAction::kRemove && !rules.can_remove) ||
                    (action == OfferAction::kCancel && !rules.can_cancel);
    if (disabled) {
      e_.scope.Audit(
          camp->tenant, agent_id, "action_refused",
          fmt::format("offer={} action={} reason=ACTION_DISABLED", oid.value, core::ToString(action)));
      return EventScope::Fail(done, Refuse(ReasonCode::kActionDisabled));
    }
  }
  e_.scope.Audit(camp->tenant, agent_id, std::string(core::ToString(action)),
                 fmt::format("offer={} contact={} by={}", oid.value, camp->contacts[offer->contact].id.value,
                             ToString(by)));
  switch (action) {
    case OfferAction::kAccept: return Accept(*agent, *camp, *offer, by, std::move(done));
    case OfferAction::kSkip: return Skip(*agent, *camp, *offer, by, std::move(done));
    case OfferAction::kRemove: return Remove(*agent, *camp, *offer, by, std::move(done));
    case OfferAction::kCancel: return Cancel(*agent, *camp, *offer, by, std::move(done));
  }
}

void Offers::Skip(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done) {
  ++e_.state.counters.skips;
  OfferId oid = offer.id;
  int phone = offer.phone;
  core::Contact& contact = camp.contacts[offer.contact];
  ClosedOfferView closed = Close(offer, OfferAction::kSkip, by, ActionReply{oid, {}});
  core::ApplyRetry(contact, camp.settings, core::RetryKey::kSkipped, phone, false, e_.state.Now());
  // The skipped contact stays out of the queue until the next one is picked, so that the agent is
  // not shown the same customer again at once.
  ContactState target = contact.state;
  contact.state = ContactState::kInProgress;
  AfterWithoutCall(agent, closed);
  e_.picker.Settle(camp, closed.contact, target);
  e_.scope.Ack(std::move(done), ActionReply{oid, {}});
}

void Offers::Remove(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done) {
  ++e_.state.counters.removes;
  OfferId oid = offer.id;
  ClosedOfferView closed = Close(offer, OfferAction::kRemove, by, ActionReply{oid, {}});
  core::Contact& contact = camp.contacts[closed.contact];
  e_.picker.SetState(camp, contact, ContactState::kRemoved);
  e_.picker.Record(contact);
  AfterWithoutCall(agent, closed);
  e_.scope.Ack(std::move(done), ActionReply{oid, {}});
}

void Offers::Cancel(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done) {
  ++e_.state.counters.cancels;
  OfferId oid = offer.id;
  Withdraw(offer, camp, by);
  agent.reservation = {};
  agent.idle_after_call = false;
  e_.dispatcher.SetAgent(agent, AgentState::kIdle, ReasonCode::kAgentCancelled);
  e_.scope.Ack(std::move(done), ActionReply{oid, {}});
}

// Promise 4: limits, window and DNC are enforced on every dial, whatever was offered.
void Offers::Accept(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done) {
  if (camp.status != core::CampaignStatus::kRunning) {
    return EventScope::Fail(done, Refuse(ReasonCode::kCampaignNotRunning));
  }
  TenantRt& tenant = e_.state.tenants.at(camp.tenant);
  core::Contact& contact = camp.contacts[offer.contact];
  core::DncLookup dnc = [&](std::string_view n) { return e_.picker.IsDnc(camp, n); };
  bool window_open = e_.picker.WindowOf(camp, contact).open;
  auto elig = core::CheckEligibility(contact, camp.settings, dnc, window_open);
  if (elig.kind != core::EligibilityKind::kEligible) {
    return RefuseDial(agent, camp, offer, elig, done);
  }
  if (auto limit = e_.capacity.Refusal(tenant)) {
    e_.scope.Emit(NoticeEvent{agent.info.id, *limit, std::string(core::HumanSentence(*limit))});
    e_.scope.Audit(camp.tenant, agent.info.id, "limit_refused",
                   fmt::format("offer={} reason={} active={} dc_active={}", offer.id.value,
                               core::ToString(*limit), tenant.active_calls, e_.state.dc_active_calls));
    // The server owns the countdown: a timeout accept is tried again shortly.
    if (by == ClosedBy::kTimeout) RetryTimeoutAccept(offer);
    return EventScope::Fail(done, Refuse(*limit));
  }
  ++e_.state.counters.accepts;
  CallId cid{e_.state.NextId()};
  OfferId oid = offer.id;
  ClosedOfferView closed = Close(offer, OfferAction::kAccept, by, ActionReply{oid, cid});
  e_.calls.Start(agent, camp, tenant, cid, closed, PickedContact{closed.contact, elig.phone_index});
  e_.scope.Ack(std::move(done), ActionReply{oid, cid});
}

// When Accept finds the contact no longer dialable (its window closed, its number put on a DNC
// list), the offer closes `by: system` with the reason and the next contact is offered.
void Offers::RefuseDial(AgentRt& agent, CampaignRt& camp, OfferRt& offer, const core::EligibilityResult& elig,
                        const ActionDone& done) {
  OfferId oid = offer.id;
  ClosedOfferView closed =
      Close(offer, OfferAction::kSkip, ClosedBy::kSystem, ActionReply{oid, {}}, elig.reason);
  core::Contact& contact = camp.contacts[closed.contact];
  if (elig.kind == core::EligibilityKind::kClose) {
    e_.picker.SetState(camp, contact, elig.close_state);
    e_.picker.Record(contact);
  } else {
    e_.picker.ReturnUntouched(camp, closed.contact);
  }
  e_.scope.Emit(NoticeEvent{agent.info.id, elig.reason, std::string(core::HumanSentence(elig.reason))});
  e_.scope.Audit(camp.tenant, agent.info.id, "dial_refused",
                 fmt::format("offer={} reason={}", oid.value, core::ToString(elig.reason)));
  AfterWithoutCall(agent, closed);
  EventScope::Fail(done, Refuse(elig.reason));
}

void Offers::RetryTimeoutAccept(OfferRt& offer) {
  AgentId agent_id = offer.agent;
  OfferId oid = offer.id;
  offer.timer = e_.scope.After(kLimitRetryDelay, [this, agent_id, oid] {
    if (OfferRt* o = EngineState::Find(e_.state.offers, oid)) {
      o->timer.Fired();
      Act(agent_id, oid, OfferAction::kAccept, ClosedBy::kTimeout, nullptr);
    }
  });
}

}  // namespace outdial::engine
