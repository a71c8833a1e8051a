#include "api/rest_api.h"

#include <spdlog/spdlog.h>

#include "api/api_context.h"
#include "api/errors.h"
#include "api/events_session.h"
#include "api/router.h"
#include "api/static_files.h"

namespace outdial::api {

struct RestApi::Impl {
  ApiContext api;
  RouteTable routes;  // /api/v1/…, built once here and read-only afterwards

  Impl(ApiDeps d, ApiOptions o) : api(std::move(d), std::move(o)) {
    AddAdminRoutes(routes, api);
    AddCampaignRoutes(routes, api);
    AddAgentRoutes(routes, api);
  }

  void Handle(const HttpRequest& req, Reply reply) {
    auto started = std::chrono::steady_clock::now();
    Reply counted = [this, reply = std::move(reply), method = req.method, target = req.target,
                     started](HttpResponse r) {
      api.deps.metrics.CountRequest(r.status);
      auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
              .count();
      if (r.status >= 500) {
        spdlog::warn("http {} {} -> {} ({} us)", method, target, r.status, us);
      } else {
        spdlog::debug("http {} {} -> {} ({} us)", method, target, r.status, us);
      }
      reply(std::move(r));
    };
    Target t = ParseTarget(req.target);
    if (!t.ok) return counted(ErrorResponse(NotFound("The path is not valid.")));
    const auto& s = t.segments;
    if (s.size() == 1 && s[0] == "healthz" && req.method == "GET") {
      return counted(JsonResponse(200, {{"status", "ok"}, {"version", api.options.version}}));
    }
    if (s.size() == 1 && s[0] == "metrics" && req.method == "GET") return Metrics(counted);
    if (s.size() >= 2 && s[0] == "api" && s[1] == "v1") {
      return routes.Dispatch(req, t, std::span<const std::string>(s).subspan(2), api.principals,
                             std::move(counted));
    }
    if (!s.empty() && s[0] == "api") return counted(ErrorResponse(NotFound("No such endpoint.")));
    if (req.method != "GET" && req.method != "HEAD") {
      return counted(ErrorResponse(NotFound("No such endpoint.")));
    }
    StaticSite site{api.options.web_root, api.options.version, api.options.datacenter_name};
    return counted(ServeStatic(site, t, [this] { return CampaignRows(); }));
  }

  void Metrics(const Reply& reply) {
    auto figures = std::make_shared<EngineFigures>();
    auto waited = api.engine.Run([this, figures] {
      engine::Dialer& d = api.deps.dialer;
      figures->counters = d.counters();
      figures->datacenter_active_calls = d.DatacenterActiveCalls();
      figures->datacenter_limit = d.datacenter().max_concurrent_calls;
      for (core::TenantId tid : d.Tenants()) {
        figures->tenants.push_back({tid, "", d.ActiveCalls(tid), 0});
        for (core::AgentId aid : d.Agents(tid)) {
          if (auto snap = d.Snapshot(aid)) ++figures->agents_by_state[static_cast<size_t>(snap->state)];
        }
      }
      for (core::CampaignId cid : d.Campaigns()) {
        if (auto st = d.Stats(cid)) {
          for (size_t i = 0; i < figures->attempts_by_outcome.size(); ++i) {
            figures->attempts_by_outcome[i] += st->attempts_by_outcome[i];
          }
        }
      }
    });
    if (!waited.ok()) return reply(ErrorResponse(waited.error()));
    for (auto& t : figures->tenants) {
      if (auto row = api.deps.catalog.GetTenant(t.id); row.ok()) {
        t.name = row->settings.name;
        t.limit = row->settings.max_concurrent_calls;
      }
    }
    ServerFigures server;
    if (api.server_counters != nullptr) {
      server.ws_clients = api.server_counters->ws_open.load();
      server.ws_overflow_drops = api.server_counters->ws_overflow_drops.load();
    }
    server.event_frames = api.deps.hub.frames_queued();
    reply(HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                       api.deps.metrics.Render(*figures, server)});
  }

  // The not-built page's table: one row per campaign the engine holds.
  std::string CampaignRows() {
    std::string rows;
    (void)api.engine.Run([&] {
      for (core::CampaignId cid : api.deps.dialer.Campaigns()) {
        auto st = api.deps.dialer.Stats(cid);
        auto brief = api.deps.dialer.Campaign(cid);
        if (!st || !brief) continue;
        rows += "<tr><td>" + cid.str() + "</td><td>" + std::string(core::ToString(brief->status)) + "</td>";
        for (int i = 0; i < core::kContactStateCount; ++i) {
          rows += "<td>" + std::to_string(st->contacts_by_state[static_cast<size_t>(i)]) + "</td>";
        }
        rows += "<td>" + std::to_string(st->attempts_total) + "</td><td>" + std::to_string(st->active_calls) +
                "</td></tr>";
      }
    });
    return rows;
  }

  core::Result<std::shared_ptr<WsSession>> AcceptWebSocket(const HttpRequest& req) {
    Target t = ParseTarget(req.target);
    if (!(t.segments.size() == 3 && t.segments[0] == "api" && t.segments[1] == "v1" &&
          t.segments[2] == "events")) {
      return NotFound("No WebSocket here; the event stream is GET /api/v1/events?token=...");
    }
    std::string token = QueryOr(t, "token");
    auto principal = token.empty() ? api.principals.Authenticate(req) : api.principals.ForToken(token);
    if (!principal.ok()) return principal.error();
    if (principal->role == engine::Role::kSystem) return Forbidden();
    return std::shared_ptr<WsSession>(std::make_shared<EventsSession>(api, *principal));
  }
};

RestApi::RestApi(ApiDeps deps, ApiOptions options)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(options))) {}
RestApi::~RestApi() = default;

void RestApi::Handle(const HttpRequest& request, Reply reply) {
  impl_->Handle(request, std::move(reply));
}

core::Result<std::shared_ptr<WsSession>> RestApi::AcceptWebSocket(const HttpRequest& request) {
  return impl_->AcceptWebSocket(request);
}

void RestApi::SetServerCounters(const HttpServer::Counters* counters) {
  impl_->api.server_counters = counters;
}

core::Result<void> RestApi::OnEngine(std::function<void()> fn) {
  return impl_->api.engine.Run(std::move(fn));
}

}  // namespace outdial::api
