#include "api/services/contact_service.h"

#include <fmt/format.h>

#include "api/services/change.h"

namespace outdial::api {

core::Result<void> ContactService::Add(core::TenantId tenant, core::CampaignId campaign,
                                       std::vector<engine::ContactRow>& rows) {
  if (rows.empty()) return core::Ok{};
  if (auto r = catalog_.InsertContacts(tenant, campaign, rows); !r.ok()) return r.error();
  std::vector<core::Contact> contacts;
  contacts.reserve(rows.size());
  std::vector<std::string> zone_names;
  zone_names.reserve(rows.size());
  for (auto& r : rows) {
    contacts.push_back(std::move(r.contact));
    zone_names.push_back(std::move(r.timezone));
  }
  return ApplyOrUndo(
      engine_, fmt::format("contacts of campaign {}", campaign.value),
      [&] {
        // Zone ids are the engine's, interned on its thread.
        for (size_t i = 0; i < contacts.size(); ++i) {
          auto zone = dialer_.zones().Intern(zone_names[i]);
          contacts[i].zone = zone.ok() ? *zone : 0;
        }
        return dialer_.AddContacts(campaign, std::move(contacts));
      },
      [] {
        return core::Result<void>(
            core::MakeError(core::ErrorCode::kInternal, "stored contacts cannot be taken back"));
      });
}

}  // namespace outdial::api
