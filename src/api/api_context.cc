#include "api/api_context.h"

namespace outdial::api {

ApiContext::ApiContext(ApiDeps d, ApiOptions o)
    : deps(std::move(d)),
      options(std::move(o)),
      engine(deps.post),
      principals(deps.catalog, deps.clock, options.system_token),
      tenants(deps.catalog, deps.dialer, engine, options.hash_cost),
      users(deps.catalog, deps.dialer, engine, options.hash_cost, [this] { principals.ForgetAll(); }),
      sessions(deps.catalog, deps.dialer, engine, deps.clock, principals, options.session_ttl,
               options.hash_cost),
      campaigns(deps.catalog, deps.dialer, engine),
      contacts(deps.catalog, deps.dialer, engine),
      dnc(deps.catalog, deps.intake, deps.dialer, engine) {}

Json ApiContext::CampaignJson(const engine::CampaignRow& row) const {
  Json j = CampaignToJson(row);
  if (auto status = imports.Get(row.id.value)) j["import"] = ImportTracker::ToJson(*status);
  return j;
}

void ApiContext::RunOpThen(const Principal& p, const AgentOp& op,
                           std::function<void(core::Result<Json>)> done) {
  auto started = std::chrono::steady_clock::now();
  core::AgentId agent = p.user;
  engine.Post([this, agent, op, done = std::move(done), started]() mutable {
    RunAgentOp(deps.dialer, agent, op, [this, done = std::move(done), started](core::Result<Json> r) {
      deps.metrics.ObserveAckLatency(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      done(std::move(r));
    });
  });
}

}  // namespace outdial::api
