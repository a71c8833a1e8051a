// CSV contact lists (API.md "POST /campaigns/{id}/contacts" with text/csv) turned into the JSON
// contact objects of the same route, so that both bodies share one validation. RFC 4180 fields
// (quotes, doubled quotes, CRLF or LF); a header row names the columns: `name`, `phone` or
// `phone1..phoneN`, `timezone`, `priority`, and any other column becomes a custom field.
// This is the in-memory edge reader; the streaming importer (src/store/import) replaces it for
// large lists once it is part of the build. Pure, any thread.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace outdial::api {

// {"contacts":[...]} with one object per data row (row i of the result is data row i+1). A body
// that cannot be read at all (no header, an unterminated quote) is VALIDATION_FAILED.
core::Result<nlohmann::json> CsvToContacts(std::string_view csv);

}  // namespace outdial::api
