// The import's rows on their way from the text to a batch (contact_import.h): RawContact, as the
// CSV reader (csv_contact.cc: the header's layout, then each row) or the JSON reader
// (json_contact.cc: each element of "contacts") fill it, before its numbers are validated and it
// is finished in row order (contact_import.cc). The text checks both readers share are here too.
// Private to src/store/import; pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace outdial::store::import_rows {

std::string_view Trim(std::string_view s);
// ASCII letters lowered (column names).
std::string Lower(std::string_view s);
// UTF-8 as RFC 3629 has it (no overlongs, no surrogates, nothing past U+10FFFF), and no NUL, which
// PostgreSQL text cannot hold.
bool IsCleanUtf8(std::string_view s);
inline constexpr std::string_view kNotUtf8 = "not valid UTF-8 text (or contains a NUL byte)";
// A body that cannot be read at all (VALIDATION_FAILED).
core::Error Fatal(std::string message);
// `s` quoted for a problem's text, cut at 80 bytes.
std::string Quote(std::string_view s);

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

// The header row's layout; a fatal error for a header that cannot be read (no phone column,
// duplicate columns, ...).
core::Result<CsvLayout> ReadHeader(const std::vector<std::string_view>& names);
// One CSV data row (1-based `row`) by the header's layout.
RawContact FromCsv(uint64_t row, const CsvLayout& layout, const std::vector<std::string_view>& cells);
// The JSON form of one contact (API.md "A contact"); unknown keys are ignored. simdjson's DOM
// parser is reused for every element: it parses a ~200-byte contact several times faster than
// nlohmann's DOM (whose std::map nodes and strings dominated the JSON import), and it validates
// UTF-8 on the way.
void FromJson(simdjson::dom::parser& parser, std::string_view text, RawContact& raw);

}  // namespace outdial::store::import_rows
