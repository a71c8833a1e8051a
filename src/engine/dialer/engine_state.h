// EngineState: the id maps of every live object, the data-centre figures and the memory of closed
// offers and calls (so a repeated action answers as the first did). Every part of the engine
// shares one EngineState (owned by Engine); none keeps pointers into it across events.
//
// Threading: engine thread only.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>
#include <utility>

#include "engine/dialer.h"
#include "engine/dialer/live_objects.h"

namespace outdial::engine {

class EngineState {
 public:
  EngineState(Dialer::Deps d, DatacenterConfig dc) : deps(d), datacenter(std::move(dc)) {}

  Dialer::Deps deps;
  DatacenterConfig datacenter;
  core::ZoneTable zones;
  DialerCounters counters;
  int64_t dc_active_calls = 0;
  uint64_t next_id = 1;

  std::unordered_map<TenantId, TenantRt> tenants;
  std::unordered_map<CampaignId, std::unique_ptr<CampaignRt>> campaigns;
  std::unordered_map<AgentId, AgentRt> agents;
  std::unordered_map<ReservationId, ReservationRt> reservations;
  std::unordered_map<OfferId, OfferRt> offers;
  std::unordered_map<CallId, CallRt> calls;
  std::unordered_map<LegId, LegOwner> legs;
  std::unordered_map<OfferId, ClosedAction> closed_offers;
  std::unordered_map<CallId, ClosedCall> closed_calls;

  TimePoint Now() const { return deps.clock.Now(); }
  uint64_t NextId() { return next_id++; }

  template <typename Map, typename Key>
  static auto* Find(Map& map, const Key& key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  }
  CampaignRt* FindCampaign(CampaignId id) {
    auto it = campaigns.find(id);
    return it == campaigns.end() ? nullptr : it->second.get();
  }
  const CampaignRt* FindCampaign(CampaignId id) const {
    auto it = campaigns.find(id);
    return it == campaigns.end() ? nullptr : it->second.get();
  }
  AgentRt* FindAgent(AgentId id) { return Find(agents, id); }

  // Closed offers and calls are remembered for an hour, so that a repeated action answers as the
  // first did (API.md: every action is idempotent per target).
  void RememberClosedOffer(OfferId id, AgentId agent, core::OfferAction action, ActionReply reply) {
    closed_offers[id] = ClosedAction{agent, action, reply};
    Remember(closed_offer_order_, closed_offers, id);
  }
  ClosedCall& RememberClosedCall(CallId id, AgentId agent, core::Outcome outcome) {
    closed_calls[id] = ClosedCall{agent, outcome, false, {}};
    Remember(closed_call_order_, closed_calls, id);
    return closed_calls[id];
  }

 private:
  static constexpr auto kIdempotencyWindow = std::chrono::hours(1);
  template <typename Id, typename Map>
  void Remember(std::deque<std::pair<TimePoint, Id>>& order, Map& map, Id id) {
    TimePoint now = Now();
    order.emplace_back(now, id);
    while (!order.empty() && order.front().first + kIdempotencyWindow < now) {
      map.erase(order.front().second);
      order.pop_front();
    }
  }
  std::deque<std::pair<TimePoint, OfferId>> closed_offer_order_;
  std::deque<std::pair<TimePoint, CallId>> closed_call_order_;
};

}  // namespace outdial::engine
