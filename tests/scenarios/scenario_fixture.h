// Scenario fixture: a Dialer wired to SimulatedTime, a scripted telephony, a recording store and a
// recording event sink, so a scenario of PRODUCT.md §5 reads as a short script of agent actions,
// telephony outcomes and time steps followed by checks on the emitted events, the committed store
// batches and the contact records. Single-threaded; test code only.
//
// ScriptedTelephony decides each leg's fate like SimTelephony does (events on timers, never from
// inside Originate/Hangup), but per exact number and per station with any SIP code, CPA verdict or
// outcome hint, so every SIP mapping of PRODUCT.md §7 can be played.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/dialer.h"
#include "engine/sim_time.h"
#include "store/memory/memory_store.h"

namespace outdial::scenarios {

using core::AgentId;
using core::AgentState;
using core::CallId;
using core::CampaignId;
using core::CampaignMode;
using core::ContactId;
using core::ContactState;
using core::OfferAction;
using core::OfferId;
using core::Outcome;
using core::ReasonCode;
using core::ReservationId;
using core::TimePoint;
using engine::LegEvent;
using engine::LegEventKind;

// Wed 2026-11-25 15:00 UTC (10:00 in New York, 16:00 in Berlin): inside the default window.
inline constexpr int64_t kStartMs = 1'795'618'800'000;

// One step of a leg's fate: `kind` `after_ms` after the INVITE.
struct LegStep {
  int64_t after_ms = 0;
  LegEventKind kind = LegEventKind::kRinging;
  int sip_code = 0;
  core::AmdResult amd = core::AmdResult::kUnknown;  // kAnswered: the CPA verdict that follows
  int64_t verdict_after_ms = 0;                     // kAnswered: how long CPA listens first
  std::optional<Outcome> outcome_hint;
};
using LegScript = std::vector<LegStep>;

// Common customer fates.
LegScript Answers(int64_t after_ms = 2000, core::AmdResult amd = core::AmdResult::kHuman);
LegScript AnswersThenHangsUp(int64_t after_ms, int64_t hangup_after_ms,
                             core::AmdResult amd = core::AmdResult::kHuman);
LegScript FailsWith(int sip_code, int64_t after_ms = 1500);
LegScript RingsForever();
LegScript SitTones(int64_t after_ms = 1500);

class ScriptedTelephony final : public engine::Telephony {
 public:
  ScriptedTelephony(engine::Clock& clock, engine::TimerService& timers) : clock_(clock), timers_(timers) {}
  ~ScriptedTelephony() override;

  void SetListener(engine::TelephonyListener* listener) override { listener_ = listener; }
  void Originate(const engine::LegRequest& request) override;
  void Hangup(core::LegId leg) override;
  bool AnswerStation(core::LegId leg) override;

  // The fate of calls to `number` (customers) from now on; unscripted numbers answer after 2 s.
  void Script(const std::string& number, LegScript script) { scripts_[number] = std::move(script); }
  // The far end hangs up an answered leg now (delivered on the next timer turn).
  void FarEndHangup(core::LegId leg);

  struct Record {
    engine::LegRequest request;
    TimePoint at{};
    bool hung_up = false;  // by the engine
  };
  const std::vector<Record>& originated() const { return originated_; }
  std::vector<Record> CustomerLegs() const;
  std::vector<Record> StationLegs() const;
  std::vector<Record> CustomerLegsTo(const std::string& number) const;
  bool IsLive(core::LegId leg) const { return live_.contains(leg); }
  // Called at each Originate, before anything is scheduled (e.g. to check write-before-act).
  std::function<void(const engine::LegRequest&)> on_originate;
  size_t live_legs() const { return live_.size(); }

 private:
  void Schedule(core::LegId leg, int64_t delay_ms, LegEvent event);
  engine::Clock& clock_;
  engine::TimerService& timers_;
  engine::TelephonyListener* listener_ = nullptr;
  std::map<std::string, LegScript> scripts_;
  struct Live {
    bool manual = false;
    bool answered = false;
    std::vector<engine::TimerId> timers;
  };
  std::map<core::LegId, Live> live_;
  std::vector<Record> originated_;
};

// Records every committed batch and forwards it to a MemoryStore (which the checks query).
class RecordingStore final : public engine::Store {
 public:
  void Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) override;
  store::MemoryStore memory;
  std::vector<engine::WriteBatch> batches;
  // Every attempt row written for a call, in commit order (dialing, connected, ended, wrapped up).
  std::vector<engine::AttemptRecord> AttemptRows(CallId call) const;
  // The last row of each attempt of `contact`, in start order.
  std::vector<engine::AttemptRecord> FinalAttempts(ContactId contact) const {
    return memory.AttemptsForContact(contact);
  }
  size_t dnc_rows() const;
  // While `hold` is set, commits wait (as on a store whose writer thread is behind) until
  // ReleaseHeld() commits them in order, each calling back as a store's writer would.
  bool hold = false;
  void ReleaseHeld();
  size_t held() const { return held_.size(); }

 private:
  std::vector<std::pair<engine::WriteBatch, std::function<void(core::Result<void>)>>> held_;
};

class RecordingSink final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event& event) override { events.push_back(event); }
  std::vector<engine::Event> events;

  template <typename T>
  std::vector<T> All(std::optional<AgentId> agent = std::nullopt) const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (const T* t = std::get_if<T>(&e); t != nullptr && (!agent || t->agent_id == *agent))
        out.push_back(*t);
    }
    return out;
  }
  template <typename T>
  std::optional<T> Last(std::optional<AgentId> agent = std::nullopt) const {
    auto all = All<T>(agent);
    if (all.empty()) return std::nullopt;
    return all.back();
  }
  template <typename T>
  size_t Count(std::optional<AgentId> agent = std::nullopt) const {
    return All<T>(agent).size();
  }
  // Event type names in order ("agent.state", "offer", ...), for sequence checks.
  std::vector<std::string> Types(std::optional<AgentId> agent = std::nullopt) const;
  void Clear() { events.clear(); }
};

std::string TypeName(const engine::Event& event);

// The result of an action, captured synchronously (the memory store is synchronous).
struct Answer {
  bool called = false;
  std::optional<engine::ActionResult> result;
  bool ok() const { return result && result->ok(); }
  std::optional<ReasonCode> code() const {
    if (!result || result->ok()) return std::nullopt;
    return result->error().code;
  }
};

struct ContactSpec {
  std::vector<std::string> numbers;
  std::string zone = "UTC";
  uint8_t priority = 0;
  std::string name;
  std::optional<TimePoint> due;  // next_eligible_at; default: the start time
  std::vector<std::pair<std::string, std::string>> fields;
};

class Scenario {
 public:
  explicit Scenario(core::TenantSettings tenant = DefaultTenant(), engine::DatacenterConfig dc = {},
                    int64_t start_ms = kStartMs);
  ~Scenario();
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  static core::TenantSettings DefaultTenant();
  static core::CampaignSettings Campaign(CampaignMode mode);

  // Adds a campaign and starts it.
  CampaignId AddCampaign(core::CampaignSettings settings, bool start = true);
  ContactId AddContact(CampaignId campaign, ContactSpec spec);
  ContactId AddContact(CampaignId campaign, const std::string& number, uint8_t priority = 0);
  AgentId AddAgent(std::string station = "sim:auto", std::string team = "");
  // Login + Available.
  void Available(AgentId agent);
  void Idle(AgentId agent, std::string reason = "");

  Answer Act(AgentId agent, OfferId offer, OfferAction action);
  Answer Accept(AgentId agent) { return Act(agent, OfferOf(agent), OfferAction::kAccept); }
  Answer Skip(AgentId agent) { return Act(agent, OfferOf(agent), OfferAction::kSkip); }
  Answer Remove(AgentId agent) { return Act(agent, OfferOf(agent), OfferAction::kRemove); }
  Answer CancelOffer(AgentId agent) { return Act(agent, OfferOf(agent), OfferAction::kCancel); }
  Answer Pull(AgentId agent, std::optional<CampaignId> campaign = std::nullopt);
  Answer CancelCall(AgentId agent) { return CancelCall(agent, CallOf(agent)); }
  Answer CancelCall(AgentId agent, CallId call);
  Answer EndCall(AgentId agent) { return EndCall(agent, CallOf(agent)); }
  Answer EndCall(AgentId agent, CallId call);
  Answer WrapUp(AgentId agent, const std::string& disposition,
                std::optional<TimePoint> callback_at = std::nullopt, bool personal = false) {
    return WrapUpCall(agent, CallOf(agent), disposition, callback_at, personal);
  }
  Answer WrapUpCall(AgentId agent, CallId call, const std::string& disposition,
                    std::optional<TimePoint> callback_at = std::nullopt, bool personal = false);
  Answer AnswerReservation(AgentId agent);
  // SetAgentState with its answer.
  Answer Capture(AgentId agent, AgentState state, std::string reason = "");

  // The agent's open offer / call / reservation (from its snapshot); invalid ids when none.
  OfferId OfferOf(AgentId agent) const;
  CallId CallOf(AgentId agent) const;
  ReservationId ReservationOf(AgentId agent) const;
  AgentState StateOf(AgentId agent) const;
  std::optional<ContactId> OfferedContact(AgentId agent) const;
  const core::Contact& ContactOf(CampaignId campaign, ContactId contact) const;
  ContactState StateOf(CampaignId campaign, ContactId contact) const {
    return ContactOf(campaign, contact).state;
  }
  // The last call a customer leg was made for (by the agent's last call event).
  CallId LastCall(AgentId agent) const;

  void Run(int64_t ms) { time.RunFor(core::Millis{ms}); }
  void RunSeconds(int64_t s) { time.RunFor(core::Seconds{s}); }
  TimePoint Now() const { return time.Now(); }

  std::vector<std::string> Problems() const { return dialer->CheckInvariants(); }

  engine::SimulatedTime time;
  ScriptedTelephony phones;
  RecordingStore store;
  RecordingSink events;
  std::unique_ptr<engine::Dialer> dialer;
  core::TenantId tenant{1};

 private:
  uint64_t next_campaign_ = 1, next_contact_ = 1, next_agent_ = 1;
  Answer Capture(const std::function<void(engine::ActionDone)>& fn);
};

}  // namespace outdial::scenarios
