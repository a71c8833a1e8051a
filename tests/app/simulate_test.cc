#include "app/simulate.h"

#include <gtest/gtest.h>

namespace outdial::app {
namespace {

class SimulateEveryMode : public ::testing::TestWithParam<core::CampaignMode> {};

TEST_P(SimulateEveryMode, AShortShiftKeepsEveryPromise) {
  SimulateOptions o;
  o.agents = 40;
  o.contacts = 3000;
  o.hours = 3;
  o.mode = GetParam();
  o.seed = 11;
  o.tenant_max_calls = 25;  // below the number of agents: the limit must bite and hold
  o.invariant_check_interval_s = 600;
  auto result = RunSimulation(o);
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& out = *result;
  EXPECT_EQ(out["invariants"]["lost_contacts"], 0) << out.dump(2);
  EXPECT_EQ(out["invariants"]["overlapping_attempts"], 0) << out.dump(2);
  EXPECT_EQ(out["invariants"]["limit_violations"], 0) << out.dump(2);
  EXPECT_EQ(out["invariants"]["engine_problems"], 0) << out.dump(2);
  EXPECT_GT(out["attempts"]["total"].get<int64_t>(), 500) << out.dump(2);
  EXPECT_LE(out["peak_active_calls"].get<int64_t>(), 25);
  int64_t sum = 0;
  for (const auto& [state, n] : out["contacts_left"].items()) sum += n.get<int64_t>();
  EXPECT_EQ(sum, 3000);
  EXPECT_GT(out["occupancy"].get<double>(), 0.0);
  EXPECT_LT(out["occupancy"].get<double>(), 1.0);
}

INSTANTIATE_TEST_SUITE_P(Modes, SimulateEveryMode,
                         ::testing::Values(core::CampaignMode::kPreview, core::CampaignMode::kPreviewStandard,
                                           core::CampaignMode::kPreviewDirect),
                         [](const auto& param_info) {
                           return std::string(core::ToString(param_info.param));
                         });

TEST(Simulate, SameSeedSameRun) {
  SimulateOptions o;
  o.agents = 10;
  o.contacts = 500;
  o.hours = 1;
  auto a = RunSimulation(o);
  auto b = RunSimulation(o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)["attempts"], (*b)["attempts"]);
  EXPECT_EQ((*a)["contacts_left"], (*b)["contacts_left"]);
}

TEST(Simulate, BadOptionsAreRefusedNamingTheField) {
  SimulateOptions o;
  o.agents = 0;
  o.outcomes = "answer=1,teleport=2";
  auto r = RunSimulation(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kValidationFailed);
  bool agents = false, outcomes = false;
  for (const auto& d : r.error().details) {
    agents = agents || d.field == "agents";
    outcomes = outcomes || d.field == "outcomes";
  }
  EXPECT_TRUE(agents);
  EXPECT_TRUE(outcomes);
}

}  // namespace
}  // namespace outdial::app
