// StatsResponseText writes GET stats' body by hand: it must be the very bytes of the Json object.
#include "api/json_mapping.h"

#include <random>

#include <gtest/gtest.h>

namespace outdial::api {
namespace {

TEST(StatsResponseTextTest, IsTheDumpOfTheStatsObjectWithItsCampaignId) {
  std::mt19937_64 rng(11);
  auto n = [&rng] { return static_cast<int64_t>(rng() % 3 == 0 ? 0 : rng() % 10'000'000'000ULL); };
  for (int round = 0; round < 200; ++round) {
    engine::CampaignStats st;
    for (auto& v : st.contacts_by_state) v = n();
    for (auto& v : st.attempts_by_outcome) v = n();
    st.contacts_total = n();
    st.attempts_total = n();
    st.agents_available = n();
    st.agents_reserved = n();
    st.agents_on_call = n();
    st.agents_wrap_up = n();
    st.agents_idle = n();
    st.active_calls = n();
    st.tenant_active_calls = n();
    st.tenant_max_calls = n();
    st.datacenter_active_calls = n();
    st.datacenter_max_calls = n();
    core::CampaignId id{static_cast<uint64_t>(round == 0 ? 1 : rng())};
    Json expected = StatsToJson(st);
    expected["campaign_id"] = id.str();
    ASSERT_EQ(StatsResponseText(st, id), expected.dump()) << "round " << round;
  }
}

}  // namespace
}  // namespace outdial::api
