#include "core/settings_json.h"

#include <gtest/gtest.h>

namespace outdial::core {
namespace {

using nlohmann::json;

bool HasProblem(const Error& e, std::string_view field) {
  for (const auto& p : e.details) {
    if (p.field == field) return true;
  }
  return false;
}

TEST(SettingsJson, CampaignRoundTripKeepsEverySetting) {
  CampaignSettings s;
  s.name = "Renewals";
  s.description = "Call about the renewal";
  s.mode = CampaignMode::kPreviewDirect;
  s.teams = {"north", "south"};
  s.priority = 8;
  s.caller_id = "+12015550100";
  s.preview_offer_timeout_s = 0;
  s.preview_timeout_action = TimeoutAction::kAccept;
  s.skip_disabled = true;
  s.reservation_ring_limit_s = 30;
  s.no_answer_ring_limit_s = 40;
  s.displayed_fields = {"account", "plan"};
  s.cpa.amd_enabled = false;
  s.cpa.max_time_analysis_ms = 4000;
  s.on_machine = OnMachine::kHangup;
  s.max_attempts = 5;
  s.max_attempts_per_number = 2;
  s.retry[static_cast<size_t>(RetryKey::kBusy)] = RetryRule{120, false};
  s.calling_window.days[6] = {MinuteRange{10 * 60, 12 * 60}};
  s.calling_window.holidays = {date::year{2026} / 12 / 25};
  s.dnc_lists = {"partners"};
  s.wrap_up_timeout_s = 0;

  auto parsed = CampaignSettingsFromJson(CampaignSettingsToJson(s), CampaignSettings{}, true);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  CampaignSettings expected = s;
  expected.default_disposition = s.AutoWrapUpDisposition()->code;  // the effective one is written
  EXPECT_EQ(parsed->name, expected.name);
  EXPECT_EQ(parsed->teams, expected.teams);
  EXPECT_EQ(parsed->retry, expected.retry);
  EXPECT_EQ(parsed->calling_window, expected.calling_window);
  EXPECT_EQ(parsed->cpa, expected.cpa);
  EXPECT_EQ(parsed->dispositions, expected.dispositions);
  EXPECT_EQ(parsed->default_disposition, expected.default_disposition);
  EXPECT_TRUE(parsed->skip_disabled);
  EXPECT_FALSE(parsed->remove_disabled);
  EXPECT_EQ(parsed->on_machine, OnMachine::kHangup);
  EXPECT_EQ(parsed->mode, CampaignMode::kPreviewDirect);
}

TEST(SettingsJson, PatchChangesOnlyWhatItNames) {
  CampaignSettings base;
  base.name = "A";
  base.priority = 3;
  auto parsed = CampaignSettingsFromJson(json{{"priority", 9}}, base, false);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->priority, 9);
  EXPECT_EQ(parsed->name, "A");
}

TEST(SettingsJson, CreateNeedsNameAndMode) {
  auto parsed = CampaignSettingsFromJson(json::object(), CampaignSettings{}, true);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kValidationFailed);
  EXPECT_TRUE(HasProblem(parsed.error(), "name"));
  EXPECT_TRUE(HasProblem(parsed.error(), "mode"));
}

TEST(SettingsJson, EveryWrongKeyIsReportedWithItsField) {
  json body = {{"name", "A"},
               {"mode", "preview_fast"},
               {"priority", "high"},
               {"cpa", {{"max_time_analysis_ms", 1.5}, {"bogus", 1}}},
               {"retry", {{"busy", {{"delay_s", -1}}}, {"sleepy", {{"delay_s", 1}}}}},
               {"calling_window", {{"mon", {"25:00-26:00"}}}},
               {"preview_actions_disabled", {"accept"}},
               {"colour", "blue"}};
  auto parsed = CampaignSettingsFromJson(body, CampaignSettings{}, true);
  ASSERT_FALSE(parsed.ok());
  for (auto field : {"mode", "priority", "cpa.max_time_analysis_ms", "cpa.bogus", "retry.sleepy",
                     "preview_actions_disabled", "colour"}) {
    EXPECT_TRUE(HasProblem(parsed.error(), field)) << field;
  }
  bool window_problem = false;
  for (const auto& p : parsed.error().details) window_problem |= p.field.starts_with("calling_window.mon");
  EXPECT_TRUE(window_problem);
}

TEST(SettingsJson, RangesComeFromValidation) {
  auto parsed = CampaignSettingsFromJson(
      json{{"name", "A"}, {"mode", "preview_standard"}, {"preview_offer_timeout_s", 0}}, CampaignSettings{},
      true);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(HasProblem(parsed.error(), "preview_offer_timeout_s"));  // 0 needs action accept
}

TEST(SettingsJson, ReadOnlyFieldsFromAGetAreAccepted) {
  CampaignSettings base;
  base.name = "A";
  json body = CampaignSettingsToJson(base);
  body["id"] = "7";
  body["status"] = "running";
  EXPECT_TRUE(CampaignSettingsFromJson(body, base, false).ok());
}

TEST(SettingsJson, TenantSettings) {
  TenantSettings base;
  base.name = "acme";
  auto parsed = TenantSettingsFromJson(json{{"max_concurrent_calls", 50},
                                            {"end_call_enabled", true},
                                            {"default_timezone", "Europe/Berlin"},
                                            {"default_region", "DE"},
                                            {"admin", {{"username", "a"}}}},
                                       base, {"admin"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->max_concurrent_calls, 50);
  EXPECT_TRUE(parsed->end_call_enabled);
  EXPECT_EQ(parsed->default_timezone, "Europe/Berlin");
  EXPECT_EQ(TenantSettingsFromJson(TenantSettingsToJson(*parsed), TenantSettings{})->default_region, "DE");

  auto bad = TenantSettingsFromJson(
      json{{"max_concurrent_calls", 0}, {"default_timezone", "Mars/Olympus"}, {"default_region", "germany"}},
      base);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(HasProblem(bad.error(), "default_timezone"));
  EXPECT_TRUE(HasProblem(bad.error(), "max_concurrent_calls"));
  EXPECT_TRUE(HasProblem(bad.error(), "default_region"));
}

}  // namespace
}  // namespace outdial::core
