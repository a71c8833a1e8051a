// Engine: the Dialer's insides, one object per concern over one shared EngineState (DESIGN.md
// "The engine, inside"). Dialer (dialer.h) is the thin public front: it opens an EventScope::Guard
// for each entry point and hands the call to the part that owns it.
//
//   state        EngineState       the id maps of the live objects (live_objects.h)
//   scope        EventScope        batch, events, continuations: commit, then continue
//   invariants   Invariants        self-check bookkeeping, off the hot path
//   picker       ContactPicker     zone queues, calling windows, wakes, DNC, contact states
//   dispatcher   WorkDispatcher    agent states, who gets work next, waiting lists
//   capacity     Capacity          tenant and data-centre concurrency limits
//   reservations Reservations      the reservation call to the agent's station
//   offers       Offers            previews, countdown, accept/skip/remove/cancel
//   calls        Calls             the customer call, driven by core::NextCallStep
//   wrap_up      WrapUp            dispositions, callbacks, auto wrap-up
//   leg_router   LegRouter         telephony events to the object that owns the leg
//   lifecycle    CampaignLifecycle tenants, campaigns, contacts, agents: configuration
//   actions      AgentActions      the agent actions of API.md, checked, then delegated
//   queries      Queries           snapshots and stats, read-only
//
// Threading: engine thread only. Parts are constructed with the Engine and live as long as it;
// they call each other through it and never keep pointers to live objects across events.
#pragma once

#include "engine/dialer.h"
#include "engine/dialer/agent_actions.h"
#include "engine/dialer/calls.h"
#include "engine/dialer/campaign_lifecycle.h"
#include "engine/dialer/capacity.h"
#include "engine/dialer/contact_picker.h"
#include "engine/dialer/engine_state.h"
#include "engine/dialer/event_scope.h"
#include "engine/dialer/invariants.h"
#include "engine/dialer/leg_router.h"
#include "engine/dialer/offers.h"
#include "engine/dialer/queries.h"
#include "engine/dialer/reservations.h"
#include "engine/dialer/work_dispatcher.h"
#include "engine/dialer/wrap_up.h"

namespace outdial::engine {

struct Engine {
  Engine(Dialer::Deps deps, DatacenterConfig datacenter)
      : state(deps, std::move(datacenter)),
        scope(*this),
        invariants(*this),
        picker(*this),
        dispatcher(*this),
        capacity(*this),
        reservations(*this),
        offers(*this),
        calls(*this),
        wrap_up(*this),
        leg_router(*this),
        lifecycle(*this),
        actions(*this),
        queries(*this) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  EngineState state;
  EventScope scope;
  Invariants invariants;
  ContactPicker picker;
  WorkDispatcher dispatcher;
  Capacity capacity;
  Reservations reservations;
  Offers offers;
  Calls calls;
  WrapUp wrap_up;
  LegRouter leg_router;
  CampaignLifecycle lifecycle;
  AgentActions actions;
  Queries queries;
};

}  // namespace outdial::engine
