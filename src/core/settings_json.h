// The JSON form of campaign and tenant settings (API.md "Campaigns and contacts", PRODUCT.md §3).
// One mapping for every edge that speaks JSON: the REST API reads and writes it, and the stores
// keep a campaign's settings as this JSON text, so a setting added here is stored and served at once.
//
// Reading applies the keys present on top of `base` (create: the defaults; PATCH: the current
// settings), so a partial body changes only what it names. Wrong types and unknown keys are
// field-level problems; the merged result is then checked by Validate*Settings, and all problems
// come back together in one VALIDATION_FAILED error. Pure functions, any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/settings.h"

namespace outdial::core {

nlohmann::json CampaignSettingsToJson(const CampaignSettings& settings);
// `require_create_fields`: `name` and `mode` must be present (POST /campaigns).
Result<CampaignSettings> CampaignSettingsFromJson(const nlohmann::json& body, CampaignSettings base,
                                                  bool require_create_fields);

nlohmann::json TenantSettingsToJson(const TenantSettings& settings);
// Keys outside the tenant settings (e.g. `admin` of POST /tenants) are skipped when listed in
// `ignored_keys`; any other unknown key is a problem.
Result<TenantSettings> TenantSettingsFromJson(const nlohmann::json& body, TenantSettings base,
                                              const std::vector<std::string>& ignored_keys = {});

}  // namespace outdial::core
