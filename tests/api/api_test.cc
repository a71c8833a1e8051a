// Black-box tests of the REST API and the event WebSocket (API.md) against the running binary:
// each test starts `outdial serve --demo` on a free port with a temporary config.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "client.h"

namespace outdial::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kSystemToken[] = "test-system-token";

std::string Config(const std::string& extra_server = "", const std::string& rest = "") {
  return std::string("[server]\nsystem_token = \"") + kSystemToken +
         "\"\npassword_hash = \"minimal\"\nweb_root = \"/nonexistent-outdial-web\"\n" + extra_server +
         "\n[database]\nurl = \"memory:\"\n[datacenter]\nname = \"test-dc\"\nmax_concurrent_calls = 100\n"
         "[telephony.sim]\nrules = [ { match = \"*\", outcome = \"answer\", after_ms = 300 } ]\n" +
         rest;
}

class Api : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(Config());
    ASSERT_TRUE(server_->started()) << server_->log();
    port_ = server_->port();
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "--- server log ---\n" << server_->log() << "\n";
  }

  HttpResult Call(const std::string& method, const std::string& target, const Json& body = nullptr,
                  const std::string& token = "") {
    return Http(port_, method, target, body.is_null() ? std::string() : body.dump(), token);
  }
  std::string Login(const std::string& tenant, const std::string& user, const std::string& password) {
    auto r = Call("POST", "/api/v1/login", {{"tenant", tenant}, {"username", user}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }
  std::string Admin() { return Login("demo", "admin", "admin"); }
  std::string Agent(int n) { return Login("demo", "agent" + std::to_string(n), "agent"); }
  // Creates tenant `name` (system token) with admin `boss`/`secret`; returns the admin's token.
  std::string NewTenant(const std::string& name) {
    auto r = Call("POST", "/api/v1/tenants",
                  {{"name", name},
                   {"max_concurrent_calls", 10},
                   {"end_call_enabled", false},
                   {"admin", {{"username", "boss"}, {"password", "secret"}}}},
                  kSystemToken);
    EXPECT_EQ(r.status, 201) << r.body;
    return Login(name, "boss", "secret");
  }
  static std::string Code(const HttpResult& r) {
    auto j = r.json();
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }

  std::unique_ptr<ServerProcess> server_;
  int port_ = 0;
};

auto Type(const std::string& type) {
  return [type](const Json& j) { return j.is_object() && j.value("type", "") == type; };
}
auto AgentState(const std::string& state) {
  return [state](const Json& j) {
    return j.value("type", "") == "agent.state" && j.value("state", "") == state;
  };
}
auto CallState(const std::string& state) {
  return [state](const Json& j) { return j.value("type", "") == "call" && j.value("state", "") == state; };
}

TEST_F(Api, HealthMetricsAndUnknownRoutes) {
  auto health = Call("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  auto metrics = Call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("outdial_agents{state=\"logged_out\"} 3"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("outdial_call_limit{scope=\"datacenter\"} 100"), std::string::npos);
  EXPECT_NE(metrics.body.find("outdial_ack_latency_seconds"), std::string::npos);
  for (auto [method, target] : {std::pair{"GET", "/api/v1/nope"},
                                {"DELETE", "/api/v1/tenant"},
                                {"GET", "/api/v2/x"},
                                {"POST", "/api/v1/campaigns/1/launch"}}) {
    auto r = Call(method, target);
    EXPECT_EQ(r.status, 404) << method << " " << target;
    EXPECT_EQ(Code(r), "NOT_FOUND");
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  }
  // Non-API paths without a built UI answer the helpful page.
  auto page = Call("GET", "/agent/desk");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("not built"), std::string::npos);
  EXPECT_NE(page.body.find("test-dc"), std::string::npos);
}

TEST_F(Api, LoginFailuresAnswerTheSame401) {
  auto a = Call("POST", "/api/v1/login", {{"tenant", "demo"}, {"username", "admin"}, {"password", "wrong"}});
  auto b = Call("POST", "/api/v1/login", {{"tenant", "demo"}, {"username", "nobody"}, {"password", "admin"}});
  auto c = Call("POST", "/api/v1/login", {{"tenant", "nope"}, {"username", "admin"}, {"password", "admin"}});
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(Code(a), "UNAUTHENTICATED");
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.body, c.body);
  EXPECT_EQ(b.status, 401);
  EXPECT_EQ(c.status, 401);
  auto missing = Call("POST", "/api/v1/login", {{"tenant", "demo"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(Code(missing), "VALIDATION_FAILED");
  EXPECT_EQ(missing.json()["error"]["details"].size(), 2u) << missing.body;
}

TEST_F(Api, LoginAnswersUserAndLogoutEndsTheToken) {
  auto r = Call("POST", "/api/v1/login", {{"tenant", "demo"}, {"username", "agent1"}, {"password", "agent"}});
  ASSERT_EQ(r.status, 200);
  auto j = r.json();
  std::string token = j["token"];
  EXPECT_GE(token.size(), 32u);
  EXPECT_GT(j["expires_at"].get<int64_t>(), 0);
  EXPECT_EQ(j["user"]["username"], "agent1");
  EXPECT_EQ(j["user"]["role"], "agent");
  EXPECT_TRUE(j["user"]["id"].is_string());
  EXPECT_TRUE(j["user"]["tenant_id"].is_string());
  EXPECT_EQ(j["user"]["station"], "sim:auto");
  EXPECT_FALSE(j["user"].contains("password_hash"));
  EXPECT_EQ(Call("GET", "/api/v1/agent", nullptr, token).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/logout", nullptr, token).status, 204);
  auto after = Call("GET", "/api/v1/agent", nullptr, token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(Code(after), "UNAUTHENTICATED");
  EXPECT_EQ(Call("GET", "/api/v1/campaigns").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns", nullptr, "not-a-token").status, 401);
}

TEST_F(Api, RolesAreCheckedPerRoute) {
  std::string admin = Admin();
  std::string agent = Agent(1);
  auto sup =
      Call("POST", "/api/v1/users",
           {{"username", "sue"}, {"password", "pw-sue"}, {"role", "supervisor"}, {"team", "north"}}, admin);
  ASSERT_EQ(sup.status, 201) << sup.body;
  std::string supervisor = Login("demo", "sue", "pw-sue");
  struct Case {
    std::string token, method, target;
    int status;
  };
  std::vector<Case> cases = {
      {agent, "GET", "/api/v1/users", 403},
      {agent, "POST", "/api/v1/campaigns", 403},
      {agent, "GET", "/api/v1/campaigns/1/stats", 403},
      {agent, "GET", "/api/v1/agents", 403},
      {agent, "PUT", "/api/v1/dnc/tenant/+12015559999", 403},
      {supervisor, "PATCH", "/api/v1/tenant", 403},
      {supervisor, "POST", "/api/v1/campaigns/1/pause", 403},
      {supervisor, "DELETE", "/api/v1/dnc/tenant/+12015559999", 403},
      {supervisor, "POST", "/api/v1/agent/state", 403},
      {admin, "POST", "/api/v1/tenants", 403},
      {admin, "POST", "/api/v1/offers/1/accept", 403},
      {kSystemToken, "GET", "/api/v1/campaigns", 403},
      {agent, "GET", "/api/v1/campaigns", 200},
      {supervisor, "GET", "/api/v1/campaigns/1/stats", 200},
      {supervisor, "GET", "/api/v1/agents", 200},
      {supervisor, "GET", "/api/v1/campaigns/1/contacts", 200},
  };
  for (const auto& c : cases) {
    auto r = Call(c.method, c.target, c.method == "GET" ? Json(nullptr) : Json::object(), c.token);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << ": " << r.body;
    if (c.status == 403) {
      EXPECT_EQ(Code(r), "FORBIDDEN") << c.target;
    }
  }
  // Agents see the campaigns of their team (the demo campaigns are for all teams).
  EXPECT_EQ(Call("GET", "/api/v1/campaigns", nullptr, agent).json()["items"].size(), 3u);
}

TEST_F(Api, TenantsNeedTheSystemTokenAndAreIsolated) {
  auto bad = Call("POST", "/api/v1/tenants", {{"name", "x"}}, kSystemToken);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Code(bad), "VALIDATION_FAILED");
  std::string b_admin = NewTenant("acme");
  auto dup = Call("POST", "/api/v1/tenants",
                  {{"name", "acme"}, {"admin", {{"username", "a"}, {"password", "b"}}}}, kSystemToken);
  EXPECT_EQ(dup.status, 409);
  // Tenant B's admin sees none of A's things: every id answers 404, as an unknown id does.
  for (auto [method, target] : {std::pair{"GET", "/api/v1/campaigns/1"},
                                {"PATCH", "/api/v1/campaigns/1"},
                                {"DELETE", "/api/v1/campaigns/1"},
                                {"POST", "/api/v1/campaigns/1/pause"},
                                {"GET", "/api/v1/campaigns/1/stats"},
                                {"GET", "/api/v1/campaigns/1/contacts"},
                                {"POST", "/api/v1/campaigns/1/contacts"},
                                {"GET", "/api/v1/contacts/1"},
                                {"GET", "/api/v1/users/2"},
                                {"DELETE", "/api/v1/users/2"}}) {
    auto r = Call(method, target, std::string(method) == "GET" ? Json(nullptr) : Json::object(), b_admin);
    EXPECT_EQ(r.status, 404) << method << " " << target << ": " << r.body;
    EXPECT_EQ(Code(r), "NOT_FOUND");
  }
  EXPECT_EQ(Call("GET", "/api/v1/campaigns", nullptr, b_admin).json()["items"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/users", nullptr, b_admin).json()["items"].size(), 1u);
  // A's campaign is untouched.
  auto a = Call("GET", "/api/v1/campaigns/1", nullptr, Admin());
  EXPECT_EQ(a.json()["status"], "running");
}

TEST(ApiConfig, EmptySystemTokenDisablesTenantCreation) {
  ServerProcess server("[server]\npassword_hash = \"minimal\"\n[database]\nurl = \"memory:\"\n");
  ASSERT_TRUE(server.started()) << server.log();
  auto r = Http(server.port(), "POST", "/api/v1/tenants",
                R"({"name":"x","admin":{"username":"a","password":"b"}})", "");
  EXPECT_EQ(r.status, 403);
  auto j = r.json();
  EXPECT_EQ(j["error"]["code"], "FORBIDDEN");
  auto with_token = Http(server.port(), "POST", "/api/v1/tenants",
                         R"({"name":"x","admin":{"username":"a","password":"b"}})", "anything");
  EXPECT_EQ(with_token.status, 403);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(ApiConfig, DemoSeedsOnceOnTheSameDatabaseAndStopsCleanlyOnSigterm) {
  char tmpl[] = "/tmp/outdial-api-db-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string config =
      "[server]\npassword_hash = \"minimal\"\n[database]\nurl = \"sqlite://" + dir + "/demo.db\"\n";
  std::string campaign_id;
  {
    ServerProcess first(config);
    ASSERT_TRUE(first.started()) << first.log();
    EXPECT_NE(first.log().find("demo: tenant 'demo' with 3 running campaigns of 200 contacts"),
              std::string::npos)
        << first.log();
    auto login = Http(first.port(), "POST", "/api/v1/login",
                      R"({"tenant":"demo","username":"admin","password":"admin"})");
    ASSERT_EQ(login.status, 200) << login.body;
    std::string token = login.json()["token"];
    auto campaigns = Http(first.port(), "GET", "/api/v1/campaigns", "", token).json();
    ASSERT_EQ(campaigns["items"].size(), 3u);
    campaign_id = campaigns["items"][0]["id"];
    EXPECT_EQ(first.Stop(), 0);
  }
  ServerProcess second(config);
  ASSERT_TRUE(second.started()) << second.log();
  EXPECT_NE(second.log().find("exists already; nothing seeded"), std::string::npos) << second.log();
  auto login = Http(second.port(), "POST", "/api/v1/login",
                    R"({"tenant":"demo","username":"agent1","password":"agent"})");
  ASSERT_EQ(login.status, 200) << login.body << second.log();
  auto admin = Http(second.port(), "POST", "/api/v1/login",
                    R"({"tenant":"demo","username":"admin","password":"admin"})");
  std::string token = admin.json()["token"];
  auto campaigns = Http(second.port(), "GET", "/api/v1/campaigns", "", token).json();
  EXPECT_EQ(campaigns["items"].size(), 3u);  // not seeded twice
  auto stats = Http(second.port(), "GET", "/api/v1/campaigns/" + campaign_id + "/stats", "", token).json();
  EXPECT_EQ(stats["contacts"]["total"], 200);
  EXPECT_EQ(second.Stop(), 0);
  std::filesystem::remove_all(dir);
}

TEST_F(Api, TenantSettingsGetAndPatch) {
  std::string admin = Admin();
  auto t = Call("GET", "/api/v1/tenant", nullptr, admin);
  ASSERT_EQ(t.status, 200);
  EXPECT_EQ(t.json()["name"], "demo");
  EXPECT_EQ(t.json()["end_call_enabled"], true);
  auto bad =
      Call("PATCH", "/api/v1/tenant", {{"max_concurrent_calls", 0}, {"default_region", "Germany"}}, admin);
  EXPECT_EQ(bad.status, 400);
  std::set<std::string> fields;
  Json bad_body = bad.json();
  for (const auto& d : bad_body["error"]["details"]) fields.insert(d["field"].get<std::string>());
  EXPECT_TRUE(fields.contains("max_concurrent_calls")) << bad.body;
  EXPECT_EQ(Call("GET", "/api/v1/tenant", nullptr, admin).json()["max_concurrent_calls"], 50);  // unchanged
  auto ok = Call("PATCH", "/api/v1/tenant", {{"max_concurrent_calls", 7}, {"default_region", "DE"}}, admin);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["max_concurrent_calls"], 7);
  EXPECT_EQ(ok.json()["default_region"], "DE");
  EXPECT_EQ(ok.json()["end_call_enabled"], true);  // PATCH applies on top
}

TEST_F(Api, UsersCrud) {
  std::string admin = Admin();
  auto created = Call("POST", "/api/v1/users",
                      {{"username", "agent9"},
                       {"password", "pw"},
                       {"role", "agent"},
                       {"team", "blue"},
                       {"station", "sim:manual"}},
                      admin);
  ASSERT_EQ(created.status, 201) << created.body;
  auto u = created.json();
  EXPECT_EQ(u["team"], "blue");
  EXPECT_EQ(u["station"], "sim:manual");
  EXPECT_EQ(created.body.find("password"), std::string::npos);
  std::string id = u["id"];
  EXPECT_EQ(
      Call("POST", "/api/v1/users", {{"username", "agent9"}, {"password", "pw"}, {"role", "agent"}}, admin)
          .status,
      409);
  auto invalid = Call("POST", "/api/v1/users",
                      {{"username", "x"}, {"password", "pw"}, {"role", "king"}, {"station", "tel:1"}}, admin);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json()["error"]["details"].size(), 2u) << invalid.body;
  auto list = Call("GET", "/api/v1/users", nullptr, admin);
  EXPECT_EQ(list.json()["items"].size(), 5u);
  EXPECT_EQ(list.body.find("password"), std::string::npos);
  auto patched = Call("PATCH", "/api/v1/users/" + id, {{"team", "red"}, {"password", "pw2"}}, admin);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["team"], "red");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/" + id, {{"username", "y"}}, admin).status, 400);
  std::string token = Login("demo", "agent9", "pw2");
  EXPECT_FALSE(token.empty());
  // The engine knows the agent with its new team: it sees the all-teams campaigns.
  EXPECT_EQ(Call("GET", "/api/v1/agent", nullptr, token).json()["state"], "idle");
  EXPECT_EQ(Call("DELETE", "/api/v1/users/" + id, nullptr, admin).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/users/" + id, nullptr, admin).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/agent", nullptr, token).status, 401);  // its sessions ended
  EXPECT_EQ(Call("GET", "/api/v1/users/abc", nullptr, admin).status, 404);
}

TEST_F(Api, CampaignLifecycleAndTransitions) {
  std::string admin = Admin();
  auto invalid = Call("POST", "/api/v1/campaigns",
                      {{"name", "Bad"}, {"mode", "preview_standard"}, {"preview_offer_timeout_s", 0}}, admin);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(Code(invalid), "VALIDATION_FAILED");
  ASSERT_FALSE(invalid.json()["error"]["details"].empty());
  EXPECT_EQ(invalid.json()["error"]["details"][0]["field"], "preview_offer_timeout_s");
  EXPECT_EQ(Call("GET", "/api/v1/campaigns", nullptr, admin).json()["items"].size(), 3u);  // nothing changed

  auto created =
      Call("POST", "/api/v1/campaigns",
           {{"name", "Spring"}, {"mode", "preview"}, {"description", "d"}, {"priority", 3}}, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = created.json();
  EXPECT_EQ(c["status"], "draft");
  EXPECT_EQ(c["priority"], 3);
  std::string id = c["id"];
  std::string base = "/api/v1/campaigns/" + id;
  auto patched = Call("PATCH", base, {{"description", "new"}}, admin);
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(patched.json()["description"], "new");
  EXPECT_EQ(patched.json()["priority"], 3);
  EXPECT_EQ(Call("PATCH", base, {{"priority", 99}}, admin).status, 400);
  EXPECT_EQ(Call("GET", base, nullptr, admin).json()["priority"], 3);

  EXPECT_EQ(Call("POST", base + "/pause", nullptr, admin).status, 409);  // draft cannot pause
  auto started = Call("POST", base + "/start", nullptr, admin);
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(started.json()["status"], "running");
  auto again = Call("POST", base + "/start", nullptr, admin);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Code(again), "CONFLICT");
  EXPECT_EQ(Call("DELETE", base, nullptr, admin).status, 409);
  EXPECT_EQ(Call("POST", base + "/pause", nullptr, admin).json()["status"], "paused");
  EXPECT_EQ(Call("POST", base + "/stop", nullptr, admin).json()["status"], "stopped");
  EXPECT_EQ(Call("POST", base + "/stop", nullptr, admin).status, 409);
  EXPECT_EQ(Call("DELETE", base, nullptr, admin).status, 204);
  EXPECT_EQ(Call("GET", base, nullptr, admin).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/xyz", nullptr, admin).status, 404);
}

TEST_F(Api, MalformedAndOversizeBodiesChangeNothing) {
  std::string admin = Admin();
  for (const std::string& body :
       {std::string("{"), std::string("[1,2]"), std::string("\"x\""), std::string("{\"name\":")}) {
    auto r = Http(port_, "POST", "/api/v1/campaigns", body, admin);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(Code(r), "VALIDATION_FAILED") << body;
  }
  auto wrong_type = Call("POST", "/api/v1/campaigns", {{"name", 5}, {"mode", "preview"}}, admin);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.json()["error"]["details"][0]["field"], "name");
  // Over 10 MB: refused from the headers, before the body is read.
  std::string raw = "POST /api/v1/campaigns HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin +
                    "\r\nContent-Type: application/json\r\nContent-Length: 11000000\r\n\r\n{\"name\":";
  auto big = HttpRaw(port_, raw);
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  // A whole 11 MB body too.
  std::string huge = "{\"contacts\":[" + std::string(11 * 1024 * 1024, ' ') + "]}";
  auto whole = Http(port_, "POST", "/api/v1/campaigns/1/contacts", huge, admin);
  if (whole.status != 0) {
    EXPECT_EQ(whole.status, 413);
  }
  EXPECT_EQ(Call("GET", "/api/v1/campaigns", nullptr, admin).json()["items"].size(), 3u);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/1/stats", nullptr, admin).json()["contacts"]["total"], 200);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);  // the server is fine
}

TEST_F(Api, ContactsImportListDetailAndStats) {
  std::string admin = Admin();
  auto created = Call("POST", "/api/v1/campaigns", {{"name", "Import"}, {"mode", "preview"}}, admin);
  ASSERT_EQ(created.status, 201);
  std::string id = created.json()["id"];
  Json contacts = Json::array();
  contacts.push_back({{"name", "Ann"},
                      {"phones", {{{"number", "+12015550100"}, {"type", "mobile"}}}},
                      {"priority", 50},
                      {"fields", {{"plan", "gold"}, {"age", 42}}}});
  contacts.push_back(
      {{"name", "Bob"}, {"phones", {{{"number", "(201) 555-0101"}}}}, {"timezone", "America/Chicago"}});
  contacts.push_back({{"name", "Bad phone"}, {"phones", {{{"number", "12"}}}}});
  contacts.push_back({{"name", "Bad zone"},
                      {"phones", {{{"number", "+12015550103"}}}},
                      {"timezone", "Mars/Base"},
                      {"priority", 101}});
  contacts.push_back({{"name", "No phone"}});
  auto r = Call("POST", "/api/v1/campaigns/" + id + "/contacts", {{"contacts", contacts}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["accepted"], 2);
  EXPECT_EQ(j["rejected"], 3);
  std::set<int> rows;
  for (const auto& e : j["errors"]) {
    rows.insert(e["row"].get<int>());
    EXPECT_TRUE(e.contains("field") && e.contains("problem"));
  }
  EXPECT_EQ(rows, (std::set<int>{3, 4, 5}));
  EXPECT_EQ(Call("POST", "/api/v1/campaigns/" + id + "/contacts", {{"contacts", 5}}, admin).status, 400);
  EXPECT_EQ(Http(port_, "POST", "/api/v1/campaigns/" + id + "/contacts", "{oops", admin).status, 400);

  auto list = Call("GET", "/api/v1/campaigns/" + id + "/contacts?limit=1", nullptr, admin);
  ASSERT_EQ(list.status, 200);
  auto page1 = list.json();
  ASSERT_EQ(page1["items"].size(), 1u);
  EXPECT_EQ(page1["items"][0]["name"], "Ann");
  EXPECT_EQ(page1["items"][0]["phones"][0]["number"], "+12015550100");
  EXPECT_EQ(page1["items"][0]["fields"]["age"], "42");
  EXPECT_EQ(page1["items"][0]["timezone"], "America/New_York");  // the tenant default
  ASSERT_TRUE(page1["next_cursor"].is_string());
  auto page2 =
      Call("GET",
           "/api/v1/campaigns/" + id + "/contacts?limit=1&cursor=" + page1["next_cursor"].get<std::string>(),
           nullptr, admin)
          .json();
  ASSERT_EQ(page2["items"].size(), 1u);
  EXPECT_EQ(page2["items"][0]["name"], "Bob");
  EXPECT_EQ(page2["items"][0]["phones"][0]["number"], "+12015550101");  // national format, region US
  EXPECT_TRUE(page2["next_cursor"].is_null());
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + id + "/contacts?state=callable", nullptr, admin)
                .json()["items"]
                .size(),
            2u);
  EXPECT_EQ(
      Call("GET", "/api/v1/campaigns/" + id + "/contacts?state=done", nullptr, admin).json()["items"].size(),
      0u);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + id + "/contacts?state=happy", nullptr, admin).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + id + "/contacts?limit=0", nullptr, admin).status, 400);

  std::string contact_id = page1["items"][0]["id"];
  auto detail = Call("GET", "/api/v1/contacts/" + contact_id, nullptr, admin);
  ASSERT_EQ(detail.status, 200);
  EXPECT_EQ(detail.json()["name"], "Ann");
  EXPECT_TRUE(detail.json()["attempts"].is_array());
  EXPECT_EQ(Call("GET", "/api/v1/contacts/999999", nullptr, admin).status, 404);

  auto stats = Call("GET", "/api/v1/campaigns/" + id + "/stats", nullptr, admin).json();
  EXPECT_EQ(stats["contacts"]["total"], 2);
  int64_t sum = 0;
  for (const char* k : {"callable", "scheduled", "in_progress", "done", "removed", "dnc", "exhausted"}) {
    sum += stats["contacts"][k].get<int64_t>();
  }
  EXPECT_EQ(sum, 2);
  for (const char* k : {"available", "reserved", "on_call", "wrap_up", "idle"})
    EXPECT_TRUE(stats["agents"].contains(k));
  EXPECT_TRUE(stats["attempts"]["by_outcome"].contains("no_answer"));
  EXPECT_EQ(stats["active_calls"], 0);
}

TEST_F(Api, CsvImportValidatesRowByRow) {
  std::string admin = Admin();
  auto created = Call("POST", "/api/v1/campaigns", {{"name", "Csv"}, {"mode", "preview"}}, admin);
  ASSERT_EQ(created.status, 201);
  std::string id = created.json()["id"];
  std::string csv =
      "name,phone1,phone2,timezone,priority,plan\r\n"
      "\"Doe, Jane\",+12015550140,,America/Denver,7,gold\r\n"
      "Bad,notaphone,,,,\r\n"
      "\"Quote \"\"Q\"\"\",2015550142,+12015550143,,,silver\n";
  auto r = Http(port_, "POST", "/api/v1/campaigns/" + id + "/contacts", csv, admin, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["accepted"], 2);
  EXPECT_EQ(j["rejected"], 1);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["row"], 2);
  auto items = Call("GET", "/api/v1/campaigns/" + id + "/contacts", nullptr, admin).json()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["name"], "Doe, Jane");
  EXPECT_EQ(items[0]["timezone"], "America/Denver");
  EXPECT_EQ(items[0]["priority"], 7);
  EXPECT_EQ(items[0]["fields"]["plan"], "gold");
  EXPECT_EQ(items[1]["name"], "Quote \"Q\"");
  EXPECT_EQ(items[1]["phones"].size(), 2u);
  // A quote left open costs its own row (the streaming reader resynchronises at the row limit), so
  // the body is readable: 200 with the row reported, nothing stored.
  auto broken = Http(port_, "POST", "/api/v1/campaigns/" + id + "/contacts", "name,phone\n\"open,1\n", admin,
                     "text/csv");
  ASSERT_EQ(broken.status, 200) << broken.body;
  EXPECT_EQ(broken.json()["accepted"], 0);
  EXPECT_EQ(broken.json()["rejected"], 1);
  EXPECT_EQ(broken.json()["errors"][0]["row"], 1);
  // A body that is not a contact list at all is refused whole.
  auto junk = Http(port_, "POST", "/api/v1/campaigns/" + id + "/contacts", std::string("\x01\x02\xff\xfe", 4),
                   admin, "text/csv");
  EXPECT_EQ(junk.status, 400);
  auto no_phone =
      Http(port_, "POST", "/api/v1/campaigns/" + id + "/contacts", "name\nx\n", admin, "text/csv");
  EXPECT_EQ(no_phone.status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + id + "/stats", nullptr, admin).json()["contacts"]["total"], 2);
}

// The campaign object carries the latest import's progress (`import`, an extension of API.md),
// and the server logs it as structured lines: while a large list is read, and once it is stored.
TEST_F(Api, ImportProgressIsOnTheCampaignAndInTheLog) {
  std::string admin = Admin();
  auto created = Call("POST", "/api/v1/campaigns", {{"name", "Progress"}, {"mode", "preview"}}, admin);
  ASSERT_EQ(created.status, 201);
  std::string id = created.json()["id"];
  const std::string path = "/api/v1/campaigns/" + id;
  EXPECT_FALSE(Call("GET", path, nullptr, admin).json().contains("import"));  // none yet

  std::string csv = "name,phone\nA,+12015550150\nBad,x\nC,+12015550151\n";
  ASSERT_EQ(Http(port_, "POST", path + "/contacts", csv, admin, "text/csv").status, 200);
  auto done = Call("GET", path, nullptr, admin).json()["import"];
  ASSERT_TRUE(done.is_object()) << done;
  EXPECT_EQ(done["state"], "done");
  EXPECT_EQ(done["rows_read"], 3);
  EXPECT_EQ(done["accepted"], 2);
  EXPECT_EQ(done["rejected"], 1);
  EXPECT_EQ(done["bytes_read"], csv.size());
  EXPECT_EQ(done["bytes_total"], csv.size());
  EXPECT_EQ(done["percent"], 100);
  ASSERT_TRUE(done["finished_at"].is_number());
  EXPECT_LT(done["started_at"].get<int64_t>(), done["finished_at"].get<int64_t>());
  // The list of campaigns shows it too.
  bool listed = false;
  const Json campaigns = Call("GET", "/api/v1/campaigns", nullptr, admin).json();
  for (const auto& c : campaigns["items"]) {
    if (c["id"] == id) listed = c.contains("import") && c["import"]["state"] == "done";
  }
  EXPECT_TRUE(listed);

  // A large list (4.4 MB): watched from a second connection while the first one imports.
  constexpr int kRows = 100000;
  std::string big = "name,phone,plan\n";
  for (int i = 0; i < kRows; ++i) {
    big += "Contact number ";  // appended piece by piece: g++ 12 -Wrestrict on "literal" + std::string&&
    big += std::to_string(i);
    big += ",+1201555";
    big += std::to_string(1000 + i % 9000);
    big += ",gold-plan\n";
  }
  HttpResult imported;
  std::thread upload([&] { imported = Http(port_, "POST", path + "/contacts", big, admin, "text/csv"); });
  std::vector<Json> seen;
  for (auto deadline = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < deadline;) {
    auto now = Call("GET", path, nullptr, admin).json()["import"];
    if (now["bytes_total"] == big.size()) {
      seen.push_back(now);
      if (now["state"] != "running") break;
    }
    std::this_thread::sleep_for(20ms);
  }
  upload.join();
  ASSERT_EQ(imported.status, 200) << imported.body;
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back()["state"], "done");
  EXPECT_EQ(seen.back()["accepted"], kRows);
  EXPECT_EQ(seen.back()["rows_read"], kRows);
  uint64_t last_rows = 0;
  for (const auto& s : seen) {  // progress only goes forward, and stays within the body
    EXPECT_GE(s["rows_read"].get<uint64_t>(), last_rows);
    last_rows = s["rows_read"].get<uint64_t>();
    EXPECT_LE(s["bytes_read"].get<uint64_t>(), big.size());
    if (s["state"] == "running") {
      EXPECT_TRUE(s["finished_at"].is_null());
    }
  }
  std::cerr << "observed " << seen.size() << " progress states, the first: " << seen.front() << "\n";
  std::string log = server_->log();
  EXPECT_NE(log.find("import campaign=" + id + " state=running phase=reading rows_read=0"),
            std::string::npos);
  const std::string rows_text = std::to_string(kRows);
  EXPECT_NE(log.find("import campaign=" + id + " state=done phase=storing rows_read=" + rows_text +
                     " accepted=" + rows_text),
            std::string::npos);

  // A body refused whole is a failed import, with the reason.
  ASSERT_EQ(Http(port_, "POST", path + "/contacts", "name\nx\n", admin, "text/csv").status, 400);
  auto failed = Call("GET", path, nullptr, admin).json()["import"];
  EXPECT_EQ(failed["state"], "failed");
  EXPECT_EQ(failed["accepted"], 0);
  EXPECT_FALSE(failed.value("error", "").empty());
}

TEST_F(Api, DncNormalisesNumbers) {
  std::string admin = Admin();
  EXPECT_EQ(Call("PUT", "/api/v1/dnc/tenant/+12015550123", nullptr, admin).status, 204);
  EXPECT_EQ(Call("PUT", "/api/v1/dnc/tenant/%2B12015550123", nullptr, admin).status, 204);
  EXPECT_EQ(Call("PUT", "/api/v1/dnc/tenant/2015550124", nullptr, admin).status, 204);  // national, US
  auto bad = Call("PUT", "/api/v1/dnc/tenant/hello", nullptr, admin);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["details"][0]["field"], "number");
  auto list = Call("GET", "/api/v1/dnc/tenant", nullptr, admin).json();
  ASSERT_EQ(list["items"].size(), 2u) << list.dump();
  EXPECT_EQ(list["items"][0]["number"], "+12015550123");
  EXPECT_EQ(list["items"][1]["number"], "+12015550124");
  EXPECT_TRUE(list["items"][0]["added_at"].is_number_integer());
  EXPECT_TRUE(list["items"][0].contains("source"));
  auto page = Call("GET", "/api/v1/dnc/tenant?limit=1", nullptr, admin).json();
  ASSERT_EQ(page["items"].size(), 1u);
  ASSERT_TRUE(page["next_cursor"].is_string());
  auto rest = Call("GET", "/api/v1/dnc/tenant?limit=1&cursor=" + page["next_cursor"].get<std::string>(),
                   nullptr, admin)
                  .json();
  ASSERT_EQ(rest["items"].size(), 1u);
  EXPECT_EQ(rest["items"][0]["number"], "+12015550124");
  EXPECT_EQ(Call("DELETE", "/api/v1/dnc/tenant/%2B12015550123", nullptr, admin).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/tenant", nullptr, admin).json()["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/dnc/other", nullptr, admin).json()["items"].size(), 0u);
}

TEST_F(Api, WebSocketSnapshotFirstAndAuth) {
  std::string agent = Agent(1);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  auto snap = ws.Next();
  ASSERT_TRUE(snap) << "no snapshot";
  EXPECT_EQ((*snap)["type"], "snapshot");
  EXPECT_EQ((*snap)["state"], "idle");
  EXPECT_TRUE((*snap).contains("reservation") && (*snap).contains("offer") && (*snap).contains("call"));
  EXPECT_TRUE((*snap)["agent_id"].is_string());

  std::string admin = Admin();
  WsClient sup;
  ASSERT_TRUE(sup.Connect(port_, "/api/v1/events?token=" + admin));
  auto s2 = sup.Next();
  ASSERT_TRUE(s2);
  EXPECT_EQ((*s2)["type"], "snapshot");
  EXPECT_EQ((*s2)["items"].size(), 3u);
  // Supervisors get stats of each running campaign every second.
  auto stats = sup.WaitFor(Type("stats"), 5s);
  ASSERT_TRUE(stats);
  EXPECT_TRUE((*stats)["campaign_id"].is_string());
  EXPECT_EQ((*stats)["contacts"]["total"], 200);

  WsClient anon;
  int status = 0;
  EXPECT_FALSE(anon.Connect(port_, "/api/v1/events?token=bogus", &status));
  EXPECT_EQ(status, 401);
}

TEST_F(Api, GarbageFramesAnswerErrorsAndDisturbNoOne) {
  std::string agent = Agent(1);
  std::string admin = Admin();
  WsClient ws, sup;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  ASSERT_TRUE(sup.Connect(port_, "/api/v1/events?token=" + admin));
  ASSERT_TRUE(ws.WaitFor(Type("snapshot")));
  ASSERT_TRUE(sup.WaitFor(Type("snapshot")));
  ASSERT_TRUE(ws.SendText("this is not json"));
  auto a1 = ws.WaitFor(Type("ack"));
  ASSERT_TRUE(a1);
  EXPECT_EQ((*a1)["ok"], false);
  EXPECT_EQ((*a1)["error"]["code"], "VALIDATION_FAILED");
  ASSERT_TRUE(ws.SendText(R"({"op":"fly","ref":"r1"})"));
  auto a2 = ws.WaitFor(Type("ack"));
  ASSERT_TRUE(a2);
  EXPECT_EQ((*a2)["ref"], "r1");
  EXPECT_EQ((*a2)["ok"], false);
  ASSERT_TRUE(ws.SendText(R"({"op":"accept","ref":"r2"})"));  // no offer_id
  auto a3 = ws.WaitFor(Type("ack"));
  ASSERT_TRUE(a3);
  EXPECT_EQ((*a3)["ref"], "r2");
  EXPECT_EQ((*a3)["error"]["code"], "VALIDATION_FAILED");
  ASSERT_TRUE(ws.SendBinary(std::string("\x00\x01\x02", 3)));
  ASSERT_TRUE(ws.SendText(R"({"op":"accept","ref":"r3","offer_id":"424242"})"));
  auto a4 = ws.WaitFor(Type("ack"));
  ASSERT_TRUE(a4);
  EXPECT_EQ((*a4)["ref"], "r3");  // the binary frame was dropped without an answer
  EXPECT_EQ((*a4)["error"]["code"], "NOT_FOUND");
  // The connection still works, and so does everyone else's.
  ASSERT_TRUE(ws.SendText(R"({"op":"set_state","ref":"r4","state":"available"})"));
  auto a5 =
      ws.WaitFor([](const Json& j) { return j.value("type", "") == "ack" && j.value("ref", "") == "r4"; });
  ASSERT_TRUE(a5);
  EXPECT_EQ((*a5)["ok"], true);
  EXPECT_TRUE(sup.WaitFor(AgentState("available")));
  EXPECT_TRUE(sup.WaitFor(Type("stats"), 5s));
  auto metrics = Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("outdial_websocket_bad_frames_total 4"), std::string::npos) << metrics;
  // set_state was committed: the store's commit latency has at least one sample, none failed.
  EXPECT_NE(metrics.find("outdial_store_commit_seconds_count"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("outdial_store_commit_seconds_count 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("outdial_store_commits_total{result=\"failed\"} 0"), std::string::npos) << metrics;
}

// Available → reservation → offer → accept → call ringing → connected → end → wrap-up → available,
// over REST with the events on the agent's WebSocket; accept is idempotent.
TEST_F(Api, FullAgentCycleOverRestAndEvents) {
  std::string agent = Agent(1);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  ASSERT_TRUE(ws.WaitFor(Type("snapshot")));
  auto avail = Call("POST", "/api/v1/agent/state", {{"state", "available"}}, agent);
  ASSERT_EQ(avail.status, 200) << avail.body;
  ASSERT_TRUE(ws.WaitFor(AgentState("available")));
  auto ringing = ws.WaitFor(Type("reservation"));
  ASSERT_TRUE(ringing);
  EXPECT_EQ((*ringing)["state"], "ringing");
  ASSERT_TRUE(ws.WaitFor(AgentState("reserved")));
  auto answered = ws.WaitFor(Type("reservation"));  // sim:auto answers after 1 s
  ASSERT_TRUE(answered);
  EXPECT_EQ((*answered)["state"], "answered");
  auto offer = ws.WaitFor(Type("offer"));
  ASSERT_TRUE(offer);
  EXPECT_EQ((*offer)["campaign"]["mode"], "preview_standard");
  EXPECT_EQ((*offer)["reservation_id"], (*ringing)["reservation_id"]);
  EXPECT_TRUE((*offer)["expires_at"].is_number_integer());
  EXPECT_EQ((*offer)["actions"]["accept"], true);
  EXPECT_TRUE((*offer)["contact"]["fields"].contains("account"));
  ASSERT_TRUE(ws.WaitFor(AgentState("previewing")));
  std::string offer_id = (*offer)["offer_id"];

  auto accept = Call("POST", "/api/v1/offers/" + offer_id + "/accept", nullptr, agent);
  ASSERT_EQ(accept.status, 200) << accept.body;
  auto again = Call("POST", "/api/v1/offers/" + offer_id + "/accept", nullptr, agent);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, accept.body);  // answers like the first one did
  std::string call_id = accept.json()["call_id"];
  auto other = Call("POST", "/api/v1/offers/" + offer_id + "/skip", nullptr, agent);
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(Code(other), "OFFER_CLOSED");

  auto closed = ws.WaitFor(Type("offer.closed"));
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["action"], "accept");
  EXPECT_EQ((*closed)["by"], "agent");
  auto dialing = ws.WaitFor(Type("call"));
  ASSERT_TRUE(dialing);
  EXPECT_EQ((*dialing)["call_id"], call_id);
  EXPECT_EQ((*dialing)["offer_id"], offer_id);
  EXPECT_TRUE((*dialing)["started_at"].is_number_integer());
  auto connected = ws.WaitFor(CallState("connected"));
  ASSERT_TRUE(connected);
  EXPECT_TRUE((*connected)["answered_at"].is_number_integer());
  bool saw_ringing = false;
  for (const auto& f : ws.seen)
    saw_ringing |= f.value("type", "") == "call" && f.value("state", "") == "ringing";
  EXPECT_TRUE(saw_ringing);
  ASSERT_TRUE(ws.WaitFor(AgentState("connected")));
  auto snapshot = Call("GET", "/api/v1/agent", nullptr, agent).json();
  EXPECT_EQ(snapshot["state"], "connected");
  EXPECT_EQ(snapshot["call"]["call_id"], call_id);
  // The contact card of the accepted offer, so a desktop reconnecting mid-call redraws it.
  EXPECT_EQ(snapshot["task"]["offer_id"], offer_id);
  EXPECT_EQ(snapshot["task"]["contact"]["name"], (*offer)["contact"]["name"]);
  EXPECT_EQ(snapshot["task"]["contact"]["fields"], (*offer)["contact"]["fields"]);
  EXPECT_TRUE(snapshot["wrapup"].is_null());

  ASSERT_EQ(Call("POST", "/api/v1/calls/" + call_id + "/end", nullptr, agent).status, 200);
  ASSERT_TRUE(ws.WaitFor(CallState("ended")));
  auto wrapup = ws.WaitFor(Type("wrapup"));
  ASSERT_TRUE(wrapup);
  ASSERT_FALSE((*wrapup)["dispositions"].empty());
  ASSERT_TRUE(ws.WaitFor(AgentState("wrap_up")));
  auto in_wrapup = Call("GET", "/api/v1/agent", nullptr, agent).json();
  EXPECT_EQ(in_wrapup["wrapup"]["call_id"], call_id);
  EXPECT_EQ(in_wrapup["wrapup"]["dispositions"], (*wrapup)["dispositions"]);
  EXPECT_EQ(in_wrapup["wrapup"]["deadline_at"], (*wrapup)["deadline_at"]);
  EXPECT_EQ(
      Call("POST", "/api/v1/calls/" + call_id + "/wrapup", {{"disposition", "no-such-code"}}, agent).status,
      400);
  std::string code;
  for (const auto& d : (*wrapup)["dispositions"]) {
    if (d.value("result", "") == "success") code = d["code"];
  }
  if (code.empty()) code = (*wrapup)["dispositions"][0]["code"];
  auto done =
      Call("POST", "/api/v1/calls/" + call_id + "/wrapup", {{"disposition", code}, {"notes", "fine"}}, agent);
  ASSERT_EQ(done.status, 200) << done.body;
  ASSERT_TRUE(ws.WaitFor(AgentState("available")));

  std::string admin = Admin();
  std::string contact_id = (*offer)["contact"]["id"];
  auto detail = Call("GET", "/api/v1/contacts/" + contact_id, nullptr, admin).json();
  ASSERT_EQ(detail["attempts"].size(), 1u) << detail.dump();  // never dialed twice
  EXPECT_EQ(detail["attempts"][0]["outcome"], "connected");
  EXPECT_EQ(detail["attempts"][0]["disposition"], code);
  EXPECT_EQ(detail["attempts"][0]["notes"], "fine");
  auto stats = Call("GET", "/api/v1/campaigns/1/stats", nullptr, admin).json();
  EXPECT_EQ(stats["attempts"]["total"], 1);
  EXPECT_EQ(stats["attempts"]["by_outcome"]["connected"], 1);
}

TEST_F(Api, AgentOperationsOverTheWebSocketAreAcked) {
  std::string agent = Agent(2);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  ASSERT_TRUE(ws.WaitFor(Type("snapshot")));
  // Pull mode: the campaign icon asks for a contact of the preview campaign.
  ASSERT_TRUE(ws.SendText(R"({"op":"preview_request","ref":"p1","campaign_id":"3"})"));
  auto ack = ws.WaitFor(Type("ack"));
  ASSERT_TRUE(ack);
  ASSERT_EQ((*ack)["ok"], true) << ack->dump();
  EXPECT_EQ((*ack)["ref"], "p1");
  std::string offer_id = (*ack)["result"]["offer_id"];
  bool offer_event = false;
  for (const auto& f : ws.seen)
    offer_event |= f.value("type", "") == "offer" && f.value("offer_id", "") == offer_id;
  if (!offer_event) offer_event = ws.WaitFor(Type("offer")).has_value();
  EXPECT_TRUE(offer_event);
  ASSERT_TRUE(ws.SendText(R"({"op":"remove","ref":"p2","offer_id":")" + offer_id + R"("})"));
  auto refused = ws.WaitFor(Type("ack"));
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["ok"], false);
  EXPECT_EQ((*refused)["error"]["code"], "ACTION_DISABLED");  // pull mode has no Remove
  ASSERT_TRUE(ws.SendText(R"({"op":"skip","ref":"p3","offer_id":")" + offer_id + R"("})"));
  auto skipped =
      ws.WaitFor([](const Json& j) { return j.value("type", "") == "ack" && j.value("ref", "") == "p3"; });
  ASSERT_TRUE(skipped);
  EXPECT_EQ((*skipped)["ok"], true);
  auto closed = ws.WaitFor(Type("offer.closed"));
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["action"], "skip");
  // REST pull, then no callable contacts in a campaign that does not exist for this agent.
  auto pull = Call("POST", "/api/v1/agent/preview-request", {{"campaign_id", "3"}}, agent);
  ASSERT_EQ(pull.status, 200) << pull.body;
  EXPECT_EQ(pull.json()["type"], "offer");
  EXPECT_EQ(pull.json()["campaign"]["id"], "3");
  EXPECT_EQ(Call("POST", "/api/v1/agent/state", {{"state", "busy"}}, agent).status, 400);
}

TEST_F(Api, ConcurrencyLimitRefusesAcceptAndKeepsTheOffer) {
  std::string admin = Admin();
  ASSERT_EQ(Call("PATCH", "/api/v1/tenant", {{"max_concurrent_calls", 1}}, admin).status, 200);
  // Agent 1 takes the only call slot and stays connected.
  std::string a1 = Agent(1);
  WsClient ws1;
  ASSERT_TRUE(ws1.Connect(port_, "/api/v1/events?token=" + a1));
  ASSERT_EQ(Call("POST", "/api/v1/agent/state", {{"state", "available"}}, a1).status, 200);
  auto offer1 = ws1.WaitFor(Type("offer"));
  ASSERT_TRUE(offer1);
  auto acc1 =
      Call("POST", "/api/v1/offers/" + (*offer1)["offer_id"].get<std::string>() + "/accept", nullptr, a1);
  ASSERT_EQ(acc1.status, 200) << acc1.body;
  ASSERT_TRUE(ws1.WaitFor(CallState("connected")));
  // Agent 2's accept is refused by the tenant limit; the offer stays open.
  std::string a2 = Agent(2);
  WsClient ws2;
  ASSERT_TRUE(ws2.Connect(port_, "/api/v1/events?token=" + a2));
  ASSERT_EQ(Call("POST", "/api/v1/agent/state", {{"state", "available"}}, a2).status, 200);
  auto offer2 = ws2.WaitFor(Type("offer"));
  ASSERT_TRUE(offer2);
  std::string offer_id = (*offer2)["offer_id"];
  auto refused = Call("POST", "/api/v1/offers/" + offer_id + "/accept", nullptr, a2);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(Code(refused), "TENANT_CONCURRENT_CALL_LIMIT");
  auto snap = Call("GET", "/api/v1/agent", nullptr, a2).json();
  EXPECT_EQ(snap["state"], "previewing");
  ASSERT_TRUE(snap["offer"].is_object());
  EXPECT_EQ(snap["offer"]["offer_id"], offer_id);
  std::string contact_id = (*offer2)["contact"]["id"];
  EXPECT_EQ(Call("GET", "/api/v1/contacts/" + contact_id, nullptr, admin).json()["attempts"].size(), 0u);
  // Once the slot frees, the same offer can be accepted.
  std::string call1 = acc1.json()["call_id"];
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + call1 + "/end", nullptr, a1).status, 200);
  ASSERT_TRUE(ws1.WaitFor(CallState("ended")));
  auto retry = Call("POST", "/api/v1/offers/" + offer_id + "/accept", nullptr, a2);
  EXPECT_EQ(retry.status, 200) << retry.body;
}

TEST_F(Api, CancelRingingCallWithEndCallEnabled) {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(
      std::string("[server]\nsystem_token = \"") + kSystemToken +
      "\"\npassword_hash = \"minimal\"\n[database]\nurl = \"memory:\"\n[telephony.sim]\nrules = [ { "
      "match = \"*\", outcome = \"no_answer\", after_ms = "
      "100 } ]\n");
  ASSERT_TRUE(server_->started()) << server_->log();
  port_ = server_->port();
  std::string agent = Agent(1);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  ASSERT_EQ(Call("POST", "/api/v1/agent/state", {{"state", "available"}}, agent).status, 200);
  auto offer = ws.WaitFor(Type("offer"));
  ASSERT_TRUE(offer);
  auto accept =
      Call("POST", "/api/v1/offers/" + (*offer)["offer_id"].get<std::string>() + "/accept", nullptr, agent);
  ASSERT_EQ(accept.status, 200);
  auto ringing = ws.WaitFor(CallState("ringing"));
  ASSERT_TRUE(ringing);
  EXPECT_EQ((*ringing)["can_cancel"], true);
  std::string call_id = accept.json()["call_id"];
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + call_id + "/cancel", nullptr, agent).status, 200);
  auto ended = ws.WaitFor(CallState("ended"));
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["outcome"], "cancelled");
  EXPECT_EQ(Call("POST", "/api/v1/calls/" + call_id + "/cancel", nullptr, agent).status, 200);  // idempotent
}

// DELETE waits for the last agent working the campaign: 409 while a call or its wrap-up is open,
// then 204, and the engine forgets it (no stats, nothing offered from it any more).
TEST_F(Api, DeleteCampaignOnlyOnceNoAgentWorksIt) {
  std::string admin = Admin();
  std::string agent = Agent(1);
  WsClient ws;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  ASSERT_EQ(Call("POST", "/api/v1/agent/state", {{"state", "available"}}, agent).status, 200);
  auto offer = ws.WaitFor(Type("offer"));
  ASSERT_TRUE(offer);
  std::string campaign = (*offer)["campaign"]["id"];
  auto accept =
      Call("POST", "/api/v1/offers/" + (*offer)["offer_id"].get<std::string>() + "/accept", nullptr, agent);
  ASSERT_EQ(accept.status, 200) << accept.body;
  std::string call_id = accept.json()["call_id"];
  ASSERT_TRUE(ws.WaitFor(CallState("connected")));
  EXPECT_EQ(Code(Call("DELETE", "/api/v1/campaigns/" + campaign, nullptr, admin)), "CONFLICT") << "running";
  ASSERT_EQ(Call("POST", "/api/v1/campaigns/" + campaign + "/pause", nullptr, admin).status, 200);
  auto busy = Call("DELETE", "/api/v1/campaigns/" + campaign, nullptr, admin);
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_NE(busy.body.find("still working"), std::string::npos) << busy.body;
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + call_id + "/end", nullptr, agent).status, 200);
  auto wrapup = ws.WaitFor(Type("wrapup"));
  ASSERT_TRUE(wrapup);
  EXPECT_EQ(Call("DELETE", "/api/v1/campaigns/" + campaign, nullptr, admin).status, 409) << "in wrap-up";
  std::string code = (*wrapup)["dispositions"][0]["code"];
  ASSERT_EQ(Call("POST", "/api/v1/calls/" + call_id + "/wrapup", {{"disposition", code}}, agent).status, 200);
  auto deleted = Call("DELETE", "/api/v1/campaigns/" + campaign, nullptr, admin);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + campaign, nullptr, admin).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/campaigns/" + campaign + "/stats", nullptr, admin).status, 404);
  // The agent works on (the demo's other campaigns may reserve it), never on the deleted one.
  auto agent_view = Call("GET", "/api/v1/agent", nullptr, agent).json();
  EXPECT_NE(agent_view["state"], "wrap_up") << agent_view.dump();
  EXPECT_TRUE(agent_view["offer"].is_null() ||
              agent_view["offer"]["campaign"]["id"].get<std::string>() != campaign)
      << agent_view.dump();
  EXPECT_TRUE(agent_view["reservation"].is_null() ||
              agent_view["reservation"]["campaign_id"].get<std::string>() != campaign)
      << agent_view.dump();
}

// A WebSocket opened by hand that never reads, with a tiny receive buffer: the server's queue for
// it fills, and the server must drop that client rather than hold memory or stall anyone else.
int OpenStalledWebSocket(int port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int tiny = 2048;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  std::string hello = "GET " + target +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd, hello.data(), hello.size(), 0) != static_cast<ssize_t>(hello.size())) {
    ::close(fd);
    return -1;
  }
  // Read the 101 answer byte by byte, so that not a single event frame is taken off the socket.
  std::string head;
  char ch = 0;
  while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &ch, 1, 0) == 1) head.push_back(ch);
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

double MetricValue(const std::string& text, const std::string& series) {
  auto at = text.find(series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 1));
}

TEST_F(Api, SlowWebSocketClientIsDroppedWithoutStallingOthers) {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(Config("ws_queue_limit = 16\n"));
  ASSERT_TRUE(server_->started()) << server_->log();
  port_ = server_->port();
  std::string supervisor = Admin();
  // An agent of no campaign's team: nothing reserves it, so every set_state changes its state.
  auto made = Call("POST", "/api/v1/users",
                   {{"username", "solo"},
                    {"password", "solo"},
                    {"role", "agent"},
                    {"team", "nobody"},
                    {"station", "sim:auto"}},
                   supervisor);
  ASSERT_EQ(made.status, 201) << made.body;
  std::string agent = Login("demo", "solo", "solo");
  int stalled = OpenStalledWebSocket(port_, "/api/v1/events?token=" + supervisor);
  ASSERT_GE(stalled, 0);
  WsClient reader;  // a healthy supervisor desktop beside it
  ASSERT_TRUE(reader.Connect(port_, "/api/v1/events?token=" + supervisor));
  WsClient ws;
  ASSERT_TRUE(ws.Connect(port_, "/api/v1/events?token=" + agent));
  ASSERT_TRUE(ws.WaitFor(Type("snapshot")));
  const std::string drops = "outdial_websocket{figure=\"overflow_drops\"}";
  // Agent state changes fan out to both supervisors; the agent's acks come after each commit.
  double dropped = 0;
  int actions = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (dropped < 1 && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 100; ++i, ++actions) {
      std::string ref = "t" + std::to_string(actions);
      std::string state = actions % 2 == 0 ? "idle" : "available";
      ASSERT_TRUE(ws.SendText(R"({"op":"set_state","ref":")" + ref + R"(","state":")" + state +
                              R"(","reason":"bench"})"));
      auto ack = ws.WaitFor(
          [&](const Json& j) { return j.value("type", "") == "ack" && j.value("ref", "") == ref; }, 5s);
      ASSERT_TRUE(ack) << "the engine stalled after " << actions << " actions";
    }
    ws.seen.clear();
    ws.pending.clear();
    // The healthy supervisor keeps up: it reads the agent's state changes of this batch (every
    // action changed the state) while the stalled one reads nothing.
    for (int seen = 0; seen < 100;) {
      auto frame = reader.Next(5s);
      ASSERT_TRUE(frame) << "the healthy supervisor stopped getting events after " << actions << " actions";
      if (frame->value("type", "") == "agent.state") ++seen;
    }
    reader.seen.clear();
    dropped = MetricValue(Call("GET", "/metrics").body, drops);
  }
  EXPECT_GE(dropped, 1) << "after " << actions << " actions the stalled client was never dropped";
  // The dropped socket ends: reading it drains what the kernel held, then sees the close.
  timeval wait{10, 0};
  ::setsockopt(stalled, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::recv(stalled, buffer, sizeof buffer, 0)) > 0) {
  }
  EXPECT_EQ(n, 0) << "the server did not close the stalled WebSocket";
  ::close(stalled);
  // The healthy supervisor is still connected and gets the next event promptly.
  ASSERT_TRUE(ws.SendText(R"({"op":"set_state","ref":"last","state":"idle","reason":"done"})"));
  EXPECT_TRUE(reader.WaitFor([](const Json& j) { return j.value("type", "") == "agent.state"; }, 5s));
  EXPECT_TRUE(reader.open());
}

}  // namespace
}  // namespace outdial::testing
