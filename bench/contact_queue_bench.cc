// Next-contact pick at 10,000,000 contacts: ContactQueue (pop the best, push a retried contact back
// with a later due time) beside std::priority_queue doing the same pop+push at the same size.
//   ./build/release/bench/bench_contact_queue
#include <benchmark/benchmark.h>

#include <queue>
#include <random>
#include <vector>

#include "core/contact_queue.h"

namespace {

using outdial::core::ContactQueue;
using outdial::core::QueueKey;

constexpr int64_t kBaseMs = 1'795'615'200'000;

QueueKey MakeKey(uint32_t i, std::mt19937& rng) {
  // A realistic list: a few priority levels, imported in order (due = import time).
  return QueueKey{false, static_cast<uint8_t>(rng() % 4 == 0 ? 7 : 5), kBaseMs + i / 1000, i};
}

void BM_ContactQueuePick(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  std::mt19937 rng(42);
  ContactQueue queue;
  for (uint32_t i = 0; i < n; ++i) queue.PushReady(MakeKey(i, rng));
  int64_t retry_due = kBaseMs + 10'000'000;
  for (auto _ : state) {
    QueueKey top = queue.Top();
    queue.Pop();
    benchmark::DoNotOptimize(top);
    // The contact comes back later with a retry due time (busy, no answer, ...).
    top.due_ms = ++retry_due;
    queue.PushReady(top);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ContactQueuePick)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kNanosecond);

struct LaterFirst {
  bool operator()(const QueueKey& a, const QueueKey& b) const { return b.Before(a); }
};

void BM_PriorityQueueBaseline(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  std::mt19937 rng(42);
  std::vector<QueueKey> keys;
  keys.reserve(n);
  for (uint32_t i = 0; i < n; ++i) keys.push_back(MakeKey(i, rng));
  std::priority_queue<QueueKey, std::vector<QueueKey>, LaterFirst> queue(LaterFirst{}, std::move(keys));
  int64_t retry_due = kBaseMs + 10'000'000;
  for (auto _ : state) {
    QueueKey top = queue.top();
    queue.pop();
    benchmark::DoNotOptimize(top);
    top.due_ms = ++retry_due;
    queue.push(top);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PriorityQueueBaseline)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kNanosecond);

}  // namespace
