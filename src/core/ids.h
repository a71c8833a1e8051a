// Strongly typed ids. Inside the process ids are 64-bit integers; on the wire they are decimal
// strings (API.md: ids are opaque strings). Ids, not pointers, cross async edges.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace outdial::core {

template <typename Tag>
struct Id {
  uint64_t value = 0;
  constexpr bool valid() const { return value != 0; }
  constexpr auto operator<=>(const Id&) const = default;
  std::string str() const { return std::to_string(value); }
};

using TenantId = Id<struct TenantTag>;
using CampaignId = Id<struct CampaignTag>;
using ContactId = Id<struct ContactTag>;
using AgentId = Id<struct AgentTag>;
using ReservationId = Id<struct ReservationTag>;
using OfferId = Id<struct OfferTag>;
using CallId = Id<struct CallTag>;  // one customer call attempt (API.md `call_id` = attempt id)
using LegId = Id<struct LegTag>;    // one telephony leg (reservation or customer)

}  // namespace outdial::core

template <typename Tag>
struct std::hash<outdial::core::Id<Tag>> {
  size_t operator()(const outdial::core::Id<Tag>& id) const noexcept {
    return std::hash<uint64_t>{}(id.value);
  }
};
