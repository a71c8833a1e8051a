// The CSV reader's half of the import (raw_contact.h): the header row's layout, then each data
// row as a RawContact.
#include <charconv>
#include <map>
#include <set>

#include "store/import/raw_contact.h"

namespace outdial::store::import_rows {

namespace {

// "phone" → 1, "phone7" → 7, else 0.
int PhoneIndex(std::string_view lower) {
  if (lower == "phone") return 1;
  if (lower.size() < 6 || lower.substr(0, 5) != "phone" || lower[5] == '0') return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(lower.data() + 5, lower.data() + lower.size(), n);
  if (ec != std::errc{} || end != lower.data() + lower.size() || n < 1 || n > 999) return 0;
  return n;
}

void ReadPriority(std::string_view text, std::string_view field, RawContact& raw) {
  text = Trim(text);
  if (text.empty()) return;
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > 100) {
    raw.problems.emplace_back(field, "must be an integer from 0 to 100, not " + Quote(text));
    return;
  }
  raw.priority = static_cast<uint8_t>(value);
}

}  // namespace

core::Result<CsvLayout> ReadHeader(const std::vector<std::string_view>& names) {
  CsvLayout layout;
  layout.columns = names.size();
  std::set<std::string> lower_names;
  for (auto raw : names) lower_names.insert(Lower(Trim(raw)));
  // An export of ours carries its status columns; they are output only, not contact input.
  const bool is_export = lower_names.count("attempts_made") > 0 && lower_names.count("next_eligible_at") > 0;
  static const std::set<std::string, std::less<>> kExportOnly = {
      "id", "campaign_id", "state", "attempts_made", "next_eligible_at", "last_outcome"};
  std::set<std::string> seen;  // reserved names in lower case, custom fields as written
  std::map<int, CsvLayout::PhoneColumn> phones;
  std::map<int, std::pair<size_t, std::string>> types;
  for (size_t col = 0; col < names.size(); ++col) {
    if (!IsCleanUtf8(names[col])) {
      return Fatal("Column " + std::to_string(col + 1) + " of the CSV header is " + std::string(kNotUtf8) +
                   ".");
    }
    const std::string_view text = Trim(names[col]);
    if (text.empty()) return Fatal("Column " + std::to_string(col + 1) + " of the CSV header has no name.");
    const std::string lower = Lower(text);
    std::string key;
    if (lower.rfind("field:", 0) == 0) {
      const std::string_view field = Trim(text.substr(6));
      if (field.empty()) {
        return Fatal("Column " + std::to_string(col + 1) + " of the CSV header names no field.");
      }
      key = "field:" + std::string(field);
      if (!seen.insert(key).second) {
        return Fatal("The CSV header has the custom field " + Quote(field) + " twice.");
      }
      layout.fields.emplace_back(col, std::string(field));
      continue;
    }
    if (is_export && kExportOnly.count(lower) > 0) {
      if (!seen.insert(lower).second) {
        return Fatal("The CSV header has the column " + Quote(text) + " twice.");
      }
      continue;
    }
    const int phone = PhoneIndex(lower);
    int phone_type = 0;
    if (lower.size() > 5 && lower.substr(lower.size() - 5) == "_type") {
      phone_type = PhoneIndex(lower.substr(0, lower.size() - 5));
    }
    if (phone > 0) {
      key = "phone" + std::to_string(phone);
    } else if (phone_type > 0) {
      key = "phone" + std::to_string(phone_type) + "_type";
    } else if (lower == "name" || lower == "timezone" || lower == "priority") {
      key = lower;
    } else {
      key = "field:" + std::string(text);
    }
    if (!seen.insert(key).second) {
      return Fatal("The CSV header has the column " + Quote(text) + " twice" +
                   (phone == 1 ? " (\"phone\" and \"phone1\" are the same column)." : "."));
    }
    if (phone > 0) {
      phones[phone] = CsvLayout::PhoneColumn{phone, col, std::nullopt, std::string(text)};
    } else if (phone_type > 0) {
      types[phone_type] = {col, std::string(text)};
    } else if (key == "name") {
      layout.name = col;
    } else if (key == "timezone") {
      layout.timezone = col;
    } else if (key == "priority") {
      layout.priority = col;
    } else {
      layout.fields.emplace_back(col, std::string(text));
    }
  }
  for (const auto& [index, type] : types) {
    auto it = phones.find(index);
    if (it == phones.end()) {
      return Fatal("The CSV header has " + Quote(type.second) + " but no phone column it belongs to.");
    }
    it->second.type_column = type.first;
  }
  if (phones.empty()) {
    return Fatal("The CSV header has no phone column (expected \"phone\", or \"phone1\", \"phone2\", ...).");
  }
  for (auto& [index, column] : phones) layout.phones.push_back(std::move(column));
  return layout;
}

RawContact FromCsv(uint64_t row, const CsvLayout& layout, const std::vector<std::string_view>& cells) {
  RawContact raw;
  raw.row = row;
  auto text = [&](size_t col, std::string_view field) -> std::optional<std::string_view> {
    if (!IsCleanUtf8(cells[col])) {
      raw.problems.emplace_back(field, kNotUtf8);
      return std::nullopt;
    }
    return cells[col];
  };
  if (layout.name) {
    if (auto name = text(*layout.name, "name")) raw.name = Trim(*name);
  }
  for (const auto& column : layout.phones) {
    auto number = text(column.column, column.label);
    if (!number) continue;
    const std::string_view trimmed = Trim(*number);
    if (trimmed.empty()) continue;
    RawPhone phone;
    phone.field = column.label;
    phone.text = trimmed;
    if (column.type_column) {
      if (auto type = text(*column.type_column, column.label + "_type")) phone.type = Trim(*type);
    }
    raw.phones.push_back(std::move(phone));
  }
  if (raw.phones.empty() && raw.problems.empty()) {
    raw.problems.emplace_back(layout.phones.front().label, "no phone number");
  }
  if (layout.timezone) {
    if (auto tz = text(*layout.timezone, "timezone")) raw.timezone = Trim(*tz);
  }
  if (layout.priority) {
    if (auto priority = text(*layout.priority, "priority")) ReadPriority(*priority, "priority", raw);
  }
  for (const auto& [col, name] : layout.fields) {
    if (cells[col].empty()) continue;
    if (auto value = text(col, name)) raw.fields.emplace_back(name, std::string(*value));
  }
  return raw;
}

}  // namespace outdial::store::import_rows
