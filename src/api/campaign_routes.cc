// The handlers of campaigns (CRUD, start/pause/stop, stats), their contacts and the DNC lists:
// each parses the request into typed values, calls its service and maps the result to JSON.
#include <algorithm>

#include "api/api_context.h"
#include "api/contact_import.h"
#include "api/errors.h"
#include "api/pagination.h"
#include "core/settings_json.h"

namespace outdial::api {

namespace {

using engine::Role;

bool AgentSeesCampaign(const Principal& p, const engine::CampaignRow& c) {
  const auto& teams = c.settings.teams;
  return teams.empty() || std::find(teams.begin(), teams.end(), p.team) != teams.end();
}

HttpResponse ListCampaigns(ApiContext& api, const Principal& p) {
  auto rows = api.campaigns.List(p.tenant);
  if (!rows.ok()) return ErrorResponse(rows.error());
  Json items = Json::array();
  for (const auto& c : *rows) {
    if (p.role == Role::kAgent && !AgentSeesCampaign(p, c)) continue;
    items.push_back(api.CampaignJson(c));
  }
  return JsonResponse(200, {{"items", items}});
}

HttpResponse PatchCampaign(ApiContext& api, const Principal& p, core::CampaignId id, const Json& b) {
  auto row = api.campaigns.Get(p.tenant, id);
  if (!row.ok()) return ErrorResponse(row.error());
  auto settings = core::CampaignSettingsFromJson(b, row->settings, false);
  if (!settings.ok()) return ErrorResponse(settings.error());
  return Answer(api.campaigns.Update(*row, *settings), 200,
                [&api](const engine::CampaignRow& r) { return api.CampaignJson(r); });
}

HttpResponse DeleteCampaign(ApiContext& api, const Principal& p, core::CampaignId id) {
  auto deleted = api.campaigns.Delete(p.tenant, id);
  if (deleted.ok()) api.imports.Forget(id.value);
  return Answer(deleted);
}

HttpResponse ListContacts(ApiContext& api, const Principal& p, core::CampaignId id, const Target& t) {
  std::optional<core::ContactState> state;
  std::string state_text = QueryOr(t, "state");
  if (!state_text.empty()) {
    state = ContactStateFromString(state_text);
    if (!state) {
      return ErrorResponse(
          Invalid("state", "must be one of callable, scheduled, in_progress, done, removed, dnc, exhausted"));
    }
  }
  auto limit = PageLimit(t);
  if (!limit.ok()) return ErrorResponse(limit.error());
  return Answer(api.contacts.List(p.tenant, id, state, *limit, QueryOr(t, "cursor")), 200,
                [](const engine::ContactPage& page) {
                  Json items = Json::array();
                  for (const auto& c : page.items) items.push_back(ContactToJson(c));
                  return PageJson(std::move(items), page.next_cursor);
                });
}

HttpResponse GetContact(ApiContext& api, const Principal& p, core::ContactId id) {
  return Answer(api.contacts.Get(p.tenant, id), 200, [](const engine::ContactDetail& detail) {
    Json j = ContactToJson(detail.contact);
    Json attempts = Json::array();
    for (const auto& a : detail.attempts) attempts.push_back(AttemptToJson(a));
    j["attempts"] = attempts;
    return j;
  });
}

// The engine knows every campaign with its tenant (created, loaded and deleted through it), so
// GET stats reads no database at all: the catalog's campaign check made it 0.22x, later 0.41x,
// of a plain Beast server on SQLite (bench/rest_bench.sh). Posted and answered from the engine
// thread, not waited for (EngineGate::Run): an I/O thread parked on the engine serves no other
// connection meanwhile, which held GET stats under wrk to 0.40x.
void Stats(ApiContext& api, const Principal& p, core::CampaignId id, Reply reply) {
  api.engine.Post([&api, tenant = p.tenant, id, reply = std::move(reply)] {
    auto brief = api.deps.dialer.Campaign(id);
    auto stats = brief && brief->tenant == tenant ? api.deps.dialer.Stats(id) : std::nullopt;
    if (!stats) return reply(ErrorResponse(NotFound("No such campaign.")));
    reply(HttpResponse{200, "application/json; charset=utf-8", StatsResponseText(*stats, id)});
  });
}

HttpResponse PutDnc(ApiContext& api, const Principal& p, const RouteCall& c) {
  auto list = std::string(c.params[0]);
  auto e164 = api.dnc.Number(p.tenant, list, std::string(c.params[1]));
  if (!e164.ok()) return ErrorResponse(e164.error());
  return Answer(api.dnc.Add(engine::DncRecord{p.tenant, list, *e164, api.Now(),
                                              p.role == Role::kSupervisor ? "supervisor" : "admin"}));
}

HttpResponse DeleteDnc(ApiContext& api, const Principal& p, const RouteCall& c) {
  auto list = std::string(c.params[0]);
  auto e164 = api.dnc.Number(p.tenant, list, std::string(c.params[1]));
  if (!e164.ok()) return ErrorResponse(e164.error());
  return Answer(api.dnc.Remove(p.tenant, list, *e164));
}

HttpResponse ListDnc(ApiContext& api, const Principal& p, const RouteCall& c) {
  if (auto r = DncService::CheckList(c.params[0]); !r.ok()) return ErrorResponse(r.error());
  auto limit = PageLimit(c.target);
  if (!limit.ok()) return ErrorResponse(limit.error());
  return Answer(api.dnc.List(p.tenant, c.params[0], *limit, QueryOr(c.target, "cursor")), 200,
                [](const engine::DncPage& page) {
                  Json items = Json::array();
                  for (const auto& e : page.items) items.push_back(DncToJson(e));
                  return PageJson(std::move(items), page.next_cursor);
                });
}

constexpr const char* kNoCampaign = "No such campaign.";

void AddStatusRoute(RouteTable& table, ApiContext& api, const char* action, core::CampaignStatus to) {
  table.Add("POST", std::string("campaigns/{id}/") + action, {Role::kAdmin},
            WithIdSync<core::CampaignId>(kNoCampaign, [&api, to](const RouteCall& c, core::CampaignId id) {
              return Answer(api.campaigns.SetStatus(c.principal.tenant, id, to), 200,
                            [&api](const engine::CampaignRow& r) { return api.CampaignJson(r); });
            }));
}

}  // namespace

void AddCampaignRoutes(RouteTable& table, ApiContext& api) {
  const RoleSet admin{Role::kAdmin}, staff{Role::kAdmin, Role::kSupervisor};
  using core::CampaignId;
  table.Add("GET", "campaigns", {Role::kAdmin, Role::kSupervisor, Role::kAgent},
            Sync([&api](const RouteCall& c) { return ListCampaigns(api, c.principal); }));
  table.Add("POST", "campaigns", admin, Sync([&api](const RouteCall& c) {
              auto settings = core::CampaignSettingsFromJson(c.body, core::CampaignSettings{}, true);
              if (!settings.ok()) return ErrorResponse(settings.error());
              return Answer(api.campaigns.Create(c.principal.tenant, *settings), 201, CampaignToJson);
            }));
  table.Add("GET", "campaigns/{id}", staff,
            WithIdSync<CampaignId>(kNoCampaign, [&api](const RouteCall& c, CampaignId id) {
              return Answer(api.campaigns.Get(c.principal.tenant, id), 200,
                            [&api](const engine::CampaignRow& r) { return api.CampaignJson(r); });
            }));
  table.Add("PATCH", "campaigns/{id}", admin,
            WithIdSync<CampaignId>(kNoCampaign, [&api](const RouteCall& c, CampaignId id) {
              return PatchCampaign(api, c.principal, id, c.body);
            }));
  table.Add("DELETE", "campaigns/{id}", admin,
            WithIdSync<CampaignId>(kNoCampaign, [&api](const RouteCall& c, CampaignId id) {
              return DeleteCampaign(api, c.principal, id);
            }));
  AddStatusRoute(table, api, "start", core::CampaignStatus::kRunning);
  AddStatusRoute(table, api, "pause", core::CampaignStatus::kPaused);
  AddStatusRoute(table, api, "stop", core::CampaignStatus::kStopped);
  table.Add("GET", "campaigns/{id}/contacts", staff,
            WithIdSync<CampaignId>(kNoCampaign, [&api](const RouteCall& c, CampaignId id) {
              return ListContacts(api, c.principal, id, c.target);
            }));
  table.Add("POST", "campaigns/{id}/contacts", admin,
            WithIdSync<CampaignId>(kNoCampaign,
                                   [&api](const RouteCall& c, CampaignId id) {
                                     return ImportContacts(api, c.principal, id, c.http);
                                   }),
            /*csv_body=*/true);
  table.Add("GET", "campaigns/{id}/stats", staff,
            WithId<CampaignId>(kNoCampaign, [&api](const RouteCall& c, CampaignId id, Reply reply) {
              Stats(api, c.principal, id, std::move(reply));
            }));
  table.Add("GET", "contacts/{id}", staff,
            WithIdSync<core::ContactId>("No such contact.", [&api](const RouteCall& c, core::ContactId id) {
              return GetContact(api, c.principal, id);
            }));
  table.Add("PUT", "dnc/{list}/{number}", staff,
            Sync([&api](const RouteCall& c) { return PutDnc(api, c.principal, c); }));
  table.Add("DELETE", "dnc/{list}/{number}", admin,
            Sync([&api](const RouteCall& c) { return DeleteDnc(api, c.principal, c); }));
  table.Add("GET", "dnc/{list}", staff,
            Sync([&api](const RouteCall& c) { return ListDnc(api, c.principal, c); }));
}

}  // namespace outdial::api
