// Metrics: the Prometheus registry behind GET /metrics (prometheus-cpp core + its text
// serializer on our own route, not its exposer). Live figures (agents by state, calls, engine
// counters) are sampled from the engine when scraped; latencies and frame counts are recorded as
// they happen.
//
// Other layers add their own families through collectors (app/serve.cc wires the SIP driver's
// counters this way, so that api does not depend on telephony).
//
// Threading: Observe*/Count* from any thread; Render from any thread (serialised inside);
// AddCollector before the server serves /metrics.
#pragma once

#include <array>
#include <functional>
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

// A metric family contributed by a collector at scrape time, already summed up.
struct CollectedFamily {
  enum class Type { kCounter, kGauge };
  struct Sample {
    std::vector<std::pair<std::string, std::string>> labels;
    double value = 0;
  };
  std::string name;  // e.g. "outdial_sip_invites_sent_total"
  std::string help;
  Type type = Type::kCounter;
  std::vector<Sample> samples;
};
// Appends its families to the vector; runs on the scraping thread, so it only reads what is safe
// to read from any thread (atomics).
using MetricsCollector = std::function<void(std::vector<CollectedFamily>&)>;

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
  void AddCollector(MetricsCollector collector);
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
