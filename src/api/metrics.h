// Metrics: the Prometheus registry behind GET /metrics (prometheus-cpp core + its text
// serializer on our own route, not its exposer). Live figures (agents by state, calls, engine
// counters) are sampled from the engine when scraped; latencies and frame counts are recorded as
// they happen.
//
// Threading: Observe*/Count* from any thread; Render from any thread (serialised inside).
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/ids.h"
#include "core/outcome.h"
#include "core/states.h"
#include "engine/dialer.h"
#include "engine/store.h"

namespace outdial::api {

// What the engine thread reports at scrape time.
struct EngineFigures {
  std::array<int64_t, core::kAgentStateCount> agents_by_state{};
  std::array<int64_t, core::kOutcomeCount> attempts_by_outcome{};
  engine::DialerCounters counters;
  int64_t datacenter_active_calls = 0;
  int64_t datacenter_limit = 0;
  struct Tenant {
    core::TenantId id;
    std::string name;
    int64_t active_calls = 0;
    int64_t limit = 0;
  };
  std::vector<Tenant> tenants;
};

struct ServerFigures {
  int64_t ws_clients = 0;
  uint64_t ws_overflow_drops = 0;
  uint64_t event_frames = 0;
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  // Time from receiving an agent action to its ack (after the commit).
  void ObserveAckLatency(double seconds);
  // A WebSocket frame that was not a valid operation (answered with an error ack or dropped).
  void CountBadFrame();
  void CountRequest(int status);
  // A store commit: time from Commit to its durable callback, and whether it succeeded.
  void ObserveCommit(double seconds, bool ok);
  std::string Render(const EngineFigures& engine, const ServerFigures& server);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A Store that times every commit into Metrics and passes it on. Owns nothing: `inner` and
// `metrics` outlive it. Commit from the engine thread (as any Store); the callback runs where the
// inner store runs it.
class TimedStore final : public engine::Store {
 public:
  TimedStore(engine::Store& inner, Metrics& metrics) : inner_(inner), metrics_(metrics) {}
  void Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) override;

 private:
  engine::Store& inner_;
  Metrics& metrics_;
};

}  // namespace outdial::api
