#include "api/pagination.h"

#include "api/agent_ops.h"
#include "api/errors.h"

namespace outdial::api {

core::Result<size_t> PageLimit(const Target& t) {
  auto it = t.query.find("limit");
  if (it == t.query.end() || it->second.empty()) return kDefaultPageSize;
  auto v = ParseIdText(it->second);
  if (!v || *v > kMaxPageSize) return Invalid("limit", "must be between 1 and 1000");
  return static_cast<size_t>(*v);
}

Json PageJson(Json items, const std::string& next_cursor) {
  return {{"items", std::move(items)},
          {"next_cursor", next_cursor.empty() ? Json(nullptr) : Json(next_cursor)}};
}

}  // namespace outdial::api
