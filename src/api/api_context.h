// ApiContext: what the route handlers share — the dependencies and options of RestApi, the
// EngineGate, the principal cache, the import tracker and the services — built once by RestApi.
// The Add*Routes functions fill the route table with the handlers of one area each; a handler
// parses the request into typed values, calls a service and maps the result to JSON.
//
// Threading: handlers run on HTTP I/O threads; members are thread-safe or engine-thread-only as
// their own headers say.
#pragma once

#include <functional>

#include "api/agent_ops.h"
#include "api/import_tracker.h"
#include "api/principals.h"
#include "api/rest_api.h"
#include "api/router.h"
#include "api/services/campaign_service.h"
#include "api/services/contact_service.h"
#include "api/services/dnc_service.h"
#include "api/services/engine_gate.h"
#include "api/services/session_service.h"
#include "api/services/tenant_service.h"
#include "api/services/user_service.h"

namespace outdial::api {

struct ApiContext {
  ApiContext(ApiDeps d, ApiOptions o);
  ApiContext(const ApiContext&) = delete;  // the services hold references to its members
  ApiContext& operator=(const ApiContext&) = delete;

  core::TimePoint Now() const { return deps.clock.Now(); }
  // The campaign object with this server's extension `import`: the latest contact import's
  // progress (absent when there was none since the server started).
  Json CampaignJson(const engine::CampaignRow& row) const;
  // Runs an agent operation on the engine thread; `done` runs there after the ack.
  void RunOpThen(const Principal& p, const AgentOp& op, std::function<void(core::Result<Json>)> done);

  ApiDeps deps;
  ApiOptions options;
  const HttpServer::Counters* server_counters = nullptr;
  EngineGate engine;
  Principals principals;
  ImportTracker imports;
  TenantService tenants;
  UserService users;
  SessionService sessions;
  CampaignService campaigns;
  ContactService contacts;
  DncService dnc;
};

// tenants, login/logout, users (admin_routes.cc)
void AddAdminRoutes(RouteTable& table, ApiContext& api);
// campaigns and their status, contacts, stats, DNC lists (campaign_routes.cc)
void AddCampaignRoutes(RouteTable& table, ApiContext& api);
// the agent's actions and snapshots, the supervisor's agent list (agent_routes.cc)
void AddAgentRoutes(RouteTable& table, ApiContext& api);

// A service result as the answer: `to_json` of the value with `status`, or the error.
template <typename T, typename ToJson>
HttpResponse Answer(const core::Result<T>& result, int status, ToJson&& to_json) {
  if (!result.ok()) return ErrorResponse(result.error());
  return JsonResponse(status, to_json(*result));
}
inline HttpResponse Answer(const core::Result<void>& result) {
  return result.ok() ? NoContent() : ErrorResponse(result.error());
}

}  // namespace outdial::api
