#include "engine/dialer/event_scope.h"

#include "engine/dialer/engine.h"

namespace outdial::engine {

void EventScope::Ack(ActionDone done, ActionReply reply) {
  if (!done) return;
  Then([done = std::move(done), reply](bool durable) {
    if (durable) {
      done(ActionResult(reply));
    } else {
      done(ActionResult(core::MakeError(core::ReasonCode::kUnavailable,
                                        std::string(core::HumanSentence(core::ReasonCode::kUnavailable)))));
    }
  });
}

void EventScope::Emit(Event event) {
  events_.push_back(std::move(event));
}

void EventScope::Audit(TenantId tenant, AgentId agent, std::string action, std::string detail) {
  batch_.audit.push_back(AuditRecord{e_.state.Now(), tenant, agent, std::move(action), std::move(detail)});
}

TimerHandle EventScope::After(core::Millis delay, std::function<void()> fn) {
  return At(e_.state.Now() + delay, std::move(fn));
}

TimerHandle EventScope::At(TimePoint when, std::function<void()> fn) {
  return TimerHandle(e_.state.deps.timers, when, [this, fn = std::move(fn)] {
    Guard guard(*this);
    fn();
  });
}

void EventScope::Close() {
  if (depth_ == 1) e_.dispatcher.Flush();
  if (--depth_ == 0) Settle();
}

void EventScope::Settle() {
  if (settling_) return;  // a synchronous store re-entered: the loop below continues
  settling_ = true;
  for (;;) {
    ++depth_;
    e_.dispatcher.Flush();
    --depth_;
    if (batch_.empty() && events_.empty() && after_commit_.empty()) break;
    Ticket& ticket = in_flight_.emplace_back();
    // The vectors trade places with the ticket's (emptied, capacity kept by DrainFinished), so a
    // steady stream of events allocates nothing here.
    ticket.events.swap(events_);
    events_.swap(spare_events_);
    ticket.continuations.swap(after_commit_);
    if (batch_.empty()) {
      // Nothing to store, but it still waits for the commits before it: events go out in order.
      ticket.done = true;
      DrainFinished();
      continue;
    }
    WriteBatch to_commit = std::move(batch_);
    batch_ = WriteBatch{};
    // A synchronous store runs the callback before Commit returns; an asynchronous one later on
    // the engine thread, where the changes its continuations make are settled in turn.
    e_.state.deps.store.Commit(std::move(to_commit), [this, &ticket](const core::Result<void>& r) {
      if (!r.ok()) ++e_.state.counters.store_failures;
      ticket.done = true;
      ticket.durable = r.ok();
      DrainFinished();
      if (!settling_) Settle();
    });
  }
  settling_ = false;
}

void EventScope::DrainFinished() {
  if (draining_) return;  // the loop below picks up what finished meanwhile
  draining_ = true;
  while (!in_flight_.empty() && in_flight_.front().done) {
    Ticket ticket = std::move(in_flight_.front());
    in_flight_.pop_front();
    ++depth_;
    // A failed commit leaves the engine's live state changed (the desktops are told what the
    // engine now does); its acks answer UNAVAILABLE and its dials are not placed.
    for (const Event& event : ticket.events) e_.state.deps.events.OnEvent(event);
    for (auto& fn : ticket.continuations) fn(ticket.durable);
    --depth_;
    ticket.events.clear();
    if (ticket.events.capacity() > spare_events_.capacity()) spare_events_.swap(ticket.events);
  }
  draining_ = false;
}

}  // namespace outdial::engine
