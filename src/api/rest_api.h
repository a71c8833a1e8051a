// RestApi: the front of the HTTP side — /healthz, /metrics, the event WebSocket, the built web UI,
// and /api/v1 through the route table (router.h) whose thin handlers (*_routes.cc) call the
// services (services/), which own the order of catalog writes and engine changes (change.h).
// Business rules stay in the services, the engine and core.
//
// Threading: Handle and AcceptWebSocket run on HTTP I/O threads. Engine work is posted through
// `post` and answered from the engine thread (replies are thread-safe). The Catalog, EventHub,
// Dialer and Metrics must outlive the server.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/auth.h"
#include "api/event_hub.h"
#include "api/http_server.h"
#include "api/metrics.h"
#include "engine/catalog.h"
#include "engine/clock.h"
#include "engine/contact_intake.h"
#include "engine/dialer.h"

namespace outdial::api {

struct ApiOptions {
  std::string system_token;  // empty: POST /tenants answers 403
  std::chrono::seconds session_ttl{12 * 3600};
  HashCost hash_cost = HashCost::kInteractive;
  std::string web_root;  // directory with index.html; empty: none
  std::string version = "0";
  std::string datacenter_name = "dc1";
};

struct ApiDeps {
  engine::Catalog& catalog;
  engine::ContactIntake& intake;                    // contact lists and typed phone numbers
  engine::Dialer& dialer;                           // engine thread only
  std::function<void(std::function<void()>)> post;  // runs a task on the engine thread
  engine::Clock& clock;                             // wall clock (thread-safe)
  EventHub& hub;                                    // engine thread only
  Metrics& metrics;
};

class RestApi {
 public:
  RestApi(ApiDeps deps, ApiOptions options);
  ~RestApi();
  RestApi(const RestApi&) = delete;
  RestApi& operator=(const RestApi&) = delete;

  void Handle(const HttpRequest& request, Reply reply);
  core::Result<std::shared_ptr<WsSession>> AcceptWebSocket(const HttpRequest& request);
  // The server's counters feed /metrics (WebSocket clients, drops).
  void SetServerCounters(const HttpServer::Counters* counters);

  // Runs `fn` on the engine thread and waits (bounded) for its result: for admin paths whose
  // answer needs engine state. UNAVAILABLE when the engine does not answer in time.
  core::Result<void> OnEngine(std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace outdial::api
