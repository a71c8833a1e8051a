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

// A contact's numbers are two columns of its row: `phones`, the [number, type] pairs in order
// (the same JSON as `fields`), written once at import, and `phone_counts`, which the writer
// rewrites: each number's attempts in the same order, comma-separated, with an 'x' after an
// invalid one's ("3,0x,1"; "" for none).
void AppendPhonesJson(const std::vector<core::Phone>& phones, std::string& out);
// `Counted`: core::Phone or engine::ContactRecord::PhoneState (attempts, invalid).
template <typename Counted>
void AppendPhoneCounts(const std::vector<Counted>& phones, std::string& out) {
  for (size_t i = 0; i < phones.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(phones[i].attempts);
    if (phones[i].invalid) out += 'x';
  }
}
// Fills `out` (cleared) from the two columns; an error when they do not match.
core::Result<void> ParsePhones(std::string_view json, std::string_view counts, std::vector<core::Phone>& out);

}  // namespace outdial::store::sql
