// The JSON reader's half of the import (raw_contact.h): one element of "contacts" as a
// RawContact.
#include <simdjson.h>

#include "store/import/raw_contact.h"

namespace outdial::store::import_rows {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// The value of `key`, when present and not null.
std::optional<element> Find(object parent, std::string_view key) {
  element value;
  if (parent.at_key(key).get(value) || value.is_null()) return std::nullopt;
  return value;
}

// A text member into `out` (trimmed); false, with the problem noted, when it is not clean text.
bool TextOf(RawContact& raw, const element& value, const std::string& field, std::string& out) {
  std::string_view s;
  if (value.get_string().get(s)) {
    raw.problems.emplace_back(field, "must be a string");
    return false;
  }
  if (!IsCleanUtf8(s)) {
    raw.problems.emplace_back(field, kNotUtf8);
    return false;
  }
  out = Trim(s);
  return true;
}

// "phones": [{number, type} or "number", ...].
void ReadPhoneList(RawContact& raw, const element& phones) {
  simdjson::dom::array list;
  if (phones.get_array().get(list)) {
    raw.problems.emplace_back("phones", "must be an array of {number, type}");
    return;
  }
  size_t i = 0;
  for (element entry : list) {
    const std::string prefix = "phones[" + std::to_string(i++) + "]";
    RawPhone p;
    p.field = prefix + ".number";
    object entry_object;
    if (entry.is_string()) {
      if (!TextOf(raw, entry, p.field, p.text)) continue;
    } else if (!entry.get_object().get(entry_object)) {
      const size_t before = raw.problems.size();
      if (auto number = Find(entry_object, "number")) TextOf(raw, *number, p.field, p.text);
      if (auto type = Find(entry_object, "type")) TextOf(raw, *type, prefix + ".type", p.type);
      if (raw.problems.size() != before) continue;
    } else {
      raw.problems.emplace_back(prefix, "must be an object {number, type}");
      continue;
    }
    if (p.text.empty()) {
      raw.problems.emplace_back(p.field, "no phone number");
      continue;
    }
    raw.phones.push_back(std::move(p));
  }
}

// "phones", or "phone" (one number), not both.
void ReadPhones(RawContact& raw, object contact) {
  const auto phones = Find(contact, "phones");
  const auto phone = Find(contact, "phone");
  if (phones && phone) {
    raw.problems.emplace_back("phones", "give either \"phones\" or \"phone\", not both");
  } else if (phone) {
    RawPhone p;
    p.field = "phone";
    if (TextOf(raw, *phone, "phone", p.text) && !p.text.empty()) raw.phones.push_back(std::move(p));
  } else if (phones) {
    ReadPhoneList(raw, *phones);
  }
  if (raw.phones.empty() && raw.problems.empty()) raw.problems.emplace_back("phones", "no phone number");
}

void ReadPriority(RawContact& raw, const element& priority) {
  int64_t value = -1;
  if (priority.is_int64() && !priority.get_int64().get(value) && value >= 0 && value <= 100) {
    raw.priority = static_cast<uint8_t>(value);
  } else {
    raw.problems.emplace_back("priority", "must be an integer from 0 to 100");
  }
}

// "fields": {name: string | number | boolean}; an empty string or null sets no field.
void ReadFields(RawContact& raw, const element& fields) {
  object map;
  if (fields.get_object().get(map)) {
    raw.problems.emplace_back("fields", "must be an object");
    return;
  }
  for (auto [key, value] : map) {
    const std::string field = "fields." + std::string(key);
    if (!IsCleanUtf8(key)) {
      raw.problems.emplace_back("fields", kNotUtf8);
      continue;
    }
    switch (value.type()) {
      case element_type::STRING: {
        std::string_view s;
        if (value.get_string().get(s) || !IsCleanUtf8(s)) {
          raw.problems.emplace_back(field, kNotUtf8);
        } else if (!s.empty()) {
          raw.fields.emplace_back(std::string(key), std::string(s));
        }
        break;
      }
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
      case element_type::BOOL: raw.fields.emplace_back(std::string(key), simdjson::minify(value)); break;
      case element_type::NULL_VALUE: break;
      case element_type::ARRAY:
      case element_type::OBJECT:
        raw.problems.emplace_back(field, "must be a string, a number or a boolean");
        break;
    }
  }
}

}  // namespace

void FromJson(simdjson::dom::parser& parser, std::string_view text, RawContact& raw) {
  element doc;
  if (auto error = parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(doc)) {
    raw.problems.emplace_back("", std::string("not valid JSON: ") + simdjson::error_message(error));
    return;
  }
  object contact;
  if (doc.get_object().get(contact)) {
    raw.problems.emplace_back("", "a contact must be a JSON object");
    return;
  }
  if (auto name = Find(contact, "name")) TextOf(raw, *name, "name", raw.name);
  ReadPhones(raw, contact);
  if (auto timezone = Find(contact, "timezone")) TextOf(raw, *timezone, "timezone", raw.timezone);
  if (auto priority = Find(contact, "priority")) ReadPriority(raw, *priority);
  if (auto fields = Find(contact, "fields")) ReadFields(raw, *fields);
}

}  // namespace outdial::store::import_rows
