// Crash recovery's rule for one contact (core/recovery.h), case by case: what state,
// next_eligible_at and counts a contact takes, with or without an attempt the crash left open.
#include "core/recovery.h"

#include <gtest/gtest.h>

namespace outdial::core {
namespace {

const TimePoint kNow = FromEpochMs(1'800'000'000'000);
constexpr std::string_view kFirst = "+12015550100";
constexpr std::string_view kSecond = "+12015550101";

struct Case {
  std::string name;
  // The contact before recovery.
  ContactState state = ContactState::kInProgress;
  uint16_t attempts_made = 0;
  uint16_t first_number_attempts = 0;
  int64_t due_in_s = 0;  // next_eligible_at - now
  bool callback = false;
  // The campaign's interrupted rule and limit.
  RetryRule interrupted{600, true};
  int max_attempts = 3;
  // The number of the open attempt, if any.
  std::optional<std::string_view> open_on;
  // What recovery makes of it.
  RecoveryAction action;
  ContactState want_state;
  uint16_t want_attempts_made = 0;
  uint16_t want_first_number_attempts = 0;
  int64_t want_due_in_s = 0;
  bool want_interrupted_outcome = false;
  bool want_callback = false;
};

class RecoverContactTable : public ::testing::TestWithParam<Case> {};

TEST_P(RecoverContactTable, DecidesTheContact) {
  const Case& t = GetParam();
  Contact c;
  c.id = ContactId{1};
  c.phones = {Phone{std::string(kFirst), "mobile", t.first_number_attempts, false},
              Phone{std::string(kSecond), "home", 0, false}};
  c.state = t.state;
  c.attempts_made = t.attempts_made;
  c.next_eligible_at = kNow + Seconds{t.due_in_s};
  c.callback = t.callback;
  if (t.callback) c.callback_agent = AgentId{9};
  CampaignSettings s;
  s.max_attempts = t.max_attempts;
  s.retry[static_cast<size_t>(RetryKey::kInterrupted)] = t.interrupted;

  EXPECT_EQ(RecoverContact(c, s, t.open_on, kNow), t.action);
  EXPECT_EQ(c.state, t.want_state);
  EXPECT_EQ(c.attempts_made, t.want_attempts_made);
  EXPECT_EQ(c.phones[0].attempts, t.want_first_number_attempts);
  EXPECT_EQ(c.phones[1].attempts, 0);
  EXPECT_EQ(c.next_eligible_at, kNow + Seconds{t.want_due_in_s});
  EXPECT_EQ(c.last_outcome.has_value(), t.want_interrupted_outcome);
  if (t.want_interrupted_outcome) {
    EXPECT_EQ(*c.last_outcome, Outcome::kInterrupted);
  }
  EXPECT_EQ(c.callback, t.want_callback);
  EXPECT_EQ(c.callback_agent.valid(), t.want_callback);
}

using S = ContactState;
using A = RecoveryAction;

INSTANTIATE_TEST_SUITE_P(
    Recovery, RecoverContactTable,
    ::testing::Values(
        // An attempt left open: the interrupted rule, counted on the contact and on its number.
        Case{.name = "dialing_is_rescheduled_by_the_interrupted_rule",
             .open_on = kFirst,
             .action = A::kRescheduled,
             .want_state = S::kScheduled,
             .want_attempts_made = 1,
             .want_first_number_attempts = 1,
             .want_due_in_s = 600,
             .want_interrupted_outcome = true},
        Case{.name = "a_rule_without_delay_makes_it_callable_now",
             .interrupted = {0, true},
             .open_on = kFirst,
             .action = A::kRescheduled,
             .want_state = S::kCallable,
             .want_attempts_made = 1,
             .want_first_number_attempts = 1,
             .want_interrupted_outcome = true},
        Case{.name = "a_rule_that_does_not_count_leaves_the_counts",
             .interrupted = {120, false},
             .open_on = kFirst,
             .action = A::kRescheduled,
             .want_state = S::kScheduled,
             .want_due_in_s = 120,
             .want_interrupted_outcome = true},
        Case{.name = "the_last_attempt_exhausts_it",
             .attempts_made = 2,
             .first_number_attempts = 2,
             .due_in_s = -5,
             .open_on = kFirst,
             .action = A::kRescheduled,
             .want_state = S::kExhausted,
             .want_attempts_made = 3,
             .want_first_number_attempts = 3,
             .want_due_in_s = -5,
             .want_interrupted_outcome = true},
        Case{.name = "a_number_not_of_the_contact_counts_on_the_contact_alone",
             .open_on = "+19995550000",
             .action = A::kRescheduled,
             .want_state = S::kScheduled,
             .want_attempts_made = 1,
             .want_due_in_s = 600,
             .want_interrupted_outcome = true},
        Case{.name = "a_promised_callback_is_consumed",
             .callback = true,
             .open_on = kFirst,
             .action = A::kRescheduled,
             .want_state = S::kScheduled,
             .want_attempts_made = 1,
             .want_first_number_attempts = 1,
             .want_due_in_s = 600,
             .want_interrupted_outcome = true},
        Case{.name = "an_open_contact_not_in_progress_is_rescheduled_too",
             .state = S::kScheduled,
             .due_in_s = 30,
             .open_on = kFirst,
             .action = A::kRescheduled,
             .want_state = S::kScheduled,
             .want_attempts_made = 1,
             .want_first_number_attempts = 1,
             .want_due_in_s = 600,
             .want_interrupted_outcome = true},
        // Closed for good: stays closed, whatever was open.
        Case{.name = "done_stays_done",
             .state = S::kDone,
             .attempts_made = 1,
             .open_on = kFirst,
             .action = A::kUntouched,
             .want_state = S::kDone,
             .want_attempts_made = 1},
        Case{.name = "dnc_stays_dnc",
             .state = S::kDnc,
             .open_on = kFirst,
             .action = A::kUntouched,
             .want_state = S::kDnc},
        Case{.name = "removed_stays_removed",
             .state = S::kRemoved,
             .open_on = kFirst,
             .action = A::kUntouched,
             .want_state = S::kRemoved},
        Case{.name = "exhausted_stays_exhausted",
             .state = S::kExhausted,
             .open_on = kFirst,
             .action = A::kUntouched,
             .want_state = S::kExhausted},
        // Held by an offer or a reservation (no attempt): back untouched but for the state.
        Case{.name = "held_and_due_goes_back_callable",
             .attempts_made = 1,
             .first_number_attempts = 1,
             .action = A::kReleased,
             .want_state = S::kCallable,
             .want_attempts_made = 1,
             .want_first_number_attempts = 1},
        Case{.name = "held_and_due_later_goes_back_scheduled",
             .due_in_s = 3600,
             .callback = true,
             .action = A::kReleased,
             .want_state = S::kScheduled,
             .want_due_in_s = 3600,
             .want_callback = true},
        Case{.name = "held_and_due_in_the_past_goes_back_callable",
             .due_in_s = -60,
             .action = A::kReleased,
             .want_state = S::kCallable,
             .want_due_in_s = -60},
        // Neither open nor held: nothing to do.
        Case{.name = "callable_without_attempt_is_untouched",
             .state = S::kCallable,
             .due_in_s = 10,
             .action = A::kUntouched,
             .want_state = S::kCallable,
             .want_due_in_s = 10},
        Case{.name = "scheduled_without_attempt_is_untouched",
             .state = S::kScheduled,
             .due_in_s = -10,
             .action = A::kUntouched,
             .want_state = S::kScheduled,
             .want_due_in_s = -10}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ReleasedState, ScheduledOnlyWhileDueLater) {
  EXPECT_EQ(ReleasedState(kNow + Seconds{1}, kNow), ContactState::kScheduled);
  EXPECT_EQ(ReleasedState(kNow, kNow), ContactState::kCallable);
  EXPECT_EQ(ReleasedState(kNow - Seconds{1}, kNow), ContactState::kCallable);
}

}  // namespace
}  // namespace outdial::core
