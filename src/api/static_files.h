// The built web UI under [server] web_root, served for every path outside /api (a single-page
// app: an unknown path that is not an asset gets index.html), and the page shown when the UI is
// not built. Any thread (reads files; takes no lock).
#pragma once

#include <functional>
#include <string>

#include "api/http_server.h"
#include "api/request.h"

namespace outdial::api {

struct StaticSite {
  std::string web_root;  // directory with index.html; empty: none
  std::string version;
  std::string datacenter_name;
};

// `campaign_rows` gives the not-built page's table rows (<tr>… per campaign), already HTML.
HttpResponse ServeStatic(const StaticSite& site, const Target& t,
                         const std::function<std::string()>& campaign_rows);

// Text made safe inside HTML.
std::string HtmlEscape(std::string_view text);

}  // namespace outdial::api
