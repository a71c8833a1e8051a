// The parts of an HTTP request every route reads the same way: the target split into decoded path
// segments and query parameters, the JSON object body, and the two plain answers (JSON, 204).
// Pure functions, any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_server.h"
#include "api/json_mapping.h"
#include "core/result.h"

namespace outdial::api {

struct Target {
  std::vector<std::string> segments;  // decoded path segments
  std::map<std::string, std::string> query;
  std::string path;
  bool ok = true;  // false: a segment or a query parameter is not valid percent-encoding
};

Target ParseTarget(std::string_view target);

// The query parameter `key`, or "" when absent.
std::string QueryOr(const Target& t, const std::string& key);

// The body of a POST/PUT/PATCH as a JSON object; an empty body is {}.
core::Result<Json> ParseBody(const HttpRequest& req);

// Whether the request says its body is a CSV list (Content-Type text/csv).
bool IsCsvBody(const HttpRequest& req);

HttpResponse JsonResponse(int status, const Json& body);
HttpResponse NoContent();

}  // namespace outdial::api
