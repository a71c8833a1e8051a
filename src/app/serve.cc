#include "app/serve.h"

#include <csignal>
#include <iostream>
#include <mutex>
#include <condition_variable>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "api/http_server.h"
#include "app/engine_loop.h"
#include "engine/dialer.h"
#include "app/db/startup.h"
#include "store/open.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial::app {

namespace {

core::Error ConfigError(const std::string& key, const std::string& problem) {
  return core::Error{core::ErrorCode::kValidationFailed, "The configuration is not valid.", {{key, problem}}};
}

}  // namespace

core::Result<ServerConfig> LoadServerConfig(const std::string& path) {
  ServerConfig config;
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return core::MakeError(core::ErrorCode::kValidationFailed,
                           fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                                       e.description()));
  }
  auto str = [&](std::string_view key, std::string& out) -> core::Result<void> {
    auto node = table.at_path(key);
    if (!node) return core::Ok{};
    if (!node.is_string()) return ConfigError(std::string(key), "must be a string");
    out = *node.value<std::string>();
    return core::Ok{};
  };
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"server.listen", &config.listen},
                          {"server.system_token", &config.system_token},
                          {"database.url", &config.database_url},
                          {"datacenter.name", &config.datacenter_name},
                          {"telephony.driver", &config.telephony_driver},
                          {"telephony.sip.listen", &config.sip.listen},
                          {"telephony.sip.trunk", &config.sip.trunk},
                          {"telephony.sip.username", &config.sip.username},
                          {"telephony.sip.password", &config.sip.password}}) {
    if (auto r = str(key, *out); !r.ok()) return r.error();
  }
  if (auto node = table.at_path("datacenter.max_concurrent_calls")) {
    auto v = node.value<int64_t>();
    if (!v || *v < 1 || *v > 1'000'000) {
      return ConfigError("datacenter.max_concurrent_calls", "must be an integer between 1 and 1000000");
    }
    config.datacenter_max_calls = static_cast<int>(*v);
  }
  if (std::string ports; table.at_path("telephony.sip.rtp_ports")) {
    if (auto r = str("telephony.sip.rtp_ports", ports); !r.ok()) return r.error();
    if (auto r = telephony::ParseRtpPortRange(ports, config.sip); !r.ok()) return r.error();
  }
  if (auto node = table.at_path("telephony.sip.invite_timeout_ms")) {
    auto v = node.value<int64_t>();
    if (!v || *v < 500 || *v > 120'000) {
      return ConfigError("telephony.sip.invite_timeout_ms", "must be an integer between 500 and 120000");
    }
    config.sip.invite_timeout_ms = *v;
  }
  if (config.telephony_driver != "sim" && config.telephony_driver != "sip") {
    return ConfigError("telephony.driver", "must be \"sim\" or \"sip\"");
  }
  if (auto node = table.at_path("telephony.sim.rules")) {
    const toml::array* rules = node.as_array();
    if (rules == nullptr) return ConfigError("telephony.sim.rules", "must be an array of tables");
    config.sim_rules.clear();
    for (size_t i = 0; i < rules->size(); ++i) {
      std::string key = fmt::format("telephony.sim.rules[{}]", i);
      const toml::table* rule = rules->get(i)->as_table();
      if (rule == nullptr) return ConfigError(key, "must be a table {match, outcome, after_ms}");
      SimRuleConfig rc;
      rc.match = rule->get("match") ? rule->get("match")->value_or(std::string()) : "*";
      rc.outcome = rule->get("outcome") ? rule->get("outcome")->value_or(std::string()) : "";
      rc.after_ms = rule->get("after_ms") ? rule->get("after_ms")->value_or(int64_t{-1}) : 2000;
      if (rc.match.empty()) return ConfigError(key + ".match", "must be a glob such as \"+1201555*\"");
      if (!telephony::SimOutcomeFromString(rc.outcome)) {
        return ConfigError(key + ".outcome",
                           "must be one of answer, busy, no_answer, machine, fax, sit, invalid, network_error, reject");
      }
      if (rc.after_ms < 0 || rc.after_ms > 600'000) return ConfigError(key + ".after_ms", "must be between 0 and 600000");
      config.sim_rules.push_back(rc);
    }
  }
  return config;
}

namespace {

std::mutex g_stop_mutex;
std::condition_variable g_stop_cv;
volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) {
  // Only async-signal-safe work here: the main thread polls the flag.
  g_stop = 1;
}

// Counts events until the WebSocket fan-out exists (API.md events; the server issue).
class EventCounter final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event&) override { ++events_; }
  uint64_t events() const { return events_; }

 private:
  uint64_t events_ = 0;
};

// The demo tenant goes through the Catalog like any other data, then reaches the engine by the
// start-up load. A database that has it already (a second start) is not seeded again.
core::Result<size_t> SeedDemo(engine::Catalog& catalog) {
  constexpr size_t kDemoCampaigns = 3;
  if (catalog.FindTenantByName("demo").ok()) return kDemoCampaigns;
  core::TenantSettings ts;
  ts.name = "demo";
  ts.max_concurrent_calls = 50;
  ts.end_call_enabled = true;
  ts.default_timezone = "America/New_York";
  ts.default_caller_id = "+12015550000";
  // No password is set here: "!" is not an argon2id string, so nobody can log in with it.
  engine::UserRow admin{{}, {}, "admin", "!", engine::Role::kAdmin, "", "", {}};
  auto tenant = catalog.CreateTenant(ts, admin);
  if (!tenant.ok()) return tenant.error();
  struct DemoCampaign {
    core::CampaignMode mode;
    const char* name;
    const char* description;
  };
  const DemoCampaign demo[kDemoCampaigns] = {
      {core::CampaignMode::kPreviewStandard, "Renewals (Standard Preview)",
       "Customers whose contract ends this month. Offer the loyalty discount."},
      {core::CampaignMode::kPreviewDirect, "Welcome calls (Direct Preview)",
       "New customers from last week: a short welcome and a satisfaction question."},
      {core::CampaignMode::kPreview, "Win-back (Preview)", "Former customers. Ask why they left."},
  };
  const char* zones[] = {"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"};
  const char* first[] = {"Ava", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Henry", "Isla", "Jack"};
  const char* last[] = {"Miller", "Garcia", "Smith", "Brown", "Jones", "Davis", "Wilson", "Clark", "Lewis", "Young"};
  for (size_t k = 0; k < std::size(demo); ++k) {
    core::CampaignSettings cs;
    cs.name = demo[k].name;
    cs.description = demo[k].description;
    cs.mode = demo[k].mode;
    cs.priority = static_cast<int>(6 - k);
    cs.calling_window = core::CallingWindow{};
    for (auto& day : cs.calling_window.days) day = {core::MinuteRange{0, 1440}};  // demo: any time
    auto campaign = catalog.CreateCampaign(tenant->id, cs);
    if (!campaign.ok()) return campaign.error();
    std::vector<engine::ContactRow> contacts;
    for (int i = 0; i < 200; ++i) {
      engine::ContactRow row;
      core::Contact& c = row.contact;
      c.name = fmt::format("{} {}", first[i % 10], last[(i / 10 + k) % 10]);
      c.phones.push_back(core::Phone{fmt::format("+1201555{:04d}", (k * 1000 + static_cast<size_t>(i)) % 10000), "mobile", 0, false});
      row.timezone = zones[i % 4];
      c.priority = static_cast<uint8_t>(i % 7 == 0 ? 10 : 0);
      c.fields = {{"account", fmt::format("AC-{:06d}", 100000 + i)}, {"plan", i % 2 ? "Premium" : "Basic"}};
      contacts.push_back(std::move(row));
    }
    if (auto r = catalog.InsertContacts(tenant->id, campaign->id, contacts); !r.ok()) return r.error();
    if (auto r = catalog.SetCampaignStatus(tenant->id, campaign->id, core::CampaignStatus::kRunning); !r.ok()) {
      return r.error();
    }
  }
  for (int a = 1; a <= 3; ++a) {
    engine::UserRow agent{{}, tenant->id, fmt::format("agent{}", a), "!", engine::Role::kAgent, "", "sim:auto", {}};
    if (auto r = catalog.CreateUser(agent); !r.ok()) return r.error();
  }
  return kDemoCampaigns;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

int RunServer(const ServeOptions& options) {
  ServerConfig config;
  if (!options.config_path.empty()) {
    auto loaded = LoadServerConfig(options.config_path);
    if (!loaded.ok()) {
      std::cerr << "error: " << loaded.error().message << "\n";
      for (const auto& d : loaded.error().details) std::cerr << "  " << d.field << ": " << d.problem << "\n";
      return 2;
    }
    config = *loaded;
  }

  EngineLoop loop;
  std::vector<telephony::SimRule> rules;
  for (const auto& r : config.sim_rules) rules.push_back({r.match, *telephony::SimOutcomeFromString(r.outcome), r.after_ms});
  std::unique_ptr<engine::Telephony> phones;
  if (config.telephony_driver == "sip") {
    auto sip =
        std::make_unique<telephony::SipTelephony>(config.sip, [&loop](auto task) { loop.Post(std::move(task)); });
    if (auto r = sip->Start(); !r.ok()) {
      std::cerr << "error: " << r.error().message << "\n";
      return 2;
    }
    phones = std::move(sip);
  } else {
    phones = std::make_unique<telephony::SimTelephony>(loop, loop, telephony::RulePicker(std::move(rules)));
  }
  auto db = store::OpenDatabase(config.database_url, [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); });
  if (!db.ok()) {
    std::cerr << "error: database.url = \"" << config.database_url << "\": " << db.error().message << "\n";
    return 1;
  }
  EventCounter events;
  engine::Dialer dialer({loop, loop, *phones, **db, events},
                        engine::DatacenterConfig{config.datacenter_name, config.datacenter_max_calls});
  loop.Start();

  size_t demo_campaigns = 0;
  if (options.demo) {
    auto seeded = SeedDemo(**db);
    if (!seeded.ok()) {
      std::cerr << "error: could not seed the demo: " << seeded.error().message << "\n";
      loop.Stop();
      return 1;
    }
    demo_campaigns = *seeded;
  }
  auto loaded = RecoverAndLoad(
      **db, dialer, loop.Now(), [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); },
      [&loop](std::function<void()> fn) { loop.Call(std::move(fn)); });
  if (!loaded.ok()) {
    std::cerr << "error: " << loaded.error().message << "\n";
    loop.Stop();
    return 1;
  }

  api::HttpServer server({config.listen, 10 * 1024 * 1024, 1}, [&](const api::HttpRequest& req) {
    std::string path = req.target.substr(0, req.target.find('?'));
    if (req.method != "GET") {
      return api::ErrorResponse(core::MakeError(core::ErrorCode::kNotFound, "No such endpoint."));
    }
    if (path == "/healthz") {
      nlohmann::json body = {{"status", "ok"}, {"version", OUTDIAL_VERSION}};
      return api::HttpResponse{200, "application/json; charset=utf-8", body.dump()};
    }
    if (path == "/") {
      std::string html = loop.Call([&] {
        std::string rows;
        for (core::CampaignId cid : dialer.Campaigns()) {
          auto st = dialer.Stats(cid);
          rows += fmt::format("<tr><td>{}</td>", cid.value);
          for (int s = 0; s < core::kContactStateCount; ++s) rows += fmt::format("<td>{}</td>", st->contacts_by_state[static_cast<size_t>(s)]);
          rows += fmt::format("<td>{}</td><td>{}</td></tr>", st->attempts_total, st->active_calls);
        }
        std::string header;
        for (int s = 0; s < core::kContactStateCount; ++s) {
          header += fmt::format("<th>{}</th>", Escape(core::ToString(static_cast<core::ContactState>(s))));
        }
        return fmt::format(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>outdial</title>"
            "<meta http-equiv=refresh content=2><style>body{{font:15px system-ui;margin:2em;color:#222}}"
            "table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:right}}"
            "</style></head><body><h1>outdial {}</h1><p>Engine running on simulated telephony; data centre "
            "<b>{}</b>, {} of {} concurrent calls in use; {} engine events so far.</p>"
            "<table><tr><th>campaign</th>{}<th>attempts</th><th>active calls</th></tr>{}</table>"
            "<p>The agent desktop, admin console and REST API arrive with the server work; "
            "<code>outdial simulate</code> runs a whole shift meanwhile.</p></body></html>",
            OUTDIAL_VERSION, Escape(config.datacenter_name), dialer.DatacenterActiveCalls(),
            config.datacenter_max_calls, events.events(), header, rows);
      });
      return api::HttpResponse{200, "text/html; charset=utf-8", html};
    }
    return api::ErrorResponse(core::MakeError(core::ErrorCode::kNotFound, "No such endpoint."));
  });
  if (auto started = server.Start(); !started.ok()) {
    std::cerr << "error: " << started.error().message << "\n";
    loop.Stop();
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::cout << fmt::format("outdial {} listening: open http://{}:{}/", OUTDIAL_VERSION, host, server.port()) << std::endl;
  if (options.demo) {
    std::cout << fmt::format("demo: tenant 'demo' with {} running campaigns of 200 contacts; agents agent1..agent3",
                             demo_campaigns)
              << std::endl;
  }
  std::cout << fmt::format("database {}: {} campaigns, {} contacts, {} agents loaded in {:.2f} s; recovery closed {} "
                           "interrupted attempts and released {} held contacts",
                           config.database_url, loaded->campaigns, loaded->contacts, loaded->agents,
                           loaded->load_seconds, loaded->recovery.attempts_interrupted,
                           loaded->recovery.contacts_released)
            << std::endl;
  while (!g_stop) {
    std::unique_lock lock(g_stop_mutex);
    g_stop_cv.wait_for(lock, std::chrono::milliseconds(200));
  }
  std::cout << "outdial: stopping" << std::endl;
  server.Stop();
  loop.Stop();
  return 0;
}

}  // namespace outdial::app
