#include "store/sql/row_codec.h"

#include <charconv>
#include <iterator>
#include <utility>

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

// Reads [["a","b"],...] of plain strings (no escapes), each pair into what `next()` returns (a
// pair of std::string*); false on anything else (the caller falls back to the JSON library).
template <typename Next>
bool FastParsePairs(std::string_view t, Next next) {
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
    auto [first, second] = next();
    if (!PlainString(t, i, *first) || !expect(',') || !PlainString(t, i, *second) || !expect(']')) {
      return false;
    }
    if (expect(']')) return i == t.size();
    if (!expect(',')) return false;
  }
}

// The JSON library's reading of [["a","b"],...]: `next()` as for FastParsePairs.
template <typename Next>
core::Result<void> SlowParsePairs(std::string_view text, std::string_view what, Next next) {
  auto json = ParseJson(text, what);
  if (!json.ok()) return json.error();
  if (!json->is_array()) {
    return core::MakeError(core::ErrorCode::kInternal, fmt::format("stored {} are not an array", what));
  }
  for (const auto& pair : *json) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return core::MakeError(core::ErrorCode::kInternal,
                             fmt::format("stored {} are not pairs of strings", what));
    }
    auto [first, second] = next();
    *first = pair[0].get<std::string>();
    *second = pair[1].get<std::string>();
  }
  return core::Ok{};
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
    const std::string_view name = core::ToString(state);
    // The first letter rules out most (this runs for every contact at start-up).
    if (!name.empty() && !text.empty() && name[0] == text[0] && name == text) return state;
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

namespace {
// [["a","b"],...] of the pairs (first(item), second(item)) of `items`: written directly when
// nothing needs escaping (an import writes this for every row), by the JSON library otherwise.
// Both give the same text, without spaces.
template <typename Items, typename First, typename Second>
void AppendPairsJson(const Items& items, First first, Second second, std::string& out) {
  bool plain = true;
  for (const auto& item : items) plain = plain && PlainAscii(first(item)) && PlainAscii(second(item));
  if (plain) {
    out += '[';
    bool comma = false;
    for (const auto& item : items) {
      if (std::exchange(comma, true)) out += ',';
      out += "[\"";
      out += first(item);
      out += "\",\"";
      out += second(item);
      out += "\"]";
    }
    out += ']';
    return;
  }
  nlohmann::json array = nlohmann::json::array();
  for (const auto& item : items) array.push_back({first(item), second(item)});
  // Replace invalid UTF-8 rather than throw: a field value never stops a contact from being stored.
  out += array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

void AppendFieldsJson(const Fields& fields, std::string& out) {
  AppendPairsJson(
      fields, [](const auto& f) -> const std::string& { return f.first; },
      [](const auto& f) -> const std::string& { return f.second; }, out);
}

void AppendPhonesJson(const std::vector<core::Phone>& phones, std::string& out) {
  AppendPairsJson(
      phones, [](const core::Phone& p) -> const std::string& { return p.number; },
      [](const core::Phone& p) -> const std::string& { return p.type; }, out);
}

core::Result<void> ParseFields(std::string_view text, Fields& out) {
  out.clear();
  auto next = [&out] {
    auto& pair = out.emplace_back();
    return std::pair{&pair.first, &pair.second};
  };
  if (FastParsePairs(text, next)) return core::Ok{};
  out.clear();
  return SlowParsePairs(text, "contact fields", next);
}

core::Result<void> ParsePhones(std::string_view json, std::string_view counts,
                               std::vector<core::Phone>& out) {
  out.clear();
  auto next = [&out] {
    auto& phone = out.emplace_back();
    return std::pair{&phone.number, &phone.type};
  };
  if (!FastParsePairs(json, next)) {
    out.clear();
    if (auto r = SlowParsePairs(json, "contact phones", next); !r.ok()) return r;
  }
  // "3,0x,1": each number's attempts, 'x' after an invalid one's, in the numbers' order.
  size_t i = 0, parsed = 0;
  for (core::Phone& phone : out) {
    if (parsed > 0) {
      if (i >= counts.size() || counts[i] != ',') break;
      ++i;
    }
    auto [end, ec] = std::from_chars(counts.data() + i, counts.data() + counts.size(), phone.attempts);
    if (ec != std::errc{}) break;
    i = static_cast<size_t>(end - counts.data());
    phone.invalid = i < counts.size() && counts[i] == 'x';
    if (phone.invalid) ++i;
    ++parsed;
  }
  if (parsed != out.size() || i != counts.size()) {
    return core::MakeError(
        core::ErrorCode::kInternal,
        fmt::format("stored phone counts '{}' do not match {} numbers", counts, out.size()));
  }
  return core::Ok{};
}

}  // namespace outdial::store::sql
