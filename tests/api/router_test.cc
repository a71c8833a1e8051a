// The route table's one dispatch: matching with {params}, and the order of its answers — 404 for
// no route (any method), the system-token switch, 401, 403 before 400 — the same for every route.
#include <gtest/gtest.h>

#include "api/auth.h"
#include "api/router.h"
#include "engine/sim_time.h"
#include "store/memory/memory_catalog.h"

namespace outdial::api {
namespace {

using engine::Role;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    table_.Add("GET", "things/{id}/parts/{part}", {Role::kAdmin}, Sync([this](const RouteCall& c) {
                 seen_ = std::string(c.params[0]) + "," + std::string(c.params[1]);
                 return JsonResponse(200, c.body);
               }));
    table_.Add("POST", "things", {Role::kAdmin},
               Sync([](const RouteCall& c) { return JsonResponse(201, c.body); }));
    table_.Add("POST", "open", {}, Sync([](const RouteCall& c) { return JsonResponse(200, c.body); }));
    table_.Add("POST", "system", {Role::kSystem}, Sync([](const RouteCall&) { return NoContent(); }));
    core::TenantSettings ts;
    ts.name = "t";
    auto tenant = catalog_.CreateTenant(ts, engine::UserRow{{}, {}, "admin", "x", Role::kAdmin, "", "", {}});
    auto admin = catalog_.FindUser(tenant->id, "admin");
    EXPECT_TRUE(catalog_
                    .CreateSession(engine::SessionRow{TokenHash("admintoken"), admin->id, tenant->id,
                                                      time_.Now() + std::chrono::hours(1)})
                    .ok());
  }

  HttpResponse Call(Principals& principals, std::string method, std::string target, std::string body = "",
                    std::string token = "") {
    HttpRequest req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.body = std::move(body);
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    Target t = ParseTarget(req.target);
    HttpResponse answer;
    table_.Dispatch(req, t, t.segments, principals, [&answer](HttpResponse r) { answer = std::move(r); });
    return answer;
  }

  engine::SimulatedTime time_{core::FromEpochMs(1'795'615'200'000)};
  store::MemoryCatalog catalog_;
  Principals principals_{catalog_, time_, "sys"};
  RouteTable table_;
  std::string seen_;
};

TEST_F(RouterTest, MatchesPatternsAndPassesParameters) {
  EXPECT_EQ(Call(principals_, "GET", "/things/7/parts/a%20b", "", "admintoken").status, 200);
  EXPECT_EQ(seen_, "7,a b");
  // The system token is no admin: the role check answers, so the route was found.
  EXPECT_EQ(Call(principals_, "GET", "/things/7/parts/a%20b", "", "sys").status, 403);
  EXPECT_EQ(Call(principals_, "GET", "/things/7/parts", "", "sys").status, 404);
  EXPECT_EQ(Call(principals_, "DELETE", "/things/7/parts/x", "", "sys").status, 404);  // no 405
  EXPECT_EQ(Call(principals_, "GET", "/nothing", "", "sys").body,
            R"({"error":{"code":"NOT_FOUND","details":[],"message":"No such endpoint."}})");
}

TEST_F(RouterTest, AnswersInOneOrderForEveryRoute) {
  EXPECT_EQ(Call(principals_, "POST", "/things", "{}").status, 401);               // no token
  EXPECT_EQ(Call(principals_, "POST", "/things", "{}", "unknown").status, 401);    // unknown token
  EXPECT_EQ(Call(principals_, "POST", "/things", "not json", "sys").status, 403);  // 403 before 400
  EXPECT_EQ(Call(principals_, "POST", "/system", "not json", "sys").status, 400);
  EXPECT_EQ(Call(principals_, "POST", "/things", "not json", "admintoken").status, 400);
  EXPECT_EQ(Call(principals_, "POST", "/things", R"({"a":1})", "admintoken").status, 201);
  EXPECT_EQ(Call(principals_, "POST", "/open", R"({"a":1})").body, R"({"a":1})");  // no token needed
  EXPECT_EQ(Call(principals_, "POST", "/open", "[1]").status, 400);                // bodies are objects

  Principals no_system(catalog_, time_, "");
  auto off = Call(no_system, "POST", "/system", "{}", "sys");
  EXPECT_EQ(off.status, 403);
  EXPECT_NE(off.body.find("system_token is empty"), std::string::npos);
}

}  // namespace
}  // namespace outdial::api
