// The handlers of the agent's actions (API.md "Agent actions": the same AgentOp as the WebSocket,
// run on the engine thread and answered after the ack) and of the live snapshots.
#include "api/api_context.h"
#include "api/errors.h"

namespace outdial::api {

namespace {

using engine::Role;

void RunOp(ApiContext& api, const Principal& p, const AgentOp& op, Reply reply) {
  api.RunOpThen(p, op, [reply = std::move(reply)](core::Result<Json> r) {
    if (!r.ok()) return reply(ErrorResponse(r.error()));
    reply(JsonResponse(200, *r));
  });
}

// A route answered by the AgentOp `parse` makes of the call.
template <typename Parse>
Handler Op(ApiContext& api, Parse parse) {
  return [&api, parse](const RouteCall& c, Reply reply) {
    core::Result<AgentOp> op = parse(c);
    if (!op.ok()) return reply(ErrorResponse(op.error()));
    RunOp(api, c.principal, *op, std::move(reply));
  };
}

core::Result<AgentOp> OfferOp(const RouteCall& c, core::OfferAction action) {
  auto id = c.Id("No such offer.");
  if (!id.ok()) return id.error();
  AgentOp op;
  op.kind = AgentOpKind::kOfferAction;
  op.offer = core::OfferId{*id};
  op.action = action;
  return op;
}

core::Result<AgentOp> CallOp(const RouteCall& c, AgentOpKind kind) {
  auto id = c.Id("No such call.");
  if (!id.ok()) return id.error();
  if (kind == AgentOpKind::kWrapUp) return ParseWrapUp(core::CallId{*id}, c.body);
  AgentOp op;
  op.kind = kind;
  op.call = core::CallId{*id};
  return op;
}

}  // namespace

void AddAgentRoutes(RouteTable& table, ApiContext& api) {
  const RoleSet agent{Role::kAgent};
  table.Add("POST", "agent/state", agent, Op(api, [](const RouteCall& c) { return ParseSetState(c.body); }));
  table.Add("POST", "agent/preview-request", agent,
            Op(api, [](const RouteCall& c) { return ParsePreviewRequest(c.body); }));
  table.Add("POST", "reservations/{id}/answer", agent,
            Op(api, [](const RouteCall& c) -> core::Result<AgentOp> {
              auto id = c.Id("No such reservation.");
              if (!id.ok()) return id.error();
              AgentOp op;
              op.kind = AgentOpKind::kAnswerReservation;
              op.reservation = core::ReservationId{*id};
              return op;
            }));
  for (core::OfferAction action : {core::OfferAction::kAccept, core::OfferAction::kSkip,
                                   core::OfferAction::kRemove, core::OfferAction::kCancel}) {
    table.Add("POST", "offers/{id}/" + std::string(core::ToString(action)), agent,
              Op(api, [action](const RouteCall& c) { return OfferOp(c, action); }));
  }
  const std::pair<const char*, AgentOpKind> call_actions[] = {
      {"cancel", AgentOpKind::kCancelCall}, {"end", AgentOpKind::kEndCall}, {"wrapup", AgentOpKind::kWrapUp}};
  for (const auto& [name, kind] : call_actions) {
    table.Add("POST", std::string("calls/{id}/") + name, agent,
              Op(api, [kind = kind](const RouteCall& c) { return CallOp(c, kind); }));
  }
  table.Add("GET", "agent", agent, [&api](const RouteCall& c, Reply reply) {
    api.engine.Post([&api, agent = c.principal.user, reply = std::move(reply)] {
      auto snap = api.deps.dialer.Snapshot(agent);
      if (!snap) return reply(ErrorResponse(NotFound("No such agent.")));
      reply(JsonResponse(200, SnapshotToJson(*snap)));
    });
  });
  table.Add("GET", "agents", {Role::kAdmin, Role::kSupervisor}, [&api](const RouteCall& c, Reply reply) {
    api.engine.Post([&api, tenant = c.principal.tenant, reply = std::move(reply)] {
      reply(JsonResponse(200, api.deps.hub.AgentsSnapshot(tenant)));
    });
  });
}

}  // namespace outdial::api
