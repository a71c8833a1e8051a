// The route table of API.md under /api/v1: each route is a method, a path pattern whose `{name}`
// segments are parameters, the roles allowed and a handler, built once at start-up. Dispatch does
// for every route, once: matching (no route for the path and method: 404 "No such endpoint." — the
// API has no 405), authentication (401), the role (403, before the body is looked at: a forbidden
// caller learns nothing about its body) and the JSON body (400), then calls the handler.
//
// Threading: built before the server starts; Dispatch runs on HTTP I/O threads (the table is
// read-only then).
#pragma once

#include <array>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/event_hub.h"
#include "api/http_server.h"
#include "api/json_mapping.h"
#include "api/principals.h"
#include "api/request.h"

namespace outdial::api {

// The `{name}` segments of a matched path, in pattern order (at most kMaxParams: no allocation).
struct PathParams {
  static constexpr size_t kMaxParams = 2;
  std::array<std::string_view, kMaxParams> values;
  size_t size = 0;
  std::string_view operator[](size_t i) const { return values.at(i); }
};

// What a handler gets: the request, its principal (empty on an open route) and body, and the path
// parameters in pattern order.
struct RouteCall {
  const HttpRequest& http;
  const Target& target;
  const Principal& principal;
  const Json& body;  // {} unless the route's method takes a JSON body
  PathParams params;
  // The `i`-th parameter as an id; else NOT_FOUND with `not_found` (a non-id is simply not found).
  core::Result<uint64_t> Id(const char* not_found, size_t i = 0) const;
};
using Handler = std::function<void(const RouteCall&, Reply)>;
// A handler that answers at once.
using SyncHandler = std::function<HttpResponse(const RouteCall&)>;
Handler Sync(SyncHandler handler);

// A handler whose first path parameter is an id of type `Id` (core::CampaignId, ...): `fn(call, id,
// reply)`, or the route's 404 `not_found`. WithIdSync: `fn(call, id)` answers at once.
template <typename Id, typename Fn>
Handler WithId(const char* not_found, Fn fn) {
  return [not_found, fn](const RouteCall& c, Reply reply) {
    auto id = c.Id(not_found);
    if (!id.ok()) return reply(ErrorResponse(id.error()));
    fn(c, Id{*id}, std::move(reply));
  };
}
template <typename Id, typename Fn>
Handler WithIdSync(const char* not_found, Fn fn) {
  return WithId<Id>(not_found, [fn](const RouteCall& c, Id id, const Reply& reply) { reply(fn(c, id)); });
}

// A set of roles; empty: open to anyone, no token needed.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  RoleSet(std::initializer_list<engine::Role> roles);
  bool empty() const { return bits_ == 0; }
  bool Has(engine::Role role) const { return (bits_ & Bit(role)) != 0; }
  bool OnlySystem() const { return bits_ == Bit(engine::Role::kSystem); }

 private:
  static constexpr unsigned Bit(engine::Role role) { return 1u << static_cast<unsigned>(role); }
  unsigned bits_ = 0;
};

class RouteTable {
 public:
  // `method` "*" takes any method (and no body). `csv_body`: a text/csv body is the handler's to
  // read, not JSON.
  void Add(std::string method, std::string_view pattern, RoleSet roles, Handler handler,
           bool csv_body = false);

  // Routes `segments` (the path below /api/v1) and answers through `reply`.
  void Dispatch(const HttpRequest& req, const Target& t, std::span<const std::string> segments,
                Principals& principals, Reply reply) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> pattern;  // "{…}": a parameter
    RoleSet roles;
    Handler handler;
    bool csv_body = false;
  };
  const Route* Match(std::string_view method, std::span<const std::string> segments,
                     PathParams& params) const;

  std::vector<Route> routes_;
};

}  // namespace outdial::api
