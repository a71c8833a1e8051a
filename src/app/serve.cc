#include "app/serve.h"

#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include "api/event_hub.h"
#include "api/http_server.h"
#include "api/metrics.h"
#include "api/rest_api.h"
#include "app/catalog_load.h"
#include "app/db/startup.h"
#include "app/engine_loop.h"
#include "engine/dialer.h"
#include "store/memory/memory_catalog.h"
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
    return core::MakeError(
        core::ErrorCode::kValidationFailed,
        fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column, e.description()));
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
                          {"server.web_root", &config.web_root},
                          {"server.password_hash", &config.password_hash},
                          {"log.level", &config.log_level},
                          {"database.url", &config.database_url},
                          {"datacenter.name", &config.datacenter_name},
                          {"telephony.driver", &config.telephony_driver}}) {
    if (auto r = str(key, *out); !r.ok()) return r.error();
  }
  if (auto node = table.at_path("datacenter.max_concurrent_calls")) {
    auto v = node.value<int64_t>();
    if (!v || *v < 1 || *v > 1'000'000) {
      return ConfigError("datacenter.max_concurrent_calls", "must be an integer between 1 and 1000000");
    }
    config.datacenter_max_calls = static_cast<int>(*v);
  }
  auto integer = [&](std::string_view key, int64_t lo, int64_t hi, int64_t& out) -> core::Result<void> {
    auto node = table.at_path(key);
    if (!node) return core::Ok{};
    auto v = node.value<int64_t>();
    if (!node.is_integer() || !v || *v < lo || *v > hi) {
      return ConfigError(std::string(key), fmt::format("must be an integer between {} and {}", lo, hi));
    }
    out = *v;
    return core::Ok{};
  };
  int64_t threads = config.http_threads;
  for (auto [key, lo, hi, out] : {std::tuple<std::string_view, int64_t, int64_t, int64_t*>{
                                      "server.session_ttl_s", 60, 90 * 86400, &config.session_ttl_s},
                                  {"server.http_threads", 1, 64, &threads},
                                  {"server.ws_queue_limit", 16, 1'000'000, &config.ws_queue_limit}}) {
    if (auto r = integer(key, lo, hi, *out); !r.ok()) return r.error();
  }
  config.http_threads = static_cast<int>(threads);
  if (config.password_hash != "interactive" && config.password_hash != "minimal") {
    return ConfigError("server.password_hash", "must be \"interactive\" or \"minimal\"");
  }
  if (spdlog::level::from_str(config.log_level) == spdlog::level::off && config.log_level != "off") {
    return ConfigError("log.level", "must be one of trace, debug, info, warn, error, critical, off");
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
        return ConfigError(
            key + ".outcome",
            "must be one of answer, busy, no_answer, machine, fax, sit, invalid, network_error, reject");
      }
      if (rc.after_ms < 0 || rc.after_ms > 600'000)
        return ConfigError(key + ".after_ms", "must be between 0 and 600000");
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

// The built web UI: the configured directory, else web/dist beside the binary's source tree
// (build/<preset>/outdial → ../../web/dist) or under the working directory.
std::string FindWebRoot(const std::string& configured) {
  namespace fs = std::filesystem;
  if (!configured.empty()) return configured;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      candidates.push_back(dir / "web" / "dist");
      candidates.push_back(dir / "share" / "outdial" / "web");
    }
  }
  candidates.push_back(fs::current_path(ec) / "web" / "dist");
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c / "index.html", ec)) return c.string();
  }
  return (fs::current_path(ec) / "web" / "dist").string();
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
  if (config.telephony_driver != "sim") {
    std::cerr << "error: telephony.driver = \"" << config.telephony_driver
              << "\" is not available in this build yet; use \"sim\"\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  api::HashCost hash_cost =
      config.password_hash == "minimal" ? api::HashCost::kMinimal : api::HashCost::kInteractive;

  EngineLoop loop;
  std::vector<telephony::SimRule> rules;
  for (const auto& r : config.sim_rules)
    rules.push_back({r.match, *telephony::SimOutcomeFromString(r.outcome), r.after_ms});
  telephony::SimTelephony phones(loop, loop, telephony::RulePicker(std::move(rules)));
  // The store: SQLite or PostgreSQL from database.url, or everything in memory with "memory:".
  // Either object is both the Catalog and the engine's Store.
  std::unique_ptr<store::MemoryCatalog> memory;
  std::unique_ptr<store::sql::SqlDatabase> db;
  engine::Catalog* catalog_port = nullptr;
  engine::Store* store_port = nullptr;
  if (config.database_url == "memory:") {
    memory = std::make_unique<store::MemoryCatalog>();
    catalog_port = memory.get();
    store_port = memory.get();
  } else {
    auto opened = store::OpenDatabase(config.database_url,
                                      [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); });
    if (!opened.ok()) {
      std::cerr << "error: database.url = \"" << config.database_url << "\": " << opened.error().message
                << "\n";
      return 1;
    }
    db = std::move(*opened);
    catalog_port = db.get();
    store_port = db.get();
  }
  engine::Catalog& catalog = *catalog_port;
  api::EventHub hub(loop, loop);
  engine::Dialer dialer({loop, loop, phones, *store_port, hub},
                        engine::DatacenterConfig{config.datacenter_name, config.datacenter_max_calls});
  hub.Attach(&dialer);
  loop.Start();

  DemoSeed demo;
  if (options.demo) {
    auto seeded = SeedDemo(catalog, hash_cost, loop.Now());
    if (!seeded.ok()) {
      std::cerr << "error: could not seed the demo: " << seeded.error().message << "\n";
      loop.Stop();
      return 1;
    }
    demo = *seeded;
  }
  auto loaded = RecoverAndLoad(
      catalog, dialer, loop.Now(), [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); },
      [&loop](std::function<void()> fn) { loop.Call(std::move(fn)); });
  if (!loaded.ok()) {
    std::cerr << "error: " << loaded.error().message << "\n";
    loop.Stop();
    return 1;
  }
  loop.Post([&] { hub.Start(); });

  api::Metrics metrics;
  api::ApiOptions api_options;
  api_options.system_token = config.system_token;
  api_options.session_ttl = std::chrono::seconds(config.session_ttl_s);
  api_options.hash_cost = hash_cost;
  api_options.web_root = FindWebRoot(config.web_root);
  api_options.version = OUTDIAL_VERSION;
  api_options.datacenter_name = config.datacenter_name;
  api::RestApi rest({catalog, dialer, [&loop](std::function<void()> task) { loop.Post(std::move(task)); },
                     loop, hub, metrics},
                    api_options);
  api::HttpServer::Options http_options;
  http_options.listen = config.listen;
  http_options.threads = config.http_threads;
  http_options.ws_queue_limit = static_cast<size_t>(config.ws_queue_limit);
  api::HttpServer server(
      http_options,
      [&rest](api::HttpRequest req, api::Reply reply) { rest.Handle(std::move(req), std::move(reply)); },
      [&rest](const api::HttpRequest& req) { return rest.AcceptWebSocket(req); });
  rest.SetServerCounters(&server.counters());
  if (auto started = server.Start(); !started.ok()) {
    std::cerr << "error: " << started.error().message << "\n";
    loop.Post([&] { hub.Stop(); });
    loop.Stop();
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  spdlog::info("loaded {} tenants, {} agents, {} campaigns, {} contacts; web UI from {}", loaded->tenants,
               loaded->agents, loaded->campaigns, loaded->contacts, api_options.web_root);
  std::cout << fmt::format("outdial {} listening: open http://{}:{}/", OUTDIAL_VERSION, host, server.port())
            << std::endl;
  if (options.demo) {
    if (demo.created) {
      std::cout
          << fmt::format(
                 "demo: tenant 'demo' with {} running campaigns of {} contacts; log in as admin/admin or "
                 "agent1..agent3 (password 'agent')",
                 demo.campaigns, demo.contacts_per_campaign)
          << std::endl;
    } else {
      std::cout << "demo: tenant 'demo' exists already; nothing seeded" << std::endl;
    }
  }
  std::cout << fmt::format(
                   "database {}: {} campaigns, {} contacts, {} agents loaded in {:.2f} s; recovery closed {} "
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
  // Graceful stop: no new connections, let the requests in flight finish (their commits and
  // acks), then close the sockets, stop the stats ticker and the engine thread.
  server.StopAccepting();
  for (int i = 0; i < 50 && server.counters().requests_in_flight.load() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  loop.Call([&] { hub.Stop(); });
  server.Stop();
  loop.Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace outdial::app
