#include "store/catalog_rules.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace outdial::store {

core::Error NotFound(std::string_view what) {
  return core::MakeError(core::ErrorCode::kNotFound, fmt::format("No such {}.", what));
}

core::Error Conflict(std::string_view message) {
  return core::MakeError(core::ErrorCode::kConflict, std::string(message));
}

core::Result<void> ValidateContacts(const std::vector<engine::ContactRow>& rows) {
  std::vector<core::FieldProblem> problems;
  for (size_t i = 0; i < rows.size(); ++i) {
    const core::Contact& c = rows[i].contact;
    std::string at = fmt::format("contacts[{}]", i);
    if (c.phones.empty()) problems.push_back({at + ".phones", "must contain at least one number"});
    if (c.priority > 100) problems.push_back({at + ".priority", "must be between 0 and 100"});
    for (size_t p = 0; p < c.phones.size(); ++p) {
      if (c.phones[p].number.empty()) {
        problems.push_back({fmt::format("{}.phones[{}]", at, p), "must not be empty"});
      }
    }
  }
  if (problems.empty()) return core::Ok{};
  return core::Error{core::ErrorCode::kValidationFailed, "Some contacts are not valid.", std::move(problems)};
}

size_t ClampPageLimit(size_t limit) {
  return std::clamp<size_t>(limit, 1, 10000);
}

core::Result<uint64_t> ParseContactCursor(std::string_view cursor) {
  if (cursor.empty()) return uint64_t{0};
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), value);
  if (ec != std::errc() || end != cursor.data() + cursor.size()) {
    return core::Error{core::ErrorCode::kValidationFailed,
                       "The cursor is not valid.",
                       {{"cursor", "is not a cursor of this list"}}};
  }
  return value;
}

std::string DncCursor(std::string_view last_number) {
  if (!last_number.empty() && last_number[0] == '+') last_number.remove_prefix(1);
  return std::string(last_number);
}

std::string DncResumeAfter(std::string_view cursor) {
  return cursor.empty() ? std::string() : "+" + std::string(cursor);
}

}  // namespace outdial::store
