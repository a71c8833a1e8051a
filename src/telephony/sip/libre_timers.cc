// libre 1.1.0's timers, with an O(log n) insertion.
//
// Why: libre keeps every timer of a thread in one list sorted by expiry, and `tmr_start` finds
// the place of a new timer by walking that list from its tail. A SIP call leaves long timers
// behind it — the ACK kept for 2xx retransmissions (64·T1 = 32 s, sipsess/ack.c), Timer K of
// its BYE (T4 = 5 s) — so at R calls/s about 37·R timers are pending, and every short timer
// (Timer A/E, 500 ms, one per INVITE and per BYE; Timer K itself) walks past nearly all of them.
// At 1,000 calls/s that is ~10^8 list steps a second: the origination limit `bench_sip rate`
// found was this walk, not SIP.
//
// How: the executable defines tmr_start, tmr_cancel and tmr_poll, which take precedence over
// libre.so's (libre calls all of them through its PLT, so its own timers come here too). The
// list stays exactly what libre's other functions (tmr_next_timeout, tmr_get_expire, tmr_debug)
// read: the same nodes, the same order, ties in start order. Beside it each thread keeps an
// index, expiry → the last timer in the list with that expiry, so the insertion point is one
// map lookup. Only this file links or unlinks timers, so the index cannot go stale; it is
// rebuilt from the list if it ever finds itself looking at another list (a new libre instance
// on the same thread).
//
// Threading: like libre's, per thread (its timer list is per thread); no locks.
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <map>

extern "C" {
#include <re.h>
struct list* tmrl_get(void);  // libre's (main.c): the calling thread's timer list
}

namespace outdial::telephony {
namespace {

struct TimerIndex {
  list* timers = nullptr;
  std::map<uint64_t, tmr*> last;  // expiry → the last timer in `timers` with that expiry
};

thread_local TimerIndex t_index;

tmr* TimerOf(le* element) {
  return element == nullptr ? nullptr : static_cast<tmr*>(element->data);
}

TimerIndex& IndexFor(list* timers) {
  TimerIndex& index = t_index;
  if (index.timers == timers && (timers->head != nullptr || index.last.empty())) return index;
  index.timers = timers;
  index.last.clear();
  for (le* e = timers->head; e != nullptr; e = e->next) index.last[TimerOf(e)->jfs] = TimerOf(e);
  return index;
}

bool LinearTimers() {
  static const bool linear = [] {
    const char* v = std::getenv("OUTDIAL_LIBRE_LINEAR_TIMERS");
    return v != nullptr && v[0] == '1';
  }();
  return linear;
}

void Unlink(TimerIndex& index, tmr* t) {
  if (auto it = index.last.find(t->jfs); it != index.last.end() && it->second == t) {
    tmr* before = TimerOf(t->le.prev);
    if (before != nullptr && before->jfs == t->jfs) {
      it->second = before;
    } else {
      index.last.erase(it);
    }
  }
  list_unlink(&t->le);
}

}  // namespace

// Referenced from sip_telephony.cc so that this object is linked wherever libre is used.
int LibreTimersLinked() {
  return 1;
}

}  // namespace outdial::telephony

using outdial::telephony::IndexFor;
using outdial::telephony::TimerIndex;
using outdial::telephony::Unlink;

extern "C" void tmr_start(struct tmr* t, uint64_t delay, tmr_h* th, void* arg) {
  if (t == nullptr) return;
  list* timers = tmrl_get();
  TimerIndex& index = IndexFor(timers);
  if (t->th != nullptr) Unlink(index, t);
  t->th = th;
  t->arg = arg;
  if (th == nullptr) return;
  t->jfs = delay + tmr_jiffies();
  if (outdial::telephony::LinearTimers()) {
    // libre's own walk, for comparison (OUTDIAL_LIBRE_LINEAR_TIMERS=1).
    le* e = timers->tail;
    while (e != nullptr && outdial::telephony::TimerOf(e)->jfs > t->jfs) e = e->prev;
    if (e == nullptr) {
      list_prepend(timers, &t->le, t);
    } else {
      list_insert_after(timers, e, &t->le, t);
    }
    index.last[t->jfs] = t;  // the walk put it after every timer due at or before it
    return;
  }
  // After the last timer due at or before this one: where libre's own walk puts it.
  auto after = index.last.upper_bound(t->jfs);
  if (after == index.last.begin()) {
    list_prepend(timers, &t->le, t);
  } else {
    list_insert_after(timers, &std::prev(after)->second->le, &t->le, t);
  }
  index.last.insert_or_assign(after, t->jfs, t);
}

extern "C" void tmr_cancel(struct tmr* t) {
  tmr_start(t, 0, nullptr, nullptr);
}

extern "C" void tmr_poll(struct list* timers) {
  const uint64_t now = tmr_jiffies();
  TimerIndex& index = IndexFor(timers);
  for (;;) {
    tmr* t = outdial::telephony::TimerOf(timers->head);
    if (t == nullptr || t->jfs > now) break;
    tmr_h* th = t->th;
    void* arg = t->arg;
    Unlink(index, t);
    t->th = nullptr;
    if (th != nullptr) th(arg);
  }
}
