#include "api/router.h"

#include <algorithm>
#include <cassert>

#include "api/agent_ops.h"
#include "api/errors.h"

namespace outdial::api {

namespace {
bool TakesJsonBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}
bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}
}  // namespace

core::Result<uint64_t> RouteCall::Id(const char* not_found, size_t i) const {
  auto id = ParseIdText(params[i]);
  if (!id) return NotFound(not_found);
  return *id;
}

Handler Sync(SyncHandler handler) {
  return [handler = std::move(handler)](const RouteCall& call, const Reply& reply) { reply(handler(call)); };
}

RoleSet::RoleSet(std::initializer_list<engine::Role> roles) {
  for (engine::Role r : roles) bits_ |= Bit(r);
}

void RouteTable::Add(std::string method, std::string_view pattern, RoleSet roles, Handler handler,
                     bool csv_body) {
  Route route{std::move(method), {}, roles, std::move(handler), csv_body};
  size_t pos = 0;
  while (pos < pattern.size()) {
    size_t slash = pattern.find('/', pos);
    if (slash == std::string_view::npos) slash = pattern.size();
    if (slash > pos) route.pattern.emplace_back(pattern.substr(pos, slash - pos));
    pos = slash + 1;
  }
  assert(static_cast<size_t>(std::count_if(route.pattern.begin(), route.pattern.end(), IsParam)) <=
         PathParams::kMaxParams);
  routes_.push_back(std::move(route));
}

const RouteTable::Route* RouteTable::Match(std::string_view method, std::span<const std::string> segments,
                                           PathParams& params) const {
  for (const Route& route : routes_) {
    if (route.pattern.size() != segments.size() || (route.method != "*" && route.method != method)) continue;
    bool matched = true;
    for (size_t i = 0; i < segments.size() && matched; ++i) {
      matched = IsParam(route.pattern[i]) || route.pattern[i] == segments[i];
    }
    if (!matched) continue;
    params.size = 0;
    for (size_t i = 0; i < segments.size(); ++i) {
      if (IsParam(route.pattern[i])) params.values[params.size++] = segments[i];
    }
    return &route;
  }
  return nullptr;
}

void RouteTable::Dispatch(const HttpRequest& req, const Target& t, std::span<const std::string> segments,
                          Principals& principals, Reply reply) const {
  auto fail = [&](const core::Error& e) { reply(ErrorResponse(e)); };
  PathParams params;
  const Route* route = segments.empty() ? nullptr : Match(req.method, segments, params);
  if (route == nullptr) return fail(NotFound("No such endpoint."));
  // A system-only route on a server without a system token is off for everyone, token or not.
  if (route->roles.OnlySystem() && !principals.system_token_set()) {
    return fail(core::MakeError(core::ErrorCode::kForbidden,
                                "Creating tenants is disabled: [server] system_token is empty."));
  }
  core::Result<Principal> principal = Principal{};
  if (!route->roles.empty()) {
    principal = principals.Authenticate(req);
    if (!principal.ok()) return fail(principal.error());
  }
  const bool json_body = TakesJsonBody(route->method) && !(route->csv_body && IsCsvBody(req));
  auto body = json_body ? ParseBody(req) : core::Result<Json>(Json::object());
  if (!route->roles.empty() && !route->roles.Has(principal->role)) return fail(Forbidden());
  if (!body.ok()) return fail(body.error());
  route->handler(RouteCall{req, t, *principal, *body, params}, std::move(reply));
}

}  // namespace outdial::api
