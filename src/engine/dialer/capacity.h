// Capacity: the two concurrency limits of PRODUCT.md §2 — a tenant's `max_concurrent_calls` and
// the data centre's — and the call counters they are checked against (tenant, data centre and
// campaign). A call takes its slot when it starts and gives it back when the customer call ends
// (wrap-up does not count).
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>

#include "core/reason_code.h"
#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class Capacity {
 public:
  explicit Capacity(Engine& engine) : e_(engine) {}

  // Why a new call of `tenant` may not start now (and counts the refusal), or nothing.
  std::optional<core::ReasonCode> Refusal(const TenantRt& tenant);
  void Take(TenantRt& tenant, CampaignRt& camp);
  void Release(CampaignRt& camp);

 private:
  Engine& e_;
};

}  // namespace outdial::engine
