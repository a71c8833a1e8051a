#include "engine/dialer/contact_picker.h"

#include <fmt/format.h>

#include <cassert>

#include "core/eligibility.h"
#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::Contact;
using core::ContactState;

namespace {

constexpr char kTenantDncList[] = "tenant";

core::QueueKey KeyOf(const Contact& c, uint32_t index) {
  return core::QueueKey{c.callback, c.priority, core::ToEpochMs(c.next_eligible_at), index};
}

bool Queued(ContactState state) {
  return state == ContactState::kCallable || state == ContactState::kScheduled;
}

}  // namespace

void ContactPicker::SetState(CampaignRt& camp, Contact& contact, ContactState state) {
  if (contact.state == state) return;
  --camp.counts[static_cast<size_t>(contact.state)];
  ++camp.counts[static_cast<size_t>(state)];
  contact.state = state;
  e_.invariants.Touch(camp, contact);
}

void ContactPicker::Record(const Contact& contact) {
  e_.scope.batch().contacts.push_back(ToRecord(contact));
  if (!e_.invariants.tracking()) return;  // no lookup in production
  if (CampaignRt* camp = e_.state.FindCampaign(contact.campaign_id)) e_.invariants.Touch(*camp, contact);
}

ZoneQueue& ContactPicker::SlotFor(CampaignRt& camp, uint16_t zone) {
  auto it = camp.slot_by_zone.find(zone);
  if (it != camp.slot_by_zone.end()) return camp.zone_queues[it->second];
  camp.slot_by_zone.emplace(zone, camp.zone_queues.size());
  camp.zone_queues.emplace_back();
  camp.zone_queues.back().zone = zone;
  return camp.zone_queues.back();
}

const core::WindowState& ContactPicker::Window(CampaignRt& camp, ZoneQueue& zq) {
  TimePoint now = e_.state.Now();
  if (!zq.window_known || now >= zq.window.until) {
    zq.window = core::EvaluateWindow(camp.settings.calling_window, e_.state.zones.Zone(zq.zone), now);
    zq.window_known = true;
  }
  return zq.window;
}

const core::WindowState& ContactPicker::WindowOf(CampaignRt& camp, const Contact& contact) {
  return Window(camp, SlotFor(camp, contact.zone));
}

void ContactPicker::Enqueue(CampaignRt& camp, uint32_t index) {
  Enqueue(camp, index, e_.state.Now());
}

void ContactPicker::Enqueue(CampaignRt& camp, uint32_t index, TimePoint now) {
  Contact& c = camp.contacts[index];
  assert(Queued(c.state));
  const bool personal = c.callback && c.callback_agent.valid();
  core::ContactQueue* queue = &SlotFor(camp, c.zone).queue;
  if (personal) queue = c.next_eligible_at > now ? &camp.personal_pending : &camp.personal[c.callback_agent];
  if (c.next_eligible_at > now) {
    if (c.state != ContactState::kScheduled) SetState(camp, c, ContactState::kScheduled);
    queue->PushWaiting(KeyOf(c, index), c.next_eligible_at);
    ArmWakeAt(camp, c.next_eligible_at);
  } else {
    if (c.state != ContactState::kCallable) SetState(camp, c, ContactState::kCallable);
    queue->PushReady(KeyOf(c, index));
    if (personal) e_.dispatcher.NeedAssign(c.callback_agent);
    e_.dispatcher.NeedDispatch(camp.id);
  }
}

void ContactPicker::ReturnUntouched(CampaignRt& camp, uint32_t index) {
  Contact& c = camp.contacts[index];
  SetState(camp, c, c.next_eligible_at > e_.state.Now() ? ContactState::kScheduled : ContactState::kCallable);
  Record(c);
  Enqueue(camp, index);
}

void ContactPicker::Settle(CampaignRt& camp, uint32_t index, ContactState target) {
  Contact& contact = camp.contacts[index];
  contact.state = ContactState::kInProgress;  // what the counts say until now
  SetState(camp, contact, target);
  Record(contact);
  if (Queued(target)) Enqueue(camp, index);
}

void ContactPicker::ArmWake(CampaignRt& camp) {
  if (camp.status != core::CampaignStatus::kRunning) return;
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
void ContactPicker::ArmWakeAt(CampaignRt& camp, TimePoint when) {
  if (camp.status != core::CampaignStatus::kRunning || when == core::kNever) return;
  // Wake on whole seconds: contacts coming due within the same second share one wake-up, which
  // keeps wake-ups per campaign bounded however many retries are scheduled.
  when = std::chrono::ceil<std::chrono::seconds>(when);
  if (camp.wake_timer.armed() && camp.wake_at <= when) return;
  camp.wake_at = when;
  CampaignId id = camp.id;
  camp.wake_timer = e_.scope.At(when, [this, id] {
    CampaignRt* c = e_.state.FindCampaign(id);
    if (c == nullptr) return;
    c->wake_timer.Fired();
    Wake(*c);
  });
}

void ContactPicker::Wake(CampaignRt& camp) {
  camp.wake_timer.Cancel();
  camp.wake_at = core::kNever;
  if (camp.status != core::CampaignStatus::kRunning) return;
  TimePoint now = e_.state.Now();
  auto mark_callable = [&](const core::QueueKey& key) {
    SetState(camp, camp.contacts[key.index], ContactState::kCallable);
  };
  for (auto& zq : camp.zone_queues) zq.queue.Advance(now, mark_callable);
  camp.personal_pending.TakeDue(now, [&](const core::QueueKey& key) {
    Contact& c = camp.contacts[key.index];
    SetState(camp, c, ContactState::kCallable);
    camp.personal[c.callback_agent].PushReady(key);
    e_.dispatcher.NeedAssign(c.callback_agent);
  });
  e_.dispatcher.DispatchWaiting(camp);
  ArmWake(camp);
}

void ContactPicker::Refresh(CampaignRt& camp) {
  for (auto& zq : camp.zone_queues) zq.window_known = false;  // the calling window may have changed
  ArmWake(camp);
}

void ContactPicker::StopWaking(CampaignRt& camp) {
  camp.wake_timer.Cancel();
  camp.wake_at = core::kNever;
}

bool ContactPicker::HasCallableNow(CampaignRt& camp) {
  for (auto& zq : camp.zone_queues) {
    if (zq.queue.HasReady() && Window(camp, zq).open) return true;
  }
  return false;
}

bool ContactPicker::IsDnc(const CampaignRt& camp, std::string_view number) const {
  auto it = e_.state.tenants.find(camp.tenant);
  if (it == e_.state.tenants.end()) return false;
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

void ContactPicker::AddDnc(TenantId tenant_id, const std::string& list, const std::string& number,
                           std::string source) {
  TenantRt* tenant = EngineState::Find(e_.state.tenants, tenant_id);
  if (tenant == nullptr) return;
  if (!tenant->dnc[list].insert(number).second) return;
  e_.scope.batch().dnc.push_back(DncRecord{tenant_id, list, number, e_.state.Now(), std::move(source)});
}

// The agent's due personal callbacks come first; one whose zone is closed waits for the window.
core::ContactQueue* ContactPicker::PersonalReady(CampaignRt& camp, core::ContactQueue* personal,
                                                 AgentId agent) {
  while (personal->HasReady()) {
    uint32_t idx = personal->Top().index;
    const core::WindowState& w = WindowOf(camp, camp.contacts[idx]);
    if (w.open) return personal;
    core::QueueKey key = personal->Top();
    personal->Pop();
    camp.personal_pending.PushWaiting(key, w.until);
    SetState(camp, camp.contacts[idx], ContactState::kScheduled);
    ArmWakeAt(camp, w.until);
  }
  camp.personal.erase(agent);  // an agent's ready queue lives only while it holds callbacks
  return nullptr;
}

core::ContactQueue* ContactPicker::BestZoneQueue(CampaignRt& camp) {
  core::ContactQueue* best = nullptr;
  for (auto& zq : camp.zone_queues) {
    if (!zq.queue.HasReady() || !Window(camp, zq).open) continue;
    if (best == nullptr || zq.queue.Top().Before(best->Top())) best = &zq.queue;
  }
  return best;
}

std::optional<PickedContact> ContactPicker::Pick(CampaignRt& camp, AgentId agent) {
  if (camp.status != core::CampaignStatus::kRunning) return std::nullopt;
  core::DncLookup dnc = [&](std::string_view n) { return IsDnc(camp, n); };
  core::ContactQueue* personal = nullptr;
  if (auto it = camp.personal.find(agent); it != camp.personal.end()) personal = &it->second;
  for (;;) {
    core::ContactQueue* best = nullptr;
    if (personal != nullptr) {
      best = PersonalReady(camp, personal, agent);
      if (best == nullptr) personal = nullptr;
    }
    if (best == nullptr) best = BestZoneQueue(camp);
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
        SetState(camp, c, ContactState::kInProgress);
        Record(c);
        return PickedContact{idx, elig.phone_index};
      case core::EligibilityKind::kClose:
        SetState(camp, c, elig.close_state);
        Record(c);
        e_.scope.Audit(camp.tenant, agent, "contact_closed",
                       fmt::format("contact={} reason={}", c.id.value, core::ToString(elig.reason)));
        continue;
      case core::EligibilityKind::kWaitForWindow:
        // Not reached: the zone's window is open. Park it defensively rather than lose it.
        best->PushWaiting(KeyOf(c, idx), e_.state.Now() + std::chrono::minutes(1));
        ArmWakeAt(camp, e_.state.Now() + std::chrono::minutes(1));
        continue;
    }
  }
}

}  // namespace outdial::engine
