// The handlers of tenants, sessions and users: each parses the request into typed values (field
// problems are collected and answered together), calls its service and maps the result to JSON.
#include <set>

#include "api/api_context.h"
#include "api/errors.h"
#include "core/settings_json.h"

namespace outdial::api {

namespace {

using core::Error;
using core::ErrorCode;
using engine::Role;

using Problems = std::vector<core::FieldProblem>;

core::Result<std::pair<std::string, std::string>> Credentials(const Json& j, const std::string& prefix) {
  Problems problems;
  auto str = [&](const char* key) -> std::string {
    if (!j.contains(key) || !j[key].is_string() || j[key].get_ref<const std::string&>().empty()) {
      problems.push_back({prefix + key, "is required (a non-empty text)"});
      return {};
    }
    const auto& v = j[key].get_ref<const std::string&>();
    if (v.size() > 256) problems.push_back({prefix + key, "must be at most 256 characters"});
    return v;
  };
  std::string username = str("username");
  std::string password = str("password");
  if (!problems.empty()) {
    return Error{ErrorCode::kValidationFailed, "The request is not valid.", std::move(problems)};
  }
  return std::make_pair(username, password);
}

void Append(Problems& problems, const Error& error) {
  problems.insert(problems.end(), error.details.begin(), error.details.end());
}

bool ValidStation(std::string_view s) {
  return s == "sim:auto" || s == "sim:manual" || s == "sim:noanswer" || s == "sim:unreachable" ||
         (s.size() > 4 && (s.substr(0, 4) == "sip:" || (s.size() > 5 && s.substr(0, 5) == "sips:")));
}

// Validates the optional user fields into `user`; problems are collected.
void UserFields(const Json& b, engine::UserRow& user, Problems& problems, bool creating) {
  static const std::set<std::string> kKnown = {"username", "password", "role", "team", "station"};
  for (const auto& [key, value] : b.items()) {
    if (!kKnown.contains(key)) problems.push_back({key, "is not a user field"});
  }
  if (b.contains("username") && !creating) problems.push_back({"username", "cannot be changed"});
  if (b.contains("role")) {
    auto role = b["role"].is_string() ? engine::RoleFromString(b["role"].get<std::string>()) : std::nullopt;
    if (!role || *role == Role::kSystem) {
      problems.push_back({"role", "must be admin, supervisor or agent"});
    } else {
      user.role = *role;
    }
  } else if (creating) {
    problems.push_back({"role", "is required: admin, supervisor or agent"});
  }
  if (b.contains("team")) {
    if (!b["team"].is_string() || b["team"].get_ref<const std::string&>().size() > 64) {
      problems.push_back({"team", "must be a text of at most 64 characters"});
    } else {
      user.team = b["team"].get<std::string>();
    }
  }
  if (b.contains("station")) {
    if (!b["station"].is_string() || !ValidStation(b["station"].get<std::string>())) {
      problems.push_back(
          {"station", "must be a SIP URI (sip:...) or sim:auto, sim:manual, sim:noanswer, sim:unreachable"});
    } else {
      user.station = b["station"].get<std::string>();
    }
  }
  if (b.contains("password") && !creating) {
    if (!b["password"].is_string() || b["password"].get_ref<const std::string&>().empty() ||
        b["password"].get_ref<const std::string&>().size() > 256) {
      problems.push_back({"password", "must be a non-empty text of at most 256 characters"});
    }
  }
}

HttpResponse NotValid(const char* what, Problems problems) {
  return ErrorResponse(Error{ErrorCode::kValidationFailed, what, std::move(problems)});
}

HttpResponse CreateTenant(ApiContext& api, const Json& b) {
  Problems problems;
  if (!b.contains("name") || !b["name"].is_string() || b["name"].get_ref<const std::string&>().empty()) {
    problems.push_back({"name", "is required (a non-empty text)"});
  }
  core::Result<std::pair<std::string, std::string>> admin = Error{};
  if (!b.contains("admin") || !b["admin"].is_object()) {
    problems.push_back({"admin", "is required: {username, password}"});
  } else {
    admin = Credentials(b["admin"], "admin.");
    if (!admin.ok()) Append(problems, admin.error());
  }
  auto settings = core::TenantSettingsFromJson(b, core::TenantSettings{}, {"admin"});
  if (!settings.ok()) Append(problems, settings.error());
  if (!problems.empty()) return NotValid("The tenant is not valid.", std::move(problems));
  auto created = api.tenants.Create(*settings, admin->first, admin->second);
  return Answer(created, 201, [](const TenantService::Created& c) {
    Json j = TenantToJson(c.tenant);
    if (c.admin) j["admin"] = UserToJson(*c.admin);
    return j;
  });
}

HttpResponse PatchTenant(ApiContext& api, const Principal& p, const Json& b) {
  auto row = api.tenants.Get(p.tenant);
  if (!row.ok()) return ErrorResponse(row.error());
  auto settings = core::TenantSettingsFromJson(b, row->settings);
  if (!settings.ok()) return ErrorResponse(settings.error());
  return Answer(api.tenants.Update(*row, *settings), 200, TenantToJson);
}

void Login(ApiContext& api, const Json& b, Reply reply) {
  Problems problems;
  if (!b.contains("tenant") || !b["tenant"].is_string() ||
      b["tenant"].get_ref<const std::string&>().empty()) {
    problems.push_back({"tenant", "is required (the tenant's name)"});
  }
  auto creds = Credentials(b, "");
  if (!creds.ok()) Append(problems, creds.error());
  if (!problems.empty()) return reply(NotValid("The login is not valid.", std::move(problems)));
  api.sessions.Login(b["tenant"].get<std::string>(), creds->first, creds->second,
                     [reply = std::move(reply)](const core::Result<SessionService::LoggedIn>& in) {
                       reply(Answer(in, 200, [](const SessionService::LoggedIn& s) {
                         return Json{{"token", s.token},
                                     {"expires_at", core::ToEpochMs(s.session.expires_at)},
                                     {"user", UserToJson(s.user)}};
                       }));
                     });
}

HttpResponse CreateUser(ApiContext& api, const Principal& p, const Json& b) {
  Problems problems;
  auto creds = Credentials(b, "");
  if (!creds.ok()) problems = creds.error().details;
  engine::UserRow user;
  user.tenant_id = p.tenant;
  user.station = "sim:auto";
  UserFields(b, user, problems, true);
  if (!problems.empty()) return NotValid("The user is not valid.", std::move(problems));
  user.username = creds->first;
  return Answer(api.users.Create(user, creds->second), 201, UserToJson);
}

HttpResponse PatchUser(ApiContext& api, const Principal& p, core::AgentId id, const Json& b) {
  auto current = api.users.Get(p.tenant, id);
  if (!current.ok()) return ErrorResponse(current.error());
  engine::UserRow user = *current;
  Problems problems;
  UserFields(b, user, problems, false);
  if (!problems.empty()) return NotValid("The user is not valid.", std::move(problems));
  std::optional<std::string> password;
  if (b.contains("password")) password = b["password"].get<std::string>();
  return Answer(api.users.Update(p, *current, user, password), 200, UserToJson);
}

Json Items(const std::vector<engine::UserRow>& users) {
  Json items = Json::array();
  for (const auto& u : users) items.push_back(UserToJson(u));
  return {{"items", items}};
}

}  // namespace

void AddAdminRoutes(RouteTable& table, ApiContext& api) {
  const RoleSet admin{Role::kAdmin};
  constexpr const char* kNoUser = "No such user.";
  table.Add("POST", "login", {},
            [&api](const RouteCall& c, Reply reply) { Login(api, c.body, std::move(reply)); });
  table.Add("*", "events", {}, Sync([](const RouteCall&) {
              return ErrorResponse(Invalid(
                  "connection", "GET /api/v1/events is a WebSocket: send an Upgrade request with ?token="));
            }));
  table.Add("POST", "logout", {Role::kAdmin, Role::kSupervisor, Role::kAgent},
            [&api](const RouteCall& c, Reply reply) {
              api.sessions.Logout(
                  c.principal, [reply = std::move(reply)](const core::Result<void>& r) { reply(Answer(r)); });
            });
  table.Add("POST", "tenants", {Role::kSystem},
            Sync([&api](const RouteCall& c) { return CreateTenant(api, c.body); }));
  table.Add("GET", "tenant", admin, Sync([&api](const RouteCall& c) {
              return Answer(api.tenants.Get(c.principal.tenant), 200, TenantToJson);
            }));
  table.Add("PATCH", "tenant", admin,
            Sync([&api](const RouteCall& c) { return PatchTenant(api, c.principal, c.body); }));
  table.Add("GET", "users", admin, Sync([&api](const RouteCall& c) {
              return Answer(api.users.List(c.principal.tenant), 200, Items);
            }));
  table.Add("POST", "users", admin,
            Sync([&api](const RouteCall& c) { return CreateUser(api, c.principal, c.body); }));
  table.Add("GET", "users/{id}", admin,
            WithIdSync<core::AgentId>(kNoUser, [&api](const RouteCall& c, core::AgentId id) {
              return Answer(api.users.Get(c.principal.tenant, id), 200, UserToJson);
            }));
  table.Add("PATCH", "users/{id}", admin,
            WithIdSync<core::AgentId>(kNoUser, [&api](const RouteCall& c, core::AgentId id) {
              return PatchUser(api, c.principal, id, c.body);
            }));
  table.Add("DELETE", "users/{id}", admin,
            WithIdSync<core::AgentId>(kNoUser, [&api](const RouteCall& c, core::AgentId id) {
              return Answer(api.users.Delete(c.principal, id));
            }));
}

}  // namespace outdial::api
