// store_crash_driver: the engine on simulated telephony, dialing continuously against a SQLite file
// with real commits, for crash_test.sh, which kills it with SIGKILL at random moments.
//
//   store_crash_driver seed  --db F --contacts N --agents K   create the tenant, campaign, agents
//   store_crash_driver run   --db F --acks F [--seconds S]    recover, load, dial until killed
//   store_crash_driver check --db F --acks F --contacts N     recover, then check PRODUCT.md §8
//
// `run` appends every acknowledged agent action to the ack log with write(2) on an O_APPEND file,
// inside the ack callback, so a line in the log means "the engine acknowledged this" and survives
// the kill (the kernel has it). `check` then proves each one is in the database.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "app/db/startup.h"
#include "app/engine_loop.h"
#include "engine/dialer.h"
#include "store/open.h"
#include "store/sqlite/sqlite_connection.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial {
namespace {

struct Args {
  std::string mode, db, acks;
  int contacts = 2000, agents = 20, seconds = 600;
  uint64_t seed = 1;
};

int Fail(const std::string& message) {
  std::cerr << "crash_driver: " << message << std::endl;
  return 1;
}

std::string Url(const Args& a) {
  return "sqlite://" + a.db;
}

void Inline(std::function<void()> fn) {
  fn();
}

int Seed(const Args& a) {
  auto db = store::OpenDatabase(Url(a), Inline);
  if (!db.ok()) return Fail(db.error().message);
  auto& catalog = **db;
  if (catalog.FindTenantByName("crash").ok()) return 0;
  core::TenantSettings ts;
  ts.name = "crash";
  ts.max_concurrent_calls = 1000;
  ts.default_timezone = "UTC";
  auto tenant =
      catalog.CreateTenant(ts, engine::UserRow{{}, {}, "admin", "!", engine::Role::kAdmin, "", "", {}});
  if (!tenant.ok()) return Fail(tenant.error().message);
  core::CampaignSettings cs;
  cs.name = "crash";
  cs.mode = core::CampaignMode::kPreviewStandard;
  cs.calling_window = core::CallingWindow{};
  for (auto& day : cs.calling_window.days) day = {core::MinuteRange{0, 1440}};
  cs.max_attempts = 100;
  cs.max_attempts_per_number = 100;
  for (auto& rule : cs.retry) rule = core::RetryRule{1, false};  // contacts keep cycling
  cs.preview_offer_timeout_s = 10;
  auto campaign = catalog.CreateCampaign(tenant->id, cs);
  if (!campaign.ok()) return Fail(campaign.error().message);
  for (int done = 0; done < a.contacts;) {
    std::vector<engine::ContactRow> rows;
    for (; done < a.contacts && rows.size() < 1000; ++done) {
      engine::ContactRow row;
      row.contact.name = fmt::format("Contact {}", done);
      row.contact.phones.push_back(core::Phone{fmt::format("+1201{:07d}", done), "mobile", 0, false});
      row.timezone = "UTC";
      rows.push_back(std::move(row));
    }
    if (auto r = catalog.InsertContacts(tenant->id, campaign->id, rows); !r.ok())
      return Fail(r.error().message);
  }
  if (auto r = catalog.SetCampaignStatus(tenant->id, campaign->id, core::CampaignStatus::kRunning); !r.ok()) {
    return Fail(r.error().message);
  }
  for (int i = 0; i < a.agents; ++i) {
    engine::UserRow u{{},         tenant->id, fmt::format("agent{}", i), "!", engine::Role::kAgent, "",
                      "sim:auto", {}};
    if (auto r = catalog.CreateUser(u); !r.ok()) return Fail(r.error().message);
  }
  return 0;
}

// Agents that act at once (a few milliseconds of "thinking" on engine timers), logging each ack.
class FastAgents final : public engine::EventSink {
 public:
  FastAgents(app::EngineLoop& loop, int ack_fd, uint64_t seed) : loop_(loop), fd_(ack_fd), rng_(seed) {}
  void set_dialer(engine::Dialer* dialer) { dialer_ = dialer; }
  void OnEvent(const engine::Event& event) override {
    std::visit([this](const auto& e) { Handle(e); }, event);
  }
  std::atomic<uint64_t> acks{0};

 private:
  int64_t Ms(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  void Later(int64_t ms, std::function<void()> fn) {
    loop_.Schedule(loop_.Now() + core::Millis{ms}, std::move(fn));
  }
  void Log(const std::string& line) {
    std::string text = line + "\n";
    if (::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::abort();
    ++acks;
  }

  void Handle(const engine::OfferEvent& e) {
    core::AgentId agent = e.agent_id;
    core::OfferId offer = e.offer_id;
    bool skip = e.can_skip && Ms(0, 9) == 0;
    Later(Ms(1, 20), [this, agent, offer, skip] {
      dialer_->ActOnOffer(agent, offer, skip ? core::OfferAction::kSkip : core::OfferAction::kAccept,
                          [this, offer, skip](const engine::ActionResult& r) {
                            if (!r.ok()) return;
                            if (skip) {
                              Log(fmt::format("skip {}", offer.value));
                            } else {
                              Log(fmt::format("accept {} {}", offer.value, r->call_id.value));
                            }
                          });
    });
  }
  void Handle(const engine::CallEvent& e) {
    if (e.state != core::CallState::kConnected) return;
    core::AgentId agent = e.agent_id;
    core::CallId call = e.call_id;
    Later(Ms(5, 50), [this, agent, call] {
      dialer_->EndCall(agent, call, [this, call](const engine::ActionResult& r) {
        if (r.ok()) Log(fmt::format("end {}", call.value));
      });
    });
  }
  void Handle(const engine::WrapupEvent& e) {
    core::AgentId agent = e.agent_id;
    core::CallId call = e.call_id;
    int roll = static_cast<int>(Ms(0, 99));
    std::string code = roll < 90 ? "try_again" : roll < 95 ? "sale" : "not_interested";
    Later(Ms(1, 20), [this, agent, call, code] {
      dialer_->WrapUp(agent, call, code, std::nullopt, "crash test", false,
                      [this, call, code](const engine::ActionResult& r) {
                        if (r.ok()) Log(fmt::format("wrapup {} {}", call.value, code));
                      });
    });
  }
  void Handle(const engine::AgentStateEvent& e) {
    if (e.state != core::AgentState::kIdle) return;
    core::AgentId agent = e.agent_id;
    Later(10, [this, agent] { dialer_->SetAgentState(agent, core::AgentState::kAvailable, "", nullptr); });
  }
  template <typename E>
  void Handle(const E&) {}

  app::EngineLoop& loop_;
  int fd_;
  std::mt19937_64 rng_;
  engine::Dialer* dialer_ = nullptr;
};

int Run(const Args& a) {
  int fd = ::open(a.acks.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Fail("cannot open the ack log " + a.acks);
  app::EngineLoop loop;
  telephony::SimTelephony phones(
      loop, loop,
      // No no-answer outcome: its ring limit (16 s at least) would idle an agent for a whole run.
      telephony::WeightedPicker({{telephony::SimOutcome::kAnswer, 0.6},
                                 {telephony::SimOutcome::kBusy, 0.25},
                                 {telephony::SimOutcome::kNetworkError, 0.15}},
                                a.seed, 5, 60));
  auto db = store::OpenDatabase(Url(a), [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); });
  if (!db.ok()) return Fail(db.error().message);
  FastAgents agents(loop, fd, a.seed);
  engine::Dialer dialer({loop, loop, phones, **db, agents}, engine::DatacenterConfig{"crash", 1000});
  agents.set_dialer(&dialer);
  loop.Start();
  auto started = app::RecoverAndLoad(
      **db, dialer, loop.Now(), [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); },
      [&loop](std::function<void()> fn) { loop.Call(std::move(fn)); });
  if (!started.ok()) {
    loop.Stop();
    return Fail(started.error().message);
  }
  auto problems = loop.Call([&] {
    auto tenant = (*db)->FindTenantByName("crash");
    std::vector<std::string> p = dialer.CheckInvariants();
    for (core::CampaignId cid : dialer.Campaigns()) {
      auto st = dialer.Stats(cid);
      if (st->contacts_by_state[static_cast<size_t>(core::ContactState::kInProgress)] != 0) {
        p.push_back("a contact is in progress right after the load");
      }
    }
    if (tenant.ok()) {
      auto users = (*db)->ListUsers(tenant->id);
      for (const auto& u : *users) {
        if (u.role != engine::Role::kAgent) continue;
        dialer.Login(u.id, nullptr);
        dialer.SetAgentState(u.id, core::AgentState::kAvailable, "", nullptr);
      }
    }
    return p;
  });
  if (!problems.empty()) {
    loop.Stop();
    return Fail("after load: " + problems.front());
  }
  std::cout << fmt::format("ready contacts={} recovered_attempts={} released={} id_floor={}",
                           started->contacts, started->recovery.attempts_interrupted,
                           started->recovery.contacts_released, started->id_floor)
            << std::endl;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(a.seconds);
  while (std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto counters = loop.Call([&] { return dialer.counters(); });
  loop.Stop();
  std::cout << fmt::format("done acks={} dials={} wrapups={}", agents.acks.load(), counters.dials,
                           counters.wrapups)
            << std::endl;
  ::close(fd);
  return 0;
}

int Check(const Args& a) {
  {
    // The recovery a restart would run; "once recovery settles" is after this.
    auto db = store::OpenDatabase(Url(a), Inline);
    if (!db.ok()) return Fail(db.error().message);
    auto r = (*db)->Recover(core::FromEpochMs(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count()));
    if (!r.ok()) return Fail(r.error().message);
  }
  auto conn = store::sqlite::SqliteConnection::Open(a.db, {});
  if (!conn.ok()) return Fail(conn.error().message);
  store::sql::Connection& db = **conn;
  std::vector<std::string> problems;
  auto step = [&](store::sql::Query& q) {
    auto r = q.Step();
    if (!r.ok()) {
      problems.push_back(r.error().message);
      return false;
    }
    return *r;
  };

  // 1. No contact lost: per-state counts add up to the number imported; none stays in progress.
  int64_t total = 0, in_progress = 0;
  std::map<std::string, int64_t> by_state;
  {
    store::sql::Query q(db, "SELECT state, COUNT(*) FROM contacts GROUP BY state");
    while (step(q)) {
      by_state[q.String(0)] = q.Int(1);
      total += q.Int(1);
      if (q.Text(0) == "in_progress") in_progress = q.Int(1);
    }
  }
  if (total != a.contacts)
    problems.push_back(fmt::format("{} contacts stored, {} imported", total, a.contacts));
  if (in_progress != 0)
    problems.push_back(fmt::format("{} contacts still in_progress after recovery", in_progress));

  // 2. Never two calls to one contact at once: attempts of a contact do not overlap in time.
  int64_t attempts = 0, overlaps = 0, open = 0;
  {
    store::sql::Query q(
        db, "SELECT contact_id, started_at, ended_at FROM attempts ORDER BY contact_id, started_at, id");
    int64_t prev_contact = -1, prev_end = 0;
    while (step(q)) {
      ++attempts;
      int64_t contact = q.Int(0), started = q.Int(1);
      if (q.IsNull(2)) ++open;
      int64_t ended = q.IsNull(2) ? INT64_MAX : q.Int(2);
      if (contact == prev_contact && started < prev_end) ++overlaps;
      prev_contact = contact;
      prev_end = ended;
    }
  }
  if (open != 0) problems.push_back(fmt::format("{} attempts still open after recovery", open));
  if (overlaps != 0) problems.push_back(fmt::format("{} overlapping attempts", overlaps));

  // 3. Acknowledged means durable: every logged ack is in the database.
  std::ifstream log(a.acks);
  std::string content((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  int64_t acks = 0, missing = 0;
  size_t pos = 0;
  for (;;) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line was never complete: not an ack
    std::string text = content.substr(pos, nl - pos);
    std::istringstream line(text);
    pos = nl + 1;
    std::string kind;
    uint64_t id = 0;
    line >> kind >> id;
    ++acks;
    bool found = false;
    if (kind == "accept" || kind == "skip") {
      // The agent's action on the offer is the audit record written with it.
      store::sql::Query q(db, "SELECT 1 FROM audit WHERE action = $1 AND detail LIKE $2");
      q.BindAll(kind, fmt::format("offer={} %", id));
      found = step(q);
    } else if (kind == "end") {
      store::sql::Query q(db, "SELECT 1 FROM attempts WHERE id = $1 AND ended_at IS NOT NULL");
      q.Bind(id);
      found = step(q);
    } else if (kind == "wrapup") {
      std::string code;
      line >> code;
      store::sql::Query q(db, "SELECT 1 FROM attempts WHERE id = $1 AND disposition = $2");
      q.BindAll(id, code);
      found = step(q);
    }
    if (!found) {
      ++missing;
      if (missing <= 5) problems.push_back("acknowledged but not stored: " + text);
    }
  }
  if (missing > 0)
    problems.push_back(fmt::format("{} of {} acknowledged actions are missing", missing, acks));
  std::string states;
  for (const auto& [s, n] : by_state) states += fmt::format(" {}={}", s, n);
  std::cout << fmt::format("check: contacts={}{} attempts={} acks={} problems={}", total, states, attempts,
                           acks, problems.size())
            << std::endl;
  for (const auto& p : problems) std::cerr << "PROBLEM: " << p << std::endl;
  return problems.empty() ? 0 : 1;
}

}  // namespace
}  // namespace outdial

int main(int argc, char** argv) {
  outdial::Args a;
  if (argc < 2) return outdial::Fail("usage: store_crash_driver seed|run|check --db FILE [--acks FILE] ...");
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--db") {
      a.db = value;
    } else if (key == "--acks") {
      a.acks = value;
    } else if (key == "--contacts") {
      a.contacts = std::stoi(value);
    } else if (key == "--agents") {
      a.agents = std::stoi(value);
    } else if (key == "--seconds") {
      a.seconds = std::stoi(value);
    } else if (key == "--seed") {
      a.seed = std::stoull(value);
    } else {
      return outdial::Fail("unknown option " + key);
    }
  }
  if (a.db.empty()) return outdial::Fail("--db is required");
  if (a.mode == "seed") return outdial::Seed(a);
  if (a.mode == "run") return outdial::Run(a);
  if (a.mode == "check") return outdial::Check(a);
  return outdial::Fail("unknown mode " + a.mode);
}
