#include "core/eligibility.h"

#include <gtest/gtest.h>

namespace outdial::core {
namespace {

Contact TwoNumbers() {
  Contact c;
  c.id = ContactId{1};
  c.phones = {Phone{"+12015550100", "mobile", 0, false}, Phone{"+12015550101", "home", 0, false}};
  return c;
}

const DncLookup kNoDnc = [](std::string_view) { return false; };
const TimePoint kNow = FromEpochMs(1'800'000'000'000);

TEST(Eligibility, PicksTheLeastTriedUsableNumber) {
  CampaignSettings s;
  Contact c = TwoNumbers();
  auto r = CheckEligibility(c, s, kNoDnc, true);
  EXPECT_EQ(r.kind, EligibilityKind::kEligible);
  EXPECT_EQ(r.phone_index, 0);
  c.phones[0].attempts = 1;
  EXPECT_EQ(CheckEligibility(c, s, kNoDnc, true).phone_index, 1);
  c.phones[1].invalid = true;
  EXPECT_EQ(CheckEligibility(c, s, kNoDnc, true).phone_index, 0);
}

TEST(Eligibility, OutsideTheWindowWaits) {
  CampaignSettings s;
  auto r = CheckEligibility(TwoNumbers(), s, kNoDnc, false);
  EXPECT_EQ(r.kind, EligibilityKind::kWaitForWindow);
  EXPECT_EQ(r.reason, ReasonCode::kOutsideCallingWindow);
}

TEST(Eligibility, DncOnEveryNumberClosesAsDnc) {
  CampaignSettings s;
  Contact c = TwoNumbers();
  auto r = CheckEligibility(
      c, s, [](std::string_view n) { return n == "+12015550100"; }, true);
  EXPECT_EQ(r.kind, EligibilityKind::kEligible);
  EXPECT_EQ(r.phone_index, 1);
  r = CheckEligibility(
      c, s, [](std::string_view) { return true; }, false);
  EXPECT_EQ(r.kind, EligibilityKind::kClose);  // checked before the window: closed for good
  EXPECT_EQ(r.close_state, ContactState::kDnc);
  EXPECT_EQ(r.reason, ReasonCode::kDoNotCall);
}

TEST(Eligibility, AttemptLimitsExhaust) {
  CampaignSettings s;
  s.max_attempts = 2;
  Contact c = TwoNumbers();
  c.attempts_made = 2;
  auto r = CheckEligibility(c, s, kNoDnc, true);
  EXPECT_EQ(r.kind, EligibilityKind::kClose);
  EXPECT_EQ(r.close_state, ContactState::kExhausted);
  EXPECT_EQ(r.reason, ReasonCode::kMaxAttemptsReached);
  c.callback = true;  // a promised callback is honoured at the limit
  EXPECT_EQ(CheckEligibility(c, s, kNoDnc, true).kind, EligibilityKind::kEligible);
}

TEST(ApplyRetry, SchedulesCountsAndExhausts) {
  CampaignSettings s;
  s.max_attempts = 3;
  s.max_attempts_per_number = 1;
  Contact c = TwoNumbers();
  EXPECT_EQ(ApplyRetry(c, s, RetryKey::kBusy, 0, false, kNow), ContactState::kScheduled);
  EXPECT_EQ(c.attempts_made, 1);
  EXPECT_EQ(c.phones[0].attempts, 1);
  EXPECT_EQ(c.next_eligible_at, kNow + Seconds{300});
  // Skips do not count and come back at once.
  EXPECT_EQ(ApplyRetry(c, s, RetryKey::kSkipped, 1, false, kNow), ContactState::kCallable);
  EXPECT_EQ(c.attempts_made, 1);
  EXPECT_EQ(c.phones[1].attempts, 0);
  // The second number proves invalid: no usable number is left, so the contact is exhausted.
  EXPECT_EQ(ApplyRetry(c, s, RetryKey::kRejected, 1, true, kNow), ContactState::kExhausted);
  EXPECT_TRUE(c.phones[1].invalid);
}

TEST(ApplyRetry, MaxAttemptsExhausts) {
  CampaignSettings s;
  s.max_attempts = 1;
  Contact c = TwoNumbers();
  EXPECT_EQ(ApplyRetry(c, s, RetryKey::kNoAnswer, 0, false, kNow), ContactState::kExhausted);
}

}  // namespace
}  // namespace outdial::core
