// EventScope: the one commit-then-continue path of the engine (DESIGN.md "Durability").
//
// Every entry point (a public call, a timer, a telephony event) runs inside a Guard. While it runs,
// the parts append what must be stored to the scope's WriteBatch, what the clients must be told to
// its events, and what must happen afterwards (acks, dial commands) to its continuations. When the
// outermost Guard closes, work that became possible is handed out (WorkDispatcher::Flush), the
// batch is committed through the Store port, and only once it is durable do its events go out and
// its continuations run, in commit order: a client that reads after an event sees its change
// (PRODUCT.md §8.3), and nothing is dialed before its attempt row exists. Refusals change nothing
// and answer at once (Fail).
//
// Owned by Engine. Threading: engine thread only; an asynchronous store calls back on it.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/reason_code.h"
#include "engine/dialer.h"
#include "engine/dialer/timer_handle.h"
#include "engine/events.h"
#include "engine/store.h"

namespace outdial::engine {

struct Engine;

class EventScope {
 public:
  explicit EventScope(Engine& engine) : e_(engine) {}

  // Opens the scope of one engine event; the outermost one settles it when it closes.
  class Guard {
   public:
    explicit Guard(EventScope& scope) : scope_(scope) { ++scope_.depth_; }
    ~Guard() { scope_.Close(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    EventScope& scope_;
  };

  WriteBatch& batch() { return batch_; }
  // Runs `fn` once this event's changes are committed (`durable` false: the commit failed).
  void Then(std::function<void(bool durable)> fn) { after_commit_.push_back(std::move(fn)); }
  // Answers an agent action once its change is durable (UNAVAILABLE when the commit failed).
  void Ack(ActionDone done, ActionReply reply);
  // Refusals change nothing, so they answer at once.
  static void Fail(const ActionDone& done, core::Error error) {
    if (done) done(ActionResult(std::move(error)));
  }
  // Queues an event for the clients: it goes out after the commit of what it reports.
  void Emit(Event event);
  void Audit(TenantId tenant, AgentId agent, std::string action, std::string detail);
  // Timers whose callback runs as an engine event of its own (inside a Guard).
  TimerHandle After(core::Millis delay, std::function<void()> fn);
  TimerHandle At(TimePoint when, std::function<void()> fn);

 private:
  // One commit on its way: what goes out, in order, once it is durable.
  struct Ticket {
    std::vector<Event> events;
    std::vector<std::function<void(bool)>> continuations;
    bool done = false;
    bool durable = true;
  };
  void Close();
  void Settle();
  void DrainFinished();

  Engine& e_;
  WriteBatch batch_;
  std::vector<Event> events_;
  std::vector<Event> spare_events_;  // a drained ticket's vector, emptied, for the next ticket
  std::vector<std::function<void(bool durable)>> after_commit_;
  std::deque<Ticket> in_flight_;  // commit order; a std::deque keeps references on push_back
  int depth_ = 0;
  bool settling_ = false;
  bool draining_ = false;
};

}  // namespace outdial::engine
