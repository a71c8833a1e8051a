// What every Catalog of the store layer (SqlDatabase over SQLite and PostgreSQL, MemoryCatalog)
// says and checks the same way, so that the fake cannot drift from the real stores: the errors'
// messages, contact validation, page limits and the list cursors. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "engine/catalog.h"

namespace outdial::store {

// "No such <what>." (NOT_FOUND).
core::Error NotFound(std::string_view what);

// CONFLICT messages the API shows as they are.
inline constexpr std::string_view kTenantNameTaken = "A tenant with this name exists already.";
inline constexpr std::string_view kUsernameTaken = "A user with this username exists already.";
inline constexpr std::string_view kSessionExists = "This session exists already.";
core::Error Conflict(std::string_view message);

// Every contact of an import has a number, none empty, and a priority of 0-100; the problems name
// the rows (`contacts[i].phones`). Nothing is stored when any is found.
core::Result<void> ValidateContacts(const std::vector<engine::ContactRow>& rows);

// A page holds 1 to 10,000 items, whatever the caller asks.
size_t ClampPageLimit(size_t limit);

// A contact page's cursor: the id of the previous page's last contact, in decimal ("" = start).
core::Result<uint64_t> ParseContactCursor(std::string_view cursor);

// A DNC page's cursor: the previous page's last number without its '+', so that it needs no
// escaping in a query string (where '+' is a space). DncResumeAfter gives the number to resume
// after ("" = start).
std::string DncCursor(std::string_view last_number);
std::string DncResumeAfter(std::string_view cursor);

}  // namespace outdial::store
