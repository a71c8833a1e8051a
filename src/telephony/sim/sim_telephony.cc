#include "telephony/sim/sim_telephony.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

namespace outdial::telephony {

using engine::LegEvent;
using engine::LegEventKind;

std::string_view ToString(SimOutcome outcome) {
  switch (outcome) {
    case SimOutcome::kAnswer: return "answer";
    case SimOutcome::kBusy: return "busy";
    case SimOutcome::kNoAnswer: return "no_answer";
    case SimOutcome::kMachine: return "machine";
    case SimOutcome::kFax: return "fax";
    case SimOutcome::kSit: return "sit";
    case SimOutcome::kInvalid: return "invalid";
    case SimOutcome::kNetworkError: return "network_error";
    case SimOutcome::kReject: return "reject";
  }
  return "answer";
}

std::optional<SimOutcome> SimOutcomeFromString(std::string_view text) {
  for (auto o :
       {SimOutcome::kAnswer, SimOutcome::kBusy, SimOutcome::kNoAnswer, SimOutcome::kMachine, SimOutcome::kFax,
        SimOutcome::kSit, SimOutcome::kInvalid, SimOutcome::kNetworkError, SimOutcome::kReject}) {
    if (ToString(o) == text) return o;
  }
  return std::nullopt;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point: linear in practice, no recursion on hostile input.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

CustomerOutcomePicker RulePicker(std::vector<SimRule> rules) {
  return [rules = std::move(rules)](std::string_view number) {
    for (const auto& r : rules) {
      if (GlobMatch(r.match, number)) return SimDecision{r.outcome, r.after_ms, std::nullopt};
    }
    return SimDecision{SimOutcome::kAnswer, 2000, std::nullopt};
  };
}

CustomerOutcomePicker WeightedPicker(std::vector<std::pair<SimOutcome, double>> weights, uint64_t seed,
                                     int64_t min_after_ms, int64_t max_after_ms) {
  auto rng = std::make_shared<std::mt19937_64>(seed);
  std::vector<double> w;
  w.reserve(weights.size());
  for (const auto& [o, weight] : weights) w.push_back(weight);
  auto dist = std::make_shared<std::discrete_distribution<size_t>>(w.begin(), w.end());
  return [rng, dist, weights = std::move(weights), min_after_ms, max_after_ms](std::string_view) {
    SimOutcome outcome = weights[(*dist)(*rng)].first;
    int64_t after =
        std::uniform_int_distribution<int64_t>(min_after_ms, std::max(min_after_ms, max_after_ms))(*rng);
    return SimDecision{outcome, after, std::nullopt};
  };
}

core::Result<std::vector<std::pair<SimOutcome, double>>> ParseOutcomeMix(std::string_view text) {
  std::vector<std::pair<SimOutcome, double>> out;
  std::vector<core::FieldProblem> problems;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    auto outcome = SimOutcomeFromString(name);
    double weight = -1;
    if (eq != std::string_view::npos) {
      std::string number(item.substr(eq + 1));
      char* end = nullptr;
      weight = std::strtod(number.c_str(), &end);
      if (end == number.c_str() || *end != '\0') weight = -1;
    }
    if (!outcome) {
      problems.push_back(
          {"outcomes", fmt::format("'{}' is not an outcome (answer, busy, no_answer, machine, fax, sit, "
                                   "invalid, network_error, reject)",
                                   name)});
    } else if (!(weight > 0)) {
      problems.push_back({"outcomes", fmt::format("'{}' needs a positive weight, e.g. {}=0.5", item, name)});
    } else {
      out.emplace_back(*outcome, weight);
    }
  }
  if (out.empty() && problems.empty()) {
    problems.push_back({"outcomes", "must name at least one outcome=weight"});
  }
  if (!problems.empty()) {
    return core::Error{core::ErrorCode::kValidationFailed, "The outcome mix is not valid.",
                       std::move(problems)};
  }
  return out;
}

SimTelephony::SimTelephony(engine::Clock& clock, engine::TimerService& timers, CustomerOutcomePicker picker)
    : clock_(clock), timers_(timers), picker_(std::move(picker)) {}

SimTelephony::~SimTelephony() {
  for (auto& [id, leg] : legs_) {
    for (engine::TimerId t : leg.timers) timers_.Cancel(t);
  }
}

void SimTelephony::Emit(core::LegId leg, int64_t delay_ms, LegEvent event, bool final_event) {
  event.leg = leg;
  auto it = legs_.find(leg);
  if (it == legs_.end()) return;
  engine::TimerId id = timers_.Schedule(clock_.Now() + core::Millis{delay_ms}, [this, event, final_event] {
    auto found = legs_.find(event.leg);
    if (found == legs_.end()) return;
    if (event.kind == LegEventKind::kAnswered) found->second.answered = true;
    if (final_event) {
      for (engine::TimerId t : found->second.timers) timers_.Cancel(t);
      legs_.erase(found);
    }
    if (listener_ != nullptr) listener_->OnLegEvent(event);
  });
  it->second.timers.push_back(id);
}

void SimTelephony::Originate(const engine::LegRequest& request) {
  ++originated_;
  Leg& leg = legs_[request.leg];
  leg.destination = request.destination;
  const core::LegId id = request.leg;
  auto event = [](LegEventKind kind, int sip = 0) {
    LegEvent e;
    e.kind = kind;
    e.sip_code = sip;
    return e;
  };
  if (request.kind == engine::LegKind::kAgentStation) {
    const std::string& station = request.destination;
    if (station == "sim:auto") {
      Emit(id, 100, event(LegEventKind::kRinging, 180), false);
      Emit(id, 1000, event(LegEventKind::kAnswered, 200), false);
    } else if (station == "sim:manual") {
      leg.manual_station = true;
      Emit(id, 100, event(LegEventKind::kRinging, 180), false);
    } else if (station == "sim:noanswer") {
      Emit(id, 100, event(LegEventKind::kRinging, 180), false);
    } else if (station == "sim:unreachable") {
      Emit(id, 100, event(LegEventKind::kFailed, 480), true);
    } else {
      Emit(id, 100, event(LegEventKind::kFailed, 404), true);
    }
    return;
  }
  SimDecision decision = picker_(request.destination);
  const int64_t t = std::max<int64_t>(decision.after_ms, 0);
  const int64_t ring_at = std::min<int64_t>(100, t / 2);
  auto ring = [&] {
    Emit(id, ring_at, event(LegEventKind::kRinging, 180), false);
    if (request.early_media_to_agent) Emit(id, ring_at, event(LegEventKind::kEarlyMedia, 183), false);
  };
  // The customer answers at `t`; with CPA its verdict follows one analysis period later (the dead
  // air a live person hears before the agent does: `connected_at` - `answered_at`).
  auto answer = [&](core::AmdResult amd) {
    ring();
    Emit(id, t, event(LegEventKind::kAnswered, 200), false);
    int64_t connected_at = t;
    if (request.cpa) {
      connected_at += std::max(request.cpa_settings.analysis_period_ms, 0);
      LegEvent verdict = event(LegEventKind::kCpaVerdict, 200);
      verdict.amd = amd;
      Emit(id, connected_at, verdict, false);
    }
    // `hangup_after_ms` is the conversation: it starts when the agent hears the customer.
    if (decision.hangup_after_ms) {
      Emit(id, connected_at + *decision.hangup_after_ms, event(LegEventKind::kEnded), true);
    }
  };
  switch (decision.outcome) {
    case SimOutcome::kAnswer: answer(core::AmdResult::kHuman); return;
    case SimOutcome::kMachine: answer(core::AmdResult::kMachine); return;
    case SimOutcome::kFax: answer(core::AmdResult::kFax); return;
    case SimOutcome::kBusy: Emit(id, t, event(LegEventKind::kFailed, 486), true); return;
    case SimOutcome::kReject: Emit(id, t, event(LegEventKind::kFailed, 603), true); return;
    case SimOutcome::kInvalid: Emit(id, t, event(LegEventKind::kFailed, 404), true); return;
    case SimOutcome::kNetworkError: Emit(id, t, event(LegEventKind::kFailed, 503), true); return;
    case SimOutcome::kSit: {
      ring();
      LegEvent e = event(LegEventKind::kFailed, 0);
      e.outcome_hint = core::Outcome::kSpecialInformationTone;
      Emit(id, t, e, true);
      return;
    }
    case SimOutcome::kNoAnswer:
      ring();
      Emit(id, kNetworkNoAnswerMs, event(LegEventKind::kFailed, 480), true);
      return;
  }
}

void SimTelephony::Hangup(core::LegId leg) {
  auto it = legs_.find(leg);
  if (it == legs_.end()) return;
  for (engine::TimerId t : it->second.timers) timers_.Cancel(t);
  legs_.erase(it);
}

bool SimTelephony::AnswerStation(core::LegId leg) {
  auto it = legs_.find(leg);
  if (it == legs_.end() || !it->second.manual_station) return false;
  if (it->second.answered) return true;
  LegEvent e;
  e.kind = LegEventKind::kAnswered;
  e.sip_code = 200;
  Emit(leg, 0, e, false);
  return true;
}

}  // namespace outdial::telephony
