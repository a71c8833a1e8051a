// SimTelephony: simulated stations and customers on the injected clock (PRODUCT.md §9, API.md
// `[telephony.sim]`). Stations: "sim:auto" answers a reservation call after 1 s, "sim:manual" waits
// for AnswerStation (the desktop's Answer button), "sim:noanswer" never answers, "sim:unreachable"
// fails with 480. Customers follow an outcome picker: glob rules from the config, or a seeded
// weighted mix for `outdial simulate`.
//
// Threading: engine thread only. Events are delivered from timers, never from inside a call.
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "engine/clock.h"
#include "engine/telephony.h"

namespace outdial::telephony {

enum class SimOutcome { kAnswer, kBusy, kNoAnswer, kMachine, kFax, kSit, kInvalid, kNetworkError, kReject };
std::string_view ToString(SimOutcome outcome);
std::optional<SimOutcome> SimOutcomeFromString(std::string_view text);

struct SimDecision {
  SimOutcome outcome = SimOutcome::kAnswer;
  int64_t after_ms = 2000;                 // time from the INVITE to the outcome
  std::optional<int64_t> hangup_after_ms;  // answered calls: the customer hangs up this long after
};

using CustomerOutcomePicker = std::function<SimDecision(std::string_view e164_number)>;

struct SimRule {
  std::string match;  // glob on the E.164 number: `*` any run, `?` one character
  SimOutcome outcome = SimOutcome::kAnswer;
  int64_t after_ms = 2000;
};

bool GlobMatch(std::string_view pattern, std::string_view text);
// First matching rule wins; no match: answer after 2000 ms.
CustomerOutcomePicker RulePicker(std::vector<SimRule> rules);
// Outcome by weight with a deterministic generator, delay uniform in [min_after_ms, max_after_ms].
CustomerOutcomePicker WeightedPicker(std::vector<std::pair<SimOutcome, double>> weights, uint64_t seed,
                                     int64_t min_after_ms, int64_t max_after_ms);
// "answer=0.6,busy=0.1,..." → weights; errors name the field "outcomes".
core::Result<std::vector<std::pair<SimOutcome, double>>> ParseOutcomeMix(std::string_view text);

class SimTelephony final : public engine::Telephony {
 public:
  // The customer network gives up on a call nobody answers after this long (then 480).
  static constexpr int64_t kNetworkNoAnswerMs = 180'000;

  SimTelephony(engine::Clock& clock, engine::TimerService& timers, CustomerOutcomePicker picker);
  ~SimTelephony() override;

  void SetListener(engine::TelephonyListener* listener) override { listener_ = listener; }
  void Originate(const engine::LegRequest& request) override;
  void Hangup(core::LegId leg) override;
  bool AnswerStation(core::LegId leg) override;

  size_t active_legs() const { return legs_.size(); }
  uint64_t originated() const { return originated_; }

 private:
  struct Leg {
    std::string destination;
    bool manual_station = false;
    bool answered = false;
    std::vector<engine::TimerId> timers;
  };
  // Schedules `event` for `leg` after `delay_ms`; a final event forgets the leg.
  void Emit(core::LegId leg, int64_t delay_ms, engine::LegEvent event, bool final_event);

  engine::Clock& clock_;
  engine::TimerService& timers_;
  CustomerOutcomePicker picker_;
  engine::TelephonyListener* listener_ = nullptr;
  std::unordered_map<core::LegId, Leg> legs_;
  uint64_t originated_ = 0;
};

}  // namespace outdial::telephony
