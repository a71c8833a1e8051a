#include "engine/dialer/capacity.h"

#include "engine/dialer/engine.h"

namespace outdial::engine {

std::optional<core::ReasonCode> Capacity::Refusal(const TenantRt& tenant) {
  EngineState& st = e_.state;
  if (tenant.active_calls >= tenant.settings.max_concurrent_calls) {
    ++st.counters.tenant_limit_refusals;
    return core::ReasonCode::kTenantConcurrentCallLimit;
  }
  if (st.dc_active_calls >= st.datacenter.max_concurrent_calls) {
    ++st.counters.datacenter_limit_refusals;
    return core::ReasonCode::kDatacenterConcurrentCallLimit;
  }
  return std::nullopt;
}

void Capacity::Take(TenantRt& tenant, CampaignRt& camp) {
  ++tenant.active_calls;
  ++e_.state.dc_active_calls;
  ++camp.active_calls;
}

void Capacity::Release(CampaignRt& camp) {
  TenantRt& tenant = e_.state.tenants.at(camp.tenant);
  --tenant.active_calls;
  --e_.state.dc_active_calls;
  --camp.active_calls;
}

}  // namespace outdial::engine
