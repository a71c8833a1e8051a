#include "engine/dialer.h"

#include <algorithm>
#include <cassert>
#include <map>

#include <fmt/format.h>

#include "core/eligibility.h"

namespace outdial::engine {

using core::AgentState;
using core::CallState;
using core::CampaignMode;
using core::CampaignStatus;
using core::Contact;
using core::ContactState;
using core::ErrorCode;
using core::Error;
using core::MakeError;
using core::OfferAction;
using core::Outcome;
using core::ReasonCode;
using core::Result;
using core::Ok;

std::string_view ToString(ClosedBy by) {
  switch (by) {
    case ClosedBy::kAgent: return "agent";
    case ClosedBy::kTimeout: return "timeout";
    case ClosedBy::kSystem: return "system";
  }
  return "system";
}

namespace {

constexpr char kTenantDncList[] = "tenant";
// How long closed offers and calls are remembered so a repeated action answers as the first did.
constexpr auto kIdempotencyWindow = std::chrono::hours(1);
// When a timeout accept is refused by a concurrency limit, the server tries again after this.
constexpr auto kLimitRetryDelay = std::chrono::seconds(5);
constexpr auto kMaxCallbackHorizon = std::chrono::days(366);

Error Refuse(ReasonCode code) { return MakeError(code, std::string(core::HumanSentence(code))); }
Error RefuseWith(ReasonCode code, std::string message) { return MakeError(code, std::move(message)); }

bool IsPush(CampaignMode mode) { return mode != CampaignMode::kPreview; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Live objects. All owned by Impl, addressed by ids (never by pointers across events).

namespace {

struct ZoneQueue {
  uint16_t zone = 0;
  core::ContactQueue queue;
  core::WindowState window;
  bool window_known = false;
};

// Contact id -> position in the campaign's contact vector. Ids normally arrive ascending (the
// store assigns them in import order and loads them in that order), so they are kept in a sorted
// vector searched by bisection: 12 bytes a contact and no allocation per insert, where a hash map
// costs a node each (millions at start-up). An id below the largest one seen goes to a hash map.
class ContactIndex {
 public:
  std::optional<uint32_t> Find(ContactId id) const {
    auto it = std::lower_bound(ids_.begin(), ids_.end(), id.value);
    if (it != ids_.end() && *it == id.value) return positions_[static_cast<size_t>(it - ids_.begin())];
    if (auto o = others_.find(id); o != others_.end()) return o->second;
    return std::nullopt;
  }
  bool Contains(ContactId id) const { return Find(id).has_value(); }
  // The largest id in ascending order so far (0 when none): a batch of ids strictly above it,
  // ascending, is new and unique without a lookup.
  uint64_t max_ascending() const { return ids_.empty() ? 0 : ids_.back(); }
  void Insert(ContactId id, uint32_t position) {
    if (ids_.empty() || id.value > ids_.back()) {
      ids_.push_back(id.value);
      positions_.push_back(position);
    } else {
      others_.emplace(id, position);
    }
  }
  // Room for `more` further ids, growing geometrically (lists arrive in chunks) unless `exact`.
  void Reserve(size_t more, bool exact = false) {
    size_t needed = ids_.size() + more;
    if (ids_.capacity() < needed) {
      ids_.reserve(exact ? needed : std::max(needed, ids_.capacity() * 2));
      positions_.reserve(ids_.capacity());
    }
  }

 private:
  std::vector<uint64_t> ids_;  // ascending
  std::vector<uint32_t> positions_;
  std::unordered_map<ContactId, uint32_t> others_;
};

template <typename T>
void ReserveGeometric(std::vector<T>& v, size_t more) {
  size_t needed = v.size() + more;
  if (v.capacity() < needed) v.reserve(std::max(needed, v.capacity() * 2));
}

struct CampaignRt {
  CampaignId id;
  TenantId tenant;
  core::CampaignSettings settings;
  CampaignStatus status = CampaignStatus::kDraft;
  std::vector<Contact> contacts;
  ContactIndex index_by_id;
  std::vector<ZoneQueue> zone_queues;
  std::unordered_map<uint16_t, size_t> slot_by_zone;
  // Personal callbacks: waiting ones in one queue for the whole campaign (so a wake looks at one
  // heap, not one per agent), due ones in a ready queue per agent, dropped when empty.
  core::ContactQueue personal_pending;
  std::unordered_map<AgentId, core::ContactQueue> personal;
  std::deque<std::pair<AgentId, uint64_t>> waiting;         // (agent, wait epoch)
  TimerId wake_timer = kNoTimer;
  TimePoint wake_at = core::kNever;
  std::array<int64_t, core::kContactStateCount> counts{};
  std::array<int64_t, core::kOutcomeCount> attempts_by_outcome{};
  int64_t attempts_total = 0;
  int64_t active_calls = 0;
  // Incremental invariant bookkeeping (Dialer::CheckChangedInvariants), one entry per contact:
  // how many live objects (ringing reservation, offer, call) hold it, and its state as of the
  // last check with the per-state counts recomputed from those states.
  std::vector<int8_t> holds;
  std::vector<ContactState> checked_state;
  std::array<int64_t, core::kContactStateCount> checked_counts{};
};

struct TenantRt {
  TenantId id;
  core::TenantSettings settings;
  int64_t active_calls = 0;
  std::unordered_map<std::string, std::unordered_set<std::string>> dnc;
  std::vector<CampaignId> campaigns;  // sorted by priority (desc), then id
  std::vector<AgentId> agents;
};

struct AgentRt {
  AgentInfo info;
  AgentState state = AgentState::kLoggedOut;
  std::optional<ReasonCode> reason_code;
  std::string reason;
  TimePoint since{};
  bool idle_after_call = false;
  std::string idle_after_reason;
  AgentState pull_return_state = AgentState::kAvailable;  // where a pull preview returns to
  ReservationId reservation;
  OfferId offer;
  CallId call;
  uint64_t wait_epoch = 0;
};

struct ReservationRt {
  ReservationId id;
  AgentId agent;
  CampaignId campaign;
  LegId leg;
  core::ReservationState state = core::ReservationState::kRinging;
  TimerId ring_timer = kNoTimer;
  uint32_t held_contact = 0;  // held while ringing, offered when answered
  int held_phone = -1;
  bool holds_contact = false;
};

struct OfferRt {
  OfferId id;
  AgentId agent;
  CampaignId campaign;
  ReservationId reservation;  // invalid in pull mode
  uint32_t contact = 0;
  int phone = -1;
  std::optional<TimePoint> expires_at;
  TimerId timer = kNoTimer;
};

struct CallRt {
  CallId id;
  AgentId agent;
  OfferId offer;
  CampaignId campaign;
  ReservationId reservation;
  uint32_t contact = 0;
  int phone = -1;
  std::string number;
  LegId customer_leg;
  LegId agent_leg;  // pull mode: the agent's station is called first
  CallState state = CallState::kDialing;
  bool customer_dialed = false;
  bool attempt_written = false;
  bool cancel_requested = false;
  bool in_wrap_up = false;
  TimePoint started_at{};
  std::optional<TimePoint> answered_at;
  std::optional<core::AmdResult> amd;
  Outcome outcome = Outcome::kConnected;
  TimerId ring_timer = kNoTimer;
  TimerId wrap_timer = kNoTimer;
  std::optional<TimePoint> wrap_deadline;  // while in wrap-up with a timeout
  TimerId agent_ring_timer = kNoTimer;
};

enum class LegOwnerKind { kReservation, kCustomer, kPullAgent };
struct LegOwner {
  LegOwnerKind kind;
  uint64_t id;  // reservation id or call id
};

// A remembered answer for an action on a closed target.
struct ClosedAction {
  AgentId agent;
  OfferAction action;
  ActionReply reply;
};
struct ClosedCall {
  AgentId agent;
  Outcome outcome;
  bool wrapped_up = false;
  std::string disposition;  // the code it was wrapped up with (by the agent or the timeout)
};

}  // namespace

struct Dialer::Impl {
  Impl(Deps d, DatacenterConfig dc) : deps(d), datacenter(std::move(dc)) {}

  Deps deps;
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
  std::deque<std::pair<TimePoint, OfferId>> closed_offer_order;
  std::deque<std::pair<TimePoint, CallId>> closed_call_order;

  // Changes of the current event, committed together at the end of it (Settle).
  WriteBatch batch;
  std::vector<std::function<void(bool durable)>> after_commit;
  int depth = 0;

  // ---- plumbing -------------------------------------------------------------------------------

  TimePoint Now() const { return deps.clock.Now(); }
  uint64_t NextId() { return next_id++; }

  // Every entry point (public call, timer, telephony event) runs inside a Scope; the outermost one
  // commits what the event changed and then runs the continuations (acks, dial commands).
  struct Scope {
    explicit Scope(Impl& impl) : impl_(impl) { ++impl_.depth; }
    ~Scope() {
      if (impl_.depth == 1) impl_.FlushDispatch();
      if (--impl_.depth == 0) impl_.Settle();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Impl& impl_;
  };
  bool settling = false;

  void Settle() {
    if (settling) return;  // a synchronous store re-entered: the loop below continues
    settling = true;
    for (;;) {
      ++depth;
      FlushDispatch();
      --depth;
      if (batch.empty() && after_commit.empty()) break;
      WriteBatch to_commit = std::move(batch);
      batch = WriteBatch{};
      auto continuations = std::move(after_commit);
      after_commit.clear();
      auto run = [this, cont = std::move(continuations)](bool durable) mutable {
        ++depth;
        for (auto& fn : cont) fn(durable);
        --depth;
      };
      if (to_commit.empty()) {
        run(true);
        continue;
      }
      // A synchronous store runs `on_durable` before Commit returns; an asynchronous one later on
      // the engine thread, where the changes its continuations make are settled in turn.
      deps.store.Commit(std::move(to_commit), [this, run = std::move(run)](const core::Result<void>& r) mutable {
        if (!r.ok()) ++counters.store_failures;
        run(r.ok());
        if (!settling) Settle();
      });
    }
    settling = false;
  }

  void Then(std::function<void(bool)> fn) { after_commit.push_back(std::move(fn)); }
  void Ack(ActionDone done, ActionReply reply) {
    if (!done) return;
    Then([done = std::move(done), reply](bool durable) {
      if (durable) {
        done(ActionResult(reply));
      } else {
        done(ActionResult(Refuse(ReasonCode::kUnavailable)));
      }
    });
  }
  // Refusals change nothing, so they answer at once.
  static void Fail(const ActionDone& done, Error error) {
    if (done) done(ActionResult(std::move(error)));
  }

  void Audit(TenantId tenant, AgentId agent, std::string action, std::string detail) {
    batch.audit.push_back(AuditRecord{Now(), tenant, agent, std::move(action), std::move(detail)});
  }

  void Emit(Event event) { deps.events.OnEvent(event); }

  TimerId After(core::Millis delay, std::function<void()> fn) {
    return deps.timers.Schedule(Now() + delay, [this, fn = std::move(fn)] {
      Scope scope(*this);
      fn();
    });
  }
  TimerId At(TimePoint when, std::function<void()> fn) {
    return deps.timers.Schedule(when, [this, fn = std::move(fn)] {
      Scope scope(*this);
      fn();
    });
  }
  void CancelTimer(TimerId& id) {
    if (id != kNoTimer) deps.timers.Cancel(id);
    id = kNoTimer;
  }

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

  void RememberClosedOffer(OfferId id, AgentId agent, OfferAction action, ActionReply reply) {
    closed_offers[id] = ClosedAction{agent, action, reply};
    closed_offer_order.emplace_back(Now(), id);
    while (!closed_offer_order.empty() && closed_offer_order.front().first + kIdempotencyWindow < Now()) {
      closed_offers.erase(closed_offer_order.front().second);
      closed_offer_order.pop_front();
    }
  }
  void RememberClosedCall(CallId id, AgentId agent, Outcome outcome) {
    closed_calls[id] = ClosedCall{agent, outcome, false};
    closed_call_order.emplace_back(Now(), id);
    while (!closed_call_order.empty() && closed_call_order.front().first + kIdempotencyWindow < Now()) {
      closed_calls.erase(closed_call_order.front().second);
      closed_call_order.pop_front();
    }
  }

  // ---- agents ---------------------------------------------------------------------------------

  void SetAgent(AgentRt& agent, AgentState state, std::optional<ReasonCode> code = std::nullopt,
                std::string reason = {}) {
    assert(core::CanTransition(agent.state, state) || agent.state == state);
    bool changed = agent.state != state || agent.reason_code != code || agent.reason != reason;
    if (agent.state != state) {
      agent.since = Now();
      ++agent.wait_epoch;  // any waiting-list entry of the old state is stale now
    }
    agent.state = state;
    agent.reason_code = code;
    agent.reason = std::move(reason);
    if (track_changes) touched_agents.push_back(agent.info.id);
    if (changed) Emit(AgentStateEvent{agent.info.id, state, code, agent.reason, agent.since});
  }

  // Where an agent goes when the contact work ends: Available, unless it asked to go idle.
  void AgentWorkEnded(AgentRt& agent, std::optional<ReasonCode> code = std::nullopt) {
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

  bool AgentWorksCampaign(const AgentRt& agent, const CampaignRt& camp) const {
    if (camp.tenant != agent.info.tenant_id) return false;
    const auto& teams = camp.settings.teams;
    return teams.empty() || std::find(teams.begin(), teams.end(), agent.info.team) != teams.end();
  }

  // Push modes: reserve an Available agent for the best campaign that has a contact for them.
  bool TryAssign(AgentRt& agent) {
    if (agent.state != AgentState::kAvailable) return false;
    TenantRt* tenant = Find(tenants, agent.info.tenant_id);
    if (tenant == nullptr) return false;
    for (CampaignId cid : tenant->campaigns) {
      CampaignRt* camp = FindCampaign(cid);
      if (camp == nullptr || camp->status != CampaignStatus::kRunning || !IsPush(camp->settings.mode) ||
          !AgentWorksCampaign(agent, *camp)) {
        continue;
      }
      auto pick = PickContact(*camp, agent.info.id);
      if (pick) {
        StartReservation(agent, *camp, pick->first, pick->second);
        return true;
      }
    }
    // Nothing now: wait on every push campaign of the agent until one has work.
    ++agent.wait_epoch;
    for (CampaignId cid : tenant->campaigns) {
      CampaignRt* camp = FindCampaign(cid);
      if (camp != nullptr && IsPush(camp->settings.mode) && AgentWorksCampaign(agent, *camp)) {
        camp->waiting.emplace_back(agent.info.id, agent.wait_epoch);
      }
    }
    return false;
  }

  // Hands ready contacts of `camp` to agents waiting for work.
  void DispatchWaiting(CampaignRt& camp) {
    if (camp.status != CampaignStatus::kRunning || !IsPush(camp.settings.mode)) return;
    size_t budget = camp.waiting.size();
    while (budget-- > 0 && !camp.waiting.empty() && HasCallableNow(camp)) {
      auto [agent_id, epoch] = camp.waiting.front();
      camp.waiting.pop_front();
      AgentRt* agent = Find(agents, agent_id);
      if (agent == nullptr || agent->wait_epoch != epoch || agent->state != AgentState::kAvailable) continue;
      TryAssign(*agent);
    }
    // Drop stale entries at the front so the deque does not grow without bound.
    while (!camp.waiting.empty()) {
      auto [agent_id, epoch] = camp.waiting.front();
      AgentRt* agent = Find(agents, agent_id);
      if (agent != nullptr && agent->wait_epoch == epoch && agent->state == AgentState::kAvailable) break;
      camp.waiting.pop_front();
    }
  }

  // ---- contacts and queues ----------------------------------------------------------------------

  void CountState(CampaignRt& camp, ContactState from, ContactState to) {
    --camp.counts[static_cast<size_t>(from)];
    ++camp.counts[static_cast<size_t>(to)];
  }
  void SetContactState(CampaignRt& camp, Contact& contact, ContactState state) {
    if (contact.state == state) return;
    CountState(camp, contact.state, state);
    contact.state = state;
    Touch(camp, contact);
  }
  void RecordContact(const Contact& contact) {
    batch.contacts.push_back(ToRecord(contact));
    if (track_changes) {
      if (CampaignRt* camp = FindCampaign(contact.campaign_id)) Touch(*camp, contact);
    }
  }

  // ---- incremental invariants -----------------------------------------------------------------
  // The soak test checks the invariants after every event, at thousands of agents and contacts,
  // where a full recount per event would cost O(contacts). So the engine keeps, beside the live
  // state, an independent account of who holds each contact, and notes which contacts and agents
  // an event touched; CheckChangedInvariants() then looks only at those. CheckInvariants() (the
  // full recount) also cross-checks the account, so a change that bypassed it is found there.
  bool track_changes = false;
  std::vector<std::pair<CampaignId, uint32_t>> touched_contacts;
  std::vector<AgentId> touched_agents;
  std::vector<std::string> found_problems;  // found while an event ran (a second hold, a second offer)

  void Touch(CampaignRt& camp, const Contact& contact) {
    if (!track_changes) return;
    const Contact* first = camp.contacts.data();
    if (&contact < first || &contact >= first + camp.contacts.size()) return;  // not one of ours: a copy
    touched_contacts.emplace_back(camp.id, static_cast<uint32_t>(&contact - first));
  }
  void Hold(CampaignRt& camp, uint32_t index, int delta) {
    int8_t& h = camp.holds[index];
    h = static_cast<int8_t>(h + delta);
    if (h < 0 || h > 1) {
      found_problems.push_back(fmt::format("campaign {} contact {} held {} times", camp.id.value,
                                           camp.contacts[index].id.value, static_cast<int>(h)));
    }
    Touch(camp, camp.contacts[index]);
  }

  ZoneQueue& SlotFor(CampaignRt& camp, uint16_t zone) {
    auto it = camp.slot_by_zone.find(zone);
    if (it != camp.slot_by_zone.end()) return camp.zone_queues[it->second];
    camp.slot_by_zone.emplace(zone, camp.zone_queues.size());
    camp.zone_queues.emplace_back();
    camp.zone_queues.back().zone = zone;
    return camp.zone_queues.back();
  }

  const core::WindowState& Window(CampaignRt& camp, ZoneQueue& zq) {
    TimePoint now = Now();
    if (!zq.window_known || now >= zq.window.until) {
      zq.window = core::EvaluateWindow(camp.settings.calling_window, zones.Zone(zq.zone), now);
      zq.window_known = true;
    }
    return zq.window;
  }

  static core::QueueKey KeyOf(const Contact& c, uint32_t index) {
    return core::QueueKey{c.callback, c.priority, core::ToEpochMs(c.next_eligible_at), index};
  }

  // Puts a callable or scheduled contact (held by nobody) into its queue.
  void Enqueue(CampaignRt& camp, uint32_t index) { Enqueue(camp, index, Now()); }
  // `now`: the event's Now(), read once by a caller that enqueues many (the start-up load).
  void Enqueue(CampaignRt& camp, uint32_t index, TimePoint now) {
    Contact& c = camp.contacts[index];
    assert(c.state == ContactState::kCallable || c.state == ContactState::kScheduled);
    const bool personal = c.callback && c.callback_agent.valid();
    core::ContactQueue* queue = &SlotFor(camp, c.zone).queue;
    if (personal) queue = c.next_eligible_at > now ? &camp.personal_pending : &camp.personal[c.callback_agent];
    if (c.next_eligible_at > now) {
      if (c.state != ContactState::kScheduled) SetContactState(camp, c, ContactState::kScheduled);
      queue->PushWaiting(KeyOf(c, index), c.next_eligible_at);
      ArmWakeAt(camp, c.next_eligible_at);
    } else {
      if (c.state != ContactState::kCallable) SetContactState(camp, c, ContactState::kCallable);
      queue->PushReady(KeyOf(c, index));
      if (c.callback && c.callback_agent.valid()) assign_needed.insert(c.callback_agent);
      dispatch_needed.insert(camp.id);
    }
  }
  // Work found during an event is handed out at its end (FlushDispatch), never in the middle of
  // another state change.
  std::unordered_set<CampaignId> dispatch_needed;
  std::unordered_set<AgentId> assign_needed;

  // A contact goes back exactly as it was (Cancel, reservation not answered, system close).
  void ReturnUntouched(CampaignRt& camp, uint32_t index) {
    Contact& c = camp.contacts[index];
    SetContactState(camp, c, c.next_eligible_at > Now() ? ContactState::kScheduled : ContactState::kCallable);
    RecordContact(c);
    Enqueue(camp, index);
  }

  void ArmWake(CampaignRt& camp) {
    if (camp.status != CampaignStatus::kRunning) return;
    TimePoint next = core::kNever;
    for (auto& zq : camp.zone_queues) {
      next = std::min(next, zq.queue.NextWake());
      // Ready contacts in a closed zone: wake when its window opens (refreshed here, since a
      // cached state may have expired; a stale `until` in the past would fire again and again).
      if (zq.queue.HasReady() && !Window(camp, zq).open) next = std::min(next, zq.window.until);
    }
    next = std::min(next, camp.personal_pending.NextWake());
    ArmWakeAt(camp, next);
  }

  // Makes sure the campaign wakes no later than `when` (cheap: no scan of the queues).
  void ArmWakeAt(CampaignRt& camp, TimePoint when) {
    if (camp.status != CampaignStatus::kRunning || when == core::kNever) return;
    // Wake on whole seconds: contacts coming due within the same second share one wake-up, which
    // keeps wake-ups per campaign bounded however many retries are scheduled.
    when = std::chrono::ceil<std::chrono::seconds>(when);
    if (camp.wake_timer != kNoTimer && camp.wake_at <= when) return;
    CancelTimer(camp.wake_timer);
    camp.wake_at = when;
    CampaignId id = camp.id;
    camp.wake_timer = At(when, [this, id] { OnWake(id); });
  }

  void OnWake(CampaignId id) {
    CampaignRt* camp = FindCampaign(id);
    if (camp == nullptr) return;
    camp->wake_timer = kNoTimer;
    camp->wake_at = core::kNever;
    if (camp->status != CampaignStatus::kRunning) return;
    TimePoint now = Now();
    auto mark_callable = [&](const core::QueueKey& key) {
      Contact& c = camp->contacts[key.index];
      SetContactState(*camp, c, ContactState::kCallable);
    };
    for (auto& zq : camp->zone_queues) zq.queue.Advance(now, mark_callable);
    camp->personal_pending.TakeDue(now, [&](const core::QueueKey& key) {
      Contact& c = camp->contacts[key.index];
      SetContactState(*camp, c, ContactState::kCallable);
      camp->personal[c.callback_agent].PushReady(key);
      assign_needed.insert(c.callback_agent);
    });
    DispatchWaiting(*camp);
    ArmWake(*camp);
  }

  bool HasCallableNow(CampaignRt& camp) {
    for (auto& zq : camp.zone_queues) {
      if (zq.queue.HasReady() && Window(camp, zq).open) return true;
    }
    return false;
  }

  bool IsDnc(const CampaignRt& camp, std::string_view number) const {
    auto it = tenants.find(camp.tenant);
    if (it == tenants.end()) return false;
    const auto& lists = it->second.dnc;
    auto on = [&](const std::string& list) {
      auto l = lists.find(list);
      return l != lists.end() && l->second.contains(std::string(number));
    };
    if (on(kTenantDncList)) return true;
    for (const auto& list : camp.settings.dnc_lists) {
      if (on(list)) return true;
    }
    return false;
  }

  // The next contact of `camp` for `agent` (ordering of PRODUCT.md §6), marked in_progress, with
  // the number to dial. Contacts found closed for good (DNC, attempt limits) are closed on the way.
  std::optional<std::pair<uint32_t, int>> PickContact(CampaignRt& camp, AgentId agent) {
    if (camp.status != CampaignStatus::kRunning) return std::nullopt;
    core::DncLookup dnc = [&](std::string_view n) { return IsDnc(camp, n); };
    core::ContactQueue* personal = nullptr;
    if (auto it = camp.personal.find(agent); it != camp.personal.end()) personal = &it->second;
    for (;;) {
      core::ContactQueue* best = nullptr;
      if (personal != nullptr) {
        // A personal callback whose zone is closed waits for the window to open.
        while (personal->HasReady()) {
          uint32_t idx = personal->Top().index;
          ZoneQueue& zq = SlotFor(camp, camp.contacts[idx].zone);
          const core::WindowState& w = Window(camp, zq);
          if (w.open) {
            best = personal;
            break;
          }
          core::QueueKey key = personal->Top();
          personal->Pop();
          camp.personal_pending.PushWaiting(key, w.until);
          SetContactState(camp, camp.contacts[idx], ContactState::kScheduled);
          ArmWakeAt(camp, w.until);
        }
        if (best == nullptr) {
          camp.personal.erase(agent);  // an agent's ready queue lives only while it holds callbacks
          personal = nullptr;
        }
      }
      if (best == nullptr) {
        for (auto& zq : camp.zone_queues) {
          if (!zq.queue.HasReady() || !Window(camp, zq).open) continue;
          if (best == nullptr || zq.queue.Top().Before(best->Top())) best = &zq.queue;
        }
      }
      if (best == nullptr) {
        ArmWake(camp);  // ready contacts in closed zones: wake when a window opens
        return std::nullopt;
      }
      uint32_t idx = best->Top().index;
      best->Pop();
      Contact& c = camp.contacts[idx];
      auto elig = core::CheckEligibility(c, camp.settings, dnc, true);
      switch (elig.kind) {
        case core::EligibilityKind::kEligible:
          SetContactState(camp, c, ContactState::kInProgress);
          RecordContact(c);
          return std::make_pair(idx, elig.phone_index);
        case core::EligibilityKind::kClose:
          SetContactState(camp, c, elig.close_state);
          RecordContact(c);
          Audit(camp.tenant, agent, "contact_closed",
                fmt::format("contact={} reason={}", c.id.value, core::ToString(elig.reason)));
          continue;
        case core::EligibilityKind::kWaitForWindow:
          // Not reached: the zone's window is open. Park it defensively rather than lose it.
          best->PushWaiting(KeyOf(c, idx), Now() + std::chrono::minutes(1));
          ArmWakeAt(camp, Now() + std::chrono::minutes(1));
          continue;
      }
    }
  }

  // ---- reservations and offers ----------------------------------------------------------------

  void StartReservation(AgentRt& agent, CampaignRt& camp, uint32_t contact, int phone) {
    ReservationId rid{NextId()};
    LegId leg{NextId()};
    ReservationRt res;
    res.id = rid;
    res.agent = agent.info.id;
    res.campaign = camp.id;
    res.leg = leg;
    res.held_contact = contact;
    res.held_phone = phone;
    res.holds_contact = true;
    Hold(camp, contact, +1);
    res.ring_timer = After(std::chrono::seconds(camp.settings.reservation_ring_limit_s),
                           [this, rid] { OnReservationTimeout(rid); });
    reservations.emplace(rid, res);
    legs.emplace(leg, LegOwner{LegOwnerKind::kReservation, rid.value});
    agent.reservation = rid;
    ++counters.reservations;
    SetAgent(agent, AgentState::kReserved);
    Emit(ReservationEvent{agent.info.id, rid, camp.id, core::ReservationState::kRinging, std::nullopt});
    Audit(camp.tenant, agent.info.id, "reserve",
          fmt::format("reservation={} campaign={} contact={}", rid.value, camp.id.value,
                      camp.contacts[contact].id.value));
    LegRequest request;
    request.leg = leg;
    request.kind = LegKind::kAgentStation;
    request.destination = agent.info.station;
    deps.telephony.Originate(request);
  }

  void EndReservation(ReservationRt& res, std::optional<ReasonCode> code, bool hangup_leg) {
    CancelTimer(res.ring_timer);
    if (res.holds_contact) {
      if (CampaignRt* camp = FindCampaign(res.campaign)) Hold(*camp, res.held_contact, -1);
      res.holds_contact = false;
    }
    if (hangup_leg) deps.telephony.Hangup(res.leg);
    legs.erase(res.leg);
    res.state = core::ReservationState::kEnded;
    Emit(ReservationEvent{res.agent, res.id, res.campaign, core::ReservationState::kEnded, code});
    reservations.erase(res.id);  // `res` is dangling from here on
  }

  void OnReservationTimeout(ReservationId rid) {
    ReservationRt* res = Find(reservations, rid);
    if (res == nullptr || res->state != core::ReservationState::kRinging) return;
    res->ring_timer = kNoTimer;
    ReservationNotAnswered(*res);
  }

  void ReservationNotAnswered(ReservationRt& res) {
    ++counters.reservations_unanswered;
    CampaignRt* camp = FindCampaign(res.campaign);
    AgentRt* agent = Find(agents, res.agent);
    if (camp != nullptr && res.holds_contact) ReturnUntouched(*camp, res.held_contact);
    TenantId tenant = camp != nullptr ? camp->tenant : TenantId{};
    Audit(tenant, res.agent, "reservation_not_answered", fmt::format("reservation={}", res.id.value));
    EndReservation(res, ReasonCode::kReservationNotAnswered, true);
    if (agent != nullptr) {
      agent->reservation = {};
      agent->idle_after_call = false;
      SetAgent(*agent, AgentState::kIdle, ReasonCode::kReservationNotAnswered);
    }
  }

  void OnReservationAnswered(ReservationRt& res) {
    CancelTimer(res.ring_timer);
    res.state = core::ReservationState::kAnswered;
    Emit(ReservationEvent{res.agent, res.id, res.campaign, core::ReservationState::kAnswered, std::nullopt});
    AgentRt* agent = Find(agents, res.agent);
    CampaignRt* camp = FindCampaign(res.campaign);
    if (agent == nullptr || camp == nullptr) return;
    if (!res.holds_contact) {
      NextOfferOrEnd(*agent, res.id);
      return;
    }
    res.holds_contact = false;
    Hold(*camp, res.held_contact, -1);  // the offer takes the hold over
    CreateOffer(*agent, *camp, res.held_contact, res.held_phone, res.id);
  }

  OfferEvent MakeOfferEvent(const OfferRt& offer, const CampaignRt& camp) const {
    const Contact& c = camp.contacts[offer.contact];
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
    bool pull = s.mode == CampaignMode::kPreview;
    ev.timeout_action = pull ? core::TimeoutAction::kSkip : s.preview_timeout_action;
    ev.can_accept = true;
    ev.can_skip = !s.skip_disabled;
    ev.can_remove = !pull && !s.remove_disabled;
    ev.can_cancel = !pull;
    return ev;
  }

  void CreateOffer(AgentRt& agent, CampaignRt& camp, uint32_t contact, int phone, ReservationId rid) {
    OfferId oid{NextId()};
    OfferRt offer;
    offer.id = oid;
    offer.agent = agent.info.id;
    offer.campaign = camp.id;
    offer.reservation = rid;
    offer.contact = contact;
    offer.phone = phone;
    int timeout_s = camp.settings.preview_offer_timeout_s;
    if (timeout_s > 0) {
      offer.expires_at = Now() + std::chrono::seconds(timeout_s);
      offer.timer = At(*offer.expires_at, [this, oid] { OnOfferTimeout(oid); });
    }
    if (agent.offer.valid() && offers.contains(agent.offer)) {
      found_problems.push_back(fmt::format("agent {} holds two offers ({} and {})", agent.info.id.value,
                                           agent.offer.value, oid.value));
    }
    auto& stored = offers.emplace(oid, offer).first->second;
    Hold(camp, contact, +1);
    agent.offer = oid;
    ++counters.offers;
    if (agent.state != AgentState::kPreviewing) SetAgent(agent, AgentState::kPreviewing);
    Emit(MakeOfferEvent(stored, camp));
    Audit(camp.tenant, agent.info.id, "offer",
          fmt::format("offer={} contact={}", oid.value, camp.contacts[contact].id.value));
    if (timeout_s == 0) {
      // Timeout 0 with action accept: dial at once (the offer event still went out first).
      DoOfferAction(agent.info.id, oid, OfferAction::kAccept, ClosedBy::kTimeout, nullptr);
    }
  }

  void OnOfferTimeout(OfferId oid) {
    OfferRt* offer = Find(offers, oid);
    if (offer == nullptr) return;
    offer->timer = kNoTimer;
    CampaignRt* camp = FindCampaign(offer->campaign);
    if (camp == nullptr) return;
    ++counters.timeouts;
    OfferAction action = OfferAction::kSkip;
    if (camp->settings.mode != CampaignMode::kPreview) {
      switch (camp->settings.preview_timeout_action) {
        case core::TimeoutAction::kAccept: action = OfferAction::kAccept; break;
        case core::TimeoutAction::kSkip: action = OfferAction::kSkip; break;
        case core::TimeoutAction::kRemove: action = OfferAction::kRemove; break;
      }
    }
    DoOfferAction(offer->agent, oid, action, ClosedBy::kTimeout, nullptr);
  }

  void CloseOffer(OfferRt& offer, OfferAction action, ClosedBy by, ActionReply reply,
                  std::optional<ReasonCode> code = std::nullopt) {
    CancelTimer(offer.timer);
    RememberClosedOffer(offer.id, offer.agent, action, reply);
    Emit(OfferClosedEvent{offer.agent, offer.id, action, by, code});
    if (AgentRt* agent = Find(agents, offer.agent); agent != nullptr && agent->offer == offer.id) {
      agent->offer = {};
    }
    if (CampaignRt* camp = FindCampaign(offer.campaign)) Hold(*camp, offer.contact, -1);
    offers.erase(offer.id);
  }

  // Push modes: after a skip, remove or failed attempt, offer the next contact on the same
  // reservation; when the campaign has none left, end the reservation (agent stays Available).
  void NextOfferOrEnd(AgentRt& agent, ReservationId rid) {
    ReservationRt* res = Find(reservations, rid);
    if (res == nullptr) {
      AgentWorkEnded(agent);
      return;
    }
    CampaignRt* camp = FindCampaign(res->campaign);
    if (!agent.idle_after_call && camp != nullptr) {
      if (auto pick = PickContact(*camp, agent.info.id)) {
        CreateOffer(agent, *camp, pick->first, pick->second, rid);
        return;
      }
      Emit(NoticeEvent{agent.info.id, ReasonCode::kNoCallableContacts,
                       std::string(core::HumanSentence(ReasonCode::kNoCallableContacts))});
    }
    EndReservation(*res, std::nullopt, true);
    agent.reservation = {};
    if (agent.state != AgentState::kAvailable && agent.state != AgentState::kIdle) {
      AgentWorkEnded(agent);
    }
  }

  // After an offer closed without a call (skip, remove, system close): what the agent sees next.
  void AfterOfferWithoutCall(AgentRt& agent, const OfferRt& offer) {
    if (offer.reservation.valid()) {
      NextOfferOrEnd(agent, offer.reservation);
      return;
    }
    // Pull mode: back to where the agent was when it clicked the campaign icon.
    agent.offer = {};
    if (agent.pull_return_state == AgentState::kIdle || agent.idle_after_call) {
      agent.idle_after_call = false;
      SetAgent(agent, AgentState::kIdle, std::nullopt, agent.idle_after_reason);
    } else {
      SetAgent(agent, AgentState::kAvailable);
      TryAssign(agent);
    }
  }

  void DoOfferAction(AgentId agent_id, OfferId oid, OfferAction action, ClosedBy by, ActionDone done) {
    OfferRt* offer = Find(offers, oid);
    if (offer == nullptr || offer->agent != agent_id) {
      auto closed = closed_offers.find(oid);
      if (closed == closed_offers.end() || closed->second.agent != agent_id) {
        return Fail(done, RefuseWith(ReasonCode::kNotFound, "No such offer."));
      }
      if (closed->second.action == action) {
        if (done) done(ActionResult(closed->second.reply));  // idempotent repeat
        return;
      }
      return Fail(done, Refuse(ReasonCode::kOfferClosed));
    }
    AgentRt* agent = Find(agents, agent_id);
    CampaignRt* camp = FindCampaign(offer->campaign);
    if (agent == nullptr || camp == nullptr) return Fail(done, Refuse(ReasonCode::kInternal));
    const auto& s = camp->settings;
    bool pull = s.mode == CampaignMode::kPreview;
    if (by == ClosedBy::kAgent) {
      bool disabled = (action == OfferAction::kSkip && s.skip_disabled) ||
                      (action == OfferAction::kRemove && (s.remove_disabled || pull)) ||
                      (action == OfferAction::kCancel && pull);
      if (disabled) {
        Audit(camp->tenant, agent_id, "action_refused",
              fmt::format("offer={} action={} reason=ACTION_DISABLED", oid.value, core::ToString(action)));
        return Fail(done, Refuse(ReasonCode::kActionDisabled));
      }
    }
    Contact& contact = camp->contacts[offer->contact];
    Audit(camp->tenant, agent_id, std::string(core::ToString(action)),
          fmt::format("offer={} contact={} by={}", oid.value, contact.id.value, ToString(by)));
    switch (action) {
      case OfferAction::kAccept: return Accept(*agent, *camp, *offer, by, std::move(done));
      case OfferAction::kSkip: {
        ++counters.skips;
        uint32_t idx = offer->contact;
        int phone = offer->phone;
        OfferRt closed = *offer;
        CloseOffer(*offer, action, by, ActionReply{oid, {}});
        core::ApplyRetry(contact, s, core::RetryKey::kSkipped, phone, false, Now());
        // Keep the skipped contact out of the queue until the next one is picked, so that the
        // agent is not shown the same customer again at once.
        bool requeue = contact.state == ContactState::kCallable || contact.state == ContactState::kScheduled;
        ContactState target = contact.state;
        contact.state = ContactState::kInProgress;
        AfterOfferWithoutCall(*agent, closed);
        contact.state = ContactState::kInProgress;
        SetContactState(*camp, contact, target);
        RecordContact(contact);
        if (requeue) Enqueue(*camp, idx);
        Ack(std::move(done), ActionReply{oid, {}});
        return;
      }
      case OfferAction::kRemove: {
        ++counters.removes;
        OfferRt closed = *offer;
        CloseOffer(*offer, action, by, ActionReply{oid, {}});
        SetContactState(*camp, contact, ContactState::kRemoved);
        RecordContact(contact);
        AfterOfferWithoutCall(*agent, closed);
        Ack(std::move(done), ActionReply{oid, {}});
        return;
      }
      case OfferAction::kCancel: {
        ++counters.cancels;
        OfferRt closed = *offer;
        CloseOffer(*offer, action, by, ActionReply{oid, {}});
        ReturnUntouched(*camp, closed.contact);
        if (ReservationRt* res = Find(reservations, closed.reservation)) EndReservation(*res, std::nullopt, true);
        agent->reservation = {};
        agent->idle_after_call = false;
        SetAgent(*agent, AgentState::kIdle, ReasonCode::kAgentCancelled);
        Ack(std::move(done), ActionReply{oid, {}});
        return;
      }
    }
  }

  std::optional<ReasonCode> LimitRefusal(const TenantRt& tenant) const {
    if (tenant.active_calls >= tenant.settings.max_concurrent_calls) return ReasonCode::kTenantConcurrentCallLimit;
    if (dc_active_calls >= datacenter.max_concurrent_calls) return ReasonCode::kDatacenterConcurrentCallLimit;
    return std::nullopt;
  }

  void Accept(AgentRt& agent, CampaignRt& camp, OfferRt& offer, ClosedBy by, ActionDone done) {
    OfferId oid = offer.id;
    if (camp.status != CampaignStatus::kRunning) {
      return Fail(done, Refuse(ReasonCode::kCampaignNotRunning));
    }
    TenantRt& tenant = tenants.at(camp.tenant);
    Contact& contact = camp.contacts[offer.contact];
    // Promise 4: limits, window and DNC are enforced on every dial, whatever was offered.
    core::DncLookup dnc = [&](std::string_view n) { return IsDnc(camp, n); };
    ZoneQueue& zq = SlotFor(camp, contact.zone);
    bool window_open = Window(camp, zq).open;
    auto elig = core::CheckEligibility(contact, camp.settings, dnc, window_open);
    if (elig.kind != core::EligibilityKind::kEligible) {
      OfferRt closed = offer;
      CloseOffer(offer, OfferAction::kSkip, ClosedBy::kSystem, ActionReply{oid, {}}, elig.reason);
      if (elig.kind == core::EligibilityKind::kClose) {
        SetContactState(camp, contact, elig.close_state);
        RecordContact(contact);
      } else {
        ReturnUntouched(camp, closed.contact);
      }
      Emit(NoticeEvent{agent.info.id, elig.reason, std::string(core::HumanSentence(elig.reason))});
      Audit(camp.tenant, agent.info.id, "dial_refused",
            fmt::format("offer={} reason={}", oid.value, core::ToString(elig.reason)));
      AfterOfferWithoutCall(agent, closed);
      return Fail(done, Refuse(elig.reason));
    }
    if (auto limit = LimitRefusal(tenant)) {
      if (*limit == ReasonCode::kTenantConcurrentCallLimit) {
        ++counters.tenant_limit_refusals;
      } else {
        ++counters.datacenter_limit_refusals;
      }
      Emit(NoticeEvent{agent.info.id, *limit, std::string(core::HumanSentence(*limit))});
      Audit(camp.tenant, agent.info.id, "limit_refused",
            fmt::format("offer={} reason={} active={} dc_active={}", oid.value, core::ToString(*limit),
                        tenant.active_calls, dc_active_calls));
      if (by == ClosedBy::kTimeout) {
        // The server owns the countdown: try the timeout accept again shortly.
        AgentId agent_id = agent.info.id;
        offer.timer = After(kLimitRetryDelay, [this, agent_id, oid] {
          if (OfferRt* o = Find(offers, oid)) {
            o->timer = kNoTimer;
            DoOfferAction(agent_id, oid, OfferAction::kAccept, ClosedBy::kTimeout, nullptr);
          }
        });
      }
      return Fail(done, Refuse(*limit));
    }
    ++counters.accepts;
    CallId cid{NextId()};
    ReservationId rid = offer.reservation;
    uint32_t contact_index = offer.contact;
    CloseOffer(offer, OfferAction::kAccept, by, ActionReply{oid, cid});
    StartCall(agent, camp, tenant, cid, oid, rid, contact_index, elig.phone_index);
    Ack(std::move(done), ActionReply{oid, cid});
  }

  // ---- calls ------------------------------------------------------------------------------------

  bool CanCancel(const CampaignRt& camp) const {
    auto it = tenants.find(camp.tenant);
    return it != tenants.end() && it->second.settings.end_call_enabled;
  }

  CallEvent MakeCallEvent(const CallRt& call, const CampaignRt& camp) const {
    CallEvent ev;
    ev.agent_id = call.agent;
    ev.call_id = call.id;
    ev.offer_id = call.offer;
    ev.campaign_id = call.campaign;
    ev.contact_id = camp.contacts[call.contact].id;
    ev.number = call.number;
    ev.state = call.state;
    ev.started_at = call.started_at;
    ev.answered_at = call.answered_at;
    ev.can_cancel = (call.state == CallState::kDialing || call.state == CallState::kRinging) && CanCancel(camp);
    ev.amd_result = call.amd;
    if (call.state == CallState::kEnded) ev.outcome = call.outcome;
    return ev;
  }

  AttemptRecord AttemptOf(const CallRt& call, const CampaignRt& camp) const {
    AttemptRecord a;
    a.id = call.id;
    a.tenant_id = camp.tenant;
    a.contact_id = camp.contacts[call.contact].id;
    a.campaign_id = camp.id;
    a.agent_id = call.agent;
    a.number = call.number;
    a.started_at = call.started_at;
    a.answered_at = call.answered_at;
    a.amd = call.amd;
    return a;
  }

  void StartCall(AgentRt& agent, CampaignRt& camp, TenantRt& tenant, CallId cid, OfferId oid,
                 ReservationId rid, uint32_t contact, int phone) {
    CallRt call;
    call.id = cid;
    call.agent = agent.info.id;
    call.offer = oid;
    call.campaign = camp.id;
    call.reservation = rid;
    call.contact = contact;
    call.phone = phone;
    call.number = camp.contacts[contact].phones[static_cast<size_t>(phone)].number;
    call.started_at = Now();
    call.customer_leg = LegId{NextId()};
    ++tenant.active_calls;
    ++dc_active_calls;
    ++camp.active_calls;
    agent.call = cid;
    bool pull = camp.settings.mode == CampaignMode::kPreview;
    auto& stored = calls.emplace(cid, std::move(call)).first->second;
    Hold(camp, contact, +1);
    legs.emplace(stored.customer_leg, LegOwner{LegOwnerKind::kCustomer, cid.value});
    SetAgent(agent, AgentState::kDialing);
    Emit(MakeCallEvent(stored, camp));
    if (pull) {
      // PRODUCT.md §5.1: the agent's station is called first, then the customer.
      stored.agent_leg = LegId{NextId()};
      legs.emplace(stored.agent_leg, LegOwner{LegOwnerKind::kPullAgent, cid.value});
      stored.agent_ring_timer = After(std::chrono::seconds(camp.settings.reservation_ring_limit_s),
                                      [this, cid] { OnPullAgentNotAnswered(cid); });
      LegRequest request;
      request.leg = stored.agent_leg;
      request.kind = LegKind::kAgentStation;
      request.destination = agent.info.station;
      deps.telephony.Originate(request);
      return;
    }
    WriteAttemptThenDial(stored, camp);
  }

  // Write before act: the attempt is durable as `dialing` before the INVITE leaves.
  void WriteAttemptThenDial(CallRt& call, CampaignRt& camp) {
    call.attempt_written = true;
    batch.attempts.push_back(AttemptOf(call, camp));
    Audit(camp.tenant, call.agent, "dial",
          fmt::format("call={} contact={} number={}", call.id.value, camp.contacts[call.contact].id.value,
                      call.number));
    CallId cid = call.id;
    Then([this, cid](bool durable) {
      CallRt* c = Find(calls, cid);
      if (c == nullptr || c->state == CallState::kEnded || c->cancel_requested) return;
      CampaignRt* cp = FindCampaign(c->campaign);
      if (cp == nullptr) return;
      if (!durable) {
        // Nothing was dialed: the contact goes back untouched and the agent moves on.
        AbortUndialedCall(*c, *cp);
        return;
      }
      Dial(*c, *cp);
    });
  }

  void Dial(CallRt& call, CampaignRt& camp) {
    ++counters.dials;
    call.customer_dialed = true;
    const auto& s = camp.settings;
    LegRequest request;
    request.leg = call.customer_leg;
    request.kind = LegKind::kCustomer;
    request.destination = call.number;
    request.caller_id = s.caller_id;
    if (request.caller_id.empty()) {
      if (auto it = tenants.find(camp.tenant); it != tenants.end()) request.caller_id = it->second.settings.default_caller_id;
    }
    request.bridge_with = call.agent_leg.valid() ? call.agent_leg : LegId{};
    if (ReservationRt* res = Find(reservations, call.reservation)) request.bridge_with = res->leg;
    request.cpa = s.mode == CampaignMode::kPreviewStandard && s.cpa.enabled;
    request.amd = request.cpa && s.cpa.amd_enabled;
    request.cpa_settings = s.cpa;
    request.early_media_to_agent = s.mode == CampaignMode::kPreviewDirect || s.mode == CampaignMode::kPreview;
    deps.telephony.Originate(request);
  }

  void OnPullAgentNotAnswered(CallId cid) {
    CallRt* call = Find(calls, cid);
    if (call == nullptr || call->customer_dialed) return;
    call->agent_ring_timer = kNoTimer;
    CampaignRt* camp = FindCampaign(call->campaign);
    AgentRt* agent = Find(agents, call->agent);
    if (camp == nullptr || agent == nullptr) return;
    deps.telephony.Hangup(call->agent_leg);
    legs.erase(call->agent_leg);
    call->agent_leg = {};
    ++counters.reservations_unanswered;
    AbortUndialedCall(*call, *camp, ReasonCode::kReservationNotAnswered);
  }

  void ReleaseCallCapacity(CampaignRt& camp) {
    TenantRt& tenant = tenants.at(camp.tenant);
    --tenant.active_calls;
    --dc_active_calls;
    --camp.active_calls;
  }

  // The customer was never dialed (store failure, pull-mode agent did not answer): no attempt is
  // charged and the contact returns untouched.
  void AbortUndialedCall(CallRt& call, CampaignRt& camp, ReasonCode code = ReasonCode::kNetworkError) {
    CallId cid = call.id;
    AgentId agent_id = call.agent;
    ReservationId rid = call.reservation;
    uint32_t contact = call.contact;
    OfferId oid = call.offer;
    CancelTimer(call.agent_ring_timer);
    if (call.agent_leg.valid()) {
      deps.telephony.Hangup(call.agent_leg);
      legs.erase(call.agent_leg);
    }
    legs.erase(call.customer_leg);
    call.state = CallState::kEnded;
    call.outcome = Outcome::kCancelled;
    Emit(MakeCallEvent(call, camp));
    ReleaseCallCapacity(camp);
    if (call.attempt_written) {
      AttemptRecord a = AttemptOf(call, camp);
      a.ended_at = Now();
      a.outcome = Outcome::kInterrupted;
      a.reason = code;
      batch.attempts.push_back(a);
    }
    Hold(camp, contact, -1);
    calls.erase(cid);
    RememberClosedCall(cid, agent_id, Outcome::kCancelled);
    ReturnUntouched(camp, contact);
    Emit(AttemptFailedEvent{agent_id, cid, oid, code, 0});
    AgentRt* agent = Find(agents, agent_id);
    if (agent == nullptr) return;
    agent->call = {};
    if (code == ReasonCode::kReservationNotAnswered) {
      agent->idle_after_call = false;
      agent->reservation = {};
      SetAgent(*agent, AgentState::kIdle, code);
      return;
    }
    if (rid.valid()) {
      NextOfferOrEnd(*agent, rid);
    } else {
      AgentWorkEnded(*agent, code);
    }
  }

  void OnCustomerEvent(CallRt& call, const LegEvent& ev) {
    CampaignRt* camp = FindCampaign(call.campaign);
    AgentRt* agent = Find(agents, call.agent);
    if (camp == nullptr || agent == nullptr) return;
    const auto& s = camp->settings;
    switch (ev.kind) {
      case LegEventKind::kRinging:
      case LegEventKind::kEarlyMedia:
        if (call.state != CallState::kDialing) return;
        call.state = CallState::kRinging;
        SetAgent(*agent, AgentState::kRinging);
        Emit(MakeCallEvent(call, *camp));
        // Direct Preview has no ring limit: the agent hears the line and decides (PRODUCT.md §5.3).
        if (s.mode != CampaignMode::kPreviewDirect) {
          CallId cid = call.id;
          call.ring_timer = After(std::chrono::seconds(s.no_answer_ring_limit_s), [this, cid] {
            if (CallRt* c = Find(calls, cid); c != nullptr && c->state == CallState::kRinging) {
              c->ring_timer = kNoTimer;
              FailAttempt(*c, Outcome::kNoAnswer, ReasonCode::kNoAnswer, 487, true);
            }
          });
        }
        return;
      case LegEventKind::kAnswered: {
        if (call.state == CallState::kConnected || call.state == CallState::kEnded) return;
        CancelTimer(call.ring_timer);
        call.answered_at = Now();
        bool cpa = s.mode == CampaignMode::kPreviewStandard && s.cpa.enabled;
        if (!cpa) {
          Connect(call, *camp, *agent, Outcome::kConnected, std::nullopt);
          return;
        }
        switch (ev.amd) {
          case core::AmdResult::kFax:
            call.amd = ev.amd;
            FailAttempt(call, Outcome::kFax, ReasonCode::kFaxDetected, 200, true);
            return;
          case core::AmdResult::kMachine:
            call.amd = ev.amd;
            if (!s.cpa.amd_enabled) {
              Connect(call, *camp, *agent, Outcome::kConnected, core::AmdResult::kUnknown);
            } else if (s.on_machine == core::OnMachine::kHangup) {
              FailAttempt(call, Outcome::kMachine, ReasonCode::kAnsweringMachine, 200, true);
            } else {
              Connect(call, *camp, *agent, Outcome::kMachine, core::AmdResult::kMachine);
            }
            return;
          case core::AmdResult::kHuman:
          case core::AmdResult::kUnknown:
            Connect(call, *camp, *agent, Outcome::kConnected, ev.amd);
            return;
        }
        return;
      }
      case LegEventKind::kFailed: {
        if (call.state == CallState::kConnected || call.state == CallState::kEnded) return;
        core::SipClassification cls{Outcome::kNetworkError, ReasonCode::kNetworkError};
        if (ev.outcome_hint) {
          cls.outcome = *ev.outcome_hint;
          cls.reason = core::ReasonFor(*ev.outcome_hint).value_or(ReasonCode::kNetworkError);
        } else {
          cls = core::ClassifySipFailure(ev.sip_code, call.cancel_requested);
        }
        FailAttempt(call, cls.outcome, cls.reason, ev.sip_code, false);
        return;
      }
      case LegEventKind::kEnded:
        if (call.state == CallState::kConnected) {
          EndConnectedCall(call, *camp, false);
        } else if (call.state != CallState::kEnded) {
          FailAttempt(call, Outcome::kNetworkError, ReasonCode::kNetworkError, ev.sip_code, false);
        }
        return;
    }
  }

  void Connect(CallRt& call, CampaignRt& camp, AgentRt& agent, Outcome outcome,
               std::optional<core::AmdResult> amd) {
    call.state = CallState::kConnected;
    call.outcome = outcome;
    call.amd = amd;
    ++counters.connects;
    SetAgent(agent, AgentState::kConnected);
    Emit(MakeCallEvent(call, camp));
    batch.attempts.push_back(AttemptOf(call, camp));
  }

  // A failed attempt: busy, no answer, invalid, network error, rejected, fax, SIT, machine with
  // hangup, or the agent's cancel. The contact takes its retry rule; the agent is offered the next
  // contact on the same reservation (push) or returns to where it was (pull).
  void FailAttempt(CallRt& call, Outcome outcome, ReasonCode reason, int sip_code, bool hangup) {
    CampaignRt* camp = FindCampaign(call.campaign);
    if (camp == nullptr) return;
    CallId cid = call.id;
    AgentId agent_id = call.agent;
    OfferId oid = call.offer;
    ReservationId rid = call.reservation;
    uint32_t idx = call.contact;
    int phone = call.phone;
    CancelTimer(call.ring_timer);
    CancelTimer(call.agent_ring_timer);
    if (hangup) deps.telephony.Hangup(call.customer_leg);
    legs.erase(call.customer_leg);
    if (call.agent_leg.valid()) {
      deps.telephony.Hangup(call.agent_leg);
      legs.erase(call.agent_leg);
    }
    call.state = CallState::kEnded;
    call.outcome = outcome;
    ReleaseCallCapacity(*camp);
    ++counters.failed_attempts;
    ++camp->attempts_by_outcome[static_cast<size_t>(outcome)];
    ++camp->attempts_total;
    AttemptRecord a = AttemptOf(call, *camp);
    a.ended_at = Now();
    a.outcome = outcome;
    a.reason = reason;
    a.sip_code = sip_code;
    batch.attempts.push_back(a);
    Emit(MakeCallEvent(call, *camp));
    Emit(AttemptFailedEvent{agent_id, cid, oid, reason, sip_code});
    Hold(*camp, idx, -1);
    calls.erase(cid);
    RememberClosedCall(cid, agent_id, outcome);

    Contact& contact = camp->contacts[idx];
    contact.last_outcome = outcome;
    core::ApplyRetry(contact, camp->settings, core::RetryKeyFor(outcome), phone,
                     outcome == Outcome::kInvalidNumber, Now());
    ContactState target = contact.state;
    contact.state = ContactState::kInProgress;  // held until the agent's next contact is picked
    AgentRt* agent = Find(agents, agent_id);
    if (agent != nullptr) {
      agent->call = {};
      if (rid.valid()) {
        NextOfferOrEnd(*agent, rid);
      } else {
        AgentWorkEnded(*agent);
      }
    }
    contact.state = ContactState::kInProgress;
    SetContactState(*camp, contact, target);
    RecordContact(contact);
    if (target == ContactState::kCallable || target == ContactState::kScheduled) Enqueue(*camp, idx);
  }

  void EndConnectedCall(CallRt& call, CampaignRt& camp, bool hangup) {
    CancelTimer(call.ring_timer);
    if (hangup) deps.telephony.Hangup(call.customer_leg);
    legs.erase(call.customer_leg);
    if (call.agent_leg.valid()) {
      deps.telephony.Hangup(call.agent_leg);
      legs.erase(call.agent_leg);
      call.agent_leg = {};
    }
    if (ReservationRt* res = Find(reservations, call.reservation)) EndReservation(*res, std::nullopt, true);
    call.state = CallState::kEnded;
    call.in_wrap_up = true;
    ReleaseCallCapacity(camp);
    ++camp.attempts_by_outcome[static_cast<size_t>(call.outcome)];
    ++camp.attempts_total;
    AttemptRecord a = AttemptOf(call, camp);
    a.ended_at = Now();
    a.outcome = call.outcome;
    if (call.outcome != Outcome::kConnected) a.reason = core::ReasonFor(call.outcome);
    batch.attempts.push_back(a);
    Emit(MakeCallEvent(call, camp));
    AgentRt* agent = Find(agents, call.agent);
    if (agent == nullptr) return;
    agent->reservation = {};
    SetAgent(*agent, AgentState::kWrapUp);
    WrapupEvent ev{call.agent, call.id, camp.settings.dispositions, std::nullopt};
    if (camp.settings.wrap_up_timeout_s > 0) {
      ev.deadline_at = Now() + std::chrono::seconds(camp.settings.wrap_up_timeout_s);
      CallId cid = call.id;
      call.wrap_timer = At(*ev.deadline_at, [this, cid] { OnWrapUpTimeout(cid); });
      call.wrap_deadline = ev.deadline_at;
    }
    Emit(ev);
  }

  void OnWrapUpTimeout(CallId cid) {
    CallRt* call = Find(calls, cid);
    if (call == nullptr || !call->in_wrap_up) return;
    call->wrap_timer = kNoTimer;
    CampaignRt* camp = FindCampaign(call->campaign);
    if (camp == nullptr) return;
    const core::Disposition* d = camp->settings.AutoWrapUpDisposition();
    if (d == nullptr) return;
    DoWrapUp(*call, *camp, *d, std::nullopt, "auto wrap-up", false, nullptr);
  }

  void DoWrapUp(CallRt& call, CampaignRt& camp, const core::Disposition& disposition,
                std::optional<TimePoint> callback_at, std::string notes, bool personal, ActionDone done) {
    CancelTimer(call.wrap_timer);
    const auto& s = camp.settings;
    Contact& contact = camp.contacts[call.contact];
    contact.last_outcome = call.outcome;
    core::RetryKey key = core::RetryKeyFor(call.outcome);
    auto count_attempt = [&] {
      if (!core::CountsAsAttempt(s, key)) return;
      ++contact.attempts_made;
      if (call.phone >= 0) ++contact.phones[static_cast<size_t>(call.phone)].attempts;
    };
    contact.callback = false;
    contact.callback_agent = {};
    ContactState target = ContactState::kDone;
    switch (disposition.result) {
      case core::DispositionResult::kSuccess:
      case core::DispositionResult::kFinal:
        count_attempt();
        target = ContactState::kDone;
        break;
      case core::DispositionResult::kRetry:
        target = core::ApplyRetry(contact, s, key, call.phone, false, Now());
        break;
      case core::DispositionResult::kCallback:
        count_attempt();
        contact.next_eligible_at = *callback_at;
        contact.callback = true;
        if (personal) contact.callback_agent = call.agent;
        target = ContactState::kScheduled;
        break;
      case core::DispositionResult::kDoNotCall: {
        count_attempt();
        AddDncEntry(camp.tenant, kTenantDncList, call.number, "disposition");
        target = ContactState::kDnc;
        break;
      }
    }
    contact.state = ContactState::kInProgress;
    SetContactState(camp, contact, target);
    RecordContact(contact);
    AttemptRecord a = AttemptOf(call, camp);
    a.ended_at = Now();
    a.outcome = call.outcome;
    if (call.outcome != Outcome::kConnected) a.reason = core::ReasonFor(call.outcome);
    a.disposition = disposition.code;
    a.notes = std::move(notes);
    batch.attempts.push_back(std::move(a));
    Audit(camp.tenant, call.agent, "wrapup",
          fmt::format("call={} disposition={} by={}", call.id.value, disposition.code, done ? "agent" : "timeout"));
    ++counters.wrapups;
    CallId cid = call.id;
    AgentId agent_id = call.agent;
    uint32_t idx = call.contact;
    Outcome outcome = call.outcome;
    Hold(camp, idx, -1);
    calls.erase(cid);
    RememberClosedCall(cid, agent_id, outcome);
    closed_calls[cid].wrapped_up = true;
    closed_calls[cid].disposition = disposition.code;
    if (target == ContactState::kCallable || target == ContactState::kScheduled) Enqueue(camp, idx);
    Ack(std::move(done), ActionReply{{}, cid});
    if (AgentRt* agent = Find(agents, agent_id)) {
      agent->call = {};
      AgentWorkEnded(*agent);
    }
  }

  void AddDncEntry(TenantId tenant_id, const std::string& list, const std::string& number, std::string source) {
    TenantRt* tenant = Find(tenants, tenant_id);
    if (tenant == nullptr) return;
    if (!tenant->dnc[list].insert(number).second) return;
    batch.dnc.push_back(DncRecord{tenant_id, list, number, Now(), std::move(source)});
  }

  void SortTenantCampaigns(TenantRt& tenant) {
    std::sort(tenant.campaigns.begin(), tenant.campaigns.end(), [&](CampaignId a, CampaignId b) {
      const CampaignRt* ca = FindCampaign(a);
      const CampaignRt* cb = FindCampaign(b);
      if (ca->settings.priority != cb->settings.priority) return ca->settings.priority > cb->settings.priority;
      return a < b;
    });
  }

  // Pause/stop: open offers and reservations of the campaign end; calls in progress finish.
  void ReleaseCampaignHolds(CampaignRt& camp) {
    std::vector<OfferId> open;
    for (auto& [id, offer] : offers) {
      if (offer.campaign == camp.id) open.push_back(id);
    }
    for (OfferId oid : open) {
      OfferRt* offer = Find(offers, oid);
      AgentRt* agent = Find(agents, offer->agent);
      OfferRt closed = *offer;
      CloseOffer(*offer, OfferAction::kCancel, ClosedBy::kSystem, ActionReply{oid, {}},
                 ReasonCode::kCampaignNotRunning);
      ReturnUntouched(camp, closed.contact);
      if (ReservationRt* res = Find(reservations, closed.reservation)) EndReservation(*res, ReasonCode::kCampaignNotRunning, true);
      if (agent != nullptr) {
        Emit(NoticeEvent{agent->info.id, ReasonCode::kCampaignNotRunning,
                         std::string(core::HumanSentence(ReasonCode::kCampaignNotRunning))});
        agent->reservation = {};
        if (closed.reservation.valid() || agent->pull_return_state == AgentState::kAvailable) {
          AgentWorkEnded(*agent);
        } else {
          agent->offer = {};
          SetAgent(*agent, AgentState::kIdle);
        }
      }
    }
    std::vector<ReservationId> ringing;
    for (auto& [id, res] : reservations) {
      if (res.campaign == camp.id && res.holds_contact) ringing.push_back(id);
    }
    for (ReservationId rid : ringing) {
      ReservationRt* res = Find(reservations, rid);
      ReturnUntouched(camp, res->held_contact);
      AgentId agent_id = res->agent;
      EndReservation(*res, ReasonCode::kCampaignNotRunning, true);
      if (AgentRt* agent = Find(agents, agent_id)) AgentWorkEnded(*agent);
    }
  }

  void FlushDispatch() {
    while (!dispatch_needed.empty() || !assign_needed.empty()) {
      auto agents_pending = std::move(assign_needed);
      assign_needed.clear();
      for (AgentId id : agents_pending) {
        if (AgentRt* agent = Find(agents, id)) TryAssign(*agent);
      }
      auto pending = std::move(dispatch_needed);
      dispatch_needed.clear();
      for (CampaignId id : pending) {
        if (CampaignRt* camp = FindCampaign(id)) DispatchWaiting(*camp);
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Public API: validation of what the engine relies on, then the Impl logic inside a Scope.

Dialer::Dialer(Deps deps, DatacenterConfig datacenter)
    : impl_(std::make_unique<Impl>(deps, std::move(datacenter))) {
  deps.telephony.SetListener(this);
}

Dialer::~Dialer() { impl_->deps.telephony.SetListener(nullptr); }

core::ZoneTable& Dialer::zones() { return impl_->zones; }
int64_t Dialer::DatacenterActiveCalls() const { return impl_->dc_active_calls; }
const DatacenterConfig& Dialer::datacenter() const { return impl_->datacenter; }
const DialerCounters& Dialer::counters() const { return impl_->counters; }

namespace {
// Runs `fn` as one engine event: scope for the commit, then the deferred dispatch of waiting agents.
template <typename Impl, typename Fn>
void AsEvent(Impl& impl, Fn&& fn) {
  typename Impl::Scope scope(impl);
  fn();
}
}  // namespace

core::Result<void> Dialer::AddTenant(TenantId id, const core::TenantSettings& settings) {
  if (!id.valid()) return MakeError(ErrorCode::kValidationFailed, "tenant id must not be 0");
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  if (impl_->tenants.contains(id)) return MakeError(ErrorCode::kConflict, "tenant exists already");
  TenantRt t;
  t.id = id;
  t.settings = settings;
  impl_->tenants.emplace(id, std::move(t));
  return Ok{};
}

core::Result<void> Dialer::UpdateTenant(TenantId id, const core::TenantSettings& settings) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  TenantRt* t = Impl::Find(impl_->tenants, id);
  if (t == nullptr) return MakeError(ErrorCode::kNotFound, "No such tenant.");
  t->settings = settings;
  return Ok{};
}

core::Result<void> Dialer::AddCampaign(TenantId tenant, CampaignId id, const core::CampaignSettings& settings) {
  if (!id.valid()) return MakeError(ErrorCode::kValidationFailed, "campaign id must not be 0");
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  TenantRt* t = Impl::Find(impl_->tenants, tenant);
  if (t == nullptr) return MakeError(ErrorCode::kNotFound, "No such tenant.");
  if (impl_->campaigns.contains(id)) return MakeError(ErrorCode::kConflict, "campaign exists already");
  auto camp = std::make_unique<CampaignRt>();
  camp->id = id;
  camp->tenant = tenant;
  camp->settings = settings;
  impl_->campaigns.emplace(id, std::move(camp));
  t->campaigns.push_back(id);
  impl_->SortTenantCampaigns(*t);
  return Ok{};
}

core::Result<void> Dialer::UpdateCampaign(CampaignId id, const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (settings.mode != camp->settings.mode && camp->status == CampaignStatus::kRunning) {
    return MakeError(ErrorCode::kConflict, "The mode of a running campaign cannot change; pause it first.");
  }
  AsEvent(*impl_, [&] {
    camp->settings = settings;
    for (auto& zq : camp->zone_queues) zq.window_known = false;  // calling window may have changed
    impl_->SortTenantCampaigns(impl_->tenants.at(camp->tenant));
    impl_->ArmWake(*camp);
    impl_->dispatch_needed.insert(id);
  });
  return Ok{};
}

core::Result<void> Dialer::SetCampaignStatus(CampaignId id, CampaignStatus status) {
  CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (camp->status == status) return Ok{};
  if (!core::CanTransition(camp->status, status)) {
    return MakeError(ErrorCode::kConflict, fmt::format("A {} campaign cannot become {}.", core::ToString(camp->status),
                                                       core::ToString(status)));
  }
  AsEvent(*impl_, [&] {
    camp->status = status;
    if (status == CampaignStatus::kRunning) {
      impl_->OnWake(id);  // advance due contacts and arm the wake timer
      for (AgentId agent_id : impl_->tenants.at(camp->tenant).agents) {
        if (AgentRt* agent = Impl::Find(impl_->agents, agent_id)) impl_->TryAssign(*agent);
      }
    } else {
      impl_->CancelTimer(camp->wake_timer);
      camp->wake_at = core::kNever;
      impl_->ReleaseCampaignHolds(*camp);
    }
  });
  return Ok{};
}

bool Dialer::CampaignHasLiveWork(CampaignId id) const {
  const auto& impl = *impl_;
  auto of_campaign = [id](const auto& entry) { return entry.second.campaign == id; };
  return std::any_of(impl.calls.begin(), impl.calls.end(), of_campaign) ||
         std::any_of(impl.offers.begin(), impl.offers.end(), of_campaign) ||
         std::any_of(impl.reservations.begin(), impl.reservations.end(), of_campaign);
}

core::Result<void> Dialer::RemoveCampaign(CampaignId id) {
  CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (camp->status == CampaignStatus::kRunning) {
    return MakeError(ErrorCode::kConflict, "A running campaign cannot be deleted; pause or stop it first.");
  }
  // A paused campaign lets calls in progress finish; their attempts and wrap-ups still need the
  // campaign, so it goes only once the last agent is done with it.
  if (CampaignHasLiveWork(id)) {
    return MakeError(ErrorCode::kConflict,
                     "Agents are still working contacts of this campaign; delete it when their calls "
                     "and wrap-ups have ended.");
  }
  AsEvent(*impl_, [&] {
    impl_->CancelTimer(camp->wake_timer);
    auto& tenant_campaigns = impl_->tenants.at(camp->tenant).campaigns;
    std::erase(tenant_campaigns, id);
    impl_->dispatch_needed.erase(id);
    impl_->campaigns.erase(id);
  });
  return Ok{};
}

core::Result<void> Dialer::AddContacts(CampaignId id, std::vector<core::Contact> contacts) {
  CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  std::vector<core::FieldProblem> problems;
  // Ids ascending above every id so far (imports and the start-up load) are new and unique
  // without a set of the batch and a lookup each; only other batches pay for those.
  bool ascending = true;
  for (uint64_t last = camp->index_by_id.max_ascending(); const auto& c : contacts) {
    if (c.id.value <= last) {
      ascending = false;
      break;
    }
    last = c.id.value;
  }
  std::unordered_set<ContactId> seen;
  if (!ascending) seen.reserve(contacts.size());
  for (size_t i = 0; i < contacts.size(); ++i) {
    const auto& c = contacts[i];
    // The field name is formatted only for a problem: start-up loads millions of valid contacts.
    auto problem = [&](std::string_view field, const char* text) {
      problems.push_back({fmt::format("contacts[{}].{}", i, field), text});
    };
    if (!ascending && (!c.id.valid() || camp->index_by_id.Contains(c.id) || !seen.insert(c.id).second)) {
      problem("id", "must be a new, unique, non-zero id");
    }
    if (c.phones.empty()) problem("phones", "must contain at least one number");
    if (c.zone >= impl_->zones.size()) problem("timezone", "unknown zone id");
    if (c.priority > 100) problem("priority", "must be between 0 and 100");
  }
  if (!problems.empty()) {
    return Error{ErrorCode::kValidationFailed, "Some contacts are not valid.", std::move(problems)};
  }
  AsEvent(*impl_, [&] {
    // Grow geometrically: lists arrive in chunks, and an exact reserve per chunk would copy the
    // whole campaign each time.
    ReserveGeometric(camp->contacts, contacts.size());
    ReserveGeometric(camp->holds, contacts.size());
    ReserveGeometric(camp->checked_state, contacts.size());
    camp->index_by_id.Reserve(contacts.size());
    const TimePoint now = impl_->Now();
    for (auto& c : contacts) {
      auto index = static_cast<uint32_t>(camp->contacts.size());
      c.campaign_id = id;
      // A contact found in progress at load was held by a process that is gone: it goes back.
      if (c.state == ContactState::kInProgress) c.state = ContactState::kCallable;
      camp->index_by_id.Insert(c.id, index);
      ++camp->counts[static_cast<size_t>(c.state)];
      ++camp->checked_counts[static_cast<size_t>(c.state)];
      camp->holds.push_back(0);
      camp->checked_state.push_back(c.state);
      camp->contacts.push_back(std::move(c));
      const Contact& stored = camp->contacts.back();
      if (stored.state == ContactState::kCallable || stored.state == ContactState::kScheduled) {
        impl_->Enqueue(*camp, index, now);
      }
    }
  });
  return Ok{};
}

void Dialer::ReserveContacts(CampaignId id, size_t count) {
  CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return;
  camp->contacts.reserve(camp->contacts.size() + count);
  camp->holds.reserve(camp->holds.size() + count);
  camp->checked_state.reserve(camp->checked_state.size() + count);
  camp->index_by_id.Reserve(count, true);
}

core::Result<void> Dialer::AddAgent(const AgentInfo& info) {
  if (!info.id.valid()) return MakeError(ErrorCode::kValidationFailed, "agent id must not be 0");
  TenantRt* t = Impl::Find(impl_->tenants, info.tenant_id);
  if (t == nullptr) return MakeError(ErrorCode::kNotFound, "No such tenant.");
  if (impl_->agents.contains(info.id)) return MakeError(ErrorCode::kConflict, "agent exists already");
  AgentRt agent;
  agent.info = info;
  agent.since = impl_->Now();
  impl_->agents.emplace(info.id, std::move(agent));
  t->agents.push_back(info.id);
  return Ok{};
}

core::Result<void> Dialer::UpdateAgent(const AgentInfo& info) {
  AgentRt* agent = Impl::Find(impl_->agents, info.id);
  if (agent == nullptr) return MakeError(ErrorCode::kNotFound, "No such agent.");
  agent->info.username = info.username;
  agent->info.team = info.team;
  agent->info.station = info.station;
  return Ok{};
}

void Dialer::AddDnc(TenantId tenant, const std::string& list, const std::string& number) {
  AsEvent(*impl_, [&] { impl_->AddDncEntry(tenant, list, number, "admin"); });
}

void Dialer::RestoreDnc(TenantId tenant, const std::string& list, const std::string& number) {
  if (TenantRt* t = Impl::Find(impl_->tenants, tenant)) t->dnc[list].insert(number);
}

core::Result<void> Dialer::RestoreAttemptCounts(CampaignId id,
                                                const std::array<int64_t, core::kOutcomeCount>& by_outcome) {
  CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  camp->attempts_by_outcome = by_outcome;
  camp->attempts_total = 0;
  for (int64_t n : by_outcome) camp->attempts_total += n;
  return Ok{};
}

void Dialer::SetIdFloor(uint64_t max_used_id) { impl_->next_id = std::max(impl_->next_id, max_used_id + 1); }

void Dialer::RemoveDnc(TenantId tenant, const std::string& list, const std::string& number) {
  auto it = impl_->tenants.find(tenant);
  if (it == impl_->tenants.end()) return;
  auto l = it->second.dnc.find(list);
  if (l != it->second.dnc.end()) l->second.erase(number);
}

bool Dialer::IsOnDnc(TenantId tenant, const std::string& list, const std::string& number) const {
  auto it = impl_->tenants.find(tenant);
  if (it == impl_->tenants.end()) return false;
  auto l = it->second.dnc.find(list);
  return l != it->second.dnc.end() && l->second.contains(number);
}

void Dialer::Login(AgentId agent_id, ActionDone done) {
  AsEvent(*impl_, [&] {
    AgentRt* agent = Impl::Find(impl_->agents, agent_id);
    if (agent == nullptr) return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such agent."));
    if (agent->state == AgentState::kLoggedOut) {
      impl_->SetAgent(*agent, AgentState::kIdle);
      impl_->Audit(agent->info.tenant_id, agent_id, "login", "");
    }
    impl_->Ack(std::move(done), {});
  });
}

void Dialer::Logout(AgentId agent_id, ActionDone done) {
  AsEvent(*impl_, [&] {
    AgentRt* agent = Impl::Find(impl_->agents, agent_id);
    if (agent == nullptr) return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such agent."));
    if (core::IsHandlingContact(agent->state)) {
      return Impl::Fail(done, RefuseWith(ReasonCode::kAgentNotAvailable,
                                         "Finish the current contact before logging out."));
    }
    impl_->SetAgent(*agent, AgentState::kLoggedOut);
    impl_->Audit(agent->info.tenant_id, agent_id, "logout", "");
    impl_->Ack(std::move(done), {});
  });
}

void Dialer::SetAgentState(AgentId agent_id, AgentState state, std::string reason, ActionDone done) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    AgentRt* agent = Impl::Find(impl.agents, agent_id);
    if (agent == nullptr) return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such agent."));
    if (state != AgentState::kAvailable && state != AgentState::kIdle) {
      return Impl::Fail(done, Error{ErrorCode::kValidationFailed, "An agent can only set available or idle.",
                                    {{"state", "must be available or idle"}}});
    }
    if (agent->state == AgentState::kLoggedOut) return Impl::Fail(done, Refuse(ReasonCode::kAgentNotAvailable));
    impl.Audit(agent->info.tenant_id, agent_id, "set_state", std::string(core::ToString(state)));
    if (state == AgentState::kAvailable) {
      agent->idle_after_call = false;
      // The latest request wins: a pull preview opened from Idle must return to Available once
      // the agent asked for Available meanwhile (it used to go back to Idle after a skip or an
      // expiry; PullPreview.AvailableDuringAPreviewFromIdleIsHonoured).
      agent->pull_return_state = AgentState::kAvailable;
      if (agent->state == AgentState::kIdle) {
        impl.SetAgent(*agent, AgentState::kAvailable);
        impl.TryAssign(*agent);
      }
      return impl.Ack(std::move(done), {});
    }
    // Idle.
    switch (agent->state) {
      case AgentState::kLoggedOut: break;  // refused above
      case AgentState::kIdle:
      case AgentState::kAvailable:
        impl.SetAgent(*agent, AgentState::kIdle, std::nullopt, std::move(reason));
        break;
      case AgentState::kReserved:
        if (ReservationRt* res = Impl::Find(impl.reservations, agent->reservation)) {
          CampaignRt* camp = impl.FindCampaign(res->campaign);
          if (camp != nullptr && res->holds_contact) impl.ReturnUntouched(*camp, res->held_contact);
          impl.EndReservation(*res, std::nullopt, true);
        }
        agent->reservation = {};
        impl.SetAgent(*agent, AgentState::kIdle, std::nullopt, std::move(reason));
        break;
      case AgentState::kPreviewing: {
        OfferRt* offer = Impl::Find(impl.offers, agent->offer);
        CampaignRt* camp = offer != nullptr ? impl.FindCampaign(offer->campaign) : nullptr;
        if (offer != nullptr && camp != nullptr) {
          // Going idle with a preview open leaves the campaign, exactly like Cancel.
          OfferRt closed = *offer;
          impl.CloseOffer(*offer, OfferAction::kCancel, ClosedBy::kSystem, ActionReply{closed.id, {}});
          impl.ReturnUntouched(*camp, closed.contact);
          if (ReservationRt* res = Impl::Find(impl.reservations, closed.reservation)) {
            impl.EndReservation(*res, std::nullopt, true);
          }
        }
        agent->reservation = {};
        agent->offer = {};
        impl.SetAgent(*agent, AgentState::kIdle, std::nullopt, std::move(reason));
        break;
      }
      case AgentState::kDialing:
      case AgentState::kRinging:
      case AgentState::kConnected:
      case AgentState::kWrapUp:
        agent->idle_after_call = true;
        agent->idle_after_reason = std::move(reason);
        break;
    }
    impl.Ack(std::move(done), {});
  });
}

void Dialer::PreviewRequest(AgentId agent_id, std::optional<CampaignId> campaign_id, ActionDone done) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    AgentRt* agent = Impl::Find(impl.agents, agent_id);
    if (agent == nullptr) return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such agent."));
    if (agent->state != AgentState::kAvailable && agent->state != AgentState::kIdle) {
      return Impl::Fail(done, Refuse(ReasonCode::kAgentNotAvailable));
    }
    TenantRt& tenant = impl.tenants.at(agent->info.tenant_id);
    bool any_running = false;
    for (CampaignId cid : tenant.campaigns) {
      CampaignRt* camp = impl.FindCampaign(cid);
      if (camp == nullptr || camp->settings.mode != CampaignMode::kPreview || !impl.AgentWorksCampaign(*agent, *camp)) {
        continue;
      }
      if (campaign_id && *campaign_id != cid) continue;
      if (camp->status != CampaignStatus::kRunning) continue;
      any_running = true;
      if (auto pick = impl.PickContact(*camp, agent_id)) {
        agent->pull_return_state = agent->state;
        if (agent->state == AgentState::kIdle) {
          // After the pull-mode contact (and its call) the agent returns to Idle, not Available.
          agent->idle_after_call = true;
          agent->idle_after_reason = agent->reason;
        }
        impl.Audit(tenant.id, agent_id, "preview_request", fmt::format("campaign={}", cid.value));
        impl.CreateOffer(*agent, *camp, pick->first, pick->second, ReservationId{});
        OfferId oid = agent->offer;
        return impl.Ack(std::move(done), ActionReply{oid, {}});
      }
    }
    if (campaign_id) {
      CampaignRt* camp = impl.FindCampaign(*campaign_id);
      if (camp == nullptr || camp->tenant != agent->info.tenant_id || !impl.AgentWorksCampaign(*agent, *camp) ||
          camp->settings.mode != CampaignMode::kPreview) {
        return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such preview campaign."));
      }
      if (!any_running) return Impl::Fail(done, Refuse(ReasonCode::kCampaignNotRunning));
    }
    impl.Emit(NoticeEvent{agent_id, ReasonCode::kNoCallableContacts,
                          std::string(core::HumanSentence(ReasonCode::kNoCallableContacts))});
    Impl::Fail(done, Refuse(ReasonCode::kNoCallableContacts));
  });
}

void Dialer::AnswerReservation(AgentId agent_id, ReservationId rid, ActionDone done) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    ReservationRt* res = Impl::Find(impl.reservations, rid);
    if (res == nullptr || res->agent != agent_id) {
      return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such reservation."));
    }
    if (res->state != core::ReservationState::kRinging) return impl.Ack(std::move(done), {});  // idempotent
    if (!impl.deps.telephony.AnswerStation(res->leg)) {
      return Impl::Fail(done, RefuseWith(ReasonCode::kActionDisabled,
                                         "This station is answered on the phone, not from the desktop."));
    }
    impl.Ack(std::move(done), {});
  });
}

void Dialer::ActOnOffer(AgentId agent, OfferId offer, OfferAction action, ActionDone done) {
  AsEvent(*impl_, [&] { impl_->DoOfferAction(agent, offer, action, ClosedBy::kAgent, std::move(done)); });
}

void Dialer::CancelCall(AgentId agent_id, CallId cid, ActionDone done) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    CallRt* call = Impl::Find(impl.calls, cid);
    if (call == nullptr || call->agent != agent_id) {
      auto closed = impl.closed_calls.find(cid);
      if (closed != impl.closed_calls.end() && closed->second.agent == agent_id &&
          closed->second.outcome == Outcome::kCancelled) {
        if (done) done(ActionResult(ActionReply{{}, cid}));
        return;
      }
      if (closed != impl.closed_calls.end() && closed->second.agent == agent_id) {
        return Impl::Fail(done, RefuseWith(ReasonCode::kConflict, "The call has ended already."));
      }
      return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such call."));
    }
    CampaignRt* camp = impl.FindCampaign(call->campaign);
    if (camp == nullptr) return Impl::Fail(done, Refuse(ReasonCode::kInternal));
    if (!impl.CanCancel(*camp)) return Impl::Fail(done, Refuse(ReasonCode::kActionDisabled));
    if (call->state != CallState::kDialing && call->state != CallState::kRinging) {
      return Impl::Fail(done, RefuseWith(ReasonCode::kConflict, "Only a call that is still ringing can be cancelled."));
    }
    call->cancel_requested = true;
    impl.Audit(camp->tenant, agent_id, "cancel_call", fmt::format("call={}", cid.value));
    ++impl.counters.cancels;
    if (!call->customer_dialed) {
      impl.AbortUndialedCall(*call, *camp, ReasonCode::kAgentCancelled);
    } else {
      impl.FailAttempt(*call, Outcome::kCancelled, ReasonCode::kAgentCancelled, 487, true);
    }
    impl.Ack(std::move(done), ActionReply{{}, cid});
  });
}

void Dialer::EndCall(AgentId agent_id, CallId cid, ActionDone done) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    CallRt* call = Impl::Find(impl.calls, cid);
    if (call == nullptr || call->agent != agent_id) {
      auto closed = impl.closed_calls.find(cid);
      if (closed != impl.closed_calls.end() && closed->second.agent == agent_id) {
        if (done) done(ActionResult(ActionReply{{}, cid}));  // ended already: same answer
        return;
      }
      return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No such call."));
    }
    CampaignRt* camp = impl.FindCampaign(call->campaign);
    if (camp == nullptr) return Impl::Fail(done, Refuse(ReasonCode::kInternal));
    if (call->in_wrap_up) return impl.Ack(std::move(done), ActionReply{{}, cid});
    impl.Audit(camp->tenant, agent_id, "end_call", fmt::format("call={}", cid.value));
    if (call->state == CallState::kConnected) {
      impl.EndConnectedCall(*call, *camp, true);
      return impl.Ack(std::move(done), ActionReply{{}, cid});
    }
    // Not answered yet. In Direct Preview (and pull mode) the agent hears the line and decides
    // when to give up (PRODUCT.md §5.3): End then stops the ringing call as the agent's cancel.
    if (camp->settings.mode == CampaignMode::kPreviewStandard) {
      return Impl::Fail(done, RefuseWith(ReasonCode::kConflict, "The call is not connected yet."));
    }
    call->cancel_requested = true;
    if (!call->customer_dialed) {
      impl.AbortUndialedCall(*call, *camp, ReasonCode::kAgentCancelled);
    } else {
      impl.FailAttempt(*call, Outcome::kCancelled, ReasonCode::kAgentCancelled, 487, true);
    }
    impl.Ack(std::move(done), ActionReply{{}, cid});
  });
}

void Dialer::WrapUp(AgentId agent_id, CallId cid, const std::string& disposition,
                    std::optional<TimePoint> callback_at, std::string notes, bool personal_callback,
                    ActionDone done) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    CallRt* call = Impl::Find(impl.calls, cid);
    if (call == nullptr || call->agent != agent_id) {
      auto closed = impl.closed_calls.find(cid);
      if (closed != impl.closed_calls.end() && closed->second.agent == agent_id && closed->second.wrapped_up) {
        // The same wrap-up again answers as the first did; another disposition would silently
        // not be stored, so it is refused (as a different action on a closed offer is).
        if (closed->second.disposition != disposition) {
          return Impl::Fail(done, RefuseWith(ReasonCode::kConflict,
                                             fmt::format("The call was wrapped up already, as '{}'.",
                                                         closed->second.disposition)));
        }
        if (done) done(ActionResult(ActionReply{{}, cid}));
        return;
      }
      return Impl::Fail(done, RefuseWith(ReasonCode::kNotFound, "No call to wrap up."));
    }
    if (!call->in_wrap_up) {
      return Impl::Fail(done, RefuseWith(ReasonCode::kConflict, "The call has not ended yet."));
    }
    CampaignRt* camp = impl.FindCampaign(call->campaign);
    if (camp == nullptr) return Impl::Fail(done, Refuse(ReasonCode::kInternal));
    const core::Disposition* d = camp->settings.FindDisposition(disposition);
    if (d == nullptr) {
      return Impl::Fail(done, Error{ErrorCode::kValidationFailed, "Unknown disposition.",
                                    {{"disposition", fmt::format("'{}' is not a disposition of this campaign",
                                                                 disposition)}}});
    }
    if (d->result == core::DispositionResult::kCallback) {
      TimePoint now = impl.Now();
      if (!callback_at) {
        return Impl::Fail(done, Error{ErrorCode::kValidationFailed, "A callback needs a time.",
                                      {{"callback_at", "is required for a callback disposition"}}});
      }
      if (*callback_at <= now || *callback_at > now + kMaxCallbackHorizon) {
        return Impl::Fail(done, Error{ErrorCode::kValidationFailed, "The callback time is not valid.",
                                      {{"callback_at", "must be in the future and within a year"}}});
      }
    }
    impl.DoWrapUp(*call, *camp, *d, callback_at, std::move(notes), personal_callback, std::move(done));
  });
}

void Dialer::OnLegEvent(const LegEvent& event) {
  AsEvent(*impl_, [&] {
    auto& impl = *impl_;
    auto it = impl.legs.find(event.leg);
    if (it == impl.legs.end()) return;  // a leg the engine closed itself: late events are dropped
    LegOwner owner = it->second;
    switch (owner.kind) {
      case LegOwnerKind::kReservation: {
        ReservationRt* res = Impl::Find(impl.reservations, ReservationId{owner.id});
        if (res == nullptr) return;
        switch (event.kind) {
          case LegEventKind::kRinging:
          case LegEventKind::kEarlyMedia: return;
          case LegEventKind::kAnswered:
            if (res->state == core::ReservationState::kRinging) impl.OnReservationAnswered(*res);
            return;
          case LegEventKind::kFailed:
            if (res->state == core::ReservationState::kRinging) impl.ReservationNotAnswered(*res);
            return;
          case LegEventKind::kEnded: {
            // The agent hung up the reservation line: the agent leaves the campaign.
            AgentRt* agent = Impl::Find(impl.agents, res->agent);
            impl.legs.erase(res->leg);
            if (agent == nullptr) return;
            if (agent->call.valid()) {
              if (CallRt* call = Impl::Find(impl.calls, agent->call)) {
                CampaignRt* camp = impl.FindCampaign(call->campaign);
                if (call->state == CallState::kConnected && camp != nullptr) {
                  impl.EndConnectedCall(*call, *camp, true);
                } else if (call->state != CallState::kEnded) {
                  agent->idle_after_call = true;
                  call->cancel_requested = true;
                  impl.FailAttempt(*call, Outcome::kCancelled, ReasonCode::kAgentCancelled, 487, true);
                }
              }
              return;
            }
            if (agent->offer.valid()) {
              impl.DoOfferAction(agent->info.id, agent->offer, OfferAction::kCancel, ClosedBy::kSystem, nullptr);
            }
            return;
          }
        }
        return;
      }
      case LegOwnerKind::kPullAgent: {
        CallRt* call = Impl::Find(impl.calls, CallId{owner.id});
        if (call == nullptr) return;
        CampaignRt* camp = impl.FindCampaign(call->campaign);
        if (camp == nullptr) return;
        switch (event.kind) {
          case LegEventKind::kRinging:
          case LegEventKind::kEarlyMedia: return;
          case LegEventKind::kAnswered:
            if (!call->customer_dialed && !call->attempt_written) {
              impl.CancelTimer(call->agent_ring_timer);
              impl.WriteAttemptThenDial(*call, *camp);
            }
            return;
          case LegEventKind::kFailed:
            if (!call->customer_dialed) {
              impl.CancelTimer(call->agent_ring_timer);
              impl.legs.erase(call->agent_leg);
              call->agent_leg = {};
              ++impl.counters.reservations_unanswered;
              impl.AbortUndialedCall(*call, *camp, ReasonCode::kReservationNotAnswered);
            }
            return;
          case LegEventKind::kEnded:
            impl.legs.erase(call->agent_leg);
            call->agent_leg = {};
            if (call->state == CallState::kConnected) {
              impl.EndConnectedCall(*call, *camp, true);
            } else if (call->customer_dialed) {
              call->cancel_requested = true;
              impl.FailAttempt(*call, Outcome::kCancelled, ReasonCode::kAgentCancelled, 487, true);
            } else {
              impl.AbortUndialedCall(*call, *camp, ReasonCode::kAgentCancelled);
            }
            return;
        }
        return;
      }
      case LegOwnerKind::kCustomer: {
        CallRt* call = Impl::Find(impl.calls, CallId{owner.id});
        if (call != nullptr) impl.OnCustomerEvent(*call, event);
        return;
      }
    }
  });
}

std::optional<AgentSnapshot> Dialer::Snapshot(AgentId agent_id) const {
  auto& impl = *impl_;
  auto it = impl.agents.find(agent_id);
  if (it == impl.agents.end()) return std::nullopt;
  const AgentRt& agent = it->second;
  AgentSnapshot snap;
  snap.agent_id = agent_id;
  snap.state = agent.state;
  snap.reason_code = agent.reason_code;
  snap.reason = agent.reason;
  snap.since = agent.since;
  if (auto r = impl.reservations.find(agent.reservation); r != impl.reservations.end()) {
    snap.reservation = ReservationEvent{agent_id, r->first, r->second.campaign, r->second.state, std::nullopt};
  }
  if (auto o = impl.offers.find(agent.offer); o != impl.offers.end()) {
    if (const CampaignRt* camp = impl.FindCampaign(o->second.campaign)) snap.offer = impl.MakeOfferEvent(o->second, *camp);
  }
  if (auto c = impl.calls.find(agent.call); c != impl.calls.end()) {
    const CallRt& call = c->second;
    if (const CampaignRt* camp = impl.FindCampaign(call.campaign)) {
      snap.call = impl.MakeCallEvent(call, *camp);
      // The offer itself is closed once accepted; rebuild its view from what the call keeps.
      OfferRt accepted;
      accepted.id = call.offer;
      accepted.agent = call.agent;
      accepted.campaign = call.campaign;
      accepted.reservation = call.reservation;
      accepted.contact = call.contact;
      accepted.phone = call.phone;
      snap.task = impl.MakeOfferEvent(accepted, *camp);
      if (call.in_wrap_up) {
        snap.wrapup = WrapupEvent{call.agent, call.id, camp->settings.dispositions, call.wrap_deadline};
      }
    }
  }
  return snap;
}

std::optional<CampaignStats> Dialer::Stats(CampaignId id) const {
  const CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return std::nullopt;
  CampaignStats st;
  st.contacts_by_state = camp->counts;
  st.contacts_total = static_cast<int64_t>(camp->contacts.size());
  st.attempts_by_outcome = camp->attempts_by_outcome;
  st.attempts_total = camp->attempts_total;
  st.active_calls = camp->active_calls;
  const TenantRt& tenant = impl_->tenants.at(camp->tenant);
  st.tenant_active_calls = tenant.active_calls;
  st.tenant_max_calls = tenant.settings.max_concurrent_calls;
  st.datacenter_active_calls = impl_->dc_active_calls;
  st.datacenter_max_calls = impl_->datacenter.max_concurrent_calls;
  for (AgentId agent_id : tenant.agents) {
    const AgentRt& agent = impl_->agents.at(agent_id);
    if (!impl_->AgentWorksCampaign(agent, *camp)) continue;
    switch (agent.state) {
      case AgentState::kLoggedOut: break;
      case AgentState::kIdle: ++st.agents_idle; break;
      case AgentState::kAvailable: ++st.agents_available; break;
      case AgentState::kReserved:
      case AgentState::kPreviewing: ++st.agents_reserved; break;
      case AgentState::kDialing:
      case AgentState::kRinging:
      case AgentState::kConnected: ++st.agents_on_call; break;
      case AgentState::kWrapUp: ++st.agents_wrap_up; break;
    }
  }
  return st;
}

const core::Contact* Dialer::FindContact(CampaignId campaign, ContactId contact) const {
  const CampaignRt* camp = impl_->FindCampaign(campaign);
  if (camp == nullptr) return nullptr;
  auto index = camp->index_by_id.Find(contact);
  return index ? &camp->contacts[*index] : nullptr;
}

std::vector<CampaignId> Dialer::Campaigns() const {
  std::vector<CampaignId> out;
  for (const auto& [id, camp] : impl_->campaigns) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Dialer::CampaignBrief> Dialer::Campaign(CampaignId id) const {
  const CampaignRt* camp = impl_->FindCampaign(id);
  if (camp == nullptr) return std::nullopt;
  return CampaignBrief{camp->tenant, camp->status, camp->settings.mode};
}

std::optional<AgentInfo> Dialer::Agent(AgentId agent) const {
  auto it = impl_->agents.find(agent);
  if (it == impl_->agents.end()) return std::nullopt;
  return it->second.info;
}

std::vector<TenantId> Dialer::Tenants() const {
  std::vector<TenantId> out;
  for (const auto& [id, tenant] : impl_->tenants) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<AgentId> Dialer::Agents(TenantId tenant) const {
  auto it = impl_->tenants.find(tenant);
  return it == impl_->tenants.end() ? std::vector<AgentId>{} : it->second.agents;
}

int64_t Dialer::ActiveCalls(TenantId tenant) const {
  auto it = impl_->tenants.find(tenant);
  return it == impl_->tenants.end() ? 0 : it->second.active_calls;
}

std::vector<std::string> Dialer::CheckInvariants() const {
  const auto& impl = *impl_;
  std::vector<std::string> problems;
  // Who holds which contact: every in_progress contact is held by exactly one live object.
  std::unordered_map<CampaignId, std::unordered_map<uint32_t, int>> holds;
  for (const auto& [id, res] : impl.reservations) {
    if (res.holds_contact) ++holds[res.campaign][res.held_contact];
  }
  std::unordered_map<AgentId, int> offers_per_agent;
  for (const auto& [id, offer] : impl.offers) {
    ++holds[offer.campaign][offer.contact];
    ++offers_per_agent[offer.agent];
  }
  std::unordered_map<TenantId, int64_t> live_calls;
  int64_t dc_live = 0;
  for (const auto& [id, call] : impl.calls) {
    ++holds[call.campaign][call.contact];
    if (!call.in_wrap_up) {
      const CampaignRt* camp = impl.FindCampaign(call.campaign);
      if (camp != nullptr) ++live_calls[camp->tenant];
      ++dc_live;
    }
  }
  for (const auto& [agent, n] : offers_per_agent) {
    if (n > 1) problems.push_back(fmt::format("agent {} holds {} offers", agent.value, n));
  }
  for (const auto& [cid, camp] : impl.campaigns) {
    std::array<int64_t, core::kContactStateCount> recount{};
    for (uint32_t i = 0; i < camp->contacts.size(); ++i) {
      const Contact& c = camp->contacts[i];
      ++recount[static_cast<size_t>(c.state)];
      int held = 0;
      if (auto h = holds.find(cid); h != holds.end()) {
        if (auto x = h->second.find(i); x != h->second.end()) held = x->second;
      }
      if (c.state == ContactState::kInProgress && held != 1) {
        problems.push_back(fmt::format("campaign {} contact {} is in_progress but held {} times", cid.value,
                                       c.id.value, held));
      }
      if (c.state != ContactState::kInProgress && held != 0) {
        problems.push_back(fmt::format("campaign {} contact {} is {} but held {} times", cid.value, c.id.value,
                                       core::ToString(c.state), held));
      }
      if (i < camp->holds.size() && camp->holds[i] != held) {
        problems.push_back(fmt::format("campaign {} contact {} is held {} times but the hold account says {}",
                                       cid.value, c.id.value, held, static_cast<int>(camp->holds[i])));
      }
    }
    int64_t sum = 0;
    for (int s = 0; s < core::kContactStateCount; ++s) {
      sum += camp->counts[static_cast<size_t>(s)];
      if (recount[static_cast<size_t>(s)] != camp->counts[static_cast<size_t>(s)]) {
        problems.push_back(fmt::format("campaign {} count of {} is {} but {} contacts are in it", cid.value,
                                       core::ToString(static_cast<ContactState>(s)), camp->counts[static_cast<size_t>(s)],
                                       recount[static_cast<size_t>(s)]));
      }
    }
    if (sum != static_cast<int64_t>(camp->contacts.size())) {
      problems.push_back(fmt::format("campaign {} state counts add up to {} of {} contacts", cid.value, sum,
                                     camp->contacts.size()));
    }
  }
  for (const auto& [tid, tenant] : impl.tenants) {
    if (tenant.active_calls != live_calls[tid]) {
      problems.push_back(fmt::format("tenant {} counts {} active calls but {} are live", tid.value,
                                     tenant.active_calls, live_calls[tid]));
    }
    if (tenant.active_calls > tenant.settings.max_concurrent_calls) {
      problems.push_back(fmt::format("tenant {} has {} active calls over its limit {}", tid.value,
                                     tenant.active_calls, tenant.settings.max_concurrent_calls));
    }
  }
  if (impl.dc_active_calls != dc_live) {
    problems.push_back(fmt::format("data centre counts {} active calls but {} are live", impl.dc_active_calls, dc_live));
  }
  if (impl.dc_active_calls > impl.datacenter.max_concurrent_calls) {
    problems.push_back(fmt::format("data centre has {} active calls over its limit {}", impl.dc_active_calls,
                                   impl.datacenter.max_concurrent_calls));
  }
  for (const auto& [aid, agent] : impl.agents) {
    bool has_work = agent.reservation.valid() || agent.offer.valid() || agent.call.valid();
    if (!core::IsHandlingContact(agent.state) && has_work) {
      problems.push_back(fmt::format("agent {} is {} but holds work", aid.value, core::ToString(agent.state)));
    }
  }
  problems.insert(problems.end(), impl.found_problems.begin(), impl.found_problems.end());
  return problems;
}

std::vector<std::string> Dialer::CheckChangedInvariants() {
  auto& impl = *impl_;
  std::vector<std::string> problems = std::move(impl.found_problems);
  impl.found_problems.clear();
  if (!impl.track_changes) {
    // First call: start tracking from a fully checked state, with the account of states taken now
    // (changes made while nobody tracked were not noted).
    impl.track_changes = true;
    for (auto& [cid, camp] : impl.campaigns) {
      camp->checked_counts = {};
      for (size_t i = 0; i < camp->contacts.size(); ++i) {
        camp->checked_state[i] = camp->contacts[i].state;
        ++camp->checked_counts[static_cast<size_t>(camp->contacts[i].state)];
      }
    }
    auto full = CheckInvariants();
    problems.insert(problems.end(), full.begin(), full.end());
    return problems;
  }
  std::unordered_set<CampaignId> campaigns;
  for (auto [cid, index] : impl.touched_contacts) {
    CampaignRt* camp = impl.FindCampaign(cid);
    if (camp == nullptr || index >= camp->contacts.size()) continue;
    campaigns.insert(cid);
    const Contact& c = camp->contacts[index];
    const int held = camp->holds[index];
    if ((c.state == ContactState::kInProgress) != (held == 1) || held < 0 || held > 1) {
      problems.push_back(fmt::format("campaign {} contact {} is {} but held {} times", cid.value, c.id.value,
                                     core::ToString(c.state), held));
    }
    ContactState& seen = camp->checked_state[index];
    if (seen != c.state) {
      --camp->checked_counts[static_cast<size_t>(seen)];
      ++camp->checked_counts[static_cast<size_t>(c.state)];
      seen = c.state;
    }
  }
  impl.touched_contacts.clear();
  for (CampaignId cid : campaigns) {
    const CampaignRt& camp = *impl.FindCampaign(cid);
    int64_t sum = 0;
    for (int st = 0; st < core::kContactStateCount; ++st) {
      auto i = static_cast<size_t>(st);
      sum += camp.counts[i];
      if (camp.counts[i] != camp.checked_counts[i]) {
        problems.push_back(fmt::format("campaign {} count of {} is {} but {} contacts are in it", cid.value,
                                       core::ToString(static_cast<ContactState>(st)), camp.counts[i],
                                       camp.checked_counts[i]));
      }
    }
    if (sum != static_cast<int64_t>(camp.contacts.size())) {
      problems.push_back(fmt::format("campaign {} state counts add up to {} of {} contacts", cid.value, sum,
                                     camp.contacts.size()));
    }
  }
  for (AgentId aid : impl.touched_agents) {
    const AgentRt* agent = Impl::Find(impl.agents, aid);
    if (agent == nullptr) continue;
    bool has_work = agent->reservation.valid() || agent->offer.valid() || agent->call.valid();
    if (!core::IsHandlingContact(agent->state) && has_work) {
      problems.push_back(
          fmt::format("agent {} is {} but holds work", aid.value, core::ToString(agent->state)));
    }
    if (agent->offer.valid()) {
      auto o = impl.offers.find(agent->offer);
      if (o == impl.offers.end() || o->second.agent != aid) {
        problems.push_back(
            fmt::format("agent {} points at offer {} it does not hold", aid.value, agent->offer.value));
      }
    }
  }
  impl.touched_agents.clear();
  int64_t tenant_sum = 0;
  for (const auto& [tid, tenant] : impl.tenants) {
    tenant_sum += tenant.active_calls;
    if (tenant.active_calls < 0 || tenant.active_calls > tenant.settings.max_concurrent_calls) {
      problems.push_back(fmt::format("tenant {} has {} active calls, limit {}", tid.value,
                                     tenant.active_calls, tenant.settings.max_concurrent_calls));
    }
  }
  if (impl.dc_active_calls != tenant_sum || impl.dc_active_calls > impl.datacenter.max_concurrent_calls) {
    problems.push_back(fmt::format("data centre has {} active calls (tenants {}), limit {}",
                                   impl.dc_active_calls, tenant_sum, impl.datacenter.max_concurrent_calls));
  }
  return problems;
}

}  // namespace outdial::engine
