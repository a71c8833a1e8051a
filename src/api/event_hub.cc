#include "api/event_hub.h"

#include <algorithm>
#include <chrono>

#include "api/json_mapping.h"

namespace outdial::api {

namespace {

core::AgentId AgentOf(const engine::Event& event) {
  return std::visit([](const auto& e) { return e.agent_id; }, event);
}

std::shared_ptr<const std::string> Frame(const Json& j) {
  return std::make_shared<const std::string>(j.dump());
}

}  // namespace

EventHub::EventHub(engine::Clock& clock, engine::TimerService& timers) : clock_(clock), timers_(timers) {}
EventHub::~EventHub() = default;

void EventHub::Attach(const engine::Dialer* dialer) {
  dialer_ = dialer;
}

void EventHub::SendTo(std::vector<Subscriber>& list, const std::shared_ptr<const std::string>& text) {
  for (auto& s : list) {
    if (s.connection->Send(text)) {
      frames_queued_.fetch_add(1, std::memory_order_relaxed);
    } else {
      send_failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void EventHub::OnEvent(const engine::Event& event) {
  core::AgentId agent = AgentOf(event);
  auto own = by_agent_.find(agent);
  std::vector<Subscriber>* supervisors = nullptr;
  if (dialer_ != nullptr && !by_tenant_.empty()) {
    if (auto info = dialer_->Agent(agent)) {
      auto it = by_tenant_.find(info->tenant_id);
      if (it != by_tenant_.end() && !it->second.empty()) supervisors = &it->second;
    }
  }
  if ((own == by_agent_.end() || own->second.empty()) && supervisors == nullptr) return;
  // Mapped once, shared by every connection. `emitted_at_us` (an extension of API.md) is the wall
  // clock at the moment the engine handed the event over, in microseconds: `since`/`*_at` are
  // business times in milliseconds, too coarse to measure push latency (bench/latency_bench.sh).
  Json j = EventToJson(event);
  j["emitted_at_us"] = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto text = Frame(j);
  ++events_mapped_;
  if (own != by_agent_.end()) SendTo(own->second, text);
  if (supervisors != nullptr) SendTo(*supervisors, text);
}

Json EventHub::AgentsSnapshot(core::TenantId tenant) const {
  Json items = Json::array();
  if (dialer_ == nullptr) return {{"items", items}};
  for (core::AgentId id : dialer_->Agents(tenant)) {
    auto snap = dialer_->Snapshot(id);
    auto info = dialer_->Agent(id);
    if (!snap || !info) continue;
    Json j = SnapshotToJson(*snap);
    j["username"] = info->username;
    j["team"] = info->team;
    j["station"] = info->station;
    items.push_back(std::move(j));
  }
  return {{"items", items}};
}

uint64_t EventHub::Subscribe(const Principal& principal, std::shared_ptr<WsConnection> connection) {
  uint64_t id = next_id_++;
  Json snapshot;
  if (principal.IsSupervisor()) {
    snapshot = AgentsSnapshot(principal.tenant);
  } else if (dialer_ != nullptr) {
    auto snap = dialer_->Snapshot(principal.user);
    snapshot =
        snap ? SnapshotToJson(*snap) : Json{{"agent_id", principal.user.str()}, {"state", "logged_out"}};
  }
  snapshot["type"] = "snapshot";
  connection->Send(Frame(snapshot));
  if (principal.IsSupervisor()) {
    by_tenant_[principal.tenant].push_back({id, std::move(connection)});
    where_[id] = {true, principal.tenant.value};
  } else {
    by_agent_[principal.user].push_back({id, std::move(connection)});
    where_[id] = {false, principal.user.value};
  }
  return id;
}

void EventHub::Unsubscribe(uint64_t subscription) {
  auto it = where_.find(subscription);
  if (it == where_.end()) return;
  auto drop = [&](auto& map, auto key) {
    auto list = map.find(key);
    if (list == map.end()) return;
    std::erase_if(list->second, [&](const Subscriber& s) { return s.id == subscription; });
    if (list->second.empty()) map.erase(list);
  };
  if (it->second.tenant_wide) {
    drop(by_tenant_, core::TenantId{it->second.key});
  } else {
    drop(by_agent_, core::AgentId{it->second.key});
  }
  where_.erase(it);
}

void EventHub::Start() {
  if (running_) return;
  running_ = true;
  tick_timer_ = timers_.Schedule(clock_.Now() + core::Seconds(1), [this] { Tick(); });
}

void EventHub::Stop() {
  running_ = false;
  if (tick_timer_ != 0) timers_.Cancel(tick_timer_);
  tick_timer_ = 0;
  // The connections belong to the HTTP server's io_context, which goes away first at shutdown.
  by_agent_.clear();
  by_tenant_.clear();
  where_.clear();
}

void EventHub::Tick() {
  tick_timer_ = 0;
  if (!running_) return;
  if (dialer_ != nullptr && !by_tenant_.empty()) {
    for (core::CampaignId cid : dialer_->Campaigns()) {
      auto brief = dialer_->Campaign(cid);
      if (!brief || brief->status != core::CampaignStatus::kRunning) continue;
      auto subs = by_tenant_.find(brief->tenant);
      if (subs == by_tenant_.end() || subs->second.empty()) continue;
      auto stats = dialer_->Stats(cid);
      if (!stats) continue;
      Json j = StatsToJson(*stats);
      j["type"] = "stats";
      j["campaign_id"] = cid.str();
      j["at"] = core::ToEpochMs(clock_.Now());
      SendTo(subs->second, Frame(j));
    }
  }
  tick_timer_ = timers_.Schedule(clock_.Now() + core::Seconds(1), [this] { Tick(); });
}

}  // namespace outdial::api
