#include "api/csv_contacts.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace outdial::api {

namespace {

core::Error Unreadable(std::string problem) {
  return core::Error{
      core::ErrorCode::kValidationFailed, "The CSV body cannot be read.", {{"body", std::move(problem)}}};
}

// Splits the whole body into records of fields; false on an unterminated quoted field.
bool ParseRecords(std::string_view in, std::vector<std::vector<std::string>>& records) {
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  size_t i = 0;
  if (in.size() >= 3 && in.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a UTF-8 byte order mark
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
    bool blank = record.size() == 1 && record[0].empty();
    if (!blank) records.push_back(std::move(record));
    record.clear();
  };
  for (; i < in.size(); ++i) {
    char c = in[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < in.size() && in[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      end_record();
    } else if (c == '\r') {
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
      end_record();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) return false;
  if (field_started || !record.empty()) end_record();
  return true;
}

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

core::Result<nlohmann::json> CsvToContacts(std::string_view csv) {
  std::vector<std::vector<std::string>> records;
  if (!ParseRecords(csv, records)) return Unreadable("a quoted field is not closed");
  if (records.empty()) return Unreadable("is empty: a header row (name, phone, ...) is required");
  std::vector<std::string> header;
  for (auto& h : records[0]) header.push_back(Lower(Trim(h)));
  bool has_phone = std::any_of(header.begin(), header.end(), [](const std::string& h) {
    return h == "phone" || (h.size() > 5 && h.substr(0, 5) == "phone" &&
                            std::all_of(h.begin() + 5, h.end(), [](char c) { return c >= '0' && c <= '9'; }));
  });
  if (!has_phone) return Unreadable("the header row has no phone (or phone1..phoneN) column");
  nlohmann::json contacts = nlohmann::json::array();
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    nlohmann::json c = nlohmann::json::object();
    nlohmann::json phones = nlohmann::json::array();
    nlohmann::json fields = nlohmann::json::object();
    for (size_t i = 0; i < header.size(); ++i) {
      std::string value = i < rec.size() ? Trim(rec[i]) : std::string();
      const std::string& col = header[i];
      if (col == "name") {
        c["name"] = value;
      } else if (col == "phone" || (col.size() > 5 && col.substr(0, 5) == "phone" &&
                                    std::isdigit(static_cast<unsigned char>(col[5])))) {
        if (!value.empty()) phones.push_back({{"number", value}});
      } else if (col == "timezone") {
        if (!value.empty()) c["timezone"] = value;
      } else if (col == "priority") {
        if (!value.empty()) {
          bool digits = value.size() <= 9 && std::all_of(value.begin(), value.end(),
                                                         [](char ch) { return ch >= '0' && ch <= '9'; });
          // A non-number stays text so that the shared validation reports it on its row.
          c["priority"] = digits ? nlohmann::json(std::stoll(value)) : nlohmann::json(value);
        }
      } else if (!col.empty()) {
        fields[col] = value;
      }
    }
    c["phones"] = phones;
    if (!fields.empty()) c["fields"] = fields;
    contacts.push_back(std::move(c));
  }
  return nlohmann::json{{"contacts", std::move(contacts)}};
}

}  // namespace outdial::api
