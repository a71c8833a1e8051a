// PRODUCT.md §6: DNC (tenant list, campaign lists, the do_not_call disposition), attempt limits,
// calling windows in the contact's zone across DST changes, holidays, callbacks (due first,
// personal ones only to their agent), ordering, and wrap-up with every disposition result.
#include <gtest/gtest.h>

#include <date/date.h>
#include <fmt/format.h>

#include "scenarios/scenario_fixture.h"

namespace outdial::scenarios {
namespace {

using engine::OfferEvent;

constexpr char kNum1[] = "+12015550101";
constexpr char kNum2[] = "+12015550102";

// ---- DNC ------------------------------------------------------------------------------------------

struct DncCase {
  const char* name;
  std::string list;
  std::vector<std::string> campaign_lists;
  bool blocked;
};
void PrintTo(const DncCase& c, std::ostream* os) {
  *os << c.name;
}

class Dnc : public ::testing::TestWithParam<DncCase> {};

TEST_P(Dnc, ListedNumbersAreNeverDialed) {
  const DncCase& tc = GetParam();
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.dnc_lists = tc.campaign_lists;
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  ContactId c2 = s.AddContact(camp, kNum2);
  s.dialer->AddDnc(s.tenant, tc.list, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  if (tc.blocked) {
    EXPECT_EQ(s.OfferedContact(a), c2);
    EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDnc);
    EXPECT_EQ(s.store.memory.FindContact(c1)->state, ContactState::kDnc);
  } else {
    EXPECT_EQ(s.OfferedContact(a), c1);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Dnc,
                         ::testing::Values(DncCase{"tenant_list", "tenant", {}, true},
                                           DncCase{"campaign_list", "internal", {"internal"}, true},
                                           DncCase{"unchecked_list", "other", {"internal"}, false}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(Dnc, NumberListedWhileOfferedIsRefusedAtAccept) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  ContactId c2 = s.AddContact(camp, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), c1);
  OfferId offer = s.OfferOf(a);
  s.dialer->AddDnc(s.tenant, "tenant", kNum1);
  EXPECT_EQ(s.Accept(a).code(), ReasonCode::kDoNotCall);
  auto closed = s.events.Last<engine::OfferClosedEvent>(a);
  EXPECT_EQ(closed->offer_id, offer);
  EXPECT_EQ(closed->by, engine::ClosedBy::kSystem);
  EXPECT_EQ(closed->reason_code, ReasonCode::kDoNotCall);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDnc);
  EXPECT_EQ(s.OfferedContact(a), c2);  // the next contact
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
}

TEST(Dnc, DoNotCallDispositionListsTheNumberAtOnce) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  CampaignId other = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  ContactId same_number = s.AddContact(other, kNum1);
  ContactId c3 = s.AddContact(other, kNum2);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), c1);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_TRUE(s.EndCall(a).ok());
  size_t dnc_before = s.store.dnc_rows();
  ASSERT_TRUE(s.WrapUp(a, "do_not_call").ok());
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDnc);
  EXPECT_TRUE(s.dialer->IsOnDnc(s.tenant, "tenant", kNum1));
  EXPECT_TRUE(s.store.memory.IsOnDnc(s.tenant, "tenant", kNum1));
  EXPECT_EQ(s.store.dnc_rows(), dnc_before + 1);
  // The same number in another campaign of the tenant is not called either.
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c3);
  EXPECT_EQ(s.StateOf(other, same_number), ContactState::kDnc);
  EXPECT_EQ(s.phones.CustomerLegsTo(kNum1).size(), 1u);
}

// ---- attempt limits ---------------------------------------------------------------------------------

TEST(AttemptLimits, MaxAttemptsExhaustsTheContact) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.max_attempts = 2;
  cs.retry[static_cast<size_t>(core::RetryKey::kBusy)] = core::RetryRule{60, true};
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  s.phones.Script(kNum1, FailsWith(486, 500));
  AgentId a = s.AddAgent();
  s.Available(a);
  for (int i = 0; i < 2; ++i) {
    s.Run(1000);
    ASSERT_EQ(s.OfferedContact(a), c1) << i;
    ASSERT_TRUE(s.Accept(a).ok());
    s.Run(500);
    s.RunSeconds(61);
  }
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kExhausted);
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 2);
  s.RunSeconds(3600);
  EXPECT_EQ(s.phones.CustomerLegsTo(kNum1).size(), 2u);
  EXPECT_EQ(s.store.FinalAttempts(c1).size(), 2u);
}

TEST(AttemptLimits, MaxAttemptsPerNumberMovesToTheNextNumberThenExhausts) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.max_attempts = 5;
  cs.max_attempts_per_number = 1;
  cs.retry[static_cast<size_t>(core::RetryKey::kBusy)] = core::RetryRule{60, true};
  CampaignId camp = s.AddCampaign(cs);
  ContactSpec spec;
  spec.numbers = {kNum1, kNum2};
  ContactId c1 = s.AddContact(camp, spec);
  s.phones.Script(kNum1, FailsWith(486, 500));
  s.phones.Script(kNum2, FailsWith(486, 500));
  AgentId a = s.AddAgent();
  s.Available(a);
  std::vector<std::string> offered;
  for (int i = 0; i < 2; ++i) {
    s.Run(1000);
    ASSERT_EQ(s.OfferedContact(a), c1) << i;
    offered.push_back(s.events.Last<OfferEvent>(a)->phone);
    ASSERT_TRUE(s.Accept(a).ok());
    s.Run(500);
    s.RunSeconds(61);
  }
  EXPECT_EQ(offered, (std::vector<std::string>{kNum1, kNum2}));
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kExhausted);
  EXPECT_EQ(s.phones.CustomerLegs().size(), 2u);
}

TEST(AttemptLimits, UncountedOutcomesDoNotExhaust) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.max_attempts = 1;
  cs.retry[static_cast<size_t>(core::RetryKey::kNetworkError)] = core::RetryRule{60, false};
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  s.phones.Script(kNum1, FailsWith(503, 500));
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(500);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 0);
}

// ---- calling windows --------------------------------------------------------------------------------

struct WindowCase {
  const char* name;
  const char* zone;
  int64_t start_ms;     // window closed here
  int64_t opens_at_ms;  // first instant the window is open (DST-correct)
};
void PrintTo(const WindowCase& c, std::ostream* os) {
  *os << c.name;
}

class CallingWindows : public ::testing::TestWithParam<WindowCase> {};

TEST_P(CallingWindows, NobodyIsCalledBeforeTheContactsLocalWindowOpens) {
  const WindowCase& tc = GetParam();
  Scenario s(Scenario::DefaultTenant(), {}, tc.start_ms);
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactSpec spec;
  spec.numbers = {kNum1};
  spec.zone = tc.zone;
  ContactId c1 = s.AddContact(camp, spec);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.time.RunUntil(core::FromEpochMs(tc.opens_at_ms - 1));
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_TRUE(s.phones.StationLegs().empty());
  s.time.RunUntil(core::FromEpochMs(tc.opens_at_ms));
  EXPECT_EQ(s.StateOf(a), AgentState::kReserved);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c1);
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, CallingWindows,
    ::testing::Values(
        // New York leaves DST on Sun 2026-11-01: Monday 09:00 EST is 14:00 UTC (not 13:00).
        WindowCase{"new_york_fall_back", "America/New_York", 1793534400000, 1793628000000},
        // Berlin enters DST on Sun 2026-03-29: Monday 09:00 CEST is 07:00 UTC (not 08:00).
        WindowCase{"berlin_spring_forward", "Europe/Berlin", 1774785600000, 1774854000000}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(CallingWindows, HolidayIsSkipped) {
  // Thu 2026-11-26 15:00 UTC = 10:00 in New York, a holiday of the campaign.
  Scenario s(Scenario::DefaultTenant(), {}, 1795705200000);
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.calling_window.holidays = {date::year{2026} / 11 / 26};
  CampaignId camp = s.AddCampaign(cs);
  ContactSpec spec;
  spec.numbers = {kNum1};
  spec.zone = "America/New_York";
  ContactId c1 = s.AddContact(camp, spec);
  AgentId a = s.AddAgent();
  s.Available(a);
  // Friday 09:00 EST = 14:00 UTC.
  s.time.RunUntil(core::FromEpochMs(1795788000000 - 1));
  EXPECT_TRUE(s.phones.StationLegs().empty());
  s.time.RunUntil(core::FromEpochMs(1795788000000));
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c1);
}

TEST(CallingWindows, ContactsInOpenZonesGoFirstWhileOthersWait) {
  // Wed 15:00 UTC: open in New York (10:00), closed in Los Angeles (07:00).
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactSpec la;
  la.numbers = {"+12135550100"};
  la.zone = "America/Los_Angeles";
  la.priority = 100;
  ContactId c_la = s.AddContact(camp, la);
  ContactSpec ny;
  ny.numbers = {kNum1};
  ny.zone = "America/New_York";
  ContactId c_ny = s.AddContact(camp, ny);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c_ny);  // despite the LA contact's priority
  ASSERT_TRUE(s.Remove(a).ok());
  EXPECT_EQ(s.StateOf(camp, c_la), ContactState::kCallable);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  // 09:00 in LA = 17:00 UTC.
  s.time.RunUntil(core::FromEpochMs(kStartMs + 2 * 3'600'000 - 1));
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  s.time.RunUntil(core::FromEpochMs(kStartMs + 2 * 3'600'000));
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), c_la);
}

TEST(CallingWindows, WindowClosingUnderAnOpenOfferRefusesTheDial) {
  // 19:59:30 in New York: the window closes at 20:00 while the agent looks at the offer.
  Scenario s(Scenario::DefaultTenant(), {}, kStartMs + (9 * 3600 + 59 * 60 + 30) * 1000LL);
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactSpec ny;
  ny.numbers = {kNum1};
  ny.zone = "America/New_York";
  ContactId c1 = s.AddContact(camp, ny);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), c1);
  s.RunSeconds(60);
  EXPECT_EQ(s.Accept(a).code(), ReasonCode::kOutsideCallingWindow);
  EXPECT_EQ(s.events.Last<engine::OfferClosedEvent>(a)->reason_code, ReasonCode::kOutsideCallingWindow);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kCallable);  // back untouched, waits for the window
  EXPECT_EQ(s.ContactOf(camp, c1).attempts_made, 0);
  EXPECT_TRUE(s.phones.CustomerLegs().empty());
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
}

// ---- ordering and callbacks -----------------------------------------------------------------------

TEST(Ordering, PriorityThenDueTimeThenImportOrder) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.retry[static_cast<size_t>(core::RetryKey::kSkipped)] = core::RetryRule{7200, false};
  CampaignId camp = s.AddCampaign(cs);
  auto add = [&](uint8_t priority, int64_t due_offset_s) {
    ContactSpec spec;
    spec.numbers = {kNum1};
    spec.priority = priority;
    spec.due = s.Now() + core::Seconds{due_offset_s};
    return s.AddContact(camp, spec);
  };
  ContactId low_first = add(0, 0);
  ContactId high_late = add(5, 0);
  ContactId high_early = add(5, -600);
  ContactId low_second = add(0, 0);
  ContactId low_earliest = add(0, -3600);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  std::vector<ContactId> order;
  while (auto c = s.OfferedContact(a)) {
    order.push_back(*c);
    ASSERT_TRUE(s.Skip(a).ok());
  }
  EXPECT_EQ(order, (std::vector<ContactId>{high_early, high_late, low_earliest, low_first, low_second}));
}

TEST(Callbacks, DueCallbackGoesFirstAndPersonalOnlyToItsAgent) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId cb = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  AgentId b = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_EQ(s.OfferedContact(a), cb);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_TRUE(s.EndCall(a).ok());
  TimePoint when = s.Now() + core::Seconds{3600};
  s.Idle(a);  // takes effect after the wrap-up
  ASSERT_TRUE(s.WrapUp(a, "callback", when, /*personal=*/true).ok());
  EXPECT_EQ(s.StateOf(a), AgentState::kIdle);
  EXPECT_EQ(s.StateOf(camp, cb), ContactState::kScheduled);
  EXPECT_TRUE(s.ContactOf(camp, cb).callback);
  EXPECT_EQ(s.ContactOf(camp, cb).callback_agent, a);
  EXPECT_EQ(s.ContactOf(camp, cb).next_eligible_at, when);
  // Many higher-priority contacts arrive meanwhile.
  std::vector<ContactId> others;
  for (int i = 0; i < 3; ++i) others.push_back(s.AddContact(camp, fmt::format("+1201555020{}", i), 90));
  s.Available(b);
  s.Run(1000);
  ASSERT_TRUE(s.OfferedContact(b));
  EXPECT_NE(*s.OfferedContact(b), cb);
  ASSERT_TRUE(s.Remove(b).ok());
  s.time.RunUntil(when + core::Seconds{2});
  // b never gets a's personal callback.
  while (auto c = s.OfferedContact(b)) {
    EXPECT_NE(*c, cb);
    ASSERT_TRUE(s.Remove(b).ok());
  }
  EXPECT_EQ(s.StateOf(camp, cb), ContactState::kCallable);
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), cb);
}

TEST(Callbacks, SharedCallbackGoesBeforeHigherPriority) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.max_attempts = 1;  // a callback is honoured even at the attempt limit
  CampaignId camp = s.AddCampaign(cs);
  ContactId cb = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_TRUE(s.EndCall(a).ok());
  TimePoint when = s.Now() + core::Seconds{600};
  s.Idle(a);
  ASSERT_TRUE(s.WrapUp(a, "callback", when).ok());
  EXPECT_EQ(s.ContactOf(camp, cb).attempts_made, 1);
  ContactId high = s.AddContact(camp, kNum2, 100);
  s.time.RunUntil(when + core::Seconds{1});
  s.Available(a);
  s.Run(1000);
  EXPECT_EQ(s.OfferedContact(a), cb);
  ASSERT_TRUE(s.Skip(a).ok());
  EXPECT_EQ(s.OfferedContact(a), high);
}

// ---- wrap-up -----------------------------------------------------------------------------------------

struct WrapCase {
  const char* name;
  std::string disposition;
  ContactState state;
  int delay_s;  // scheduled: from the wrap-up
  bool callback;
  bool dnc;
};
void PrintTo(const WrapCase& c, std::ostream* os) {
  *os << c.name;
}

class WrapUp : public ::testing::TestWithParam<WrapCase> {};

TEST_P(WrapUp, EachDispositionResult) {
  const WrapCase& tc = GetParam();
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  CallId call = s.CallOf(a);
  ASSERT_TRUE(s.EndCall(a).ok());
  s.RunSeconds(10);
  TimePoint at = s.Now();
  std::optional<TimePoint> cb;
  if (tc.callback) cb = at + core::Seconds{tc.delay_s};
  Answer w = s.WrapUp(a, tc.disposition, cb);
  ASSERT_TRUE(w.ok());
  const core::Contact& c = s.ContactOf(camp, c1);
  EXPECT_EQ(c.state, tc.state);
  EXPECT_EQ(c.attempts_made, 1);
  if (tc.state == ContactState::kScheduled) {
    EXPECT_EQ(c.next_eligible_at, at + core::Seconds{tc.delay_s});
  }
  EXPECT_EQ(c.callback, tc.callback);
  EXPECT_EQ(s.dialer->IsOnDnc(s.tenant, "tenant", kNum1), tc.dnc);
  EXPECT_EQ(s.store.memory.FindAttempt(call)->disposition, tc.disposition);
  EXPECT_EQ(s.store.memory.FindContact(c1)->state, tc.state);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  // Repeating the wrap-up answers the same and changes nothing.
  Answer again = s.WrapUpCall(a, call, tc.disposition, cb);
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(s.ContactOf(camp, c1).state, tc.state);
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, WrapUp,
    ::testing::Values(WrapCase{"success", "sale", ContactState::kDone, 0, false, false},
                      WrapCase{"final", "not_interested", ContactState::kDone, 0, false, false},
                      // `retry` of a connected call uses the `connected` rule (3600 s, counts).
                      WrapCase{"retry", "try_again", ContactState::kScheduled, 3600, false, false},
                      WrapCase{"callback", "callback", ContactState::kScheduled, 7200, true, false},
                      WrapCase{"do_not_call", "do_not_call", ContactState::kDnc, 0, false, true}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(WrapUpRules, RefusesUnknownDispositionAndCallbackWithoutTime) {
  Scenario s;
  CampaignId camp = s.AddCampaign(Scenario::Campaign(CampaignMode::kPreviewStandard));
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  EXPECT_EQ(s.WrapUp(a, "sale").code(), ReasonCode::kConflict);  // not ended yet
  s.Run(2000);
  ASSERT_TRUE(s.EndCall(a).ok());
  EXPECT_EQ(s.WrapUp(a, "no_such_code").code(), ReasonCode::kValidationFailed);
  EXPECT_EQ(s.WrapUp(a, "callback").code(), ReasonCode::kValidationFailed);
  EXPECT_EQ(s.WrapUp(a, "callback", s.Now() - core::Seconds{1}).code(), ReasonCode::kValidationFailed);
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kInProgress);
}

TEST(WrapUpRules, AutoWrapUpUsesTheDefaultDisposition) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.wrap_up_timeout_s = 60;
  cs.default_disposition = "try_again";
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  CallId call = s.CallOf(a);
  ASSERT_TRUE(s.EndCall(a).ok());
  s.RunSeconds(59);
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
  s.RunSeconds(1);
  EXPECT_EQ(s.StateOf(a), AgentState::kAvailable);
  EXPECT_EQ(s.store.memory.FindAttempt(call)->disposition, "try_again");
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kScheduled);
}

TEST(WrapUpRules, AutoWrapUpWithoutDefaultUsesTheFirstFinal) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.wrap_up_timeout_s = 30;
  CampaignId camp = s.AddCampaign(cs);
  ContactId c1 = s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  CallId call = s.CallOf(a);
  ASSERT_TRUE(s.EndCall(a).ok());
  s.RunSeconds(30);
  EXPECT_EQ(s.store.memory.FindAttempt(call)->disposition, "not_interested");
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDone);
  // A late wrap-up by the agent with another disposition is refused (the call is wrapped up
  // already); the same one answers as the first did; neither changes the contact again.
  EXPECT_EQ(s.WrapUpCall(a, call, "sale").code(), ReasonCode::kConflict);
  EXPECT_TRUE(s.WrapUpCall(a, call, "not_interested").ok());
  EXPECT_EQ(s.StateOf(camp, c1), ContactState::kDone);
  EXPECT_EQ(s.store.memory.FindAttempt(call)->disposition, "not_interested");
}

TEST(WrapUpRules, NoTimeoutMeansNoAutoWrapUp) {
  Scenario s;
  auto cs = Scenario::Campaign(CampaignMode::kPreviewStandard);
  cs.wrap_up_timeout_s = 0;
  CampaignId camp = s.AddCampaign(cs);
  s.AddContact(camp, kNum1);
  AgentId a = s.AddAgent();
  s.Available(a);
  s.Run(1000);
  ASSERT_TRUE(s.Accept(a).ok());
  s.Run(2000);
  ASSERT_TRUE(s.EndCall(a).ok());
  EXPECT_FALSE(s.events.Last<engine::WrapupEvent>(a)->deadline_at);
  s.RunSeconds(4 * 3600);
  EXPECT_EQ(s.StateOf(a), AgentState::kWrapUp);
}

}  // namespace
}  // namespace outdial::scenarios
