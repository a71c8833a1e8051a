#include "scenarios/scenario_fixture.h"

#include <fmt/format.h>

namespace outdial::scenarios {

namespace {

LegStep Step(int64_t after_ms, LegEventKind kind, int sip = 0) {
  LegStep s;
  s.after_ms = after_ms;
  s.kind = kind;
  s.sip_code = sip;
  return s;
}

bool IsFinal(LegEventKind kind) {
  return kind == LegEventKind::kFailed || kind == LegEventKind::kEnded;
}

}  // namespace

LegScript Answers(int64_t after_ms, core::AmdResult amd) {
  LegStep answer = Step(after_ms, LegEventKind::kAnswered, 200);
  answer.amd = amd;
  return {Step(std::min<int64_t>(100, after_ms / 2), LegEventKind::kRinging, 180), answer};
}

LegScript AnswersThenHangsUp(int64_t after_ms, int64_t hangup_after_ms, core::AmdResult amd) {
  LegScript s = Answers(after_ms, amd);
  s.push_back(Step(after_ms + hangup_after_ms, LegEventKind::kEnded));
  return s;
}

LegScript FailsWith(int sip_code, int64_t after_ms) {
  return {Step(std::min<int64_t>(100, after_ms / 2), LegEventKind::kRinging, 180),
          Step(after_ms, LegEventKind::kFailed, sip_code)};
}

LegScript RingsForever() {
  return {Step(100, LegEventKind::kRinging, 180)};
}

LegScript SitTones(int64_t after_ms) {
  LegStep sit = Step(after_ms, LegEventKind::kFailed, 0);
  sit.outcome_hint = Outcome::kSpecialInformationTone;
  return {Step(100, LegEventKind::kRinging, 180), sit};
}

// ---- ScriptedTelephony -------------------------------------------------------------------------

ScriptedTelephony::~ScriptedTelephony() {
  for (auto& [leg, live] : live_) {
    for (engine::TimerId t : live.timers) timers_.Cancel(t);
  }
}

void ScriptedTelephony::Schedule(core::LegId leg, int64_t delay_ms, LegEvent event) {
  event.leg = leg;
  engine::TimerId id = timers_.Schedule(clock_.Now() + core::Millis{delay_ms}, [this, event] {
    auto it = live_.find(event.leg);
    if (it == live_.end()) return;
    if (event.kind == LegEventKind::kAnswered) it->second.answered = true;
    if (IsFinal(event.kind)) {
      for (engine::TimerId t : it->second.timers) timers_.Cancel(t);
      live_.erase(it);
    }
    if (listener_ != nullptr) listener_->OnLegEvent(event);
  });
  live_[leg].timers.push_back(id);
}

void ScriptedTelephony::Originate(const engine::LegRequest& request) {
  if (on_originate) on_originate(request);
  originated_.push_back(Record{request, clock_.Now(), false});
  Live& live = live_[request.leg];
  const core::LegId leg = request.leg;
  auto event = [](LegEventKind kind, int sip) {
    LegEvent e;
    e.kind = kind;
    e.sip_code = sip;
    return e;
  };
  if (request.kind == engine::LegKind::kAgentStation) {
    const std::string& station = request.destination;
    Schedule(leg, 100, event(LegEventKind::kRinging, 180));
    if (station == "sim:auto") {
      Schedule(leg, 1000, event(LegEventKind::kAnswered, 200));
    } else if (station == "sim:manual") {
      live.manual = true;
    } else if (station == "sim:noanswer") {
      // rings until the engine gives up
    } else {
      Schedule(leg, 200, event(LegEventKind::kFailed, 480));  // sim:unreachable and anything else
    }
    return;
  }
  auto it = scripts_.find(request.destination);
  LegScript script = it != scripts_.end() ? it->second : Answers();
  for (const LegStep& step : script) {
    LegEvent e = event(step.kind, step.sip_code);
    e.outcome_hint = step.outcome_hint;
    Schedule(leg, step.after_ms, e);
    // A CPA verdict only exists when the engine asked for CPA (as on a real trunk); it follows the
    // answer after `verdict_after_ms`.
    if (step.kind == LegEventKind::kAnswered && request.cpa) {
      LegEvent verdict = event(LegEventKind::kCpaVerdict, 200);
      verdict.amd = step.amd;
      Schedule(leg, step.after_ms + step.verdict_after_ms, verdict);
    }
  }
}

void ScriptedTelephony::Hangup(core::LegId leg) {
  for (auto& r : originated_) {
    if (r.request.leg == leg && live_.contains(leg)) r.hung_up = true;
  }
  auto it = live_.find(leg);
  if (it == live_.end()) return;
  for (engine::TimerId t : it->second.timers) timers_.Cancel(t);
  live_.erase(it);
}

bool ScriptedTelephony::AnswerStation(core::LegId leg) {
  auto it = live_.find(leg);
  if (it == live_.end() || !it->second.manual) return false;
  if (it->second.answered) return true;
  LegEvent e;
  e.kind = LegEventKind::kAnswered;
  e.sip_code = 200;
  Schedule(leg, 0, e);
  return true;
}

void ScriptedTelephony::FarEndHangup(core::LegId leg) {
  if (!live_.contains(leg)) return;
  LegEvent e;
  e.kind = LegEventKind::kEnded;
  Schedule(leg, 0, e);
}

std::vector<ScriptedTelephony::Record> ScriptedTelephony::CustomerLegs() const {
  std::vector<Record> out;
  for (const auto& r : originated_) {
    if (r.request.kind == engine::LegKind::kCustomer) out.push_back(r);
  }
  return out;
}

std::vector<ScriptedTelephony::Record> ScriptedTelephony::StationLegs() const {
  std::vector<Record> out;
  for (const auto& r : originated_) {
    if (r.request.kind == engine::LegKind::kAgentStation) out.push_back(r);
  }
  return out;
}

std::vector<ScriptedTelephony::Record> ScriptedTelephony::CustomerLegsTo(const std::string& number) const {
  std::vector<Record> out;
  for (const auto& r : CustomerLegs()) {
    if (r.request.destination == number) out.push_back(r);
  }
  return out;
}

// ---- RecordingStore / RecordingSink -------------------------------------------------------------

void RecordingStore::Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) {
  if (hold) {
    held_.emplace_back(std::move(batch), std::move(on_durable));
    return;
  }
  batches.push_back(batch);
  memory.Commit(std::move(batch), std::move(on_durable));
}

void RecordingStore::ReleaseHeld() {
  hold = false;
  auto held = std::move(held_);
  held_.clear();
  for (auto& [batch, on_durable] : held) Commit(std::move(batch), std::move(on_durable));
}

std::vector<engine::AttemptRecord> RecordingStore::AttemptRows(CallId call) const {
  std::vector<engine::AttemptRecord> out;
  for (const auto& b : batches) {
    for (const auto& a : b.attempts) {
      if (a.id == call) out.push_back(a);
    }
  }
  return out;
}

size_t RecordingStore::dnc_rows() const {
  size_t n = 0;
  for (const auto& b : batches) n += b.dnc.size();
  return n;
}

std::string TypeName(const engine::Event& event) {
  struct V {
    std::string operator()(const engine::AgentStateEvent&) const { return "agent.state"; }
    std::string operator()(const engine::ReservationEvent&) const { return "reservation"; }
    std::string operator()(const engine::OfferEvent&) const { return "offer"; }
    std::string operator()(const engine::OfferClosedEvent&) const { return "offer.closed"; }
    std::string operator()(const engine::CallEvent&) const { return "call"; }
    std::string operator()(const engine::AttemptFailedEvent&) const { return "attempt.failed"; }
    std::string operator()(const engine::WrapupEvent&) const { return "wrapup"; }
    std::string operator()(const engine::NoticeEvent&) const { return "notice"; }
  };
  return std::visit(V{}, event);
}

std::vector<std::string> RecordingSink::Types(std::optional<AgentId> agent) const {
  std::vector<std::string> out;
  for (const auto& e : events) {
    AgentId who = std::visit([](const auto& x) { return x.agent_id; }, e);
    if (!agent || who == *agent) out.push_back(TypeName(e));
  }
  return out;
}

// ---- Scenario ---------------------------------------------------------------------------------

Scenario::Scenario(core::TenantSettings tenant_settings, engine::DatacenterConfig dc, int64_t start_ms)
    : time(core::FromEpochMs(start_ms)), phones(time, time) {
  dialer = std::make_unique<engine::Dialer>(engine::Dialer::Deps{time, time, phones, store, events},
                                            std::move(dc));
  EXPECT_TRUE(dialer->zones().Intern("UTC").ok());
  auto r = dialer->AddTenant(tenant, tenant_settings);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(dialer->CheckChangedInvariants().empty());  // starts the change tracking
}

Scenario::~Scenario() {
  auto problems = dialer->CheckInvariants();
  EXPECT_TRUE(problems.empty()) << fmt::format("invariants: {}", fmt::join(problems, "; "));
  auto changed = dialer->CheckChangedInvariants();
  EXPECT_TRUE(changed.empty()) << fmt::format("changed invariants: {}", fmt::join(changed, "; "));
}

core::TenantSettings Scenario::DefaultTenant() {
  core::TenantSettings ts;
  ts.name = "acme";
  ts.max_concurrent_calls = 100;
  ts.default_caller_id = "+12015550000";
  return ts;
}

core::CampaignSettings Scenario::Campaign(CampaignMode mode) {
  core::CampaignSettings cs;
  cs.name = fmt::format("{} campaign", core::ToString(mode));
  cs.description = "Scenario campaign";
  cs.mode = mode;
  return cs;
}

CampaignId Scenario::AddCampaign(core::CampaignSettings settings, bool start) {
  CampaignId id{next_campaign_++};
  auto r = dialer->AddCampaign(tenant, id, settings);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message;
    for (const auto& d : r.error().details) ADD_FAILURE() << d.field << ": " << d.problem;
  }
  if (start) {
    EXPECT_TRUE(dialer->SetCampaignStatus(id, core::CampaignStatus::kRunning).ok());
  }
  return id;
}

ContactId Scenario::AddContact(CampaignId campaign, ContactSpec spec) {
  core::Contact c;
  c.id = ContactId{next_contact_++};
  c.name = spec.name.empty() ? fmt::format("Customer {}", c.id.value) : spec.name;
  for (const auto& n : spec.numbers) c.phones.push_back(core::Phone{n, "", 0, false});
  auto zone = dialer->zones().Intern(spec.zone);
  EXPECT_TRUE(zone.ok());
  c.zone = zone.ok() ? *zone : 0;
  c.priority = spec.priority;
  c.fields = spec.fields;
  c.next_eligible_at = spec.due.value_or(Now());
  auto r = dialer->AddContacts(campaign, {c});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return c.id;
}

ContactId Scenario::AddContact(CampaignId campaign, const std::string& number, uint8_t priority) {
  ContactSpec spec;
  spec.numbers = {number};
  spec.priority = priority;
  return AddContact(campaign, spec);
}

AgentId Scenario::AddAgent(std::string station, std::string team) {
  AgentId id{next_agent_++};
  engine::AgentInfo info{id, tenant, fmt::format("agent{}", id.value), std::move(team), std::move(station)};
  EXPECT_TRUE(dialer->AddAgent(info).ok());
  return id;
}

Answer Scenario::Capture(const std::function<void(engine::ActionDone)>& fn) {
  auto answer = std::make_shared<Answer>();
  fn([answer](const engine::ActionResult& r) {
    EXPECT_FALSE(answer->called) << "an action answered twice";
    answer->called = true;
    answer->result = r;
  });
  EXPECT_TRUE(answer->called) << "the action did not answer (the memory store is synchronous)";
  return *answer;
}

void Scenario::Available(AgentId agent) {
  EXPECT_TRUE(Capture([&](engine::ActionDone d) { dialer->Login(agent, std::move(d)); }).ok());
  EXPECT_TRUE(Capture([&](engine::ActionDone d) {
                dialer->SetAgentState(agent, AgentState::kAvailable, "", std::move(d));
              }).ok());
}

void Scenario::Idle(AgentId agent, std::string reason) {
  EXPECT_TRUE(Capture([&](engine::ActionDone d) {
                dialer->SetAgentState(agent, AgentState::kIdle, reason, std::move(d));
              }).ok());
}

Answer Scenario::Capture(AgentId agent, AgentState state, std::string reason) {
  return Capture([&](engine::ActionDone d) { dialer->SetAgentState(agent, state, reason, std::move(d)); });
}

Answer Scenario::Act(AgentId agent, OfferId offer, OfferAction action) {
  return Capture([&](engine::ActionDone d) { dialer->ActOnOffer(agent, offer, action, std::move(d)); });
}

Answer Scenario::Pull(AgentId agent, std::optional<CampaignId> campaign) {
  return Capture([&](engine::ActionDone d) { dialer->PreviewRequest(agent, campaign, std::move(d)); });
}

Answer Scenario::CancelCall(AgentId agent, CallId call) {
  return Capture([&](engine::ActionDone d) { dialer->CancelCall(agent, call, std::move(d)); });
}

Answer Scenario::EndCall(AgentId agent, CallId call) {
  return Capture([&](engine::ActionDone d) { dialer->EndCall(agent, call, std::move(d)); });
}

Answer Scenario::WrapUpCall(AgentId agent, CallId call, const std::string& disposition,
                            std::optional<TimePoint> callback_at, bool personal) {
  return Capture([&](engine::ActionDone d) {
    dialer->WrapUp(agent, call, disposition, callback_at, "", personal, std::move(d));
  });
}

Answer Scenario::AnswerReservation(AgentId agent) {
  ReservationId rid = ReservationOf(agent);
  return Capture([&](engine::ActionDone d) { dialer->AnswerReservation(agent, rid, std::move(d)); });
}

OfferId Scenario::OfferOf(AgentId agent) const {
  auto snap = dialer->Snapshot(agent);
  return snap && snap->offer ? snap->offer->offer_id : OfferId{};
}

CallId Scenario::CallOf(AgentId agent) const {
  auto snap = dialer->Snapshot(agent);
  return snap && snap->call ? snap->call->call_id : CallId{};
}

ReservationId Scenario::ReservationOf(AgentId agent) const {
  auto snap = dialer->Snapshot(agent);
  return snap && snap->reservation ? snap->reservation->reservation_id : ReservationId{};
}

AgentState Scenario::StateOf(AgentId agent) const {
  auto snap = dialer->Snapshot(agent);
  return snap ? snap->state : AgentState::kLoggedOut;
}

std::optional<ContactId> Scenario::OfferedContact(AgentId agent) const {
  auto snap = dialer->Snapshot(agent);
  if (!snap || !snap->offer) return std::nullopt;
  return snap->offer->contact_id;
}

const core::Contact& Scenario::ContactOf(CampaignId campaign, ContactId contact) const {
  const core::Contact* c = dialer->FindContact(campaign, contact);
  EXPECT_NE(c, nullptr);
  static const core::Contact kNone;
  return c != nullptr ? *c : kNone;
}

CallId Scenario::LastCall(AgentId agent) const {
  auto ev = events.Last<engine::CallEvent>(agent);
  return ev ? ev->call_id : CallId{};
}

}  // namespace outdial::scenarios
