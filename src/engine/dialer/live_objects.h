// The engine's live objects (PRODUCT.md §4–§5): tenants, campaigns with their contacts and
// queues, agents, reservations, offers and calls. Plain structs owned by EngineState's id maps and
// addressed by id across events (never by pointers kept past one). Each timer a live object arms
// is a TimerHandle member, so destroying the object cancels its timers.
//
// Threading: engine thread only.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/call_machine.h"
#include "core/calling_window.h"
#include "core/contact.h"
#include "core/contact_queue.h"
#include "core/ids.h"
#include "core/settings.h"
#include "core/states.h"
#include "engine/dialer.h"
#include "engine/dialer/timer_handle.h"

namespace outdial::engine {

// The contacts of one time zone of a campaign, with the zone's calling window cached until its
// next change.
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

struct CampaignRt {
  CampaignId id;
  TenantId tenant;
  core::CampaignSettings settings;
  core::ModeRules rules;  // RulesFor(settings), kept with them
  core::CampaignStatus status = core::CampaignStatus::kDraft;
  std::vector<core::Contact> contacts;
  ContactIndex index_by_id;
  std::vector<ZoneQueue> zone_queues;
  std::unordered_map<uint16_t, size_t> slot_by_zone;
  // Personal callbacks: waiting ones in one queue for the whole campaign (so a wake looks at one
  // heap, not one per agent), due ones in a ready queue per agent, dropped when empty.
  core::ContactQueue personal_pending;
  std::unordered_map<AgentId, core::ContactQueue> personal;
  std::deque<std::pair<AgentId, uint64_t>> waiting;  // (agent, wait epoch)
  TimerHandle wake_timer;
  TimePoint wake_at = core::kNever;
  std::array<int64_t, core::kContactStateCount> counts{};
  std::array<int64_t, core::kOutcomeCount> attempts_by_outcome{};
  int64_t attempts_total = 0;
  int64_t active_calls = 0;
  // Incremental invariant bookkeeping (Invariants), one entry per contact: how many live objects
  // (ringing reservation, offer, call) hold it, and its state as of the last check with the
  // per-state counts recomputed from those states.
  std::vector<int8_t> holds;
  std::vector<core::ContactState> checked_state;
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
  core::AgentState state = core::AgentState::kLoggedOut;
  std::optional<core::ReasonCode> reason_code;
  std::string reason;
  TimePoint since{};
  bool idle_after_call = false;
  std::string idle_after_reason;
  core::AgentState pull_return_state = core::AgentState::kAvailable;  // where a pull preview returns to
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
  TimerHandle ring_timer;
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
  TimerHandle timer;
};

// What remains of an offer once it is closed, for what follows the close.
struct ClosedOfferView {
  OfferId id;
  ReservationId reservation;
  uint32_t contact = 0;
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
  core::CallPhase phase = core::CallPhase::kDialing;
  bool customer_dialed = false;
  bool attempt_written = false;
  bool cancel_requested = false;
  bool in_wrap_up = false;
  TimePoint started_at{};
  std::optional<TimePoint> answered_at;   // the far end answered
  std::optional<TimePoint> connected_at;  // the agent hears the customer
  std::optional<TimePoint> ended_at;      // the call ended (wrap-up does not move it)
  std::optional<core::AmdResult> amd;
  core::Outcome outcome = core::Outcome::kConnected;
  TimerHandle ring_timer;
  TimerHandle wrap_timer;
  std::optional<TimePoint> wrap_deadline;  // while in wrap-up with a timeout
  TimerHandle agent_ring_timer;

  core::CallState state() const { return core::PublicState(phase); }
};

enum class LegOwnerKind { kReservation, kCustomer, kPullAgent };
struct LegOwner {
  LegOwnerKind kind;
  uint64_t id;  // reservation id or call id
};

// A remembered answer for an action on a closed target.
struct ClosedAction {
  AgentId agent;
  core::OfferAction action = core::OfferAction::kAccept;
  ActionReply reply;
};
struct ClosedCall {
  AgentId agent;
  core::Outcome outcome = core::Outcome::kConnected;
  bool wrapped_up = false;
  std::string disposition;  // the code it was wrapped up with (by the agent or the timeout)
};

}  // namespace outdial::engine
