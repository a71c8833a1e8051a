// Test support for the black-box API tests: start `outdial serve` as a subprocess on a free port
// with a temporary config, and a small HTTP and WebSocket client (Beast, in client.cc only).
// Every wait is bounded.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace outdial::testing {

using Json = nlohmann::json;

struct HttpResult {
  int status = 0;  // 0: no answer (connection failed or timed out)
  std::string body;
  std::string content_type;
  Json json() const;  // the body parsed (discarded value when not JSON)
};

class ServerProcess {
 public:
  // `toml` is the config body; `listen = "127.0.0.1:0"` is added under [server] unless present.
  explicit ServerProcess(std::string toml, bool demo = true);
  ~ServerProcess();
  bool started() const { return port_ != 0; }
  int port() const { return port_; }
  std::string log() const;
  // SIGTERM and wait (bounded); returns the exit status (-1 when it had to be killed).
  int Stop();

 private:
  std::string dir_;
  int pid_ = -1;
  int port_ = 0;
};

HttpResult Http(int port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& token = "", const std::string& content_type = "application/json");

// Sends `raw` as is (e.g. headers announcing a body larger than the limit) and reads one answer.
HttpResult HttpRaw(int port, const std::string& raw);

class WsClient {
 public:
  WsClient();
  ~WsClient();
  // Opens ws://127.0.0.1:port/target; on failure returns false and `http_status` holds the answer.
  bool Connect(int port, const std::string& target, int* http_status = nullptr);
  bool SendText(const std::string& text);
  bool SendBinary(const std::string& data);
  // The next text frame as JSON, or nullopt after `timeout`.
  std::optional<Json> Next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // The first frame not yet taken that matches — frames that arrived earlier are searched first
  // (events and acks need not come in the order a test waits for them) — or nullopt after
  // `timeout`. Every frame read is also appended to `seen`.
  std::optional<Json> WaitFor(const std::function<bool(const Json&)>& match,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  std::vector<Json> seen;
  std::vector<Json> pending;  // read, not yet taken by WaitFor
  bool open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace outdial::testing
