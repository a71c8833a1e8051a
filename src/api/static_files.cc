#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "api/errors.h"
#include "core/contact.h"

namespace outdial::api {

namespace {

namespace fs = std::filesystem;

std::string ContentTypeFor(const fs::path& p) {
  std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

HttpResponse NotBuiltPage(const StaticSite& site, const std::string& rows) {
  std::string header;
  for (int i = 0; i < core::kContactStateCount; ++i) {
    header += "<th>" + HtmlEscape(core::ToString(static_cast<core::ContactState>(i))) + "</th>";
  }
  std::string html =
      "<!doctype html><html lang=en><head><meta charset=utf-8><title>outdial</title>"
      "<style>body{font:15px "
      "system-ui;margin:2em;color:#222;max-width:60em}code{background:#f3f3f3;padding:0 .3em}"
      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em "
      ".6em;text-align:right}</style>"
      "</head><body><h1>outdial " +
      HtmlEscape(site.version) +
      "</h1>"
      "<p>The server is running (data centre <b>" +
      HtmlEscape(site.datacenter_name) +
      "</b>), but the web UI "
      "is not built, so there is no desktop to show here yet.</p>"
      "<p>Build it with <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code> (it lands in "
      "<code>web/dist</code>), or point <code>[server] web_root</code> at a built UI, then reload.</p>"
      "<p>The REST API and the event WebSocket work meanwhile: <code>POST /api/v1/login</code>, "
      "<code>GET /api/v1/events?token=…</code> (see API.md); metrics at <a href=/metrics>/metrics</a>.</p>"
      "<table><tr><th>campaign</th><th>status</th>" +
      header + "<th>attempts</th><th>active calls</th></tr>" + rows + "</table></body></html>";
  return HttpResponse{200, "text/html; charset=utf-8", std::move(html)};
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

HttpResponse ServeStatic(const StaticSite& site, const Target& t,
                         const std::function<std::string()>& campaign_rows) {
  std::error_code ec;
  fs::path root = site.web_root.empty() ? fs::path() : fs::weakly_canonical(site.web_root, ec);
  bool built = !root.empty() && fs::is_regular_file(root / "index.html", ec);
  if (!built) return NotBuiltPage(site, campaign_rows());
  fs::path rel;
  for (const auto& seg : t.segments) {
    if (seg == ".." || seg == "." || seg.find('\0') != std::string::npos ||
        seg.find('/') != std::string::npos) {
      return ErrorResponse(NotFound("No such file."));
    }
    rel /= seg;
  }
  fs::path file = fs::weakly_canonical(root / rel, ec);
  auto root_str = root.string();
  bool inside = !ec && file.string().compare(0, root_str.size(), root_str) == 0;
  if (inside && !rel.empty() && fs::is_regular_file(file, ec)) {
    if (auto content = ReadFile(file)) return HttpResponse{200, ContentTypeFor(file), std::move(*content)};
  }
  // A missing asset is a 404; any other path is a client-side route of the single-page app.
  if (!t.segments.empty() && t.segments.back().find('.') != std::string::npos) {
    return ErrorResponse(NotFound("No such file."));
  }
  auto index = ReadFile(root / "index.html");
  if (!index) return ErrorResponse(NotFound("No such file."));
  return HttpResponse{200, "text/html; charset=utf-8", std::move(*index)};
}

}  // namespace outdial::api
