#include "api/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <map>
#include <utility>

namespace outdial::api {

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Gauge>& agents =
      prometheus::BuildGauge().Name("outdial_agents").Help("Agents by state").Register(*registry);
  prometheus::Family<prometheus::Gauge>& attempts = prometheus::BuildGauge()
                                                        .Name("outdial_attempts")
                                                        .Help("Attempts by outcome (loaded campaigns)")
                                                        .Register(*registry);
  prometheus::Family<prometheus::Gauge>& engine_totals =
      prometheus::BuildGauge()
          .Name("outdial_engine_events")
          .Help("Engine totals since start: offers, accepts, dials, limit refusals, ...")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& active_calls = prometheus::BuildGauge()
                                                            .Name("outdial_active_calls")
                                                            .Help("Customer calls in progress")
                                                            .Register(*registry);
  prometheus::Family<prometheus::Gauge>& call_limit =
      prometheus::BuildGauge().Name("outdial_call_limit").Help("Concurrent call limits").Register(*registry);
  prometheus::Family<prometheus::Gauge>& ws =
      prometheus::BuildGauge().Name("outdial_websocket").Help("Event WebSocket figures").Register(*registry);
  prometheus::Family<prometheus::Counter>& bad_frames =
      prometheus::BuildCounter()
          .Name("outdial_websocket_bad_frames_total")
          .Help("WebSocket frames that were not valid operations")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                          .Name("outdial_http_requests_total")
                                                          .Help("HTTP requests by status")
                                                          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& ack_latency = prometheus::BuildHistogram()
                                                               .Name("outdial_ack_latency_seconds")
                                                               .Help("Agent action to durable ack")
                                                               .Register(*registry);
  prometheus::Histogram& ack =
      ack_latency.Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                                  0.05, 0.1, 0.25, 0.5, 1});
  prometheus::Counter& bad = bad_frames.Add({});
  prometheus::Family<prometheus::Histogram>& commit_latency =
      prometheus::BuildHistogram()
          .Name("outdial_store_commit_seconds")
          .Help("Store commit, from the engine handing over a change to it being durable")
          .Register(*registry);
  prometheus::Histogram& commit =
      commit_latency.Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                                     0.05, 0.1, 0.25, 0.5, 1});
  prometheus::Family<prometheus::Counter>& commits = prometheus::BuildCounter()
                                                         .Name("outdial_store_commits_total")
                                                         .Help("Store commits by result")
                                                         .Register(*registry);
  prometheus::Counter& commits_ok = commits.Add({{"result", "ok"}});
  prometheus::Counter& commits_failed = commits.Add({{"result", "failed"}});
  std::mutex mutex;
  std::map<int, prometheus::Counter*> by_status;
  std::vector<MetricsCollector> collectors;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::ObserveAckLatency(double seconds) {
  impl_->ack.Observe(seconds);
}
void Metrics::ObserveCommit(double seconds, bool ok) {
  impl_->commit.Observe(seconds);
  (ok ? impl_->commits_ok : impl_->commits_failed).Increment();
}

void TimedStore::Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) {
  // A monotonic clock of our own: this measures the server, not the engine's (maybe simulated) time.
  auto started = std::chrono::steady_clock::now();
  inner_.Commit(std::move(batch), [this, started, done = std::move(on_durable)](core::Result<void> r) {
    metrics_.ObserveCommit(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                           r.ok());
    done(std::move(r));
  });
}

void Metrics::CountBadFrame() {
  impl_->bad.Increment();
}

void Metrics::CountRequest(int status) {
  std::lock_guard lock(impl_->mutex);
  auto& c = impl_->by_status[status];
  if (c == nullptr) c = &impl_->requests.Add({{"status", std::to_string(status)}});
  c->Increment();
}

void Metrics::AddCollector(MetricsCollector collector) {
  std::lock_guard lock(impl_->mutex);
  impl_->collectors.push_back(std::move(collector));
}

namespace {

prometheus::MetricFamily ToPrometheus(CollectedFamily&& family) {
  prometheus::MetricFamily out;
  out.name = std::move(family.name);
  out.help = std::move(family.help);
  switch (family.type) {
    case CollectedFamily::Type::kCounter: out.type = prometheus::MetricType::Counter; break;
    case CollectedFamily::Type::kGauge: out.type = prometheus::MetricType::Gauge; break;
  }
  for (auto& sample : family.samples) {
    prometheus::ClientMetric metric;
    for (auto& [name, value] : sample.labels) metric.label.push_back({std::move(name), std::move(value)});
    switch (family.type) {
      case CollectedFamily::Type::kCounter: metric.counter.value = sample.value; break;
      case CollectedFamily::Type::kGauge: metric.gauge.value = sample.value; break;
    }
    out.metric.push_back(std::move(metric));
  }
  return out;
}

}  // namespace

std::string Metrics::Render(const EngineFigures& e, const ServerFigures& s) {
  std::lock_guard lock(impl_->mutex);
  auto& m = *impl_;
  for (int i = 0; i < core::kAgentStateCount; ++i) {
    m.agents.Add({{"state", std::string(core::ToString(static_cast<core::AgentState>(i)))}})
        .Set(static_cast<double>(e.agents_by_state[static_cast<size_t>(i)]));
  }
  for (int i = 0; i < core::kOutcomeCount; ++i) {
    m.attempts.Add({{"outcome", std::string(core::ToString(static_cast<core::Outcome>(i)))}})
        .Set(static_cast<double>(e.attempts_by_outcome[static_cast<size_t>(i)]));
  }
  const auto& c = e.counters;
  const std::pair<const char*, uint64_t> totals[] = {
      {"reservations", c.reservations},
      {"reservations_unanswered", c.reservations_unanswered},
      {"offers", c.offers},
      {"accepts", c.accepts},
      {"skips", c.skips},
      {"removes", c.removes},
      {"cancels", c.cancels},
      {"timeouts", c.timeouts},
      {"dials", c.dials},
      {"connects", c.connects},
      {"failed_attempts", c.failed_attempts},
      {"wrapups", c.wrapups},
      {"tenant_limit_refusals", c.tenant_limit_refusals},
      {"datacenter_limit_refusals", c.datacenter_limit_refusals},
      {"store_failures", c.store_failures}};
  for (const auto& [name, value] : totals) {
    m.engine_totals.Add({{"event", name}}).Set(static_cast<double>(value));
  }
  m.active_calls.Add({{"scope", "datacenter"}}).Set(static_cast<double>(e.datacenter_active_calls));
  m.call_limit.Add({{"scope", "datacenter"}}).Set(static_cast<double>(e.datacenter_limit));
  for (const auto& t : e.tenants) {
    m.active_calls.Add({{"scope", "tenant"}, {"tenant", t.name}}).Set(static_cast<double>(t.active_calls));
    m.call_limit.Add({{"scope", "tenant"}, {"tenant", t.name}}).Set(static_cast<double>(t.limit));
  }
  m.ws.Add({{"figure", "clients"}}).Set(static_cast<double>(s.ws_clients));
  m.ws.Add({{"figure", "overflow_drops"}}).Set(static_cast<double>(s.ws_overflow_drops));
  m.ws.Add({{"figure", "event_frames"}}).Set(static_cast<double>(s.event_frames));
  std::vector<prometheus::MetricFamily> families = m.registry->Collect();
  std::vector<CollectedFamily> collected;
  for (const auto& collector : m.collectors) collector(collected);
  for (auto& family : collected) families.push_back(ToPrometheus(std::move(family)));
  prometheus::TextSerializer serializer;
  return serializer.Serialize(families);
}

}  // namespace outdial::api
