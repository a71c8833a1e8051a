#include "core/settings.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace outdial::core {
namespace {

CampaignSettings Valid() {
  CampaignSettings s;
  s.name = "Spring renewals";
  return s;
}

bool HasProblem(const Result<void>& r, const std::string& field) {
  if (r.ok()) return false;
  const auto& d = r.error().details;
  return std::any_of(d.begin(), d.end(), [&](const FieldProblem& p) { return p.field == field; });
}

TEST(CampaignSettings, DefaultsMatchTheProductSpec) {
  CampaignSettings s = Valid();
  EXPECT_TRUE(ValidateCampaignSettings(s).ok());
  EXPECT_EQ(s.priority, 5);
  EXPECT_EQ(s.preview_offer_timeout_s, 600);
  EXPECT_EQ(s.preview_timeout_action, TimeoutAction::kSkip);
  EXPECT_EQ(s.reservation_ring_limit_s, 20);
  EXPECT_EQ(s.no_answer_ring_limit_s, 32);
  EXPECT_EQ(s.max_attempts, 3);
  EXPECT_EQ(s.max_attempts_per_number, 3);
  EXPECT_EQ(s.wrap_up_timeout_s, 120);
  EXPECT_EQ(s.on_machine, OnMachine::kConnect);
  EXPECT_TRUE(s.cpa.enabled);
  EXPECT_TRUE(s.cpa.amd_enabled);
  EXPECT_EQ(s.cpa.min_silence_period_ms, 608);
  EXPECT_EQ(s.cpa.minimum_valid_speech_ms, 112);
  EXPECT_EQ(s.cpa.max_time_analysis_ms, 3000);
  EXPECT_EQ(s.cpa.max_term_tone_analysis_ms, 30000);
  EXPECT_EQ(s.RetryFor(RetryKey::kBusy).delay_s, 300);
  EXPECT_EQ(s.RetryFor(RetryKey::kNoAnswer).delay_s, 1800);
  EXPECT_EQ(s.RetryFor(RetryKey::kMachine).delay_s, 3600);
  EXPECT_EQ(s.RetryFor(RetryKey::kNetworkError).delay_s, 600);
  EXPECT_EQ(s.RetryFor(RetryKey::kRejected).delay_s, 3600);
  EXPECT_EQ(s.RetryFor(RetryKey::kCancelled).delay_s, 600);
  EXPECT_EQ(s.RetryFor(RetryKey::kSkipped).delay_s, 0);
  EXPECT_FALSE(s.RetryFor(RetryKey::kSkipped).counts_as_attempt);
  EXPECT_EQ(s.RetryFor(RetryKey::kInterrupted).delay_s, 1800);
  ASSERT_NE(s.AutoWrapUpDisposition(), nullptr);
  EXPECT_EQ(s.AutoWrapUpDisposition()->result, DispositionResult::kFinal);
}

struct RangeCase {
  const char* field;
  void (*set)(CampaignSettings&, int);
  int lo;
  int hi;
};

class CampaignRanges : public ::testing::TestWithParam<RangeCase> {};

TEST_P(CampaignRanges, BoundsAreInclusiveAndOutsideIsRefusedNamingTheField) {
  const RangeCase& c = GetParam();
  for (int v : {c.lo, c.hi}) {
    CampaignSettings s = Valid();
    c.set(s, v);
    EXPECT_TRUE(ValidateCampaignSettings(s).ok()) << c.field << "=" << v;
  }
  for (int v : {c.lo - 1, c.hi + 1}) {
    CampaignSettings s = Valid();
    c.set(s, v);
    auto r = ValidateCampaignSettings(s);
    EXPECT_TRUE(HasProblem(r, c.field)) << c.field << "=" << v;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    ProductSpec, CampaignRanges,
    ::testing::Values(
        RangeCase{"priority", [](CampaignSettings& s, int v) { s.priority = v; }, 1, 10},
        RangeCase{"preview_offer_timeout_s",
                  [](CampaignSettings& s, int v) { s.preview_offer_timeout_s = v; }, 10, 7200},
        RangeCase{"reservation_ring_limit_s",
                  [](CampaignSettings& s, int v) { s.reservation_ring_limit_s = v; }, 5, 120},
        RangeCase{"no_answer_ring_limit_s", [](CampaignSettings& s, int v) { s.no_answer_ring_limit_s = v; },
                  16, 80},
        RangeCase{"cpa.min_silence_period_ms",
                  [](CampaignSettings& s, int v) { s.cpa.min_silence_period_ms = v; }, 100, 1000},
        RangeCase{"cpa.analysis_period_ms", [](CampaignSettings& s, int v) { s.cpa.analysis_period_ms = v; },
                  1000, 10000},
        RangeCase{"cpa.minimum_valid_speech_ms",
                  [](CampaignSettings& s, int v) { s.cpa.minimum_valid_speech_ms = v; }, 50, 500},
        RangeCase{"cpa.max_time_analysis_ms",
                  [](CampaignSettings& s, int v) { s.cpa.max_time_analysis_ms = v; }, 1000, 10000},
        RangeCase{"cpa.max_term_tone_analysis_ms",
                  [](CampaignSettings& s, int v) { s.cpa.max_term_tone_analysis_ms = v; }, 1000, 60000},
        RangeCase{"max_attempts", [](CampaignSettings& s, int v) { s.max_attempts = v; }, 1, 100},
        RangeCase{"max_attempts_per_number",
                  [](CampaignSettings& s, int v) { s.max_attempts_per_number = v; }, 1, 100},
        RangeCase{"wrap_up_timeout_s", [](CampaignSettings& s, int v) { s.wrap_up_timeout_s = v; }, 0, 3600}),
    [](const auto& param_info) {
      std::string name = param_info.param.field;
      std::replace(name.begin(), name.end(), '.', '_');
      return name;
    });

TEST(CampaignSettings, OfferTimeoutZeroOnlyWithAccept) {
  CampaignSettings s = Valid();
  s.preview_offer_timeout_s = 0;
  s.preview_timeout_action = TimeoutAction::kSkip;
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "preview_offer_timeout_s"));
  s.preview_timeout_action = TimeoutAction::kAccept;
  EXPECT_TRUE(ValidateCampaignSettings(s).ok());
  s.preview_offer_timeout_s = 7201;
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "preview_offer_timeout_s"));
}

TEST(CampaignSettings, ContradictionsAreRefused) {
  CampaignSettings s = Valid();
  s.skip_disabled = true;  // and the timeout action is skip
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "preview_timeout_action"));
  s = Valid();
  s.preview_timeout_action = TimeoutAction::kRemove;
  s.remove_disabled = true;
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "preview_timeout_action"));
  s = Valid();
  s.mode = CampaignMode::kPreview;
  s.preview_timeout_action = TimeoutAction::kAccept;
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "preview_timeout_action"));
  s = Valid();
  s.default_disposition = "nope";
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "default_disposition"));
  s = Valid();
  s.dispositions.push_back(s.dispositions.front());
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "dispositions[7].code"));
  s = Valid();
  s.dispositions.clear();
  EXPECT_TRUE(HasProblem(ValidateCampaignSettings(s), "dispositions"));
  s = Valid();
  s.name.clear();
  s.caller_id = "12345";
  auto r = ValidateCampaignSettings(s);
  EXPECT_TRUE(HasProblem(r, "name"));
  EXPECT_TRUE(HasProblem(r, "caller_id"));
  EXPECT_EQ(r.error().details.size(), 2u);  // every problem at once, not just the first
}

TEST(TenantSettings, Validation) {
  TenantSettings t;
  t.name = "acme";
  EXPECT_TRUE(ValidateTenantSettings(t).ok());
  t.max_concurrent_calls = 0;
  EXPECT_TRUE(HasProblem(ValidateTenantSettings(t), "max_concurrent_calls"));
  t.max_concurrent_calls = 100001;
  EXPECT_TRUE(HasProblem(ValidateTenantSettings(t), "max_concurrent_calls"));
  t.max_concurrent_calls = 100000;
  t.default_region = "usa";
  EXPECT_TRUE(HasProblem(ValidateTenantSettings(t), "default_region"));
}

TEST(Enums, RoundTripThroughTheirWireNames) {
  for (auto m : {CampaignMode::kPreview, CampaignMode::kPreviewStandard, CampaignMode::kPreviewDirect}) {
    EXPECT_EQ(CampaignModeFromString(ToString(m)), m);
  }
  for (auto a : {TimeoutAction::kAccept, TimeoutAction::kSkip, TimeoutAction::kRemove}) {
    EXPECT_EQ(TimeoutActionFromString(ToString(a)), a);
  }
  for (auto r : {DispositionResult::kSuccess, DispositionResult::kRetry, DispositionResult::kCallback,
                 DispositionResult::kDoNotCall, DispositionResult::kFinal}) {
    EXPECT_EQ(DispositionResultFromString(ToString(r)), r);
  }
  EXPECT_FALSE(CampaignModeFromString("progressive"));
}

}  // namespace
}  // namespace outdial::core
