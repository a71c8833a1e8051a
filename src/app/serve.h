// `outdial serve`: the running server. Reads the TOML config (every key defaulted, API.md
// "Server configuration"), wires the engine thread, simulated telephony, the store and the HTTP
// listener, seeds the demo tenant with --demo, and runs until SIGTERM/SIGINT.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "telephony/sip/sip_telephony.h"

namespace outdial::app {

struct SimRuleConfig {
  std::string match;
  std::string outcome;
  int64_t after_ms = 2000;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string system_token;
  std::string web_root;  // empty: web/dist found next to the binary or the working directory
  int64_t session_ttl_s = int64_t{12} * 3600;
  std::string password_hash = "interactive";  // or "minimal" (load tests only)
  int http_threads = 2;
  int64_t ws_queue_limit = 1024;
  std::string log_level = "info";
  // sqlite://PATH, postgresql://..., or "memory:" (everything in memory, lost at exit).
  std::string database_url = "sqlite://outdial.db";
  std::string datacenter_name = "dc1";
  int datacenter_max_calls = 1000;
  std::string telephony_driver = "sim";
  std::vector<SimRuleConfig> sim_rules = {{"*", "answer", 2000}};
  telephony::SipConfig sip;  // [telephony.sip], used when telephony_driver is "sip"
};

// Parses a TOML config file; a missing key keeps its default. Errors name the key.
core::Result<ServerConfig> LoadServerConfig(const std::string& path);

struct ServeOptions {
  std::string config_path;  // empty: defaults
  bool demo = false;
};

// Runs the server until a stop signal; returns the process exit code.
int RunServer(const ServeOptions& options);

}  // namespace outdial::app
