// Time from "agent available" to the offer event, with 10,000 agents and 1,000,000 contacts, on
// simulated time with a telephony that answers reservation calls at once (so the figure is the
// engine's own work: pick, reserve, answer, offer). Beside it, a std::priority_queue push+pop at
// the same size, measured in the same run.
//   ./build/release/bench/bench_dialer
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <queue>
#include <random>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "engine/dialer.h"
#include "engine/sim_time.h"
#include "store/memory/memory_store.h"

namespace {

using namespace outdial;  // NOLINT(google-build-using-namespace): benchmark file

// Answers every station leg on the next timer turn; customer legs are never used here.
class InstantTelephony final : public engine::Telephony {
 public:
  explicit InstantTelephony(engine::SimulatedTime& time) : time_(time) {}
  void SetListener(engine::TelephonyListener* listener) override { listener_ = listener; }
  void Originate(const engine::LegRequest& request) override {
    core::LegId leg = request.leg;
    time_.Schedule(time_.Now(), [this, leg] {
      if (listener_ != nullptr) listener_->OnLegEvent(engine::LegEvent{leg, engine::LegEventKind::kAnswered});
    });
  }
  void Hangup(core::LegId) override {}
  bool AnswerStation(core::LegId) override { return false; }

 private:
  engine::SimulatedTime& time_;
  engine::TelephonyListener* listener_ = nullptr;
};

class OfferClock final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event& event) override {
    if (const auto* offer = std::get_if<engine::OfferEvent>(&event)) {
      last_offer = offer->offer_id;
      offered_at = std::chrono::steady_clock::now();
      ++offers;
    }
  }
  core::OfferId last_offer;
  std::chrono::steady_clock::time_point offered_at;
  uint64_t offers = 0;
};

void BM_AvailableToOffer(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const int contacts = static_cast<int>(state.range(1));
  engine::SimulatedTime time(core::FromEpochMs(1'795'615'200'000));  // Wed 09:00 in New York
  InstantTelephony phones(time);
  store::MemoryStore store(1024);
  OfferClock sink;
  engine::Dialer dialer({time, time, phones, store, sink}, engine::DatacenterConfig{"bench", 100000});
  core::TenantSettings ts;
  ts.name = "bench";
  ts.max_concurrent_calls = 100000;
  (void)dialer.AddTenant(core::TenantId{1}, ts);
  core::CampaignSettings cs;
  cs.name = "bench";
  (void)dialer.AddCampaign(core::TenantId{1}, core::CampaignId{1}, cs);
  const uint16_t zone = *dialer.zones().Intern("America/New_York");
  std::vector<core::Contact> list;
  list.reserve(static_cast<size_t>(contacts));
  for (int i = 0; i < contacts; ++i) {
    core::Contact c;
    c.id = core::ContactId{static_cast<uint64_t>(i + 1)};
    c.name = fmt::format("Customer {}", i + 1);
    c.phones.push_back(core::Phone{fmt::format("+1201{:07d}", i), "", 0, false});
    c.zone = zone;
    c.priority = static_cast<uint8_t>(i % 3);
    list.push_back(std::move(c));
  }
  (void)dialer.AddContacts(core::CampaignId{1}, std::move(list));
  for (int i = 0; i < agents; ++i) {
    engine::AgentInfo info{core::AgentId{static_cast<uint64_t>(i + 1)}, core::TenantId{1},
                           fmt::format("a{}", i), "", "sim:auto"};
    (void)dialer.AddAgent(info);
    dialer.Login(info.id, nullptr);
  }
  (void)dialer.SetCampaignStatus(core::CampaignId{1}, core::CampaignStatus::kRunning);

  std::vector<double> samples_us;
  samples_us.reserve(1 << 20);
  uint64_t next_agent = 0;
  for (auto _ : state) {
    core::AgentId agent{next_agent % static_cast<uint64_t>(agents) + 1};
    ++next_agent;
    uint64_t before = sink.offers;
    auto start = std::chrono::steady_clock::now();
    dialer.SetAgentState(agent, core::AgentState::kAvailable, "", nullptr);
    while (sink.offers == before && time.RunNext()) {
    }
    double us = std::chrono::duration<double, std::micro>(sink.offered_at - start).count();
    state.SetIterationTime(us / 1e6);
    samples_us.push_back(us);
    // Untimed: the agent removes the contact (the next one is offered) and leaves the campaign.
    dialer.ActOnOffer(agent, sink.last_offer, core::OfferAction::kRemove, nullptr);
    dialer.ActOnOffer(agent, sink.last_offer, core::OfferAction::kCancel, nullptr);
  }
  std::sort(samples_us.begin(), samples_us.end());
  if (!samples_us.empty()) {
    state.counters["p50_us"] = samples_us[samples_us.size() / 2];
    state.counters["p99_us"] = samples_us[samples_us.size() * 99 / 100];
  }
}
BENCHMARK(BM_AvailableToOffer)
    ->Args({10'000, 1'000'000})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(100'000);

// Baseline: one push + one pop on a std::priority_queue of 1,000,000 16-byte keys.
void BM_PriorityQueuePushPop(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  std::mt19937_64 rng(7);
  std::vector<std::pair<int64_t, uint64_t>> keys;
  keys.reserve(n);
  for (uint32_t i = 0; i < n; ++i) keys.emplace_back(static_cast<int64_t>(rng() % 1'000'000), i);
  std::priority_queue<std::pair<int64_t, uint64_t>> queue(std::less<std::pair<int64_t, uint64_t>>{},
                                                          std::move(keys));
  uint64_t i = n;
  for (auto _ : state) {
    queue.push({static_cast<int64_t>(rng() % 1'000'000), ++i});
    benchmark::DoNotOptimize(queue.top());
    queue.pop();
  }
}
BENCHMARK(BM_PriorityQueuePushPop)->Arg(1'000'000)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
