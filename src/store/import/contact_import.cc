#include "store/import/contact_import.h"

#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <utility>

#include "store/import/csv_reader.h"
#include "store/import/json_framer.h"
#include "store/import/phone_parser.h"

namespace outdial::store {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Distinct time zone names remembered as valid or not; more than this many distinct names in one
// body are looked up every time rather than letting a hostile body grow the cache without bound.
constexpr size_t kZoneCacheLimit = 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// UTF-8 as RFC 3629 has it (no overlongs, no surrogates, nothing past U+10FFFF), and no NUL, which
// PostgreSQL text cannot hold.
bool IsCleanUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      // all eight bytes ASCII and none of them zero
      if ((word & 0x8080808080808080ULL) == 0 &&
          ((word - 0x0101010101010101ULL) & ~word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c == 0) return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

constexpr std::string_view kNotUtf8 = "not valid UTF-8 text (or contains a NUL byte)";

// "phone" → 1, "phone7" → 7, else 0.
int PhoneIndex(std::string_view lower) {
  if (lower == "phone") return 1;
  if (lower.size() < 6 || lower.substr(0, 5) != "phone" || lower[5] == '0') return 0;
  int n = 0;
  auto [end, ec] = std::from_chars(lower.data() + 5, lower.data() + lower.size(), n);
  if (ec != std::errc{} || end != lower.data() + lower.size() || n < 1 || n > 999) return 0;
  return n;
}

core::Error Fatal(std::string message) {
  return core::MakeError(core::ErrorCode::kValidationFailed, std::move(message));
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out.append("...");
  out.push_back('"');
  return out;
}

// One contact on its way from the text to a batch: filled by the CSV or JSON reader, the numbers
// then validated (possibly on worker threads), then finished in row order.
struct RawPhone {
  std::string field;  // as reported in errors: "phone2", "phones[1].number"
  std::string text;
  std::string type;
  std::string e164;
  std::string region;
  std::string problem;  // set by validation
};

struct RawContact {
  uint64_t row = 0;
  std::string name;
  std::vector<RawPhone> phones;
  std::string timezone;
  uint8_t priority = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, std::string>> problems;  // found while reading: field, problem
};

// Where each CSV column goes.
struct CsvLayout {
  size_t columns = 0;
  std::optional<size_t> name;
  std::optional<size_t> timezone;
  std::optional<size_t> priority;
  struct PhoneColumn {
    int index = 0;  // N of phoneN
    size_t column = 0;
    std::optional<size_t> type_column;
    std::string label;  // the header text, for errors
  };
  std::vector<PhoneColumn> phones;                     // by N
  std::vector<std::pair<size_t, std::string>> fields;  // column, custom field name
};

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
    if (!IsCleanUtf8(names[col]))
      return Fatal("Column " + std::to_string(col + 1) + " of the CSV header is " + std::string(kNotUtf8) +
                   ".");
    const std::string_view text = Trim(names[col]);
    if (text.empty()) return Fatal("Column " + std::to_string(col + 1) + " of the CSV header has no name.");
    const std::string lower = Lower(text);
    std::string key;
    if (lower.rfind("field:", 0) == 0) {
      const std::string_view field = Trim(text.substr(6));
      if (field.empty())
        return Fatal("Column " + std::to_string(col + 1) + " of the CSV header names no field.");
      key = "field:" + std::string(field);
      if (!seen.insert(key).second)
        return Fatal("The CSV header has the custom field " + Quote(field) + " twice.");
      layout.fields.emplace_back(col, std::string(field));
      continue;
    }
    if (is_export && kExportOnly.count(lower) > 0) {
      if (!seen.insert(lower).second)
        return Fatal("The CSV header has the column " + Quote(text) + " twice.");
      continue;
    }
    const int phone = PhoneIndex(lower);
    int phone_type = 0;
    if (lower.size() > 5 && lower.substr(lower.size() - 5) == "_type")
      phone_type = PhoneIndex(lower.substr(0, lower.size() - 5));
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
    if (it == phones.end())
      return Fatal("The CSV header has " + Quote(type.second) + " but no phone column it belongs to.");
    it->second.type_column = type.first;
  }
  if (phones.empty()) {
    return Fatal("The CSV header has no phone column (expected \"phone\", or \"phone1\", \"phone2\", ...).");
  }
  for (auto& [index, column] : phones) layout.phones.push_back(std::move(column));
  return layout;
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
  if (raw.phones.empty() && raw.problems.empty())
    raw.problems.emplace_back(layout.phones.front().label, "no phone number");
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

// The JSON form of one contact (API.md "A contact"); unknown keys are ignored.
void FromJson(std::string_view text, RawContact& raw) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 9: ..." → the part after "]"
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    raw.problems.emplace_back("", "not valid JSON: " + what);
    return;
  }
  if (!j.is_object()) {
    raw.problems.emplace_back("", "a contact must be a JSON object");
    return;
  }
  auto string_at = [&](const nlohmann::json& parent, const char* key, const std::string& field,
                       std::string& out) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return;
    if (!it->is_string()) {
      raw.problems.emplace_back(field, "must be a string");
      return;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (!IsCleanUtf8(s)) {
      raw.problems.emplace_back(field, kNotUtf8);
      return;
    }
    out = Trim(s);
  };
  string_at(j, "name", "name", raw.name);
  const auto phones = j.find("phones");
  const auto phone = j.find("phone");
  const bool has_phones = phones != j.end() && !phones->is_null();
  const bool has_phone = phone != j.end() && !phone->is_null();
  if (has_phones && has_phone) {
    raw.problems.emplace_back("phones", "give either \"phones\" or \"phone\", not both");
  } else if (has_phone) {
    RawPhone p;
    p.field = "phone";
    string_at(j, "phone", "phone", p.text);
    if (!p.text.empty()) raw.phones.push_back(std::move(p));
  } else if (has_phones) {
    if (!phones->is_array()) {
      raw.problems.emplace_back("phones", "must be an array of {number, type}");
    } else {
      for (size_t i = 0; i < phones->size(); ++i) {
        const auto& entry = (*phones)[i];
        const std::string prefix = "phones[" + std::to_string(i) + "]";
        RawPhone p;
        p.field = prefix + ".number";
        if (entry.is_string()) {
          const auto& s = entry.get_ref<const std::string&>();
          if (!IsCleanUtf8(s)) {
            raw.problems.emplace_back(p.field, kNotUtf8);
            continue;
          }
          p.text = Trim(s);
        } else if (entry.is_object()) {
          const size_t before = raw.problems.size();
          string_at(entry, "number", p.field, p.text);
          string_at(entry, "type", prefix + ".type", p.type);
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
  }
  if (raw.phones.empty() && raw.problems.empty()) raw.problems.emplace_back("phones", "no phone number");
  string_at(j, "timezone", "timezone", raw.timezone);
  if (auto it = j.find("priority"); it != j.end() && !it->is_null()) {
    if (it->is_number_integer() && it->get<int64_t>() >= 0 && it->get<int64_t>() <= 100) {
      raw.priority = static_cast<uint8_t>(it->get<int64_t>());
    } else {
      raw.problems.emplace_back("priority", "must be an integer from 0 to 100");
    }
  }
  if (auto it = j.find("fields"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      raw.problems.emplace_back("fields", "must be an object");
    } else {
      for (const auto& [key, value] : it->items()) {
        const std::string field = "fields." + key;
        if (!IsCleanUtf8(key)) {
          raw.problems.emplace_back("fields", kNotUtf8);
        } else if (value.is_string()) {
          const auto& s = value.get_ref<const std::string&>();
          if (!IsCleanUtf8(s)) {
            raw.problems.emplace_back(field, kNotUtf8);
          } else if (!s.empty()) {
            raw.fields.emplace_back(key, s);
          }
        } else if (value.is_number() || value.is_boolean()) {
          raw.fields.emplace_back(key, value.dump());
        } else if (!value.is_null()) {
          raw.problems.emplace_back(field, "must be a string, a number or a boolean");
        }
      }
    }
  }
}

void Validate(const PhoneParser& parser, RawPhone& phone) {
  auto parsed = parser.Parse(phone.text);
  if (!parsed.ok()) {
    const auto& error = parsed.error();
    phone.problem = error.details.empty() ? error.message : error.details.front().problem;
    return;
  }
  phone.e164 = std::move(parsed->e164);
  phone.region = std::move(parsed->region);
}

}  // namespace

class ContactImporter::Impl {
 public:
  Impl(ImportOptions options, BatchCallback on_batch, ProgressCallback on_progress)
      : options_(std::move(options)),
        on_batch_(std::move(on_batch)),
        on_progress_(std::move(on_progress)),
        parser_(options_.default_region),
        country_zones_(CountryZones::System()) {
    switch (options_.format) {
      case ImportFormat::kCsv:
        csv_ = std::make_unique<CsvReader>(options_.max_row_bytes,
                                           [this](const CsvRecord& record) { return OnRecord(record); });
        break;
      case ImportFormat::kJson:
        json_ = std::make_unique<JsonFramer>(
            options_.max_row_bytes, [this](const JsonElement& element) { return OnElement(element); });
        break;
    }
    pending_.reserve(options_.batch_size);
  }

  core::Result<void> Feed(std::string_view chunk) {
    if (fatal_) return *fatal_;
    if (finished_) return core::MakeError(core::ErrorCode::kInternal, "Feed after Finish");
    // A UTF-8 byte order mark may open the body; it can arrive split over chunks.
    while (bom_matched_ < kBom.size() && !bom_done_ && !chunk.empty()) {
      if (chunk.front() == kBom[bom_matched_]) {
        ++bom_matched_;
        chunk.remove_prefix(1);
      } else {
        bom_done_ = true;
        if (bom_matched_ > 0) FeedParser(kBom.substr(0, bom_matched_));  // not a BOM after all
      }
    }
    if (bom_matched_ == kBom.size()) bom_done_ = true;
    if (!chunk.empty()) FeedParser(chunk);
    if (fatal_) return *fatal_;
    return core::Ok{};
  }

  ImportSummary Finish() {
    if (!finished_) {
      finished_ = true;
      if (!fatal_ && !bom_done_ && bom_matched_ > 0 && bom_matched_ < kBom.size()) {
        FeedParser(kBom.substr(0, bom_matched_));
      }
      if (!fatal_) FinishParser();
      if (!fatal_) Flush();
      Progress();
    }
    ImportSummary summary;
    summary.accepted = accepted_;
    summary.rejected = rejected_;
    summary.error_count = error_count_;
    summary.errors = errors_;
    summary.fatal_error = fatal_;
    return summary;
  }

  ImportProgress progress() const {
    const uint64_t parsed = csv_ ? csv_->bytes_consumed() : json_->bytes_consumed();
    return ImportProgress{parsed + bom_matched_, rows_seen_, accepted_, rejected_};
  }

 private:
  void FeedParser(std::string_view bytes) {
    if (csv_) {
      csv_->Feed(bytes);
    } else if (!json_->Feed(bytes) && !fatal_) {
      fatal_ = Fatal("The body is not a valid contact list: " + json_->error() + ".");
    }
  }

  void FinishParser() {
    if (csv_) {
      csv_->Finish();
      if (fatal_) return;
      if (!layout_) {
        fatal_ = Fatal("The body is empty: a CSV import needs a header row and at least one contact.");
      } else if (rows_seen_ == 0) {
        fatal_ = Fatal("The CSV has a header row but no contacts.");
      }
      return;
    }
    if (!json_->Finish()) {
      if (!fatal_) fatal_ = Fatal("The body is not a valid contact list: " + json_->error() + ".");
      return;
    }
    if (!json_->saw_contacts()) {
      fatal_ = Fatal("The JSON object has no \"contacts\" array.");
    } else if (rows_seen_ == 0) {
      fatal_ = Fatal("\"contacts\" is empty.");
    }
  }

  bool OnRecord(const CsvRecord& record) {
    if (record.blank) return true;
    if (!layout_) {
      if (record.oversized) {
        fatal_ =
            Fatal("The CSV header row is longer than " + std::to_string(options_.max_row_bytes) + " bytes.");
        return false;
      }
      if (!record.problem.empty()) {
        fatal_ = Fatal("The CSV header row is malformed: " + std::string(record.problem) + ".");
        return false;
      }
      auto layout = ReadHeader(record.fields);
      if (!layout.ok()) {
        fatal_ = layout.error();
        return false;
      }
      layout_ = std::move(layout).value();
      return true;
    }
    ++rows_seen_;
    if (record.oversized) {
      RawContact raw;
      raw.row = rows_seen_;
      raw.problems.emplace_back(
          "", "the row is longer than " + std::to_string(options_.max_row_bytes) + " bytes");
      pending_.push_back(std::move(raw));
    } else if (!record.problem.empty()) {
      RawContact raw;
      raw.row = rows_seen_;
      raw.problems.emplace_back("", std::string(record.problem));
      pending_.push_back(std::move(raw));
    } else if (record.fields.size() != layout_->columns) {
      RawContact raw;
      raw.row = rows_seen_;
      raw.problems.emplace_back("", "expected " + std::to_string(layout_->columns) +
                                        " columns (as in the header), found " +
                                        std::to_string(record.fields.size()));
      pending_.push_back(std::move(raw));
    } else {
      pending_.push_back(FromCsv(rows_seen_, *layout_, record.fields));
    }
    return AfterRow(record.end_offset);
  }

  bool OnElement(const JsonElement& element) {
    ++rows_seen_;
    RawContact raw;
    raw.row = rows_seen_;
    if (element.oversized) {
      raw.problems.emplace_back(
          "", "the contact is longer than " + std::to_string(options_.max_row_bytes) + " bytes");
    } else {
      FromJson(element.text, raw);
    }
    pending_.push_back(std::move(raw));
    return AfterRow(element.end_offset);
  }

  bool AfterRow(uint64_t end_offset) {
    if (pending_.size() >= options_.batch_size) Flush();
    if (rows_seen_ % options_.progress_every_rows == 0 && on_progress_) {
      on_progress_(ImportProgress{end_offset + bom_matched_, rows_seen_, accepted_, rejected_});
    }
    return !fatal_;
  }

  void Progress() {
    if (on_progress_) on_progress_(progress());
  }

  // Validates the numbers of the pending rows, then turns each row into a contact or its errors,
  // in row order, and hands the contacts out as one batch.
  void Flush() {
    std::vector<RawPhone*> phones;
    for (auto& raw : pending_) {
      for (auto& phone : raw.phones) phones.push_back(&phone);
    }
    const size_t workers =
        std::min<size_t>(static_cast<size_t>(std::max(1, options_.threads)), (phones.size() + 255) / 256);
    if (workers <= 1) {
      for (RawPhone* phone : phones) Validate(parser_, *phone);
    } else {
      // Each worker takes a contiguous slice; the slices are disjoint, so no locking is needed.
      std::vector<std::thread> threads;
      const size_t per = (phones.size() + workers - 1) / workers;
      for (size_t w = 1; w < workers; ++w) {
        threads.emplace_back([&, w] {
          for (size_t i = w * per; i < std::min(phones.size(), (w + 1) * per); ++i)
            Validate(parser_, *phones[i]);
        });
      }
      for (size_t i = 0; i < std::min(phones.size(), per); ++i) Validate(parser_, *phones[i]);
      for (auto& thread : threads) thread.join();
    }

    std::vector<ImportedContact> batch;
    batch.reserve(pending_.size());
    for (auto& raw : pending_) {
      for (const auto& phone : raw.phones) {
        if (!phone.problem.empty())
          raw.problems.emplace_back(phone.field, phone.problem + ": " + Quote(phone.text));
      }
      std::string timezone;
      if (!raw.timezone.empty()) {
        if (ZoneExists(raw.timezone)) {
          timezone = raw.timezone;
        } else {
          raw.problems.emplace_back("timezone", "unknown IANA time zone " + Quote(raw.timezone));
        }
      }
      if (!raw.problems.empty()) {
        Reject(raw);
        continue;
      }
      if (timezone.empty()) {
        const std::string_view derived = country_zones_.SingleZone(raw.phones.front().region);
        timezone = !derived.empty() && ZoneExists(derived) ? std::string(derived) : options_.default_timezone;
      }
      ImportedContact imported;
      core::Contact& contact = imported.contact;
      if (options_.zones != nullptr) {
        auto zone = options_.zones->Intern(timezone);
        if (!zone.ok()) {
          raw.problems.emplace_back("timezone", zone.error().message);
          Reject(raw);
          continue;
        }
        contact.zone = *zone;
      }
      contact.campaign_id = options_.campaign_id;
      contact.name = std::move(raw.name);
      contact.phones.reserve(raw.phones.size());
      for (auto& phone : raw.phones) {
        const bool duplicate = std::any_of(contact.phones.begin(), contact.phones.end(),
                                           [&](const core::Phone& p) { return p.number == phone.e164; });
        if (duplicate) continue;
        core::Phone p;
        p.number = std::move(phone.e164);
        p.type = std::move(phone.type);
        contact.phones.push_back(std::move(p));
      }
      contact.priority = raw.priority;
      contact.fields = std::move(raw.fields);
      contact.state = core::ContactState::kCallable;
      contact.next_eligible_at = options_.now;
      imported.timezone = std::move(timezone);
      batch.push_back(std::move(imported));
    }
    pending_.clear();
    if (batch.empty()) return;
    const size_t count = batch.size();
    auto stored = on_batch_(std::move(batch));
    if (!stored.ok()) {
      fatal_ = stored.error();
      return;
    }
    accepted_ += count;
  }

  void Reject(const RawContact& raw) {
    ++rejected_;
    for (const auto& [field, problem] : raw.problems) {
      ++error_count_;
      if (errors_.size() < options_.max_errors) errors_.push_back(RowError{raw.row, field, problem});
    }
  }

  bool ZoneExists(std::string_view name) {
    if (auto it = zone_cache_.find(name); it != zone_cache_.end()) return it->second;
    bool exists = false;
    try {
      exists = date::locate_zone(name) != nullptr;
    } catch (const std::exception&) {
      exists = false;  // locate_zone throws for an unknown name
    }
    if (zone_cache_.size() < kZoneCacheLimit) zone_cache_.emplace(std::string(name), exists);
    return exists;
  }

  ImportOptions options_;
  BatchCallback on_batch_;
  ProgressCallback on_progress_;
  PhoneParser parser_;
  const CountryZones& country_zones_;
  std::unique_ptr<CsvReader> csv_;
  std::unique_ptr<JsonFramer> json_;
  std::optional<CsvLayout> layout_;
  std::vector<RawContact> pending_;
  std::map<std::string, bool, std::less<>> zone_cache_;
  size_t bom_matched_ = 0;
  bool bom_done_ = false;
  bool finished_ = false;
  uint64_t rows_seen_ = 0;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  uint64_t error_count_ = 0;
  std::vector<RowError> errors_;
  std::optional<core::Error> fatal_;
};

core::Result<std::unique_ptr<ContactImporter>> ContactImporter::Create(ImportOptions options,
                                                                       BatchCallback on_batch,
                                                                       ProgressCallback on_progress) {
  std::vector<core::FieldProblem> problems;
  if (!PhoneParser::IsKnownRegion(options.default_region)) {
    problems.push_back(
        {"default_region", "not a region code known to libphonenumber: " + Quote(options.default_region)});
  }
  try {
    date::locate_zone(options.default_timezone);
  } catch (const std::exception&) {
    problems.push_back({"default_timezone", "unknown IANA time zone " + Quote(options.default_timezone)});
  }
  if (options.batch_size == 0) problems.push_back({"batch_size", "must be at least 1"});
  if (options.max_row_bytes == 0) problems.push_back({"max_row_bytes", "must be at least 1"});
  if (options.progress_every_rows == 0) problems.push_back({"progress_every_rows", "must be at least 1"});
  if (!on_batch) problems.push_back({"on_batch", "a batch callback is required"});
  if (!problems.empty())
    return core::Error{core::ErrorCode::kValidationFailed, "Invalid import options.", problems};
  return std::unique_ptr<ContactImporter>(new ContactImporter(
      std::make_unique<Impl>(std::move(options), std::move(on_batch), std::move(on_progress))));
}

ContactImporter::ContactImporter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContactImporter::~ContactImporter() = default;
core::Result<void> ContactImporter::Feed(std::string_view chunk) {
  return impl_->Feed(chunk);
}
ImportSummary ContactImporter::Finish() {
  return impl_->Finish();
}
ImportProgress ContactImporter::progress() const {
  return impl_->progress();
}

}  // namespace outdial::store
