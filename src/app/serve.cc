#include "app/serve.h"

#include <sys/resource.h>
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
#include "app/db/startup.h"
#include "app/demo_seed.h"
#include "app/engine_loop.h"
#include "app/sip_metrics.h"
#include "engine/dialer.h"
#include "store/import/streaming_intake.h"
#include "store/memory/memory_catalog.h"
#include "store/open.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial::app {

namespace {

// The SQLite checkpointer's counters (docs/metrics.md), read from atomics on the scraping thread.
void CollectCheckpointMetrics(const store::sql::SqlDatabase& db, std::vector<api::CollectedFamily>& out) {
  const auto f = db.maintenance();
  auto family = [&out](std::string name, std::string help, uint64_t value) {
    api::CollectedFamily c;
    c.name = std::move(name);
    c.help = std::move(help);
    c.type = api::CollectedFamily::Type::kCounter;
    c.samples.push_back({{}, static_cast<double>(value)});
    out.push_back(std::move(c));
  };
  family("outdial_sqlite_checkpoints_total", "PASSIVE WAL checkpoints run by the checkpointer thread",
         f.checkpoints);
  family("outdial_sqlite_checkpoint_failures_total",
         "Checkpoints that returned an error (retried at the next tick)", f.failures);
  family("outdial_sqlite_checkpoint_pages_total", "WAL pages copied back into the database file", f.pages);
  family("outdial_sqlite_wal_restarts_total", "Times the WAL started over from its beginning", f.restarts);
  family("outdial_sqlite_checkpoint_holds_total",
         "Last checkpoint passes the writer ran between its groups so that a WAL past 8 MB could start over",
         f.holds);
}

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
        return ConfigError(
            key + ".outcome",
            "must be one of answer, busy, no_answer, machine, fax, sit, invalid, network_error, reject");
      }
      if (rc.after_ms < 0 || rc.after_ms > 600'000) {
        return ConfigError(key + ".after_ms", "must be between 0 and 600000");
      }
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

// Every WebSocket and HTTP connection holds a descriptor, and the usual soft limit (1024) would
// stop a server at about a thousand desktops: take the soft limit up to the hard one.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("getrlimit(RLIMIT_NOFILE) failed; keeping the current descriptor limit");
    return;
  }
  if (limit.rlim_cur >= limit.rlim_max) {
    spdlog::info("file descriptors: limit {}", limit.rlim_cur);
    return;
  }
  rlim_t before = limit.rlim_cur;
  // An unlimited hard limit is still capped by fs.nr_open (1048576 by default).
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("file descriptors: could not raise the soft limit {} to {}", before, limit.rlim_cur);
    return;
  }
  spdlog::info("file descriptors: soft limit raised from {} to {}", before, limit.rlim_cur);
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
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  RaiseFileLimit();
  api::HashCost hash_cost =
      config.password_hash == "minimal" ? api::HashCost::kMinimal : api::HashCost::kInteractive;

  EngineLoop loop;
  // "memory:" keeps everything in memory (tests, trying things out); anything else is a database.
  std::unique_ptr<store::MemoryCatalog> memory_db;
  std::unique_ptr<store::sql::SqlDatabase> sql_db;
  if (config.database_url == "memory:") {
    memory_db = std::make_unique<store::MemoryCatalog>();
  } else {
    auto db = store::OpenDatabase(config.database_url,
                                  [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); });
    if (!db.ok()) {
      std::cerr << "error: database.url = \"" << config.database_url << "\": " << db.error().message << "\n";
      return 1;
    }
    sql_db = std::move(*db);
  }
  engine::Catalog& catalog = memory_db ? static_cast<engine::Catalog&>(*memory_db) : *sql_db;
  engine::Store& store = memory_db ? static_cast<engine::Store&>(*memory_db) : *sql_db;

  std::vector<telephony::SimRule> rules;
  for (const auto& r : config.sim_rules) {
    rules.push_back({r.match, *telephony::SimOutcomeFromString(r.outcome), r.after_ms});
  }
  std::unique_ptr<engine::Telephony> phones;
  telephony::SipTelephony* sip_driver = nullptr;  // owned by `phones`, for /metrics
  if (config.telephony_driver == "sip") {
    auto sip = std::make_unique<telephony::SipTelephony>(config.sip,
                                                         [&loop](auto task) { loop.Post(std::move(task)); });
    if (auto r = sip->Start(); !r.ok()) {
      std::cerr << "error: " << r.error().message << "\n";
      return 2;
    }
    sip_driver = sip.get();
    phones = std::move(sip);
  } else {
    phones = std::make_unique<telephony::SimTelephony>(loop, loop, telephony::RulePicker(std::move(rules)));
  }
  api::EventHub hub(loop, loop);
  api::Metrics metrics;
  api::TimedStore timed_store(store, metrics);
  engine::Dialer dialer({loop, loop, *phones, timed_store, hub},
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
  // Recovery of what a crash left open, then the stored state into the engine (PRODUCT.md §8).
  auto loaded = RecoverAndLoad(
      catalog, dialer, loop.Now(), [&loop](std::function<void()> task) { loop.Post(std::move(task)); },
      [&loop](std::function<void()> task) { loop.Call([&] { task(); }); });
  if (!loaded.ok()) {
    std::cerr << "error: loading the stored state failed: " << loaded.error().message << "\n";
    loop.Stop();
    return 1;
  }
  if (loaded->recovery.attempts_interrupted + loaded->recovery.contacts_released > 0) {
    spdlog::warn("recovery: {} attempts closed as interrupted, {} contacts rescheduled, {} contacts released",
                 loaded->recovery.attempts_interrupted, loaded->recovery.contacts_rescheduled,
                 loaded->recovery.contacts_released);
  }
  loop.Post([&] { hub.Start(); });

  if (sip_driver != nullptr) {
    metrics.AddCollector(
        [sip_driver](std::vector<api::CollectedFamily>& out) { CollectSipMetrics(*sip_driver, out); });
  }
  if (sql_db && sql_db->maintenance().checkpointer) {
    metrics.AddCollector(
        [db = sql_db.get()](std::vector<api::CollectedFamily>& out) { CollectCheckpointMetrics(*db, out); });
  }
  api::ApiOptions api_options;
  api_options.system_token = config.system_token;
  api_options.session_ttl = std::chrono::seconds(config.session_ttl_s);
  api_options.hash_cost = hash_cost;
  api_options.web_root = FindWebRoot(config.web_root);
  api_options.version = OUTDIAL_VERSION;
  api_options.datacenter_name = config.datacenter_name;
  store::StreamingContactIntake intake;
  api::RestApi rest({catalog, intake, dialer,
                     [&loop](std::function<void()> task) { loop.Post(std::move(task)); }, loop, hub, metrics},
                    api_options);
  api::HttpServer::Options http_options;
  http_options.listen = config.listen;
  http_options.threads = config.http_threads;
  http_options.ws_queue_limit = static_cast<size_t>(config.ws_queue_limit);
  api::HttpServer server(
      http_options,
      [&rest](const api::HttpRequest& req, api::Reply reply) { rest.Handle(req, std::move(reply)); },
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
