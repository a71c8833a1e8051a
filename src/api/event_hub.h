// EventHub: the fan-out of desktop events to WebSockets (API.md "Events"). It is the Dialer's
// EventSink: each event is mapped to JSON once and the same immutable string is queued on every
// subscribed connection (the agent's own, and every supervisor/admin of the agent's tenant).
// Connections have bounded queues (WsConnection), so a slow desktop never stalls the engine.
// Every second it pushes `stats` of each running campaign to the tenant's supervisors.
//
// Threading: engine thread only (OnEvent, Subscribe, Unsubscribe, the ticker). Subscribing on the
// engine thread orders the snapshot before every later event, so a reconnecting desktop misses
// nothing and sees nothing twice.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_server.h"
#include "engine/catalog.h"
#include "engine/clock.h"
#include "engine/dialer.h"
#include "engine/events.h"

namespace outdial::api {

// Who is calling: the authenticated user of a request or WebSocket.
struct Principal {
  engine::Role role = engine::Role::kAgent;
  core::TenantId tenant;
  core::AgentId user;  // invalid for the system role
  std::string username;
  std::string team;
  std::string token_hash;
  bool IsSupervisor() const { return role == engine::Role::kAdmin || role == engine::Role::kSupervisor; }
};

class EventHub final : public engine::EventSink {
 public:
  EventHub(engine::Clock& clock, engine::TimerService& timers);
  ~EventHub() override;

  // The Dialer is built with this hub as its sink, so it is attached afterwards.
  void Attach(const engine::Dialer* dialer);
  void OnEvent(const engine::Event& event) override;

  // Sends the snapshot to `connection`, then subscribes it. Returns the subscription id.
  uint64_t Subscribe(const Principal& principal, std::shared_ptr<WsConnection> connection);
  void Unsubscribe(uint64_t subscription);
  // Starts the one-second stats ticker. Stop cancels it and lets go of every connection; call it
  // before the HTTP server stops (connections must not outlive its io_context).
  void Start();
  void Stop();

  // The supervisor snapshot body: {items:[agent snapshot + username, team]}.
  nlohmann::json AgentsSnapshot(core::TenantId tenant) const;

  uint64_t events_mapped() const { return events_mapped_; }
  uint64_t frames_queued() const { return frames_queued_.load(std::memory_order_relaxed); }
  uint64_t send_failures() const { return send_failures_.load(std::memory_order_relaxed); }

 private:
  struct Subscriber {
    uint64_t id;
    std::shared_ptr<WsConnection> connection;
  };
  void SendTo(std::vector<Subscriber>& list, const std::shared_ptr<const std::string>& text);
  void Tick();

  engine::Clock& clock_;
  engine::TimerService& timers_;
  const engine::Dialer* dialer_ = nullptr;
  uint64_t next_id_ = 1;
  std::unordered_map<core::AgentId, std::vector<Subscriber>> by_agent_;
  std::unordered_map<core::TenantId, std::vector<Subscriber>> by_tenant_;
  struct Where {
    bool tenant_wide;
    uint64_t key;
  };
  std::unordered_map<uint64_t, Where> where_;
  engine::TimerId tick_timer_ = 0;
  bool running_ = false;
  uint64_t events_mapped_ = 0;
  std::atomic<uint64_t> frames_queued_{0};
  std::atomic<uint64_t> send_failures_{0};
};

}  // namespace outdial::api
