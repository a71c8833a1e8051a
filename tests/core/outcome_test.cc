#include "core/outcome.h"

#include <set>

#include <gtest/gtest.h>

#include "core/reason_code.h"

namespace outdial::core {
namespace {

struct SipCase {
  int code;
  bool agent_cancelled;
  Outcome outcome;
  ReasonCode reason;
};

class SipMapping : public ::testing::TestWithParam<SipCase> {};

TEST_P(SipMapping, FollowsProductSpecSection7) {
  const SipCase& c = GetParam();
  auto cls = ClassifySipFailure(c.code, c.agent_cancelled);
  EXPECT_EQ(cls.outcome, c.outcome) << c.code;
  EXPECT_EQ(cls.reason, c.reason) << c.code;
}

INSTANTIATE_TEST_SUITE_P(
    Codes, SipMapping,
    ::testing::Values(SipCase{486, false, Outcome::kBusy, ReasonCode::kCustomerBusy},
                      SipCase{600, false, Outcome::kBusy, ReasonCode::kCustomerBusy},
                      SipCase{408, false, Outcome::kNoAnswer, ReasonCode::kNoAnswer},
                      SipCase{480, false, Outcome::kNoAnswer, ReasonCode::kNoAnswer},
                      SipCase{404, false, Outcome::kInvalidNumber, ReasonCode::kInvalidNumber},
                      SipCase{410, false, Outcome::kInvalidNumber, ReasonCode::kInvalidNumber},
                      SipCase{484, false, Outcome::kInvalidNumber, ReasonCode::kInvalidNumber},
                      SipCase{604, false, Outcome::kInvalidNumber, ReasonCode::kInvalidNumber},
                      SipCase{403, false, Outcome::kRejected, ReasonCode::kCallRejected},
                      SipCase{603, false, Outcome::kRejected, ReasonCode::kCallRejected},
                      SipCase{500, false, Outcome::kNetworkError, ReasonCode::kNetworkError},
                      SipCase{503, false, Outcome::kNetworkError, ReasonCode::kNetworkError},
                      SipCase{0, false, Outcome::kNetworkError, ReasonCode::kNetworkError},
                      SipCase{487, true, Outcome::kCancelled, ReasonCode::kAgentCancelled},
                      SipCase{487, false, Outcome::kNetworkError, ReasonCode::kNetworkError}));

TEST(ReasonCodes, HaveUniqueStableNamesAndSentences) {
  std::set<std::string_view> names;
  for (int i = 0; i < kReasonCodeCount; ++i) {
    auto code = static_cast<ReasonCode>(i);
    EXPECT_TRUE(names.insert(ToString(code)).second) << ToString(code);
    EXPECT_EQ(ReasonCodeFromString(ToString(code)), code);
    EXPECT_FALSE(HumanSentence(code).empty());
  }
  // The published names of PRODUCT.md §7 must never change.
  EXPECT_EQ(ToString(ReasonCode::kTenantConcurrentCallLimit), "TENANT_CONCURRENT_CALL_LIMIT");
  EXPECT_EQ(ToString(ReasonCode::kDatacenterConcurrentCallLimit), "DATACENTER_CONCURRENT_CALL_LIMIT");
  EXPECT_EQ(ToString(ReasonCode::kReservationNotAnswered), "RESERVATION_NOT_ANSWERED");
  EXPECT_EQ(ToString(ReasonCode::kSpecialInformationTone), "SPECIAL_INFORMATION_TONE");
  EXPECT_EQ(ToString(ReasonCode::kCampaignNotRunning), "CAMPAIGN_NOT_RUNNING");
  EXPECT_FALSE(ReasonCodeFromString("NOT_A_CODE"));
}

TEST(Outcomes, RoundTripAndReasons) {
  for (int i = 0; i < kOutcomeCount; ++i) {
    auto o = static_cast<Outcome>(i);
    EXPECT_EQ(OutcomeFromString(ToString(o)), o);
  }
  EXPECT_FALSE(ReasonFor(Outcome::kConnected));
  EXPECT_EQ(ReasonFor(Outcome::kFax), ReasonCode::kFaxDetected);
  EXPECT_EQ(ReasonFor(Outcome::kCancelled), ReasonCode::kAgentCancelled);
  EXPECT_EQ(RetryKeyFor(Outcome::kBusy), RetryKey::kBusy);
  EXPECT_EQ(RetryKeyFor(Outcome::kInterrupted), RetryKey::kInterrupted);
  for (int i = 0; i < kRetryKeyCount; ++i) {
    auto k = static_cast<RetryKey>(i);
    EXPECT_EQ(RetryKeyFromString(ToString(k)), k);
  }
}

}  // namespace
}  // namespace outdial::core
