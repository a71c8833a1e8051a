#include "api/services/dnc_service.h"

#include <algorithm>

#include "api/errors.h"

namespace outdial::api {

core::Result<void> DncService::CheckList(std::string_view list) {
  bool valid = !list.empty() && list.size() <= 64 && std::all_of(list.begin(), list.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
  if (!valid) return Invalid("list", "must be 1–64 letters, digits, '_', '-' or '.'");
  return core::Ok{};
}

core::Result<std::string> DncService::Number(core::TenantId tenant, std::string_view list,
                                             const std::string& number) {
  if (auto r = CheckList(list); !r.ok()) return r.error();
  auto row = catalog_.GetTenant(tenant);
  if (!row.ok()) return row.error();
  auto e164 = intake_.NormalizeNumber(number, row->settings.default_region);
  if (!e164) {
    return Invalid("number", "is not a phone number (E.164 with '+', or national format of " +
                                 row->settings.default_region + ")");
  }
  return *e164;
}

core::Result<void> DncService::Add(const engine::DncRecord& entry) {
  if (auto r = catalog_.AddDnc(entry); !r.ok()) return r.error();
  return engine_.Deliver([&dialer = dialer_, tenant = entry.tenant_id, list = entry.list,
                          number = entry.number] { dialer.AddDnc(tenant, list, number); });
}

core::Result<void> DncService::Remove(core::TenantId tenant, const std::string& list,
                                      const std::string& e164) {
  if (auto r = catalog_.RemoveDnc(tenant, list, e164); !r.ok()) return r.error();
  return engine_.Deliver([&dialer = dialer_, tenant, list, e164] { dialer.RemoveDnc(tenant, list, e164); });
}

}  // namespace outdial::api
