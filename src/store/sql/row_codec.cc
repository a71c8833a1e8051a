#include "store/sql/row_codec.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/settings_json.h"

namespace outdial::store::sql {

namespace {

core::Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what) {
  auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return core::MakeError(core::ErrorCode::kInternal, fmt::format("stored {} are not valid JSON", what));
  }
  return json;
}

// Reads a JSON string starting at text[i] == '"' without escapes; false when it has any (the
// caller then falls back to the JSON library).
bool PlainString(std::string_view text, size_t& i, std::string& out) {
  if (i >= text.size() || text[i] != '"') return false;
  size_t end = i + 1;
  while (end < text.size() && text[end] != '"') {
    if (text[end] == '\\') return false;
    ++end;
  }
  if (end >= text.size()) return false;
  out.assign(text.substr(i + 1, end - i - 1));
  i = end + 1;
  return true;
}

bool FastParseFields(std::string_view t, Fields& out) {
  size_t i = 0;
  auto expect = [&](char c) {
    if (i < t.size() && t[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (!expect('[')) return false;
  if (expect(']')) return i == t.size();
  for (;;) {
    if (!expect('[')) return false;
    out.emplace_back();
    if (!PlainString(t, i, out.back().first) || !expect(',') || !PlainString(t, i, out.back().second) ||
        !expect(']')) {
      return false;
    }
    if (expect(']')) return i == t.size();
    if (!expect(',')) return false;
  }
}

}  // namespace

core::Result<core::TenantSettings> ParseTenantSettings(std::string_view text) {
  auto json = ParseJson(text, "tenant settings");
  if (!json.ok()) return json.error();
  return core::TenantSettingsFromJson(*json, core::TenantSettings{});
}

core::Result<core::CampaignSettings> ParseCampaignSettings(std::string_view text) {
  auto json = ParseJson(text, "campaign settings");
  if (!json.ok()) return json.error();
  return core::CampaignSettingsFromJson(*json, core::CampaignSettings{}, true);
}

std::optional<core::ContactState> ContactStateFromString(std::string_view text) {
  for (int s = 0; s < core::kContactStateCount; ++s) {
    auto state = static_cast<core::ContactState>(s);
    if (core::ToString(state) == text) return state;
  }
  return std::nullopt;
}

std::optional<core::AmdResult> AmdFromString(std::string_view text) {
  for (auto r : {core::AmdResult::kHuman, core::AmdResult::kMachine, core::AmdResult::kFax,
                 core::AmdResult::kUnknown}) {
    if (core::ToString(r) == text) return r;
  }
  return std::nullopt;
}

namespace {
// True when `text` can go into a JSON string as it is: printable ASCII without '"' or '\\' (most
// custom fields: account numbers, plans, names without accents).
bool PlainAscii(std::string_view text) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}
}  // namespace

void AppendFieldsJson(const Fields& fields, std::string& out) {
  // Written directly when nothing needs escaping (an import writes this for every row); the
  // JSON library otherwise. Both give the same text: [["name","value"],...] without spaces.
  bool plain = true;
  for (const auto& [name, value] : fields) plain = plain && PlainAscii(name) && PlainAscii(value);
  if (plain) {
    out += '[';
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += "[\"";
      out += fields[i].first;
      out += "\",\"";
      out += fields[i].second;
      out += "\"]";
    }
    out += ']';
    return;
  }
  nlohmann::json array = nlohmann::json::array();
  for (const auto& [name, value] : fields) array.push_back({name, value});
  // Replace invalid UTF-8 rather than throw: a field value never stops a contact from being stored.
  out += array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

core::Result<void> ParseFields(std::string_view text, Fields& out) {
  out.clear();
  if (FastParseFields(text, out)) return core::Ok{};
  out.clear();
  auto json = ParseJson(text, "contact fields");
  if (!json.ok()) return json.error();
  if (!json->is_array())
    return core::MakeError(core::ErrorCode::kInternal, "stored contact fields are not an array");
  for (const auto& pair : *json) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return core::MakeError(core::ErrorCode::kInternal, "stored contact fields are not [name, value] pairs");
    }
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return core::Ok{};
}

}  // namespace outdial::store::sql
