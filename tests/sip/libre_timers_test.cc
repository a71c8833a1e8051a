// libre's timers as the driver replaces their insertion (src/telephony/sip/libre_timers.cc):
// whatever the mix of starts, restarts, cancels and timers started from handlers, libre's list
// stays sorted by expiry with ties in start order, holds exactly the running timers, and re_main
// fires each of them once, in that order.
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <re.h>
struct list* tmrl_get(void);
}

namespace {

struct Probe {
  tmr timer{};
  int id = 0;
  uint64_t started = 0;  // start order
  bool running = false;
  int fired = 0;
};

struct Log {
  std::vector<std::pair<uint64_t, uint64_t>> fired;  // (expiry, start order)
  uint64_t next_start = 0;
  std::vector<Probe>* probes = nullptr;
};
Log g_log;

void Start(Probe& p, uint64_t delay);

void OnFire(void* arg) {
  auto* p = static_cast<Probe*>(arg);
  p->running = false;
  ++p->fired;
  g_log.fired.emplace_back(p->timer.jfs, p->started);
  // Every tenth starts another from its handler, as libre's retransmission timers do.
  if (p->id % 10 == 0 && p->fired == 1) Start((*g_log.probes)[static_cast<size_t>(p->id + 1)], 3);
}

void Start(Probe& p, uint64_t delay) {
  p.started = g_log.next_start++;
  p.running = true;
  tmr_start(&p.timer, delay, &OnFire, &p);
}

// Walks libre's list: sorted by expiry, ties in start order; returns its length.
size_t CheckList() {
  size_t n = 0;
  const tmr* before = nullptr;
  for (le* e = tmrl_get()->head; e != nullptr; e = e->next, ++n) {
    const auto* t = static_cast<const tmr*>(e->data);
    if (before != nullptr) {
      EXPECT_LE(before->jfs, t->jfs);
      if (before->jfs == t->jfs && before->th == &OnFire && t->th == &OnFire) {
        EXPECT_LT(static_cast<const Probe*>(before->arg)->started,
                  static_cast<const Probe*>(t->arg)->started);
      }
    }
    before = t;
  }
  return n;
}

TEST(LibreTimers, FireOnceInExpiryOrderWhateverTheStartsRestartsAndCancels) {
  ASSERT_EQ(libre_init(), 0);
  std::vector<Probe> probes(3000);
  g_log = {};
  g_log.probes = &probes;
  std::mt19937 rng(20261201);
  for (size_t i = 0; i < probes.size(); ++i) {
    probes[i].id = static_cast<int>(i);
    tmr_init(&probes[i].timer);
  }
  for (size_t i = 0; i < probes.size(); i += 2) Start(probes[i], rng() % 40);  // many ties at ms resolution
  for (size_t i = 0; i < probes.size(); i += 6) Start(probes[i], rng() % 40);  // restarts
  for (size_t i = 2; i < probes.size(); i += 6) {                              // cancels
    tmr_cancel(&probes[i].timer);
    probes[i].running = false;
  }
  size_t running = 0;
  for (const auto& p : probes) running += p.running ? 1 : 0;
  EXPECT_EQ(CheckList(), running);

  tmr stop{};
  tmr_init(&stop);
  tmr_start(
      &stop, 200, [](void*) { re_cancel(); }, nullptr);
  ASSERT_EQ(re_main(nullptr), 0);

  EXPECT_EQ(CheckList(), 0u);
  for (size_t i = 1; i < g_log.fired.size(); ++i) {
    ASSERT_LE(g_log.fired[i - 1].first, g_log.fired[i].first) << "fired out of expiry order at " << i;
  }
  for (const auto& p : probes) {
    const bool cancelled = p.id % 6 == 2;
    const bool started = p.id % 2 == 0 || (p.id % 10 == 1 && probes[static_cast<size_t>(p.id - 1)].fired > 0);
    EXPECT_EQ(p.fired, cancelled || !started ? 0 : 1) << "timer " << p.id;
  }
  libre_close();
}

}  // namespace
