// Events follow durability (PRODUCT.md §8.3, API.md Events): a client that reads through the REST
// API right after an event sees the change the event reports. Against the running binary on the
// SQLite store (its group-commit writer commits on a thread of its own, after the engine has
// moved on), for the events that report a contact change: an offer skipped by its countdown, a
// failed attempt (busy), an expired pull-mode offer — each many times.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "client.h"

namespace outdial::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kSystemToken[] = "durable-events-token";
constexpr int kAgents = 6;

std::string Config(const std::string& db) {
  return std::string("[server]\nsystem_token = \"") + kSystemToken +
         "\"\npassword_hash = \"minimal\"\nweb_root = \"/nonexistent-outdial-web\"\n"
         "[database]\nurl = \"sqlite://" +
         db +
         "\"\n[datacenter]\nmax_concurrent_calls = 100\n"
         "[telephony.sim]\nrules = [ { match = \"+1202555*\", outcome = \"busy\", after_ms = 20 },\n"
         "  { match = \"*\", outcome = \"answer\", after_ms = 300 } ]\n";
}

Json AllDay() {
  Json w = Json::object();
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) w[d] = {"00:00-24:00"};
  w["holidays"] = Json::array();
  return w;
}

class DurableEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("outdial-durable-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    server_ = std::make_unique<ServerProcess>(Config((dir_ / "outdial.db").string()), /*demo=*/false);
    ASSERT_TRUE(server_->started()) << server_->log();
    auto t = Call("POST", "/api/v1/tenants",
                  {{"name", "durable"},
                   {"max_concurrent_calls", 50},
                   {"end_call_enabled", true},
                   {"default_timezone", "America/New_York"},
                   {"admin", {{"username", "boss"}, {"password", "secret-pass"}}}},
                  kSystemToken);
    ASSERT_EQ(t.status, 201) << t.body;
    admin_ = Login("boss", "secret-pass");
    for (int i = 0; i < kAgents; ++i) {
      std::string name = "a" + std::to_string(i);
      auto u =
          Call("POST", "/api/v1/users",
               {{"username", name}, {"password", "agent-pass"}, {"role", "agent"}, {"station", "sim:auto"}},
               admin_);
      ASSERT_EQ(u.status, 201) << u.body;
      agents_.push_back(Login(name, "agent-pass"));
    }
  }
  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "--- server log ---\n" << server_->log() << "\n";
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  HttpResult Call(const std::string& method, const std::string& target, const Json& body = nullptr,
                  const std::string& token = "") {
    return Http(server_->port(), method, target, body.is_null() ? std::string() : body.dump(), token);
  }
  std::string Login(const std::string& user, const std::string& password) {
    auto r =
        Call("POST", "/api/v1/login", {{"tenant", "durable"}, {"username", user}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }
  // A running campaign of `contacts` numbers starting at `first`.
  std::string Campaign(Json settings, const std::string& first, int contacts) {
    settings["calling_window"] = AllDay();
    settings["retry"] = {{"skipped", {{"delay_s", 3600}, {"counts_as_attempt", false}}},
                         {"busy", {{"delay_s", 3600}, {"counts_as_attempt", true}}}};
    auto c = Call("POST", "/api/v1/campaigns", settings, admin_);
    EXPECT_EQ(c.status, 201) << c.body;
    std::string id = c.json().value("id", "");
    Json list = Json::array();
    for (int i = 0; i < contacts; ++i) {
      list.push_back({{"name", "C" + std::to_string(i)},
                      {"phones", {{{"number", first + std::to_string(1000 + i)}}}},
                      {"timezone", "America/New_York"}});
    }
    auto imp = Call("POST", "/api/v1/campaigns/" + id + "/contacts", {{"contacts", list}}, admin_);
    EXPECT_EQ(imp.status, 200) << imp.body;
    EXPECT_EQ(Call("POST", "/api/v1/campaigns/" + id + "/start", nullptr, admin_).status, 200);
    return id;
  }
  Json Contact(const std::string& id) {
    return Call("GET", "/api/v1/contacts/" + id, nullptr, admin_).json();
  }
  void Connect() {
    sockets_.clear();
    for (const auto& token : agents_) {
      sockets_.push_back(std::make_unique<WsClient>());
      ASSERT_TRUE(sockets_.back()->Connect(server_->port(), "/api/v1/events?token=" + token));
      ASSERT_TRUE(sockets_.back()->WaitFor([](const Json& j) { return j.value("type", "") == "snapshot"; }));
    }
  }
  void SetAll(const std::string& state) {
    for (const auto& token : agents_) {
      ASSERT_EQ(Call("POST", "/api/v1/agent/state", {{"state", state}}, token).status, 200);
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_;
  std::vector<std::string> agents_;
  std::vector<std::unique_ptr<WsClient>> sockets_;
};

auto Type(const std::string& type) {
  return [type](const Json& j) { return j.value("type", "") == type; };
}

TEST_F(DurableEvents, AContactReadRightAfterEachEventShowsItsChange) {
  Connect();
  // 1. Push mode, the countdown skips: `offer.closed` {skip, timeout} -> the contact is scheduled.
  std::string skip_campaign = Campaign({{"name", "timeout skips"},
                                        {"mode", "preview_direct"},
                                        {"preview_offer_timeout_s", 10},
                                        {"preview_timeout_action", "skip"}},
                                       "+1303555", 40);
  SetAll("available");
  int checked = 0;
  for (int round = 0; round < 2; ++round) {
    for (auto& ws : sockets_) {
      auto offer = ws->WaitFor(Type("offer"), 15s);
      ASSERT_TRUE(offer);
      auto closed = ws->WaitFor(Type("offer.closed"), 15s);
      ASSERT_TRUE(closed);
      EXPECT_EQ((*closed)["by"], "timeout");
      Json c = Contact((*offer)["contact"]["id"]);
      EXPECT_EQ(c["state"], "scheduled") << c.dump();
      ++checked;
    }
  }
  SetAll("idle");
  ASSERT_EQ(Call("POST", "/api/v1/campaigns/" + skip_campaign + "/pause", nullptr, admin_).status, 200);

  // 2. A busy customer: `attempt.failed` -> the contact is scheduled with its attempt ended.
  Connect();
  std::string busy_campaign = Campaign({{"name", "busy"}, {"mode", "preview_direct"}}, "+1202555", 60);
  SetAll("available");
  for (int round = 0; round < 5; ++round) {
    for (size_t a = 0; a < sockets_.size(); ++a) {
      auto offer = sockets_[a]->WaitFor(Type("offer"), 10s);
      ASSERT_TRUE(offer);
      std::string offer_id = (*offer)["offer_id"];
      ASSERT_EQ(Call("POST", "/api/v1/offers/" + offer_id + "/accept", nullptr, agents_[a]).status, 200);
      auto failed = sockets_[a]->WaitFor(Type("attempt.failed"), 10s);
      ASSERT_TRUE(failed);
      EXPECT_EQ((*failed)["reason_code"], "CUSTOMER_BUSY");
      Json c = Contact((*offer)["contact"]["id"]);
      EXPECT_EQ(c["state"], "scheduled") << c.dump();
      ASSERT_EQ(c["attempts"].size(), 1u) << c.dump();
      EXPECT_EQ(c["attempts"][0]["outcome"], "busy") << c.dump();
      EXPECT_FALSE(c["attempts"][0]["ended_at"].is_null()) << c.dump();
      ++checked;
    }
  }
  SetAll("idle");
  ASSERT_EQ(Call("POST", "/api/v1/campaigns/" + busy_campaign + "/pause", nullptr, admin_).status, 200);

  // 3. Pull mode: an offer the agent asked for expires -> the contact is scheduled.
  Connect();
  Campaign({{"name", "pull"}, {"mode", "preview"}, {"preview_offer_timeout_s", 10}}, "+1404555", 20);
  for (size_t a = 0; a < agents_.size(); ++a) {
    ASSERT_EQ(Call("POST", "/api/v1/agent/preview-request", Json::object(), agents_[a]).status, 200);
  }
  for (auto& ws : sockets_) {
    auto offer = ws->WaitFor(Type("offer"), 15s);
    ASSERT_TRUE(offer);
    auto closed = ws->WaitFor(Type("offer.closed"), 15s);
    ASSERT_TRUE(closed);
    EXPECT_EQ((*closed)["by"], "timeout");
    Json c = Contact((*offer)["contact"]["id"]);
    EXPECT_EQ(c["state"], "scheduled") << c.dump();
    ++checked;
  }
  EXPECT_EQ(checked, kAgents * 8);
}

}  // namespace
}  // namespace outdial::testing
