#include "api/request.h"

#include <optional>

#include "api/errors.h"

namespace outdial::api {

namespace {

int FromHex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; `plus_is_space` for query strings only (a path keeps a literal '+').
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = FromHex(in[i + 1]), lo = FromHex(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void ParseQuery(std::string_view query, Target& t) {
  size_t p = 0;
  while (p <= query.size()) {
    size_t amp = query.find('&', p);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(p, amp - p);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      auto key = PercentDecode(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                : PercentDecode(pair.substr(eq + 1), true);
      if (!key || !value) {
        t.ok = false;
      } else {
        t.query[*key] = *value;
      }
    }
    p = amp + 1;
  }
}

}  // namespace

Target ParseTarget(std::string_view target) {
  Target t;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  t.path = std::string(path);
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) {
      auto seg = PercentDecode(path.substr(pos, slash - pos), false);
      if (!seg) t.ok = false;
      t.segments.push_back(seg.value_or(""));
    }
    pos = slash + 1;
  }
  if (q != std::string_view::npos) ParseQuery(target.substr(q + 1), t);
  return t;
}

std::string QueryOr(const Target& t, const std::string& key) {
  auto it = t.query.find(key);
  return it == t.query.end() ? std::string() : it->second;
}

core::Result<Json> ParseBody(const HttpRequest& req) {
  if (req.body.empty()) return Json::object();
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Invalid("body", "is not valid JSON", "The request body is not valid JSON.");
  if (!body.is_object()) return Invalid("body", "must be a JSON object");
  return body;
}

bool IsCsvBody(const HttpRequest& req) {
  auto ct = req.headers.find("content-type");
  return ct != req.headers.end() && ct->second.find("text/csv") != std::string::npos;
}

HttpResponse JsonResponse(int status, const Json& body) {
  return HttpResponse{status, "application/json; charset=utf-8", body.dump()};
}

HttpResponse NoContent() {
  return HttpResponse{204, "application/json; charset=utf-8", ""};
}

}  // namespace outdial::api
