// The Dialer's front: each entry point opens the scope of one engine event (EventScope::Guard:
// commit, then events and continuations) and hands the call to the part that owns it.
#include "engine/dialer.h"

#include "engine/dialer/engine.h"

namespace outdial::engine {

std::string_view ToString(ClosedBy by) {
  switch (by) {
    case ClosedBy::kAgent: return "agent";
    case ClosedBy::kTimeout: return "timeout";
    case ClosedBy::kSystem: return "system";
  }
  return "system";
}

namespace {
// Runs `fn` as one engine event.
template <typename Fn>
auto AsEvent(Engine& engine, Fn&& fn) {
  EventScope::Guard guard(engine.scope);
  return fn();
}
}  // namespace

Dialer::Dialer(Deps deps, DatacenterConfig datacenter)
    : engine_(std::make_unique<Engine>(deps, std::move(datacenter))) {
  deps.telephony.SetListener(this);
}

Dialer::~Dialer() {
  engine_->state.deps.telephony.SetListener(nullptr);
}

core::ZoneTable& Dialer::zones() {
  return engine_->state.zones;
}
int64_t Dialer::DatacenterActiveCalls() const {
  return engine_->state.dc_active_calls;
}
const DatacenterConfig& Dialer::datacenter() const {
  return engine_->state.datacenter;
}
const DialerCounters& Dialer::counters() const {
  return engine_->state.counters;
}

// --- configuration ---

core::Result<void> Dialer::AddTenant(TenantId id, const core::TenantSettings& settings) {
  return engine_->lifecycle.AddTenant(id, settings);
}
core::Result<void> Dialer::UpdateTenant(TenantId id, const core::TenantSettings& settings) {
  return engine_->lifecycle.UpdateTenant(id, settings);
}
core::Result<void> Dialer::AddCampaign(TenantId tenant, CampaignId id,
                                       const core::CampaignSettings& settings) {
  return engine_->lifecycle.AddCampaign(tenant, id, settings);
}
core::Result<void> Dialer::UpdateCampaign(CampaignId id, const core::CampaignSettings& settings) {
  return AsEvent(*engine_, [&] { return engine_->lifecycle.UpdateCampaign(id, settings); });
}
core::Result<void> Dialer::SetCampaignStatus(CampaignId id, core::CampaignStatus status) {
  return AsEvent(*engine_, [&] { return engine_->lifecycle.SetStatus(id, status); });
}
bool Dialer::CampaignHasLiveWork(CampaignId id) const {
  return engine_->lifecycle.HasLiveWork(id);
}
core::Result<void> Dialer::RemoveCampaign(CampaignId id) {
  return AsEvent(*engine_, [&] { return engine_->lifecycle.Remove(id); });
}
core::Result<void> Dialer::AddContacts(CampaignId id, std::vector<core::Contact> contacts) {
  return AsEvent(*engine_, [&] { return engine_->lifecycle.AddContacts(id, std::move(contacts)); });
}
void Dialer::ReserveContacts(CampaignId id, size_t count) {
  engine_->lifecycle.ReserveContacts(id, count);
}
core::Result<void> Dialer::AddAgent(const AgentInfo& info) {
  return engine_->lifecycle.AddAgent(info);
}
core::Result<void> Dialer::UpdateAgent(const AgentInfo& info) {
  return engine_->lifecycle.UpdateAgent(info);
}
void Dialer::AddDnc(TenantId tenant, const std::string& list, const std::string& number) {
  AsEvent(*engine_, [&] { engine_->picker.AddDnc(tenant, list, number, "admin"); });
}
void Dialer::RemoveDnc(TenantId tenant, const std::string& list, const std::string& number) {
  engine_->lifecycle.RemoveDnc(tenant, list, number);
}
bool Dialer::IsOnDnc(TenantId tenant, const std::string& list, const std::string& number) const {
  return engine_->lifecycle.IsOnDnc(tenant, list, number);
}

// --- start-up load ---

void Dialer::RestoreDnc(TenantId tenant, const std::string& list, const std::string& number) {
  engine_->lifecycle.RestoreDnc(tenant, list, number);
}
core::Result<void> Dialer::RestoreAttemptCounts(CampaignId id,
                                                const std::array<int64_t, core::kOutcomeCount>& by_outcome) {
  return engine_->lifecycle.RestoreAttemptCounts(id, by_outcome);
}
void Dialer::SetIdFloor(uint64_t max_used_id) {
  engine_->state.next_id = std::max(engine_->state.next_id, max_used_id + 1);
}

// --- agent actions ---

void Dialer::Login(AgentId agent, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.Login(agent, std::move(done)); });
}
void Dialer::Logout(AgentId agent, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.Logout(agent, std::move(done)); });
}
void Dialer::SetAgentState(AgentId agent, core::AgentState state, std::string reason, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.SetState(agent, state, std::move(reason), std::move(done)); });
}
void Dialer::PreviewRequest(AgentId agent, std::optional<CampaignId> campaign, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.PreviewRequest(agent, campaign, std::move(done)); });
}
void Dialer::AnswerReservation(AgentId agent, ReservationId reservation, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.AnswerReservation(agent, reservation, std::move(done)); });
}
void Dialer::ActOnOffer(AgentId agent, OfferId offer, core::OfferAction action, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->offers.Act(agent, offer, action, ClosedBy::kAgent, std::move(done)); });
}
void Dialer::CancelCall(AgentId agent, CallId call, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.CancelCall(agent, call, std::move(done)); });
}
void Dialer::EndCall(AgentId agent, CallId call, ActionDone done) {
  AsEvent(*engine_, [&] { engine_->actions.EndCall(agent, call, std::move(done)); });
}
void Dialer::WrapUp(AgentId agent, CallId call, const std::string& disposition,
                    std::optional<TimePoint> callback_at, std::string notes, bool personal_callback,
                    ActionDone done) {
  AsEvent(*engine_, [&] {
    engine_->wrap_up.Submit(agent, call, disposition, callback_at, std::move(notes), personal_callback,
                            std::move(done));
  });
}

// --- telephony ---

void Dialer::OnLegEvent(const LegEvent& event) {
  AsEvent(*engine_, [&] { engine_->leg_router.OnLegEvent(event); });
}

// --- queries ---

std::optional<AgentSnapshot> Dialer::Snapshot(AgentId agent) const {
  return engine_->queries.Snapshot(agent);
}
std::optional<CampaignStats> Dialer::Stats(CampaignId campaign) const {
  return engine_->queries.Stats(campaign);
}

const core::Contact* Dialer::FindContact(CampaignId campaign, ContactId contact) const {
  const CampaignRt* camp = engine_->state.FindCampaign(campaign);
  if (camp == nullptr) return nullptr;
  auto index = camp->index_by_id.Find(contact);
  return index ? &camp->contacts[*index] : nullptr;
}

std::vector<CampaignId> Dialer::Campaigns() const {
  std::vector<CampaignId> out;
  for (const auto& [id, camp] : engine_->state.campaigns) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Dialer::CampaignBrief> Dialer::Campaign(CampaignId id) const {
  const CampaignRt* camp = engine_->state.FindCampaign(id);
  if (camp == nullptr) return std::nullopt;
  return CampaignBrief{camp->tenant, camp->status, camp->settings.mode};
}

std::optional<AgentInfo> Dialer::Agent(AgentId agent) const {
  auto it = engine_->state.agents.find(agent);
  if (it == engine_->state.agents.end()) return std::nullopt;
  return it->second.info;
}

std::vector<TenantId> Dialer::Tenants() const {
  std::vector<TenantId> out;
  for (const auto& [id, tenant] : engine_->state.tenants) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<AgentId> Dialer::Agents(TenantId tenant) const {
  auto it = engine_->state.tenants.find(tenant);
  return it == engine_->state.tenants.end() ? std::vector<AgentId>{} : it->second.agents;
}

int64_t Dialer::ActiveCalls(TenantId tenant) const {
  auto it = engine_->state.tenants.find(tenant);
  return it == engine_->state.tenants.end() ? 0 : it->second.active_calls;
}

std::vector<std::string> Dialer::CheckInvariants() const {
  return engine_->invariants.CheckAll();
}
std::vector<std::string> Dialer::CheckChangedInvariants() {
  return engine_->invariants.CheckChanged();
}

}  // namespace outdial::engine
