// Paged lists (API.md "Pagination"): the `limit` query parameter and the {items, next_cursor}
// answer shared by the contact and DNC lists. Pure functions, any thread.
#pragma once

#include <string>

#include "api/json_mapping.h"
#include "api/request.h"
#include "core/result.h"

namespace outdial::api {

inline constexpr size_t kDefaultPageSize = 100;
inline constexpr size_t kMaxPageSize = 1000;

// `limit` (1..1000; absent or empty: 100), else VALIDATION_FAILED.
core::Result<size_t> PageLimit(const Target& t);

// {items, next_cursor}; an empty cursor (no more) is null.
Json PageJson(Json items, const std::string& next_cursor);

}  // namespace outdial::api
