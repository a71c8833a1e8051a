#include "engine/dialer/wrap_up.h"

#include <fmt/format.h>

#include "engine/dialer/engine.h"

namespace outdial::engine {

using core::ContactState;
using core::ErrorCode;
using core::ReasonCode;

namespace {
constexpr char kTenantDncList[] = "tenant";
constexpr auto kMaxCallbackHorizon = std::chrono::days(366);
}  // namespace

void WrapUp::Begin(CallRt& call, CampaignRt& camp) {
  AgentRt* agent = e_.state.FindAgent(call.agent);
  if (agent == nullptr) return;
  agent->reservation = {};
  e_.dispatcher.SetAgent(*agent, core::AgentState::kWrapUp);
  WrapupEvent ev{call.agent, call.id, camp.settings.dispositions, std::nullopt};
  if (camp.settings.wrap_up_timeout_s > 0) {
    ev.deadline_at = e_.state.Now() + std::chrono::seconds(camp.settings.wrap_up_timeout_s);
    CallId cid = call.id;
    call.wrap_timer = e_.scope.At(*ev.deadline_at, [this, cid] { OnTimeout(cid); });
    call.wrap_deadline = ev.deadline_at;
  }
  e_.scope.Emit(std::move(ev));
}

void WrapUp::OnTimeout(CallId cid) {
  CallRt* call = EngineState::Find(e_.state.calls, cid);
  if (call == nullptr || !call->in_wrap_up) return;
  call->wrap_timer.Fired();
  CampaignRt* camp = e_.state.FindCampaign(call->campaign);
  if (camp == nullptr) return;
  const core::Disposition* d = camp->settings.AutoWrapUpDisposition();
  if (d == nullptr) return;
  Do(*call, *camp, *d, std::nullopt, "auto wrap-up", false, nullptr);
}

// The same wrap-up again answers as the first did; another disposition would silently not be
// stored, so it is refused (as a different action on a closed offer is).
bool WrapUp::AnswerRepeat(AgentId agent_id, CallId cid, const std::string& disposition,
                          const ActionDone& done) {
  auto closed = e_.state.closed_calls.find(cid);
  if (closed == e_.state.closed_calls.end() || closed->second.agent != agent_id ||
      !closed->second.wrapped_up) {
    return false;
  }
  if (closed->second.disposition != disposition) {
    EventScope::Fail(
        done, core::MakeError(ReasonCode::kConflict, fmt::format("The call was wrapped up already, as '{}'.",
                                                                 closed->second.disposition)));
  } else if (done) {
    done(ActionResult(ActionReply{{}, cid}));
  }
  return true;
}

void WrapUp::Submit(AgentId agent_id, CallId cid, const std::string& disposition,
                    std::optional<TimePoint> callback_at, std::string notes, bool personal_callback,
                    ActionDone done) {
  CallRt* call = EngineState::Find(e_.state.calls, cid);
  if (call == nullptr || call->agent != agent_id) {
    if (AnswerRepeat(agent_id, cid, disposition, done)) return;
    return EventScope::Fail(done, core::MakeError(ReasonCode::kNotFound, "No call to wrap up."));
  }
  if (!call->in_wrap_up) {
    return EventScope::Fail(done, core::MakeError(ReasonCode::kConflict, "The call has not ended yet."));
  }
  CampaignRt* camp = e_.state.FindCampaign(call->campaign);
  if (camp == nullptr) {
    return EventScope::Fail(done, core::MakeError(ReasonCode::kInternal,
                                                  std::string(core::HumanSentence(ReasonCode::kInternal))));
  }
  const core::Disposition* d = camp->settings.FindDisposition(disposition);
  if (d == nullptr) {
    return EventScope::Fail(
        done, core::Error{
                  ErrorCode::kValidationFailed,
                  "Unknown disposition.",
                  {{"disposition", fmt::format("'{}' is not a disposition of this campaign", disposition)}}});
  }
  if (d->result == core::DispositionResult::kCallback) {
    TimePoint now = e_.state.Now();
    if (!callback_at) {
      return EventScope::Fail(done, core::Error{ErrorCode::kValidationFailed,
                                                "A callback needs a time.",
                                                {{"callback_at", "is required for a callback disposition"}}});
    }
    if (*callback_at <= now || *callback_at > now + kMaxCallbackHorizon) {
      return EventScope::Fail(done,
                              core::Error{ErrorCode::kValidationFailed,
                                          "The callback time is not valid.",
                                          {{"callback_at", "must be in the future and within a year"}}});
    }
  }
  Do(*call, *camp, *d, callback_at, std::move(notes), personal_callback, std::move(done));
}

// What the disposition makes of the contact; returns the state it takes.
ContactState WrapUp::ApplyDisposition(CallRt& call, CampaignRt& camp, const core::Disposition& disposition,
                                      std::optional<TimePoint> callback_at, bool personal) {
  const auto& s = camp.settings;
  core::Contact& contact = camp.contacts[call.contact];
  contact.last_outcome = call.outcome;
  core::RetryKey key = core::RetryKeyFor(call.outcome);
  auto count_attempt = [&] {
    if (!core::CountsAsAttempt(s, key)) return;
    ++contact.attempts_made;
    if (call.phone >= 0) ++contact.phones[static_cast<size_t>(call.phone)].attempts;
  };
  contact.callback = false;
  contact.callback_agent = {};
  switch (disposition.result) {
    case core::DispositionResult::kSuccess:
    case core::DispositionResult::kFinal: count_attempt(); return ContactState::kDone;
    case core::DispositionResult::kRetry:
      return core::ApplyRetry(contact, s, key, call.phone, false, e_.state.Now());
    case core::DispositionResult::kCallback:
      count_attempt();
      contact.next_eligible_at = *callback_at;
      contact.callback = true;
      if (personal) contact.callback_agent = call.agent;
      return ContactState::kScheduled;
    case core::DispositionResult::kDoNotCall:
      count_attempt();
      e_.picker.AddDnc(camp.tenant, kTenantDncList, call.number, "disposition");
      return ContactState::kDnc;
  }
  return ContactState::kDone;
}

void WrapUp::Do(CallRt& call, CampaignRt& camp, const core::Disposition& disposition,
                std::optional<TimePoint> callback_at, std::string notes, bool personal, ActionDone done) {
  call.wrap_timer.Cancel();
  ContactState target = ApplyDisposition(call, camp, disposition, callback_at, personal);
  AttemptRecord a = e_.calls.FinalAttempt(call, camp);
  a.disposition = disposition.code;
  a.notes = std::move(notes);
  a.wrapped_up_at = e_.state.Now();
  e_.scope.batch().attempts.push_back(std::move(a));
  e_.scope.Audit(camp.tenant, call.agent, "wrapup",
                 fmt::format("call={} disposition={} by={}", call.id.value, disposition.code,
                             done ? "agent" : "timeout"));
  ++e_.state.counters.wrapups;
  CallId cid = call.id;
  AgentId agent_id = call.agent;
  uint32_t idx = call.contact;
  ClosedCall& closed = e_.calls.Forget(call, camp);
  closed.wrapped_up = true;
  closed.disposition = disposition.code;
  e_.picker.Settle(camp, idx, target);
  e_.scope.Ack(std::move(done), ActionReply{{}, cid});
  if (AgentRt* agent = e_.state.FindAgent(agent_id)) {
    agent->call = {};
    e_.dispatcher.WorkEnded(*agent);
  }
}

}  // namespace outdial::engine
