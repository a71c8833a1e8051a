#include "engine/dialer/campaign_lifecycle.h"

#include <fmt/format.h>

#include "core/mode_rules.h"
#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::CampaignStatus;
using core::ContactState;
using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::ReasonCode;

namespace {
template <typename T>
void ReserveGeometric(std::vector<T>& v, size_t more) {
  size_t needed = v.size() + more;
  if (v.capacity() < needed) v.reserve(std::max(needed, v.capacity() * 2));
}
}  // namespace

core::Result<void> CampaignLifecycle::AddTenant(TenantId id, const core::TenantSettings& settings) {
  if (!id.valid()) return MakeError(ErrorCode::kValidationFailed, "tenant id must not be 0");
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  if (e_.state.tenants.contains(id)) return MakeError(ErrorCode::kConflict, "tenant exists already");
  TenantRt t;
  t.id = id;
  t.settings = settings;
  e_.state.tenants.emplace(id, std::move(t));
  return Ok{};
}

core::Result<void> CampaignLifecycle::UpdateTenant(TenantId id, const core::TenantSettings& settings) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  TenantRt* t = EngineState::Find(e_.state.tenants, id);
  if (t == nullptr) return MakeError(ErrorCode::kNotFound, "No such tenant.");
  t->settings = settings;
  return Ok{};
}

core::Result<void> CampaignLifecycle::AddCampaign(TenantId tenant, CampaignId id,
                                                  const core::CampaignSettings& settings) {
  if (!id.valid()) return MakeError(ErrorCode::kValidationFailed, "campaign id must not be 0");
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  TenantRt* t = EngineState::Find(e_.state.tenants, tenant);
  if (t == nullptr) return MakeError(ErrorCode::kNotFound, "No such tenant.");
  if (e_.state.campaigns.contains(id)) return MakeError(ErrorCode::kConflict, "campaign exists already");
  auto camp = std::make_unique<CampaignRt>();
  camp->id = id;
  camp->tenant = tenant;
  camp->settings = settings;
  camp->rules = core::RulesFor(settings);
  e_.state.campaigns.emplace(id, std::move(camp));
  t->campaigns.push_back(id);
  SortTenantCampaigns(*t);
  return Ok{};
}

core::Result<void> CampaignLifecycle::UpdateCampaign(CampaignId id, const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  CampaignRt* camp = e_.state.FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (settings.mode != camp->settings.mode && camp->status == CampaignStatus::kRunning) {
    return MakeError(ErrorCode::kConflict, "The mode of a running campaign cannot change; pause it first.");
  }
  camp->settings = settings;
  camp->rules = core::RulesFor(settings);
  SortTenantCampaigns(e_.state.tenants.at(camp->tenant));
  e_.picker.Refresh(*camp);
  e_.dispatcher.NeedDispatch(id);
  return Ok{};
}

core::Result<void> CampaignLifecycle::SetStatus(CampaignId id, CampaignStatus status) {
  CampaignRt* camp = e_.state.FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (camp->status == status) return Ok{};
  if (!core::CanTransition(camp->status, status)) {
    return MakeError(ErrorCode::kConflict, fmt::format("A {} campaign cannot become {}.",
                                                       core::ToString(camp->status), core::ToString(status)));
  }
  camp->status = status;
  if (status == CampaignStatus::kRunning) {
    e_.picker.Wake(*camp);  // advance due contacts and arm the wake timer
    for (AgentId agent_id : e_.state.tenants.at(camp->tenant).agents) {
      if (AgentRt* agent = e_.state.FindAgent(agent_id)) e_.dispatcher.TryAssign(*agent);
    }
  } else {
    e_.picker.StopWaking(*camp);
    ReleaseHolds(*camp);
  }
  return Ok{};
}

bool CampaignLifecycle::HasLiveWork(CampaignId id) const {
  const EngineState& st = e_.state;
  auto of_campaign = [id](const auto& entry) { return entry.second.campaign == id; };
  return std::any_of(st.calls.begin(), st.calls.end(), of_campaign) ||
         std::any_of(st.offers.begin(), st.offers.end(), of_campaign) ||
         std::any_of(st.reservations.begin(), st.reservations.end(), of_campaign);
}

core::Result<void> CampaignLifecycle::Remove(CampaignId id) {
  CampaignRt* camp = e_.state.FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (camp->status == CampaignStatus::kRunning) {
    return MakeError(ErrorCode::kConflict, "A running campaign cannot be deleted; pause or stop it first.");
  }
  // A paused campaign lets calls in progress finish; their attempts and wrap-ups still need the
  // campaign, so it goes only once the last agent is done with it.
  if (HasLiveWork(id)) {
    return MakeError(ErrorCode::kConflict,
                     "Agents are still working contacts of this campaign; delete it when their calls "
                     "and wrap-ups have ended.");
  }
  std::erase(e_.state.tenants.at(camp->tenant).campaigns, id);
  e_.dispatcher.Forget(id);
  e_.state.campaigns.erase(id);  // its wake timer with it
  return Ok{};
}

// Pause/stop: open offers and reservations of the campaign end; calls in progress finish.
void CampaignLifecycle::ReleaseHolds(CampaignRt& camp) {
  EngineState& st = e_.state;
  std::vector<OfferId> open;
  for (auto& [id, offer] : st.offers) {
    if (offer.campaign == camp.id) open.push_back(id);
  }
  for (OfferId oid : open) {
    OfferRt* offer = EngineState::Find(st.offers, oid);
    AgentRt* agent = st.FindAgent(offer->agent);
    ClosedOfferView closed =
        e_.offers.Withdraw(*offer, camp, ClosedBy::kSystem, ReasonCode::kCampaignNotRunning);
    if (agent == nullptr) continue;
    e_.scope.Emit(NoticeEvent{agent->info.id, ReasonCode::kCampaignNotRunning,
                              std::string(core::HumanSentence(ReasonCode::kCampaignNotRunning))});
    agent->reservation = {};
    if (closed.reservation.valid() || agent->pull_return_state == core::AgentState::kAvailable) {
      e_.dispatcher.WorkEnded(*agent);
    } else {
      agent->offer = {};
      e_.dispatcher.SetAgent(*agent, core::AgentState::kIdle);
    }
  }
  std::vector<ReservationId> ringing;
  for (auto& [id, res] : st.reservations) {
    if (res.campaign == camp.id && res.holds_contact) ringing.push_back(id);
  }
  for (ReservationId rid : ringing) {
    ReservationRt* res = EngineState::Find(st.reservations, rid);
    e_.picker.ReturnUntouched(camp, res->held_contact);
    AgentId agent_id = res->agent;
    e_.reservations.End(*res, ReasonCode::kCampaignNotRunning, true);
    if (AgentRt* agent = st.FindAgent(agent_id)) e_.dispatcher.WorkEnded(*agent);
  }
}

void CampaignLifecycle::SortTenantCampaigns(TenantRt& tenant) {
  std::sort(tenant.campaigns.begin(), tenant.campaigns.end(), [&](CampaignId a, CampaignId b) {
    const CampaignRt* ca = e_.state.FindCampaign(a);
    const CampaignRt* cb = e_.state.FindCampaign(b);
    if (ca->settings.priority != cb->settings.priority) return ca->settings.priority > cb->settings.priority;
    return a < b;
  });
}

core::Result<void> CampaignLifecycle::ValidateContacts(const CampaignRt& camp,
                                                       const std::vector<core::Contact>& contacts) const {
  std::vector<core::FieldProblem> problems;
  // Ids ascending above every id so far (imports and the start-up load) are new and unique
  // without a set of the batch and a lookup each; only other batches pay for those.
  bool ascending = true;
  for (uint64_t last = camp.index_by_id.max_ascending(); const auto& c : contacts) {
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
    if (!ascending && (!c.id.valid() || camp.index_by_id.Contains(c.id) || !seen.insert(c.id).second)) {
      problem("id", "must be a new, unique, non-zero id");
    }
    if (c.phones.empty()) problem("phones", "must contain at least one number");
    if (c.zone >= e_.state.zones.size()) problem("timezone", "unknown zone id");
    if (c.priority > 100) problem("priority", "must be between 0 and 100");
  }
  if (!problems.empty()) {
    return core::Error{ErrorCode::kValidationFailed, "Some contacts are not valid.", std::move(problems)};
  }
  return Ok{};
}

core::Result<void> CampaignLifecycle::AddContacts(CampaignId id, std::vector<core::Contact> contacts) {
  CampaignRt* camp = e_.state.FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  if (auto r = ValidateContacts(*camp, contacts); !r.ok()) return r;
  // Grow geometrically: lists arrive in chunks, and an exact reserve per chunk would copy the
  // whole campaign each time.
  ReserveGeometric(camp->contacts, contacts.size());
  ReserveGeometric(camp->holds, contacts.size());
  ReserveGeometric(camp->checked_state, contacts.size());
  camp->index_by_id.Reserve(contacts.size());
  const TimePoint now = e_.state.Now();
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
    const core::Contact& stored = camp->contacts.back();
    if (stored.state == ContactState::kCallable || stored.state == ContactState::kScheduled) {
      e_.picker.Enqueue(*camp, index, now);
    }
  }
  return Ok{};
}

void CampaignLifecycle::ReserveContacts(CampaignId id, size_t count) {
  CampaignRt* camp = e_.state.FindCampaign(id);
  if (camp == nullptr) return;
  camp->contacts.reserve(camp->contacts.size() + count);
  camp->holds.reserve(camp->holds.size() + count);
  camp->checked_state.reserve(camp->checked_state.size() + count);
  camp->index_by_id.Reserve(count, true);
}

core::Result<void> CampaignLifecycle::RestoreAttemptCounts(
    CampaignId id, const std::array<int64_t, core::kOutcomeCount>& by_outcome) {
  CampaignRt* camp = e_.state.FindCampaign(id);
  if (camp == nullptr) return MakeError(ErrorCode::kNotFound, "No such campaign.");
  camp->attempts_by_outcome = by_outcome;
  camp->attempts_total = 0;
  for (int64_t n : by_outcome) camp->attempts_total += n;
  return Ok{};
}

core::Result<void> CampaignLifecycle::AddAgent(const AgentInfo& info) {
  if (!info.id.valid()) return MakeError(ErrorCode::kValidationFailed, "agent id must not be 0");
  TenantRt* t = EngineState::Find(e_.state.tenants, info.tenant_id);
  if (t == nullptr) return MakeError(ErrorCode::kNotFound, "No such tenant.");
  if (e_.state.agents.contains(info.id)) return MakeError(ErrorCode::kConflict, "agent exists already");
  AgentRt agent;
  agent.info = info;
  agent.since = e_.state.Now();
  e_.state.agents.emplace(info.id, std::move(agent));
  t->agents.push_back(info.id);
  return Ok{};
}

core::Result<void> CampaignLifecycle::UpdateAgent(const AgentInfo& info) {
  AgentRt* agent = e_.state.FindAgent(info.id);
  if (agent == nullptr) return MakeError(ErrorCode::kNotFound, "No such agent.");
  agent->info.username = info.username;
  agent->info.team = info.team;
  agent->info.station = info.station;
  return Ok{};
}

void CampaignLifecycle::RestoreDnc(TenantId tenant, const std::string& list, const std::string& number) {
  if (TenantRt* t = EngineState::Find(e_.state.tenants, tenant)) t->dnc[list].insert(number);
}

void CampaignLifecycle::RemoveDnc(TenantId tenant, const std::string& list, const std::string& number) {
  TenantRt* t = EngineState::Find(e_.state.tenants, tenant);
  if (t == nullptr) return;
  if (auto l = t->dnc.find(list); l != t->dnc.end()) l->second.erase(number);
}

bool CampaignLifecycle::IsOnDnc(TenantId tenant, const std::string& list, const std::string& number) const {
  auto it = e_.state.tenants.find(tenant);
  if (it == e_.state.tenants.end()) return false;
  auto l = it->second.dnc.find(list);
  return l != it->second.dnc.end() && l->second.contains(number);
}

}  // namespace outdial::engine
