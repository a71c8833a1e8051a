#include "app/simulate.h"

#include <sys/resource.h>

#include <chrono>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "engine/dialer.h"
#include "engine/sim_time.h"
#include "store/memory/memory_store.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial::app {

using core::AgentState;
using core::CallState;
using core::TimePoint;
using engine::Event;

core::Result<void> ValidateSimulateOptions(const SimulateOptions& o) {
  std::vector<core::FieldProblem> problems;
  if (o.agents < 1 || o.agents > 1'000'000) problems.push_back({"agents", "must be between 1 and 1000000"});
  if (o.contacts < 1 || o.contacts > 50'000'000) {
    problems.push_back({"contacts", "must be between 1 and 50000000"});
  }
  if (!(o.hours > 0) || o.hours > 24 * 31) {
    problems.push_back({"hours", "must be more than 0 and at most 744"});
  }
  if (o.tenant_max_calls < 1) problems.push_back({"tenant_max_calls", "must be at least 1"});
  if (o.datacenter_max_calls < 1) problems.push_back({"datacenter_max_calls", "must be at least 1"});
  if (auto mix = telephony::ParseOutcomeMix(o.outcomes); !mix.ok()) {
    for (const auto& d : mix.error().details) problems.push_back(d);
    if (mix.error().details.empty()) problems.push_back({"outcomes", mix.error().message});
  }
  if (problems.empty()) return core::Ok{};
  return core::Error{core::ErrorCode::kValidationFailed, "The simulation options are not valid.",
                     std::move(problems)};
}

namespace {

// Simulated agents: they react to the engine's events like people at a desktop would, with think,
// talk and wrap-up times drawn from the seeded generator. They never call the engine from inside
// an event (the engine is mid-change then): every reaction is a timer.
class SimAgents final : public engine::EventSink {
 public:
  SimAgents(engine::SimulatedTime& time, std::mt19937_64& rng, core::CampaignMode mode, int tenant_limit,
            int dc_limit)
      : time_(time), rng_(rng), mode_(mode), tenant_limit_(tenant_limit), dc_limit_(dc_limit) {}

  void set_dialer(engine::Dialer* dialer) { dialer_ = dialer; }

  void OnEvent(const Event& event) override {
    std::visit([this](const auto& e) { Handle(e); }, event);
  }

  // Called at the end: closes the occupancy books.
  void Finish(TimePoint end) {
    for (auto& [id, st] : agents_) Account(st, end);
  }

  struct Books {
    int64_t logged_in_ms = 0;
    int64_t busy_ms = 0;     // dialing, ringing, connected, wrap-up: working a call
    int64_t preview_ms = 0;  // reserved or previewing
    int64_t available_ms = 0;
    int64_t idle_ms = 0;
  };
  Books TotalBooks() const {
    Books b;
    for (const auto& [id, st] : agents_) {
      b.logged_in_ms += st.books.logged_in_ms;
      b.busy_ms += st.books.busy_ms;
      b.preview_ms += st.books.preview_ms;
      b.available_ms += st.books.available_ms;
      b.idle_ms += st.books.idle_ms;
    }
    return b;
  }

  int64_t overlapping_attempts() const { return overlapping_; }
  int64_t limit_violations() const { return limit_violations_; }
  int64_t peak_active_calls() const { return peak_active_; }
  int64_t pull_requests() const { return pull_requests_; }

  void StartAgent(core::AgentId id) {
    agents_[id].since = time_.Now();
    Later(RandomMs(0, 5000), [this, id] {
      dialer_->Login(id, nullptr);
      dialer_->SetAgentState(id, AgentState::kAvailable, "", nullptr);
      if (mode_ == core::CampaignMode::kPreview) PullSoon(id, 0);
    });
  }

 private:
  struct AgentSim {
    AgentState state = AgentState::kLoggedOut;
    TimePoint since{};
    Books books;
  };

  int64_t RandomMs(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  void Later(int64_t ms, std::function<void()> fn) {
    time_.Schedule(time_.Now() + core::Millis{ms}, std::move(fn));
  }

  void Account(AgentSim& st, TimePoint now) {
    int64_t ms = (now - st.since).count();
    switch (st.state) {
      case AgentState::kLoggedOut: ms = 0; break;
      case AgentState::kIdle: st.books.idle_ms += ms; break;
      case AgentState::kAvailable: st.books.available_ms += ms; break;
      case AgentState::kReserved:
      case AgentState::kPreviewing: st.books.preview_ms += ms; break;
      case AgentState::kDialing:
      case AgentState::kRinging:
      case AgentState::kConnected:
      case AgentState::kWrapUp: st.books.busy_ms += ms; break;
    }
    st.books.logged_in_ms += ms;
    st.since = now;
  }

  void PullSoon(core::AgentId id, int64_t delay_ms) {
    Later(delay_ms, [this, id] {
      ++pull_requests_;
      dialer_->PreviewRequest(id, std::nullopt, [this, id](const engine::ActionResult& r) {
        // Nothing to call right now: look again in a minute, as an agent would.
        if (!r.ok() && r.error().code == core::ReasonCode::kNoCallableContacts) PullSoon(id, 60'000);
      });
    });
  }

  void Handle(const engine::AgentStateEvent& e) {
    AgentSim& st = agents_[e.agent_id];
    Account(st, e.since);
    AgentState before = st.state;
    st.state = e.state;
    if (e.state == AgentState::kIdle && before != AgentState::kLoggedOut) {
      // A break: back to Available after a few minutes.
      core::AgentId id = e.agent_id;
      Later(RandomMs(60'000, 300'000), [this, id] {
        dialer_->SetAgentState(id, AgentState::kAvailable, "", nullptr);
        if (mode_ == core::CampaignMode::kPreview) PullSoon(id, 0);
      });
    }
    if (e.state == AgentState::kAvailable && mode_ == core::CampaignMode::kPreview &&
        before != AgentState::kIdle && before != AgentState::kLoggedOut) {
      PullSoon(e.agent_id, RandomMs(1000, 5000));
    }
  }

  void Handle(const engine::ReservationEvent&) {}  // sim:auto stations answer by themselves

  void Handle(const engine::OfferEvent& e) {
    core::AgentId agent = e.agent_id;
    core::OfferId offer = e.offer_id;
    bool can_remove = e.can_remove;
    bool can_cancel = e.can_cancel;
    bool can_skip = e.can_skip;
    Later(RandomMs(2000, 15000), [this, agent, offer, can_remove, can_cancel, can_skip] {
      double roll = Uniform();
      core::OfferAction action = core::OfferAction::kAccept;
      if (roll < 0.08 && can_skip) {
        action = core::OfferAction::kSkip;
      } else if (roll < 0.10 && can_remove) {
        action = core::OfferAction::kRemove;
      } else if (roll < 0.11 && can_cancel) {
        action = core::OfferAction::kCancel;
      }
      dialer_->ActOnOffer(agent, offer, action, [this, agent, offer](const engine::ActionResult& r) {
        // A concurrency limit: try again shortly, as the desktop's agent would.
        if (!r.ok() && (r.error().code == core::ReasonCode::kTenantConcurrentCallLimit ||
                        r.error().code == core::ReasonCode::kDatacenterConcurrentCallLimit)) {
          Later(RandomMs(3000, 10000), [this, agent, offer] {
            dialer_->ActOnOffer(agent, offer, core::OfferAction::kAccept, nullptr);
          });
        }
      });
    });
  }

  void Handle(const engine::OfferClosedEvent&) {}

  void Handle(const engine::CallEvent& e) {
    switch (e.state) {
      case CallState::kDialing: {
        auto [it, inserted] = active_by_contact_.emplace(e.contact_id, e.call_id);
        if (!inserted && it->second != e.call_id) ++overlapping_;
        ++active_;
        peak_active_ = std::max(peak_active_, active_);
        if (active_ > tenant_limit_ || active_ > dc_limit_) ++limit_violations_;
        return;
      }
      case CallState::kRinging:
        if (mode_ != core::CampaignMode::kPreviewStandard) {
          // The agent hears the line and gives up after a while (Direct Preview has no ring limit).
          core::AgentId agent = e.agent_id;
          core::CallId call = e.call_id;
          ringing_.insert(call);
          Later(RandomMs(25'000, 40'000), [this, agent, call] {
            if (ringing_.erase(call) > 0) dialer_->EndCall(agent, call, nullptr);
          });
        }
        return;
      case CallState::kConnected: {
        ringing_.erase(e.call_id);
        core::AgentId agent = e.agent_id;
        core::CallId call = e.call_id;
        int64_t talk =
            e.amd_result == core::AmdResult::kMachine ? RandomMs(15'000, 40'000) : RandomMs(30'000, 240'000);
        Later(talk, [this, agent, call] { dialer_->EndCall(agent, call, nullptr); });
        return;
      }
      case CallState::kEnded: {
        ringing_.erase(e.call_id);
        auto it = active_by_contact_.find(e.contact_id);
        if (it != active_by_contact_.end() && it->second == e.call_id) {
          active_by_contact_.erase(it);
          --active_;
        }
        return;
      }
    }
  }

  void Handle(const engine::AttemptFailedEvent&) {}

  void Handle(const engine::WrapupEvent& e) {
    core::AgentId agent = e.agent_id;
    core::CallId call = e.call_id;
    Later(RandomMs(5000, 30000), [this, agent, call] {
      double roll = Uniform();
      std::string code = "not_interested";
      std::optional<TimePoint> callback_at;
      if (roll < 0.20) {
        code = "sale";
      } else if (roll < 0.30) {
        code = "callback";
        callback_at = time_.Now() + core::Millis{RandomMs(3'600'000, int64_t{4} * 3'600'000)};
      } else if (roll < 0.50) {
        code = "try_again";
      } else if (roll < 0.55) {
        code = "do_not_call";
      } else if (roll < 0.60) {
        code = "wrong_number";
      }
      dialer_->WrapUp(agent, call, code, callback_at, "", Uniform() < 0.3, nullptr);
    });
  }

  void Handle(const engine::NoticeEvent&) {}

  engine::SimulatedTime& time_;
  std::mt19937_64& rng_;
  core::CampaignMode mode_;
  int64_t tenant_limit_;
  int64_t dc_limit_;
  engine::Dialer* dialer_ = nullptr;
  std::unordered_map<core::AgentId, AgentSim> agents_;
  std::unordered_map<core::ContactId, core::CallId> active_by_contact_;
  std::unordered_set<core::CallId> ringing_;  // calls whose agent may give up on the ringing
  int64_t active_ = 0;
  int64_t peak_active_ = 0;
  int64_t overlapping_ = 0;
  int64_t limit_violations_ = 0;
  int64_t pull_requests_ = 0;
};

int64_t PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

core::Result<nlohmann::json> RunSimulation(const SimulateOptions& o) {
  if (auto v = ValidateSimulateOptions(o); !v.ok()) return v.error();
  auto wall_start = std::chrono::steady_clock::now();
  const TimePoint start = core::FromEpochMs(o.start_ms);
  const TimePoint end = start + std::chrono::milliseconds(static_cast<int64_t>(o.hours * 3'600'000.0));

  std::mt19937_64 rng(o.seed);
  engine::SimulatedTime time(start);
  auto mix = telephony::ParseOutcomeMix(o.outcomes);
  telephony::SimTelephony phones(
      time, time, telephony::WeightedPicker(*mix, o.seed ^ 0x9e3779b97f4a7c15ULL, 3000, 20000));
  store::MemoryStore store;
  SimAgents sim_agents(time, rng, o.mode, o.tenant_max_calls, o.datacenter_max_calls);
  engine::Dialer dialer({time, time, phones, store, sim_agents},
                        engine::DatacenterConfig{"sim-dc", o.datacenter_max_calls});
  sim_agents.set_dialer(&dialer);

  const core::TenantId tenant{1};
  core::TenantSettings ts;
  ts.name = "simulation";
  ts.max_concurrent_calls = o.tenant_max_calls;
  ts.end_call_enabled = true;
  ts.default_caller_id = "+12015550000";
  if (auto r = dialer.AddTenant(tenant, ts); !r.ok()) return r.error();

  const core::CampaignId campaign{1};
  core::CampaignSettings cs;
  cs.name = "Simulated campaign";
  cs.description = "outdial simulate";
  cs.mode = o.mode;
  cs.preview_offer_timeout_s = 120;
  if (o.mode == core::CampaignMode::kPreview) cs.preview_timeout_action = core::TimeoutAction::kSkip;
  if (auto r = dialer.AddCampaign(tenant, campaign, cs); !r.ok()) return r.error();

  // Contacts across the US time zones, weighted roughly by population.
  struct ZoneShare {
    const char* name;
    double share;
    const char* area;
  };
  const ZoneShare zone_shares[] = {{"America/New_York", 0.47, "201"},
                                   {"America/Chicago", 0.29, "312"},
                                   {"America/Denver", 0.07, "303"},
                                   {"America/Los_Angeles", 0.17, "213"}};
  std::vector<uint16_t> zone_ids;
  for (const auto& z : zone_shares) {
    auto id = dialer.zones().Intern(z.name);
    if (!id.ok()) return id.error();
    zone_ids.push_back(*id);
  }
  {
    std::vector<core::Contact> batch;
    const int64_t chunk = 100'000;
    std::uniform_real_distribution<double> unit(0, 1);
    for (int64_t i = 0; i < o.contacts; ++i) {
      double roll = unit(rng);
      size_t z = 0;
      for (double acc = zone_shares[0].share; z + 1 < std::size(zone_shares) && roll > acc;) {
        ++z;
        acc += zone_shares[z].share;
      }
      core::Contact c;
      c.id = core::ContactId{static_cast<uint64_t>(i + 1)};
      c.name = fmt::format("Customer {}", i + 1);
      c.phones.push_back(
          core::Phone{fmt::format("+1{}{:07d}", zone_shares[z].area, i % 10'000'000), "", 0, false});
      c.zone = zone_ids[z];
      c.priority = 0;
      c.next_eligible_at = start;
      batch.push_back(std::move(c));
      if (static_cast<int64_t>(batch.size()) == chunk || i + 1 == o.contacts) {
        if (auto r = dialer.AddContacts(campaign, std::move(batch)); !r.ok()) return r.error();
        batch.clear();
      }
    }
  }
  for (int i = 0; i < o.agents; ++i) {
    engine::AgentInfo info;
    info.id = core::AgentId{static_cast<uint64_t>(i + 1)};
    info.tenant_id = tenant;
    info.username = fmt::format("agent{}", i + 1);
    info.station = "sim:auto";
    if (auto r = dialer.AddAgent(info); !r.ok()) return r.error();
  }
  if (auto r = dialer.SetCampaignStatus(campaign, core::CampaignStatus::kRunning); !r.ok()) return r.error();
  for (int i = 0; i < o.agents; ++i) sim_agents.StartAgent(core::AgentId{static_cast<uint64_t>(i + 1)});

  auto setup_done = std::chrono::steady_clock::now();
  // Run the shift, checking the engine's own invariants now and then.
  std::vector<std::string> engine_problems;
  TimePoint next_check =
      o.invariant_check_interval_s > 0 ? start + core::Seconds{o.invariant_check_interval_s} : end;
  while (time.Now() < end) {
    TimePoint until = std::min(next_check, end);
    time.RunUntil(until);
    if (engine_problems.size() < 20) {
      for (auto& p : dialer.CheckInvariants()) {
        engine_problems.push_back(fmt::format("t={} {}", core::ToEpochMs(time.Now()), p));
      }
    }
    next_check = until + core::Seconds{std::max(o.invariant_check_interval_s, 1)};
  }
  sim_agents.Finish(end);
  auto wall_end = std::chrono::steady_clock::now();

  auto stats = dialer.Stats(campaign);
  const auto& counters = dialer.counters();
  nlohmann::json by_outcome = nlohmann::json::object();
  for (int i = 0; i < core::kOutcomeCount; ++i) {
    by_outcome[std::string(core::ToString(static_cast<core::Outcome>(i)))] =
        stats->attempts_by_outcome[static_cast<size_t>(i)];
  }
  nlohmann::json left = nlohmann::json::object();
  int64_t state_sum = 0;
  for (int i = 0; i < core::kContactStateCount; ++i) {
    left[std::string(core::ToString(static_cast<core::ContactState>(i)))] =
        stats->contacts_by_state[static_cast<size_t>(i)];
    state_sum += stats->contacts_by_state[static_cast<size_t>(i)];
  }
  const double wall_s = std::chrono::duration<double>(wall_end - wall_start).count();
  const double run_s = std::chrono::duration<double>(wall_end - setup_done).count();
  const double sim_s = o.hours * 3600.0;
  const double agent_hours = static_cast<double>(o.agents) * o.hours;
  auto books = sim_agents.TotalBooks();
  const double logged = std::max<double>(1, static_cast<double>(books.logged_in_ms));
  const int64_t lost = std::llabs(static_cast<long long>(o.contacts - state_sum));

  nlohmann::json out;
  out["mode"] = std::string(core::ToString(o.mode));
  out["agents"] = o.agents;
  out["contacts"] = o.contacts;
  out["hours"] = o.hours;
  out["seed"] = o.seed;
  out["outcome_mix"] = o.outcomes;
  out["attempts"] = {{"total", stats->attempts_total}, {"by_outcome", by_outcome}};
  out["actions"] = {{"reservations", counters.reservations},
                    {"offers", counters.offers},
                    {"accepts", counters.accepts},
                    {"skips", counters.skips},
                    {"removes", counters.removes},
                    {"cancels", counters.cancels},
                    {"timeouts", counters.timeouts},
                    {"wrapups", counters.wrapups},
                    {"pull_requests", sim_agents.pull_requests()},
                    {"tenant_limit_refusals", counters.tenant_limit_refusals},
                    {"datacenter_limit_refusals", counters.datacenter_limit_refusals}};
  out["contacts_per_agent_hour"] = static_cast<double>(stats->attempts_total) / agent_hours;
  out["connects_per_agent_hour"] = static_cast<double>(counters.connects) / agent_hours;
  out["occupancy"] = static_cast<double>(books.busy_ms) / logged;
  out["time_share"] = {{"on_call_or_wrap_up", static_cast<double>(books.busy_ms) / logged},
                       {"reserved_or_previewing", static_cast<double>(books.preview_ms) / logged},
                       {"available", static_cast<double>(books.available_ms) / logged},
                       {"idle", static_cast<double>(books.idle_ms) / logged}};
  out["contacts_left"] = left;
  nlohmann::json agents_end = nlohmann::json::object();
  for (int i = 0; i < o.agents; ++i) {
    auto snap = dialer.Snapshot(core::AgentId{static_cast<uint64_t>(i + 1)});
    auto& n = agents_end[std::string(core::ToString(snap->state))];
    n = n.is_null() ? 1 : n.get<int64_t>() + 1;
  }
  out["agents_at_end"] = agents_end;
  out["peak_active_calls"] = sim_agents.peak_active_calls();
  out["timers_fired"] = time.fired();
  out["setup_s"] = std::chrono::duration<double>(setup_done - wall_start).count();
  out["wall_time_s"] = wall_s;
  out["simulated_s"] = sim_s;
  out["speedup"] = sim_s / std::max(run_s, 1e-9);
  out["peak_rss_mb"] = static_cast<double>(PeakRssKb()) / 1024.0;
  out["invariants"] = {{"lost_contacts", lost},
                       {"overlapping_attempts", sim_agents.overlapping_attempts()},
                       {"limit_violations", sim_agents.limit_violations()},
                       {"engine_problems", engine_problems.size()}};
  if (!engine_problems.empty()) out["engine_problem_samples"] = engine_problems;
  return out;
}

}  // namespace outdial::app
