// Text forms of stored values shared by the SQL stores: settings JSON (core/settings_json.h),
// enum strings the core has no parser for, and the contact `fields` column — a JSON array of
// [name, value] pairs, which keeps the order that an object would not. Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/contact.h"
#include "core/outcome.h"
#include "core/result.h"
#include "core/settings.h"

namespace outdial::store::sql {

core::Result<core::TenantSettings> ParseTenantSettings(std::string_view json);
core::Result<core::CampaignSettings> ParseCampaignSettings(std::string_view json);

std::optional<core::ContactState> ContactStateFromString(std::string_view text);
std::optional<core::AmdResult> AmdFromString(std::string_view text);

using Fields = std::vector<std::pair<std::string, std::string>>;
void AppendFieldsJson(const Fields& fields, std::string& out);
// Parses what AppendFieldsJson wrote (a fast path for plain strings, the JSON library otherwise).
core::Result<void> ParseFields(std::string_view json, Fields& out);

}  // namespace outdial::store::sql
