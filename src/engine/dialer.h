// Dialer: the outbound preview engine (the thin front of engine/dialer/engine.h, which maps each
// concern to its part). It owns every live object (tenants, campaigns with their
// contact queues, agents, reservations, offers, calls) and runs the core state machines on them:
// reservation calls, offers with the server-owned countdown, accept/skip/remove/cancel, the
// customer call with CPA, wrap-up with dispositions, retries, calling windows, DNC, attempt limits
// and the tenant and data-centre concurrency limits (PRODUCT.md §2–§6).
//
// Threading: every method must be called on the one engine thread; collaborators (Clock,
// TimerService, Telephony, Store, EventSink) are called back on that thread too. The Dialer does
// not own its collaborators; they must outlive it.
//
// Agent actions complete through a callback, invoked once the change is durable (API.md: acks go
// out after the commit). Every action is idempotent per target.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/calling_window.h"
#include "core/contact.h"
#include "core/contact_queue.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/settings.h"
#include "core/states.h"
#include "engine/clock.h"
#include "engine/events.h"
#include "engine/store.h"
#include "engine/telephony.h"

namespace outdial::engine {

using core::AgentId;
using core::CallId;
using core::CampaignId;
using core::ContactId;
using core::OfferId;
using core::ReservationId;
using core::TenantId;

struct DatacenterConfig {
  std::string name = "dc1";
  int max_concurrent_calls = 1000;
};

struct AgentInfo {
  AgentId id;
  TenantId tenant_id;
  std::string username;
  std::string team;
  std::string station = "sim:auto";
};

// What an action answers on success (ids of what it created, when it created something).
struct ActionReply {
  OfferId offer_id;
  CallId call_id;
};
using ActionResult = core::Result<ActionReply>;
using ActionDone = std::function<void(const ActionResult&)>;

struct CampaignStats {
  std::array<int64_t, core::kContactStateCount> contacts_by_state{};
  int64_t contacts_total = 0;
  std::array<int64_t, core::kOutcomeCount> attempts_by_outcome{};
  int64_t attempts_total = 0;
  int64_t agents_available = 0, agents_reserved = 0, agents_on_call = 0, agents_wrap_up = 0, agents_idle = 0;
  int64_t active_calls = 0;  // this campaign's calls in progress
  // The two limits of PRODUCT.md §2 and what counts against them (all campaigns of the tenant,
  // all tenants of the data centre), so a supervisor sees how close each is.
  int64_t tenant_active_calls = 0, tenant_max_calls = 0;
  int64_t datacenter_active_calls = 0, datacenter_max_calls = 0;
};

struct AgentSnapshot {
  AgentId agent_id;
  core::AgentState state = core::AgentState::kLoggedOut;
  std::optional<core::ReasonCode> reason_code;
  std::string reason;
  TimePoint since{};
  std::optional<ReservationEvent> reservation;
  std::optional<OfferEvent> offer;
  std::optional<CallEvent> call;
  // While the agent handles an accepted contact (dialing … wrap-up): the offer that was accepted,
  // so a reconnecting desktop can redraw the contact card (name, phone, configured fields).
  std::optional<OfferEvent> task;
  // In wrap-up: the dispositions to choose from and the deadline, as the `wrapup` event had them.
  std::optional<WrapupEvent> wrapup;
};

// Counters the simulator and tests check (and /metrics will expose).
struct DialerCounters {
  uint64_t reservations = 0, reservations_unanswered = 0;
  uint64_t offers = 0, accepts = 0, skips = 0, removes = 0, cancels = 0, timeouts = 0;
  uint64_t dials = 0, connects = 0, failed_attempts = 0, wrapups = 0;
  uint64_t tenant_limit_refusals = 0, datacenter_limit_refusals = 0;
  uint64_t store_failures = 0;
};

class Dialer final : public TelephonyListener {
 public:
  struct Deps {
    Clock& clock;
    TimerService& timers;
    Telephony& telephony;
    Store& store;
    EventSink& events;
  };
  Dialer(Deps deps, DatacenterConfig datacenter);
  ~Dialer() override;
  Dialer(const Dialer&) = delete;
  Dialer& operator=(const Dialer&) = delete;

  // --- configuration (validated at the edge; these re-check what they rely on) ---
  core::Result<void> AddTenant(TenantId id, const core::TenantSettings& settings);
  core::Result<void> UpdateTenant(TenantId id, const core::TenantSettings& settings);
  core::Result<void> AddCampaign(TenantId tenant, CampaignId id, const core::CampaignSettings& settings);
  core::Result<void> UpdateCampaign(CampaignId id, const core::CampaignSettings& settings);
  core::Result<void> SetCampaignStatus(CampaignId id, core::CampaignStatus status);
  // Forgets a campaign that is not running and that no agent is working any more (no
  // reservation, offer or call of it, wrap-up included): kConflict otherwise, with a sentence
  // saying why. Its contacts go with it. The caller deletes it from the Catalog.
  core::Result<void> RemoveCampaign(CampaignId id);
  // Whether an agent still holds a reservation, an offer or a call (wrap-up included) of it.
  bool CampaignHasLiveWork(CampaignId id) const;
  // Adds contacts (ids assigned by the caller, unique). Zone ids come from zones().
  core::Result<void> AddContacts(CampaignId id, std::vector<core::Contact> contacts);
  // Makes room for `count` more contacts of the campaign: the start-up load knows a campaign's
  // size before its first batch, so the campaign's vectors are allocated once instead of doubling
  // (each doubling moves every contact and briefly holds both copies). Only a hint.
  void ReserveContacts(CampaignId id, size_t count);
  core::Result<void> AddAgent(const AgentInfo& info);
  // Replaces an agent's username, team and station (the tenant stays); takes effect on its next
  // reservation or dispatch.
  core::Result<void> UpdateAgent(const AgentInfo& info);
  // Adds a number to a tenant DNC list (the list named "tenant" is checked by every campaign).
  void AddDnc(TenantId tenant, const std::string& list, const std::string& number);
  // Takes a number off a tenant DNC list (the caller has removed it from the Catalog).
  void RemoveDnc(TenantId tenant, const std::string& list, const std::string& number);
  bool IsOnDnc(TenantId tenant, const std::string& list, const std::string& number) const;
  core::ZoneTable& zones();

  // --- start-up load (state read back from the store; nothing is written again) ---
  // A stored DNC entry: like AddDnc, without writing it back.
  void RestoreDnc(TenantId tenant, const std::string& list, const std::string& number);
  // Attempts so far per outcome, so campaign stats survive a restart.
  core::Result<void> RestoreAttemptCounts(CampaignId id,
                                          const std::array<int64_t, core::kOutcomeCount>& by_outcome);
  // The largest id the store holds (attempt ids): ids the engine assigns from now on are above it.
  void SetIdFloor(uint64_t max_used_id);

  // --- agent actions (API.md "Agent actions") ---
  void Login(AgentId agent, ActionDone done);
  void Logout(AgentId agent, ActionDone done);
  // `state` must be available or idle.
  void SetAgentState(AgentId agent, core::AgentState state, std::string reason, ActionDone done);
  void PreviewRequest(AgentId agent, std::optional<CampaignId> campaign, ActionDone done);
  void AnswerReservation(AgentId agent, ReservationId reservation, ActionDone done);
  void ActOnOffer(AgentId agent, OfferId offer, core::OfferAction action, ActionDone done);
  void CancelCall(AgentId agent, CallId call, ActionDone done);
  void EndCall(AgentId agent, CallId call, ActionDone done);
  void WrapUp(AgentId agent, CallId call, const std::string& disposition,
              std::optional<TimePoint> callback_at, std::string notes, bool personal_callback,
              ActionDone done);

  // --- telephony ---
  void OnLegEvent(const LegEvent& event) override;

  // --- queries ---
  std::optional<AgentSnapshot> Snapshot(AgentId agent) const;
  std::optional<CampaignStats> Stats(CampaignId campaign) const;
  const core::Contact* FindContact(CampaignId campaign, ContactId contact) const;
  std::vector<CampaignId> Campaigns() const;
  struct CampaignBrief {
    TenantId tenant;
    core::CampaignStatus status = core::CampaignStatus::kDraft;
    core::CampaignMode mode = core::CampaignMode::kPreviewStandard;
  };
  std::optional<CampaignBrief> Campaign(CampaignId campaign) const;
  std::optional<AgentInfo> Agent(AgentId agent) const;
  std::vector<TenantId> Tenants() const;
  // The agents of a tenant, in the order they were added.
  std::vector<AgentId> Agents(TenantId tenant) const;
  int64_t ActiveCalls(TenantId tenant) const;
  int64_t DatacenterActiveCalls() const;
  const DatacenterConfig& datacenter() const;
  const DialerCounters& counters() const;
  // Checks internal consistency (per-state counts, holds, limits); returns problems found.
  // A full recount: O(contacts + live objects).
  std::vector<std::string> CheckInvariants() const;
  // The same invariants, looking only at what changed since the previous call (contacts whose
  // state or holder changed, agents whose state changed, the limit counters): O(changes), cheap
  // enough to run after every event at scale (the soak test does). The first call runs the full
  // check and starts the change tracking, which costs a little memory per event until the next
  // call; production code does not call it. CheckInvariants() also verifies what this relies on.
  std::vector<std::string> CheckChangedInvariants();

 private:
  std::unique_ptr<struct Engine> engine_;  // the parts: engine/dialer/engine.h
};

}  // namespace outdial::engine
