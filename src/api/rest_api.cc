#include "api/rest_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "api/agent_ops.h"
#include "api/json_mapping.h"
#include "core/calling_window.h"
#include "core/settings_json.h"

namespace outdial::api {

namespace {

using core::Error;
using core::ErrorCode;
using core::MakeError;
using engine::Role;

constexpr size_t kMaxImportRows = 200000;
constexpr size_t kDefaultPageSize = 100;
constexpr size_t kMaxPageSize = 1000;

// The latest contact import of each campaign, shown as the `import` field of the campaign object
// (an extension of API.md). Held in memory by this server process: it is progress for a watcher,
// not a record (a restart forgets it; `outdial import` runs in its own process and logs instead).
// Thread-safe: the importing request's I/O thread writes while other request threads read.
class ImportTracker {
 public:
  enum class State { kRunning, kDone, kFailed };
  struct Status {
    uint64_t generation = 0;  // which import of the campaign this is (a newer one replaces it)
    State state = State::kRunning;
    std::string phase = "reading";  // "reading" the body, then "storing" the valid rows
    uint64_t rows_read = 0, accepted = 0, rejected = 0, bytes_read = 0, bytes_total = 0;
    int64_t started_at = 0, finished_at = 0;  // epoch ms; finished_at 0 while running
    std::string error;
  };

  // Starts tracking a new import of `campaign`; the returned generation names it in later calls.
  uint64_t Start(uint64_t campaign, uint64_t bytes_total, int64_t now_ms) {
    std::lock_guard lock(mutex_);
    Status s;
    s.generation = ++generation_;
    s.bytes_total = bytes_total;
    s.started_at = now_ms;
    status_[campaign] = s;
    return s.generation;
  }
  // Applies `fn` to the import's status unless a newer import of the campaign replaced it.
  template <typename Fn>
  void Update(uint64_t campaign, uint64_t generation, Fn&& fn) {
    std::lock_guard lock(mutex_);
    auto it = status_.find(campaign);
    if (it != status_.end() && it->second.generation == generation) fn(it->second);
  }
  std::optional<Status> Get(uint64_t campaign) const {
    std::lock_guard lock(mutex_);
    auto it = status_.find(campaign);
    if (it == status_.end()) return std::nullopt;
    return it->second;
  }
  void Forget(uint64_t campaign) {
    std::lock_guard lock(mutex_);
    status_.erase(campaign);
  }

  static std::string_view ToString(State state) {
    switch (state) {
      case State::kRunning:
        return "running";
      case State::kDone:
        return "done";
      case State::kFailed:
        return "failed";
    }
    return "failed";
  }
  static Json ToJson(const Status& s) {
    Json j = {{"state", ToString(s.state)},   {"phase", s.phase},
              {"rows_read", s.rows_read},     {"accepted", s.accepted},
              {"rejected", s.rejected},       {"bytes_read", s.bytes_read},
              {"bytes_total", s.bytes_total}, {"started_at", s.started_at},
              {"finished_at", s.finished_at == 0 ? Json(nullptr) : Json(s.finished_at)}};
    if (s.bytes_total > 0) j["percent"] = std::min<uint64_t>(100, s.bytes_read * 100 / s.bytes_total);
    if (!s.error.empty()) j["error"] = s.error;
    return j;
  }
  // One structured log line: the same fields as the JSON, as key=value.
  static std::string LogLine(uint64_t campaign, const Status& s) {
    std::string line = fmt::format(
        "import campaign={} state={} phase={} rows_read={} accepted={} rejected={} bytes_read={} bytes_total={}",
        campaign, ToString(s.state), s.phase, s.rows_read, s.accepted, s.rejected, s.bytes_read, s.bytes_total);
    if (s.bytes_total > 0) line += fmt::format(" percent={}", std::min<uint64_t>(100, s.bytes_read * 100 / s.bytes_total));
    if (s.finished_at != 0) line += fmt::format(" seconds={:.1f}", static_cast<double>(s.finished_at - s.started_at) / 1000);
    if (!s.error.empty()) line += fmt::format(" error=\"{}\"", s.error);
    return line;
  }

 private:
  mutable std::mutex mutex_;
  uint64_t generation_ = 0;
  std::unordered_map<uint64_t, Status> status_;
};

HttpResponse JsonResponse(int status, const Json& body) {
  return HttpResponse{status, "application/json; charset=utf-8", body.dump()};
}
HttpResponse NoContent() {
  return HttpResponse{204, "application/json; charset=utf-8", ""};
}

Error Invalid(std::string field, std::string problem, std::string message = "The request is not valid.") {
  return Error{ErrorCode::kValidationFailed, std::move(message), {{std::move(field), std::move(problem)}}};
}
Error NotFound(std::string message = "No such resource.") {
  return MakeError(ErrorCode::kNotFound, std::move(message));
}
Error Forbidden() {
  return MakeError(ErrorCode::kForbidden, "Your role may not do this.");
}
Error Unauthenticated() {
  return MakeError(ErrorCode::kUnauthenticated, "Log in first: the token is missing, unknown or expired.");
}

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

struct Target {
  std::vector<std::string> segments;  // decoded path segments
  std::map<std::string, std::string> query;
  std::string path;
  bool ok = true;
};

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
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
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
  return t;
}

// The body of a POST/PUT/PATCH as a JSON object; an empty body is {}.
core::Result<Json> ParseBody(const HttpRequest& req) {
  if (req.body.empty()) return Json::object();
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Invalid("body", "is not valid JSON", "The request body is not valid JSON.");
  if (!body.is_object()) return Invalid("body", "must be a JSON object");
  return body;
}

core::Result<size_t> PageLimit(const Target& t) {
  auto it = t.query.find("limit");
  if (it == t.query.end() || it->second.empty()) return kDefaultPageSize;
  auto v = ParseIdText(it->second);
  if (!v || *v > kMaxPageSize) return Invalid("limit", "must be between 1 and 1000");
  return static_cast<size_t>(*v);
}

std::string QueryOr(const Target& t, const std::string& key) {
  auto it = t.query.find(key);
  return it == t.query.end() ? std::string() : it->second;
}

bool ValidListName(std::string_view list) {
  if (list.empty() || list.size() > 64) return false;
  return std::all_of(list.begin(), list.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

bool ValidStation(std::string_view s) {
  return s == "sim:auto" || s == "sim:manual" || s == "sim:noanswer" || s == "sim:unreachable" ||
         (s.size() > 4 && (s.substr(0, 4) == "sip:" || (s.size() > 5 && s.substr(0, 5) == "sips:")));
}

std::string ContentTypeFor(const std::filesystem::path& p) {
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

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

// One WebSocket of GET /api/v1/events: subscribes on the engine thread (snapshot first), turns
// client frames into agent operations and acks them after the change is durable.
class EventsSession final : public WsSession, public std::enable_shared_from_this<EventsSession> {
 public:
  EventsSession(RestApi::Impl& api, Principal principal) : api_(api), principal_(std::move(principal)) {}
  void OnOpen(std::shared_ptr<WsConnection> connection) override;
  void OnText(std::string text) override;
  void OnBinary() override;
  void OnClose() override;

 private:
  void SendAck(const Json& ref, const core::Result<Json>& result);
  RestApi::Impl& api_;
  Principal principal_;
  std::shared_ptr<WsConnection> connection_;
  // Engine thread only: the subscription, and whether the socket closed before it was made.
  uint64_t subscription_ = 0;
  bool closed_ = false;
};

struct RestApi::Impl {
  ApiDeps deps;
  ApiOptions options;
  const HttpServer::Counters* server_counters = nullptr;
  ImportTracker imports;

  Impl(ApiDeps d, ApiOptions o) : deps(d), options(std::move(o)) {}

  core::TimePoint Now() const { return deps.clock.Now(); }

  core::Result<void> OnEngine(std::function<void()> fn) {
    // `fn` captures the caller's locals by reference: once we have given up waiting it must not
    // run any more. The engine runs it under `gate` after checking `abandoned`; giving up takes
    // the same lock, so it also waits out a run that has already begun.
    struct Handoff {
      std::mutex gate;
      bool abandoned = false;
      std::promise<void> done;
    };
    auto handoff = std::make_shared<Handoff>();
    auto future = handoff->done.get_future();
    deps.post([fn = std::move(fn), handoff] {
      std::lock_guard lock(handoff->gate);
      if (handoff->abandoned) return;
      fn();
      handoff->done.set_value();
    });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      std::lock_guard lock(handoff->gate);
      if (future.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return core::Ok{};
      handoff->abandoned = true;
      return MakeError(ErrorCode::kUnavailable, "The engine did not answer in time.");
    }
    return core::Ok{};
  }

  // --- auth ----------------------------------------------------------------------------------------

  core::Result<Principal> PrincipalForToken(std::string_view token) {
    if (token.empty()) return Unauthenticated();
    if (!options.system_token.empty() && token.size() == options.system_token.size() &&
        std::equal(token.begin(), token.end(), options.system_token.begin())) {
      Principal p;
      p.role = Role::kSystem;
      return p;
    }
    std::string hash = TokenHash(token);
    const auto steady_now = std::chrono::steady_clock::now();
    uint64_t generation = 0;
    {
      std::lock_guard lock(principals_mutex);
      if (auto it = principals.find(hash); it != principals.end()) {
        if (it->second.fresh_until > steady_now && it->second.session_expires > Now()) return it->second.principal;
        principals.erase(it);
      }
      generation = principals_generation;
    }
    auto session = deps.catalog.FindSession(hash);
    if (!session.ok()) return Unauthenticated();
    if (session->expires_at <= Now()) {
      (void)deps.catalog.DeleteSession(hash);
      return Unauthenticated();
    }
    auto user = deps.catalog.GetUser(session->tenant_id, session->user_id);
    if (!user.ok()) return Unauthenticated();
    Principal p;
    p.role = user->role;
    p.tenant = user->tenant_id;
    p.user = user->id;
    p.username = user->username;
    p.team = user->team;
    p.token_hash = hash;
    std::lock_guard lock(principals_mutex);
    // A logout or user change since the reads above may concern what they found: answer this
    // request with it (it read before the change), but do not remember it.
    if (principals_generation != generation) return p;
    if (principals.size() >= kMaxCachedPrincipals) principals.clear();
    principals[hash] = CachedPrincipal{p, session->expires_at, steady_now + kPrincipalFreshFor};
    return p;
  }

  // Who a token is, remembered briefly: two catalog reads (session, user) under the catalog's one
  // lock on every request held GET stats to 0.41x of a plain Beast server on SQLite
  // (bench/rest_bench.sh). This server forgets an entry at once on logout and on any user change;
  // another server sharing the database sees a logout there within kPrincipalFreshFor.
  struct CachedPrincipal {
    Principal principal;
    core::TimePoint session_expires;
    std::chrono::steady_clock::time_point fresh_until;
  };
  static constexpr auto kPrincipalFreshFor = std::chrono::seconds(1);
  static constexpr size_t kMaxCachedPrincipals = 100'000;
  std::mutex principals_mutex;
  std::unordered_map<std::string, CachedPrincipal> principals;
  uint64_t principals_generation = 0;  // +1 on every forget: a lookup that overlapped one caches nothing
  void ForgetPrincipal(const std::string& token_hash) {
    std::lock_guard lock(principals_mutex);
    principals.erase(token_hash);
    ++principals_generation;
  }
  void ForgetAllPrincipals() {
    std::lock_guard lock(principals_mutex);
    principals.clear();
    ++principals_generation;
  }

  core::Result<Principal> Authenticate(const HttpRequest& req) {
    auto it = req.headers.find("authorization");
    if (it == req.headers.end()) return Unauthenticated();
    std::string_view value = it->second;
    constexpr std::string_view kBearer = "Bearer ";
    if (value.size() <= kBearer.size() ||
        !std::equal(kBearer.begin(), kBearer.end(), value.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return Unauthenticated();
    }
    return PrincipalForToken(value.substr(kBearer.size()));
  }

  static bool Allowed(const Principal& p, std::initializer_list<Role> roles) {
    return std::find(roles.begin(), roles.end(), p.role) != roles.end();
  }

  // --- routes --------------------------------------------------------------------------------------

  void Handle(HttpRequest req, Reply reply) {
    auto started = std::chrono::steady_clock::now();
    Reply counted = [this, reply = std::move(reply), method = req.method, target = req.target,
                     started](HttpResponse r) {
      deps.metrics.CountRequest(r.status);
      auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
              .count();
      if (r.status >= 500) {
        spdlog::warn("http {} {} -> {} ({} us)", method, target, r.status, us);
      } else {
        spdlog::debug("http {} {} -> {} ({} us)", method, target, r.status, us);
      }
      reply(std::move(r));
    };
    Target t = ParseTarget(req.target);
    if (!t.ok) return counted(ErrorResponse(NotFound("The path is not valid.")));
    const auto& s = t.segments;
    if (s.size() == 1 && s[0] == "healthz" && req.method == "GET") {
      return counted(JsonResponse(200, {{"status", "ok"}, {"version", options.version}}));
    }
    if (s.size() == 1 && s[0] == "metrics" && req.method == "GET") return Metrics(std::move(counted));
    if (s.size() >= 2 && s[0] == "api" && s[1] == "v1") {
      return Api(req, t, std::move(counted));
    }
    if (!s.empty() && s[0] == "api") return counted(ErrorResponse(NotFound("No such endpoint.")));
    if (req.method != "GET" && req.method != "HEAD")
      return counted(ErrorResponse(NotFound("No such endpoint.")));
    return counted(Static(t));
  }

  void Api(const HttpRequest& req, const Target& t, Reply reply) {
    std::vector<std::string> s(t.segments.begin() + 2, t.segments.end());
    const std::string& m = req.method;
    auto fail = [&](const Error& e) { reply(ErrorResponse(e)); };
    if (s.empty()) return fail(NotFound("No such endpoint."));

    // Routes open to anyone.
    if (s.size() == 1 && s[0] == "login") {
      if (m != "POST") return fail(NotFound("No such endpoint."));
      return Login(req, std::move(reply));
    }
    if (s.size() == 1 && s[0] == "events") {
      return fail(
          Invalid("connection", "GET /api/v1/events is a WebSocket: send an Upgrade request with ?token="));
    }

    // Which route is it (before auth, so that an unknown route is 404 for everyone)?
    enum class R {
      kTenants,
      kTenant,
      kLogout,
      kUsers,
      kUser,
      kCampaigns,
      kCampaign,
      kCampaignStatus,
      kContacts,
      kStats,
      kContact,
      kDncEntry,
      kDncList,
      kAgentState,
      kPreviewRequest,
      kAnswer,
      kOfferAction,
      kCallAction,
      kAgent,
      kAgents,
      kNone
    };
    R route = R::kNone;
    auto is = [&](std::initializer_list<const char*> parts) {
      if (s.size() != parts.size()) return false;
      size_t i = 0;
      for (const char* p : parts) {
        if (std::string_view(p) != "*" && s[i] != p) return false;
        ++i;
      }
      return true;
    };
    if (is({"tenants"}) && m == "POST")
      route = R::kTenants;
    else if (is({"tenant"}) && (m == "GET" || m == "PATCH"))
      route = R::kTenant;
    else if (is({"logout"}) && m == "POST")
      route = R::kLogout;
    else if (is({"users"}) && (m == "GET" || m == "POST"))
      route = R::kUsers;
    else if (is({"users", "*"}) && (m == "GET" || m == "PATCH" || m == "DELETE"))
      route = R::kUser;
    else if (is({"campaigns"}) && (m == "GET" || m == "POST"))
      route = R::kCampaigns;
    else if (is({"campaigns", "*"}) && (m == "GET" || m == "PATCH" || m == "DELETE"))
      route = R::kCampaign;
    else if (is({"campaigns", "*", "*"}) && m == "POST" &&
             (s[2] == "start" || s[2] == "pause" || s[2] == "stop"))
      route = R::kCampaignStatus;
    else if (is({"campaigns", "*", "contacts"}) && (m == "GET" || m == "POST"))
      route = R::kContacts;
    else if (is({"campaigns", "*", "stats"}) && m == "GET")
      route = R::kStats;
    else if (is({"contacts", "*"}) && m == "GET")
      route = R::kContact;
    else if (is({"dnc", "*", "*"}) && (m == "PUT" || m == "DELETE"))
      route = R::kDncEntry;
    else if (is({"dnc", "*"}) && m == "GET")
      route = R::kDncList;
    else if (is({"agent", "state"}) && m == "POST")
      route = R::kAgentState;
    else if (is({"agent", "preview-request"}) && m == "POST")
      route = R::kPreviewRequest;
    else if (is({"reservations", "*", "answer"}) && m == "POST")
      route = R::kAnswer;
    else if (is({"offers", "*", "*"}) && m == "POST" && core::OfferActionFromString(s[2]))
      route = R::kOfferAction;
    else if (is({"calls", "*", "*"}) && m == "POST" &&
             (s[2] == "cancel" || s[2] == "end" || s[2] == "wrapup"))
      route = R::kCallAction;
    else if (is({"agent"}) && m == "GET")
      route = R::kAgent;
    else if (is({"agents"}) && m == "GET")
      route = R::kAgents;
    if (route == R::kNone) return fail(NotFound("No such endpoint."));

    if (route == R::kTenants && options.system_token.empty()) {
      return fail(
          MakeError(ErrorCode::kForbidden, "Creating tenants is disabled: [server] system_token is empty."));
    }
    auto principal = Authenticate(req);
    if (!principal.ok()) return fail(principal.error());
    const Principal& p = *principal;
    // A CSV contact list is read by its own route; every other body is a JSON object.
    auto ct = req.headers.find("content-type");
    bool csv =
        route == R::kContacts && ct != req.headers.end() && ct->second.find("text/csv") != std::string::npos;
    auto body = (m == "POST" || m == "PUT" || m == "PATCH") && !csv ? ParseBody(req)
                                                                    : core::Result<Json>(Json::object());
    auto need = [&](std::initializer_list<Role> roles) { return Allowed(p, roles); };
    constexpr auto kAdmin = Role::kAdmin;
    constexpr auto kSup = Role::kSupervisor;
    constexpr auto kAgentRole = Role::kAgent;

    // Roles first (403 before 400: a forbidden caller learns nothing about its body).
    bool ok_role = false;
    switch (route) {
      case R::kTenants:
        ok_role = need({Role::kSystem});
        break;
      case R::kTenant:
      case R::kUsers:
      case R::kUser:
        ok_role = need({kAdmin});
        break;
      case R::kLogout:
        ok_role = p.role != Role::kSystem;
        break;
      case R::kCampaigns:
        ok_role = m == "GET" ? need({kAdmin, kSup, kAgentRole}) : need({kAdmin});
        break;
      case R::kCampaign:
        ok_role = m == "GET" ? need({kAdmin, kSup}) : need({kAdmin});
        break;
      case R::kCampaignStatus:
        ok_role = need({kAdmin});
        break;
      case R::kContacts:
        ok_role = m == "GET" ? need({kAdmin, kSup}) : need({kAdmin});
        break;
      case R::kStats:
      case R::kContact:
      case R::kDncList:
        ok_role = need({kAdmin, kSup});
        break;
      case R::kDncEntry:
        ok_role = m == "PUT" ? need({kAdmin, kSup}) : need({kAdmin});
        break;
      case R::kAgentState:
      case R::kPreviewRequest:
      case R::kAnswer:
      case R::kOfferAction:
      case R::kCallAction:
      case R::kAgent:
        ok_role = need({kAgentRole});
        break;
      case R::kAgents:
        ok_role = need({kAdmin, kSup});
        break;
      case R::kNone:
        break;
    }
    if (route == R::kTenants && options.system_token.empty()) {
      return fail(
          MakeError(ErrorCode::kForbidden, "Creating tenants is disabled: [server] system_token is empty."));
    }
    if (!ok_role) return fail(Forbidden());
    if (!body.ok()) return fail(body.error());
    const Json& b = *body;

    // Path ids: a non-id is simply not found.
    auto id_at = [&](size_t i) { return ParseIdText(s[i]); };

    switch (route) {
      case R::kTenants:
        return reply(CreateTenant(b));
      case R::kTenant:
        return reply(m == "GET" ? GetTenant(p) : PatchTenant(p, b));
      case R::kLogout:
        return Logout(p, std::move(reply));
      case R::kUsers:
        return reply(m == "GET" ? ListUsers(p) : CreateUser(p, b));
      case R::kUser: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such user."));
        core::AgentId uid{*id};
        if (m == "GET") return reply(GetUser(p, uid));
        if (m == "PATCH") return reply(PatchUser(p, uid, b));
        return reply(DeleteUser(p, uid));
      }
      case R::kCampaigns:
        return reply(m == "GET" ? ListCampaigns(p) : CreateCampaign(p, b));
      case R::kCampaign: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such campaign."));
        core::CampaignId cid{*id};
        if (m == "GET") return reply(GetCampaign(p, cid));
        if (m == "PATCH") return reply(PatchCampaign(p, cid, b));
        return reply(DeleteCampaign(p, cid));
      }
      case R::kCampaignStatus: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such campaign."));
        core::CampaignStatus to = s[2] == "start"   ? core::CampaignStatus::kRunning
                                  : s[2] == "pause" ? core::CampaignStatus::kPaused
                                                    : core::CampaignStatus::kStopped;
        return reply(SetStatus(p, core::CampaignId{*id}, to));
      }
      case R::kContacts: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such campaign."));
        if (m == "GET") return reply(ListContacts(p, core::CampaignId{*id}, t));
        return reply(ImportContacts(p, core::CampaignId{*id}, req));
      }
      case R::kStats: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such campaign."));
        return Stats(p, core::CampaignId{*id}, std::move(reply));
      }
      case R::kContact: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such contact."));
        return reply(GetContact(p, core::ContactId{*id}));
      }
      case R::kDncEntry:
        return reply(m == "PUT" ? PutDnc(p, s[1], s[2]) : DeleteDnc(p, s[1], s[2]));
      case R::kDncList:
        return reply(ListDnc(p, s[1], t));
      case R::kAgentState: {
        auto op = ParseSetState(b);
        if (!op.ok()) return fail(op.error());
        return RunOp(p, *op, std::move(reply));
      }
      case R::kPreviewRequest: {
        auto op = ParsePreviewRequest(b);
        if (!op.ok()) return fail(op.error());
        return RunOp(p, *op, std::move(reply));
      }
      case R::kAnswer: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such reservation."));
        AgentOp op;
        op.kind = AgentOpKind::kAnswerReservation;
        op.reservation = core::ReservationId{*id};
        return RunOp(p, op, std::move(reply));
      }
      case R::kOfferAction: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such offer."));
        AgentOp op;
        op.kind = AgentOpKind::kOfferAction;
        op.offer = core::OfferId{*id};
        op.action = *core::OfferActionFromString(s[2]);
        return RunOp(p, op, std::move(reply));
      }
      case R::kCallAction: {
        auto id = id_at(1);
        if (!id) return fail(NotFound("No such call."));
        core::CallId call{*id};
        if (s[2] == "wrapup") {
          auto op = ParseWrapUp(call, b);
          if (!op.ok()) return fail(op.error());
          return RunOp(p, *op, std::move(reply));
        }
        AgentOp op;
        op.kind = s[2] == "cancel" ? AgentOpKind::kCancelCall : AgentOpKind::kEndCall;
        op.call = call;
        return RunOp(p, op, std::move(reply));
      }
      case R::kAgent:
        return AgentSnapshot(p, std::move(reply));
      case R::kAgents:
        return AgentsSnapshot(p, std::move(reply));
      case R::kNone:
        break;
    }
    fail(NotFound("No such endpoint."));
  }

  // --- health, metrics, static -----------------------------------------------------------------------

  void Metrics(Reply reply) {
    auto figures = std::make_shared<EngineFigures>();
    auto waited = OnEngine([this, figures] {
      engine::Dialer& d = deps.dialer;
      figures->counters = d.counters();
      figures->datacenter_active_calls = d.DatacenterActiveCalls();
      figures->datacenter_limit = d.datacenter().max_concurrent_calls;
      for (core::TenantId tid : d.Tenants()) {
        figures->tenants.push_back({tid, "", d.ActiveCalls(tid), 0});
        for (core::AgentId aid : d.Agents(tid)) {
          if (auto snap = d.Snapshot(aid)) ++figures->agents_by_state[static_cast<size_t>(snap->state)];
        }
      }
      for (core::CampaignId cid : d.Campaigns()) {
        if (auto st = d.Stats(cid)) {
          for (size_t i = 0; i < figures->attempts_by_outcome.size(); ++i) {
            figures->attempts_by_outcome[i] += st->attempts_by_outcome[i];
          }
        }
      }
    });
    if (!waited.ok()) return reply(ErrorResponse(waited.error()));
    for (auto& t : figures->tenants) {
      if (auto row = deps.catalog.GetTenant(t.id); row.ok()) {
        t.name = row->settings.name;
        t.limit = row->settings.max_concurrent_calls;
      }
    }
    ServerFigures server;
    if (server_counters != nullptr) {
      server.ws_clients = server_counters->ws_open.load();
      server.ws_overflow_drops = server_counters->ws_overflow_drops.load();
    }
    server.event_frames = deps.hub.frames_queued();
    reply(
        HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", deps.metrics.Render(*figures, server)});
  }

  HttpResponse Static(const Target& t) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path root = options.web_root.empty() ? fs::path() : fs::weakly_canonical(options.web_root, ec);
    bool built = !root.empty() && fs::is_regular_file(root / "index.html", ec);
    if (!built) return NotBuiltPage();
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
      if (auto content = ReadFile(file)) {
        HttpResponse r{200, ContentTypeFor(file), std::move(*content)};
        return r;
      }
    }
    // A missing asset is a 404; any other path is a client-side route of the single-page app.
    if (!t.segments.empty() && t.segments.back().find('.') != std::string::npos) {
      return ErrorResponse(NotFound("No such file."));
    }
    auto index = ReadFile(root / "index.html");
    if (!index) return ErrorResponse(NotFound("No such file."));
    return HttpResponse{200, "text/html; charset=utf-8", std::move(*index)};
  }

  HttpResponse NotBuiltPage() {
    std::string rows;
    (void)OnEngine([&] {
      for (core::CampaignId cid : deps.dialer.Campaigns()) {
        auto st = deps.dialer.Stats(cid);
        auto brief = deps.dialer.Campaign(cid);
        if (!st || !brief) continue;
        rows += "<tr><td>" + cid.str() + "</td><td>" + std::string(core::ToString(brief->status)) + "</td>";
        for (int i = 0; i < core::kContactStateCount; ++i) {
          rows += "<td>" + std::to_string(st->contacts_by_state[static_cast<size_t>(i)]) + "</td>";
        }
        rows += "<td>" + std::to_string(st->attempts_total) + "</td><td>" + std::to_string(st->active_calls) +
                "</td></tr>";
      }
    });
    std::string header;
    for (int i = 0; i < core::kContactStateCount; ++i) {
      header += "<th>" + Escape(core::ToString(static_cast<core::ContactState>(i))) + "</th>";
    }
    std::string html =
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>outdial</title>"
        "<style>body{font:15px "
        "system-ui;margin:2em;color:#222;max-width:60em}code{background:#f3f3f3;padding:0 .3em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em "
        ".6em;text-align:right}</style>"
        "</head><body><h1>outdial " +
        Escape(options.version) +
        "</h1>"
        "<p>The server is running (data centre <b>" +
        Escape(options.datacenter_name) +
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

  // --- tenants, sessions ------------------------------------------------------------------------------

  core::Result<std::pair<std::string, std::string>> Credentials(const Json& j, const std::string& prefix) {
    std::vector<core::FieldProblem> problems;
    auto str = [&](const char* key) -> std::string {
      if (!j.contains(key) || !j[key].is_string() || j[key].get_ref<const std::string&>().empty()) {
        problems.push_back({prefix + key, "is required (a non-empty text)"});
        return {};
      }
      const auto& v = j[key].get_ref<const std::string&>();
      if (v.size() > 256) problems.push_back({prefix + key, "must be at most 256 characters"});
      return v;
    };
    std::string username = str("username");
    std::string password = str("password");
    if (!problems.empty())
      return Error{ErrorCode::kValidationFailed, "The request is not valid.", std::move(problems)};
    return std::make_pair(username, password);
  }

  HttpResponse CreateTenant(const Json& b) {
    std::vector<core::FieldProblem> problems;
    if (!b.contains("name") || !b["name"].is_string() || b["name"].get_ref<const std::string&>().empty()) {
      problems.push_back({"name", "is required (a non-empty text)"});
    }
    core::Result<std::pair<std::string, std::string>> admin = Error{};
    if (!b.contains("admin") || !b["admin"].is_object()) {
      problems.push_back({"admin", "is required: {username, password}"});
    } else {
      admin = Credentials(b["admin"], "admin.");
      if (!admin.ok())
        problems.insert(problems.end(), admin.error().details.begin(), admin.error().details.end());
    }
    auto settings = core::TenantSettingsFromJson(b, core::TenantSettings{}, {"admin"});
    if (!settings.ok())
      problems.insert(problems.end(), settings.error().details.begin(), settings.error().details.end());
    if (!problems.empty())
      return ErrorResponse(Error{ErrorCode::kValidationFailed, "The tenant is not valid.", problems});
    auto hash = HashPassword(admin->second, options.hash_cost);
    if (!hash.ok()) return ErrorResponse(hash.error());
    engine::UserRow user;
    user.username = admin->first;
    user.password_hash = *hash;
    user.role = Role::kAdmin;
    auto row = deps.catalog.CreateTenant(*settings, user);
    if (!row.ok()) return ErrorResponse(row.error());
    core::Result<void> added = core::Ok{};
    auto waited = OnEngine([&] { added = deps.dialer.AddTenant(row->id, row->settings); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    if (!added.ok()) return ErrorResponse(added.error());
    Json j = TenantToJson(*row);
    if (auto a = deps.catalog.FindUser(row->id, user.username); a.ok()) j["admin"] = UserToJson(*a);
    spdlog::info("tenant {} '{}' created", row->id.value, row->settings.name);
    return JsonResponse(201, j);
  }

  HttpResponse GetTenant(const Principal& p) {
    auto row = deps.catalog.GetTenant(p.tenant);
    if (!row.ok()) return ErrorResponse(row.error());
    return JsonResponse(200, TenantToJson(*row));
  }

  HttpResponse PatchTenant(const Principal& p, const Json& b) {
    auto row = deps.catalog.GetTenant(p.tenant);
    if (!row.ok()) return ErrorResponse(row.error());
    auto settings = core::TenantSettingsFromJson(b, row->settings);
    if (!settings.ok()) return ErrorResponse(settings.error());
    auto updated = deps.catalog.UpdateTenant(p.tenant, *settings);
    if (!updated.ok()) return ErrorResponse(updated.error());
    core::Result<void> applied = core::Ok{};
    auto waited = OnEngine([&] { applied = deps.dialer.UpdateTenant(p.tenant, *settings); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    if (!applied.ok()) return ErrorResponse(applied.error());
    return JsonResponse(200, TenantToJson(*updated));
  }

  void Login(const HttpRequest& req, Reply reply) {
    auto body = ParseBody(req);
    if (!body.ok()) return reply(ErrorResponse(body.error()));
    const Json& b = *body;
    std::vector<core::FieldProblem> problems;
    if (!b.contains("tenant") || !b["tenant"].is_string() ||
        b["tenant"].get_ref<const std::string&>().empty()) {
      problems.push_back({"tenant", "is required (the tenant's name)"});
    }
    auto creds = Credentials(b, "");
    if (!creds.ok())
      problems.insert(problems.end(), creds.error().details.begin(), creds.error().details.end());
    if (!problems.empty())
      return reply(ErrorResponse(Error{ErrorCode::kValidationFailed, "The login is not valid.", problems}));
    auto wrong = [] {
      return ErrorResponse(
          MakeError(ErrorCode::kUnauthenticated, "The tenant, username or password is wrong."));
    };
    auto tenant = deps.catalog.FindTenantByName(b["tenant"].get<std::string>());
    core::Result<engine::UserRow> user = NotFound();
    if (tenant.ok()) user = deps.catalog.FindUser(tenant->id, creds->first);
    if (!user.ok()) {
      // Same work, same answer whichever part was wrong.
      VerifyDummy(creds->second, options.hash_cost);
      return reply(wrong());
    }
    if (!VerifyPassword(creds->second, user->password_hash)) return reply(wrong());
    std::string token = NewToken();
    engine::SessionRow session{TokenHash(token), user->id, user->tenant_id,
                               Now() + std::chrono::duration_cast<core::Millis>(options.session_ttl)};
    if (auto r = deps.catalog.CreateSession(session); !r.ok()) return reply(ErrorResponse(r.error()));
    Json answer = {
        {"token", token}, {"expires_at", core::ToEpochMs(session.expires_at)}, {"user", UserToJson(*user)}};
    spdlog::info("login: tenant {} user '{}' ({})", user->tenant_id.value, user->username,
                 engine::ToString(user->role));
    if (user->role != Role::kAgent) return reply(JsonResponse(200, answer));
    // An agent's login takes it from logged_out to idle (PRODUCT.md §4) before the answer.
    core::AgentId agent = user->id;
    deps.post([this, agent, answer = std::move(answer), reply = std::move(reply)]() mutable {
      deps.dialer.Login(
          agent, [answer = std::move(answer), reply = std::move(reply)](const engine::ActionResult& r) {
            if (!r.ok()) return reply(ErrorResponse(r.error()));
            reply(JsonResponse(200, answer));
          });
    });
  }

  void Logout(const Principal& p, Reply reply) {
    if (auto r = deps.catalog.DeleteSession(p.token_hash); !r.ok()) return reply(ErrorResponse(r.error()));
    // After the delete: a request that read the session before it caches nothing (the generation).
    ForgetPrincipal(p.token_hash);
    if (p.role != Role::kAgent) return reply(NoContent());
    core::AgentId agent = p.user;
    deps.post([this, agent, reply = std::move(reply)]() mutable {
      // The session is gone either way; an agent still holding a contact stays in the engine
      // until it finishes (Logout refuses then), which is why the answer ignores the result.
      deps.dialer.Logout(agent,
                         [reply = std::move(reply)](const engine::ActionResult&) { reply(NoContent()); });
    });
  }

  // --- users ------------------------------------------------------------------------------------------

  HttpResponse ListUsers(const Principal& p) {
    auto users = deps.catalog.ListUsers(p.tenant);
    if (!users.ok()) return ErrorResponse(users.error());
    Json items = Json::array();
    for (const auto& u : *users) items.push_back(UserToJson(u));
    return JsonResponse(200, {{"items", items}});
  }

  HttpResponse GetUser(const Principal& p, core::AgentId id) {
    auto user = deps.catalog.GetUser(p.tenant, id);
    if (!user.ok()) return ErrorResponse(user.error());
    return JsonResponse(200, UserToJson(*user));
  }

  // Validates the optional user fields into `user`; problems are collected.
  void UserFields(const Json& b, engine::UserRow& user, std::vector<core::FieldProblem>& problems,
                  bool creating) {
    static const std::set<std::string> kKnown = {"username", "password", "role", "team", "station"};
    for (const auto& [key, value] : b.items()) {
      if (!kKnown.contains(key)) problems.push_back({key, "is not a user field"});
    }
    if (b.contains("username") && !creating) problems.push_back({"username", "cannot be changed"});
    if (b.contains("role")) {
      auto role = b["role"].is_string() ? engine::RoleFromString(b["role"].get<std::string>()) : std::nullopt;
      if (!role || *role == Role::kSystem) {
        problems.push_back({"role", "must be admin, supervisor or agent"});
      } else {
        user.role = *role;
      }
    } else if (creating) {
      problems.push_back({"role", "is required: admin, supervisor or agent"});
    }
    if (b.contains("team")) {
      if (!b["team"].is_string() || b["team"].get_ref<const std::string&>().size() > 64) {
        problems.push_back({"team", "must be a text of at most 64 characters"});
      } else {
        user.team = b["team"].get<std::string>();
      }
    }
    if (b.contains("station")) {
      if (!b["station"].is_string() || !ValidStation(b["station"].get<std::string>())) {
        problems.push_back(
            {"station",
             "must be a SIP URI (sip:...) or sim:auto, sim:manual, sim:noanswer, sim:unreachable"});
      } else {
        user.station = b["station"].get<std::string>();
      }
    }
    if (b.contains("password") && !creating) {
      if (!b["password"].is_string() || b["password"].get_ref<const std::string&>().empty() ||
          b["password"].get_ref<const std::string&>().size() > 256) {
        problems.push_back({"password", "must be a non-empty text of at most 256 characters"});
      }
    }
  }

  // Mirrors a user into the engine: agents are engine agents (same id), others are not.
  core::Result<void> SyncAgent(const engine::UserRow& user, bool was_agent) {
    core::Result<void> result = core::Ok{};
    auto waited = OnEngine([&] {
      engine::AgentInfo info{user.id, user.tenant_id, user.username, user.team, user.station};
      if (user.role == Role::kAgent) {
        result = deps.dialer.Agent(user.id) ? deps.dialer.UpdateAgent(info) : deps.dialer.AddAgent(info);
      } else if (was_agent) {
        deps.dialer.Logout(user.id, nullptr);
      }
    });
    if (!waited.ok()) return waited.error();
    return result;
  }

  HttpResponse CreateUser(const Principal& p, const Json& b) {
    std::vector<core::FieldProblem> problems;
    auto creds = Credentials(b, "");
    if (!creds.ok()) problems = creds.error().details;
    engine::UserRow user;
    user.tenant_id = p.tenant;
    user.station = "sim:auto";
    UserFields(b, user, problems, true);
    if (!problems.empty())
      return ErrorResponse(Error{ErrorCode::kValidationFailed, "The user is not valid.", problems});
    user.username = creds->first;
    auto hash = HashPassword(creds->second, options.hash_cost);
    if (!hash.ok()) return ErrorResponse(hash.error());
    user.password_hash = *hash;
    auto created = deps.catalog.CreateUser(user);
    if (!created.ok()) return ErrorResponse(created.error());
    if (auto r = SyncAgent(*created, false); !r.ok()) return ErrorResponse(r.error());
    return JsonResponse(201, UserToJson(*created));
  }

  HttpResponse PatchUser(const Principal& p, core::AgentId id, const Json& b) {
    auto current = deps.catalog.GetUser(p.tenant, id);
    if (!current.ok()) return ErrorResponse(current.error());
    engine::UserRow user = *current;
    std::vector<core::FieldProblem> problems;
    UserFields(b, user, problems, false);
    if (!problems.empty())
      return ErrorResponse(Error{ErrorCode::kValidationFailed, "The user is not valid.", problems});
    if (id == p.user && user.role != Role::kAdmin) {
      return ErrorResponse(MakeError(ErrorCode::kConflict, "You cannot take the admin role from yourself."));
    }
    if (b.contains("password")) {
      auto hash = HashPassword(b["password"].get<std::string>(), options.hash_cost);
      if (!hash.ok()) return ErrorResponse(hash.error());
      user.password_hash = *hash;
    }
    auto updated = deps.catalog.UpdateUser(user);
    ForgetAllPrincipals();  // role or team may have changed
    if (!updated.ok()) return ErrorResponse(updated.error());
    if (auto r = SyncAgent(*updated, current->role == Role::kAgent); !r.ok()) return ErrorResponse(r.error());
    return JsonResponse(200, UserToJson(*updated));
  }

  HttpResponse DeleteUser(const Principal& p, core::AgentId id) {
    if (id == p.user) return ErrorResponse(MakeError(ErrorCode::kConflict, "You cannot delete yourself."));
    auto current = deps.catalog.GetUser(p.tenant, id);
    if (!current.ok()) return ErrorResponse(current.error());
    if (current->role == Role::kAgent) {
      // Refuse while the agent holds a contact: deleting it then would strand the contact.
      core::Result<void> busy = core::Ok{};
      auto waited = OnEngine([&] {
        auto snap = deps.dialer.Snapshot(id);
        if (snap && core::IsHandlingContact(snap->state)) {
          busy = MakeError(ErrorCode::kConflict,
                           "The agent is handling a contact; try again after its wrap-up.");
        } else {
          deps.dialer.Logout(id, nullptr);
        }
      });
      if (!waited.ok()) return ErrorResponse(waited.error());
      if (!busy.ok()) return ErrorResponse(busy.error());
    }
    auto deleted = deps.catalog.DeleteUser(p.tenant, id);
    ForgetAllPrincipals();
    if (!deleted.ok()) return ErrorResponse(deleted.error());
    return NoContent();
  }

  // --- campaigns --------------------------------------------------------------------------------------

  static bool AgentSeesCampaign(const Principal& p, const engine::CampaignRow& c) {
    const auto& teams = c.settings.teams;
    return teams.empty() || std::find(teams.begin(), teams.end(), p.team) != teams.end();
  }

  HttpResponse ListCampaigns(const Principal& p) {
    auto rows = deps.catalog.ListCampaigns(p.tenant);
    if (!rows.ok()) return ErrorResponse(rows.error());
    Json items = Json::array();
    for (const auto& c : *rows) {
      if (p.role == Role::kAgent && !AgentSeesCampaign(p, c)) continue;
      items.push_back(CampaignJson(c));
    }
    return JsonResponse(200, {{"items", items}});
  }

  HttpResponse CreateCampaign(const Principal& p, const Json& b) {
    auto settings = core::CampaignSettingsFromJson(b, core::CampaignSettings{}, true);
    if (!settings.ok()) return ErrorResponse(settings.error());
    auto row = deps.catalog.CreateCampaign(p.tenant, *settings);
    if (!row.ok()) return ErrorResponse(row.error());
    core::Result<void> added = core::Ok{};
    auto waited = OnEngine([&] { added = deps.dialer.AddCampaign(p.tenant, row->id, row->settings); });
    if (!waited.ok() || !added.ok()) {
      (void)deps.catalog.DeleteCampaign(p.tenant, row->id);  // keep "a rejected request changes nothing"
      return ErrorResponse(waited.ok() ? added.error() : waited.error());
    }
    return JsonResponse(201, CampaignToJson(*row));
  }

  // The campaign object with this server's extension: `import`, the latest contact import's
  // progress (absent when there was none since the server started).
  Json CampaignJson(const engine::CampaignRow& row) const {
    Json j = CampaignToJson(row);
    if (auto status = imports.Get(row.id.value)) j["import"] = ImportTracker::ToJson(*status);
    return j;
  }

  HttpResponse GetCampaign(const Principal& p, core::CampaignId id) {
    auto row = deps.catalog.GetCampaign(p.tenant, id);
    if (!row.ok()) return ErrorResponse(row.error());
    return JsonResponse(200, CampaignJson(*row));
  }

  HttpResponse PatchCampaign(const Principal& p, core::CampaignId id, const Json& b) {
    auto row = deps.catalog.GetCampaign(p.tenant, id);
    if (!row.ok()) return ErrorResponse(row.error());
    auto settings = core::CampaignSettingsFromJson(b, row->settings, false);
    if (!settings.ok()) return ErrorResponse(settings.error());
    // The engine may refuse (a running campaign's mode); it goes first so that a refusal
    // leaves the stored settings untouched.
    core::Result<void> applied = core::Ok{};
    auto waited = OnEngine([&] { applied = deps.dialer.UpdateCampaign(id, *settings); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    if (!applied.ok()) return ErrorResponse(applied.error());
    auto updated = deps.catalog.UpdateCampaign(p.tenant, id, *settings);
    if (!updated.ok()) return ErrorResponse(updated.error());
    return JsonResponse(200, CampaignJson(*updated));
  }

  HttpResponse DeleteCampaign(const Principal& p, core::CampaignId id) {
    auto row = deps.catalog.GetCampaign(p.tenant, id);
    if (!row.ok()) return ErrorResponse(row.error());
    if (row->status == core::CampaignStatus::kRunning) {
      return ErrorResponse(
          MakeError(ErrorCode::kConflict, "A running campaign cannot be deleted; pause or stop it first."));
    }
    // Nothing more is offered from a stopped campaign, so between the check and the removal no
    // agent can start working it; a paused one may still have calls finishing (→ 409, try later).
    core::Result<void> removable = core::Ok{};
    auto waited = OnEngine([&] {
      if (deps.dialer.CampaignHasLiveWork(id)) {
        removable = MakeError(ErrorCode::kConflict,
                              "Agents are still working contacts of this campaign; delete it when their "
                              "calls and wrap-ups have ended.");
        return;
      }
      if (row->status == core::CampaignStatus::kPaused) {
        (void)deps.dialer.SetCampaignStatus(id, core::CampaignStatus::kStopped);
      }
    });
    if (!waited.ok()) return ErrorResponse(waited.error());
    if (!removable.ok()) return ErrorResponse(removable.error());
    if (auto r = deps.catalog.DeleteCampaign(p.tenant, id); !r.ok()) return ErrorResponse(r.error());
    core::Result<void> removed = core::Ok{};
    waited = OnEngine([&] { removed = deps.dialer.RemoveCampaign(id); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    // kNotFound: the engine never had it (a campaign deleted before it was loaded); fine.
    if (!removed.ok() && removed.error().code != ErrorCode::kNotFound) return ErrorResponse(removed.error());
    imports.Forget(id.value);
    return NoContent();
  }

  HttpResponse SetStatus(const Principal& p, core::CampaignId id, core::CampaignStatus to) {
    auto row = deps.catalog.GetCampaign(p.tenant, id);
    if (!row.ok()) return ErrorResponse(row.error());
    if (!core::CanTransition(row->status, to)) {
      return ErrorResponse(MakeError(ErrorCode::kConflict, "A " + std::string(core::ToString(row->status)) +
                                                               " campaign cannot become " +
                                                               std::string(core::ToString(to)) + "."));
    }
    core::Result<void> applied = core::Ok{};
    auto waited = OnEngine([&] { applied = deps.dialer.SetCampaignStatus(id, to); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    if (!applied.ok()) return ErrorResponse(applied.error());
    auto updated = deps.catalog.SetCampaignStatus(p.tenant, id, to);
    if (!updated.ok()) return ErrorResponse(updated.error());
    spdlog::info("campaign {} is {}", id.value, core::ToString(to));
    return JsonResponse(200, CampaignJson(*updated));
  }

  // --- contacts ---------------------------------------------------------------------------------------

  // The list is read by the ContactIntake port (the same streaming reader as `outdial import`).
  // A request stores all of its valid rows or nothing: batches are collected first, so that a body
  // found unreadable half-way (a JSON list cut short) leaves no contact behind.
  HttpResponse ImportContacts(const Principal& p, core::CampaignId id, const HttpRequest& req) {
    auto campaign = deps.catalog.GetCampaign(p.tenant, id);
    if (!campaign.ok()) return ErrorResponse(campaign.error());
    auto tenant = deps.catalog.GetTenant(p.tenant);
    if (!tenant.ok()) return ErrorResponse(tenant.error());
    // Progress goes to the campaign's `import` field and, about once a second, into the log.
    const uint64_t generation = imports.Start(id.value, req.body.size(), core::ToEpochMs(Now()));
    core::TimePoint last_log = Now();
    auto log_status = [&] {
      if (auto s = imports.Get(id.value); s && s->generation == generation)
        spdlog::info("{}", ImportTracker::LogLine(id.value, *s));
    };
    log_status();
    auto on_progress = [&](const engine::IntakeProgress& progress) {
      imports.Update(id.value, generation, [&](ImportTracker::Status& s) {
        s.rows_read = progress.rows_seen;
        s.accepted = progress.accepted;
        s.rejected = progress.rejected;
        s.bytes_read = progress.bytes_consumed;
      });
      if (core::TimePoint now = Now(); now - last_log >= std::chrono::seconds(1)) {
        last_log = now;
        log_status();
      }
    };
    auto finish = [&](ImportTracker::State state, uint64_t accepted, const std::string& error) {
      imports.Update(id.value, generation, [&](ImportTracker::Status& s) {
        s.state = state;
        s.accepted = accepted;
        s.error = error;
        s.finished_at = std::max<int64_t>(core::ToEpochMs(Now()), s.started_at + 1);
      });
      log_status();
    };
    uint64_t stored = 0;
    HttpResponse response = ImportContactsBody(p, id, req, tenant->settings, on_progress, generation, stored);
    if (response.status == 200) {
      finish(ImportTracker::State::kDone, stored, "");
    } else {
      // The error body is API.md's {"error": {"code", "message"}}; its message says why.
      auto body = Json::parse(response.body, nullptr, false);
      std::string message = body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
      finish(ImportTracker::State::kFailed, 0, message.empty() ? "import failed" : message);
    }
    return response;
  }

  HttpResponse ImportContactsBody(const Principal& p, core::CampaignId id, const HttpRequest& req,
                                  const core::TenantSettings& tenant_settings,
                                  const engine::ContactIntake::ProgressCallback& on_progress, uint64_t generation,
                                  uint64_t& stored) {
    auto ct = req.headers.find("content-type");
    std::string content_type = ct == req.headers.end() ? "" : ct->second;
    engine::IntakeFormat format = content_type.find("text/csv") != std::string::npos ? engine::IntakeFormat::kCsv
                                                                                    : engine::IntakeFormat::kJson;
    // The body is in memory already; handing it out in slices lets the progress count bytes.
    constexpr size_t kSlice = 256 * 1024;
    size_t offset = 0;
    auto next_chunk = [&]() -> std::string_view {
      std::string_view rest = std::string_view(req.body).substr(offset);
      std::string_view slice = rest.substr(0, kSlice);
      offset += slice.size();
      return slice;
    };
    std::vector<engine::ContactRow> rows;
    auto summary = deps.intake.Read(format, next_chunk, tenant_settings, id, Now(),
                                    [&rows](std::vector<engine::ContactRow>&& batch) -> core::Result<void> {
                                      if (rows.size() + batch.size() > kMaxImportRows) {
                                        return Invalid("contacts", "at most 200000 contacts per request");
                                      }
                                      for (auto& r : batch) rows.push_back(std::move(r));
                                      return core::Ok{};
                                    },
                                    on_progress);
    imports.Update(id.value, generation, [&](ImportTracker::Status& s) {
      s.phase = "storing";
      s.rejected = summary.rejected;
      s.bytes_read = req.body.size();
    });
    if (summary.fatal_error) {
      core::Error e = std::move(*summary.fatal_error);
      if (e.code == core::ErrorCode::kInternal) return ErrorResponse(e);
      e.code = core::ErrorCode::kValidationFailed;  // an unreadable list is the client's
      return ErrorResponse(e);
    }
    size_t accepted = rows.size();
    if (!rows.empty()) {
      if (auto r = deps.catalog.InsertContacts(p.tenant, id, rows); !r.ok()) return ErrorResponse(r.error());
      std::vector<core::Contact> contacts;
      contacts.reserve(rows.size());
      std::vector<std::string> zone_names;
      zone_names.reserve(rows.size());
      for (auto& r : rows) {
        contacts.push_back(std::move(r.contact));
        zone_names.push_back(std::move(r.timezone));
      }
      core::Result<void> added = core::Ok{};
      auto waited = OnEngine([&] {
        for (size_t i = 0; i < contacts.size(); ++i) {
          auto zone = deps.dialer.zones().Intern(zone_names[i]);
          contacts[i].zone = zone.ok() ? *zone : 0;
        }
        added = deps.dialer.AddContacts(id, std::move(contacts));
      });
      if (!waited.ok()) return ErrorResponse(waited.error());
      if (!added.ok()) return ErrorResponse(added.error());
    }
    Json errors = Json::array();
    for (const auto& e : summary.errors) errors.push_back({{"row", e.row}, {"field", e.field}, {"problem", e.problem}});
    Json body = {{"accepted", accepted}, {"rejected", summary.rejected}, {"errors", errors}};
    if (summary.error_count > summary.errors.size()) body["errors_total"] = summary.error_count;
    stored = accepted;
    return JsonResponse(200, body);
  }

  HttpResponse ListContacts(const Principal& p, core::CampaignId id, const Target& t) {
    std::optional<core::ContactState> state;
    std::string state_text = QueryOr(t, "state");
    if (!state_text.empty()) {
      state = ContactStateFromString(state_text);
      if (!state) {
        return ErrorResponse(Invalid(
            "state", "must be one of callable, scheduled, in_progress, done, removed, dnc, exhausted"));
      }
    }
    auto limit = PageLimit(t);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto page = deps.catalog.ListContacts(p.tenant, id, state, *limit, QueryOr(t, "cursor"));
    if (!page.ok()) return ErrorResponse(page.error());
    Json items = Json::array();
    for (const auto& c : page->items) items.push_back(ContactToJson(c));
    return JsonResponse(
        200, {{"items", items},
              {"next_cursor", page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor)}});
  }

  HttpResponse GetContact(const Principal& p, core::ContactId id) {
    auto detail = deps.catalog.GetContact(p.tenant, id);
    if (!detail.ok()) return ErrorResponse(detail.error());
    Json j = ContactToJson(detail->contact);
    Json attempts = Json::array();
    for (const auto& a : detail->attempts) attempts.push_back(AttemptToJson(a));
    j["attempts"] = attempts;
    return JsonResponse(200, j);
  }

  void Stats(const Principal& p, core::CampaignId id, Reply reply) {
    // The engine knows every campaign with its tenant (created, loaded and deleted through it), so
    // GET stats reads no database at all: the catalog's campaign check made it 0.22x, later 0.41x,
    // of a plain Beast server on SQLite (bench/rest_bench.sh). Posted and answered from the engine
    // thread, not waited for (OnEngine): an I/O thread parked on the engine serves no other
    // connection meanwhile, which held GET stats under wrk to 0.40x.
    deps.post([this, tenant = p.tenant, id, reply = std::move(reply)] {
      auto brief = deps.dialer.Campaign(id);
      auto stats = brief && brief->tenant == tenant ? deps.dialer.Stats(id) : std::nullopt;
      if (!stats) return reply(ErrorResponse(NotFound("No such campaign.")));
      reply(HttpResponse{200, "application/json; charset=utf-8", StatsResponseText(*stats, id)});
    });
  }

  // --- DNC --------------------------------------------------------------------------------------------

  core::Result<std::string> DncNumber(const Principal& p, const std::string& list,
                                      const std::string& number) {
    if (!ValidListName(list)) return Invalid("list", "must be 1–64 letters, digits, '_', '-' or '.'");
    auto tenant = deps.catalog.GetTenant(p.tenant);
    if (!tenant.ok()) return tenant.error();
    auto e164 = deps.intake.NormalizeNumber(number, tenant->settings.default_region);
    if (!e164) {
      return Invalid("number", "is not a phone number (E.164 with '+', or national format of " +
                                   tenant->settings.default_region + ")");
    }
    return *e164;
  }

  HttpResponse PutDnc(const Principal& p, const std::string& list, const std::string& number) {
    auto e164 = DncNumber(p, list, number);
    if (!e164.ok()) return ErrorResponse(e164.error());
    engine::DncRecord entry{p.tenant, list, *e164, Now(),
                            p.role == Role::kSupervisor ? "supervisor" : "admin"};
    if (auto r = deps.catalog.AddDnc(entry); !r.ok()) return ErrorResponse(r.error());
    auto waited = OnEngine([&] { deps.dialer.AddDnc(p.tenant, list, *e164); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    return NoContent();
  }

  HttpResponse DeleteDnc(const Principal& p, const std::string& list, const std::string& number) {
    auto e164 = DncNumber(p, list, number);
    if (!e164.ok()) return ErrorResponse(e164.error());
    if (auto r = deps.catalog.RemoveDnc(p.tenant, list, *e164); !r.ok()) return ErrorResponse(r.error());
    auto waited = OnEngine([&] { deps.dialer.RemoveDnc(p.tenant, list, *e164); });
    if (!waited.ok()) return ErrorResponse(waited.error());
    return NoContent();
  }

  HttpResponse ListDnc(const Principal& p, const std::string& list, const Target& t) {
    if (!ValidListName(list))
      return ErrorResponse(Invalid("list", "must be 1–64 letters, digits, '_', '-' or '.'"));
    auto limit = PageLimit(t);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto page = deps.catalog.ListDnc(p.tenant, list, *limit, QueryOr(t, "cursor"));
    if (!page.ok()) return ErrorResponse(page.error());
    Json items = Json::array();
    for (const auto& e : page->items) items.push_back(DncToJson(e));
    return JsonResponse(
        200, {{"items", items},
              {"next_cursor", page->next_cursor.empty() ? Json(nullptr) : Json(page->next_cursor)}});
  }

  // --- agent actions ----------------------------------------------------------------------------------

  // Runs an agent operation on the engine thread; `done` runs there after the ack.
  void RunOpThen(const Principal& p, const AgentOp& op, std::function<void(core::Result<Json>)> done) {
    auto started = std::chrono::steady_clock::now();
    core::AgentId agent = p.user;
    deps.post([this, agent, op, done = std::move(done), started]() mutable {
      RunAgentOp(deps.dialer, agent, op, [this, done = std::move(done), started](core::Result<Json> r) {
        deps.metrics.ObserveAckLatency(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        done(std::move(r));
      });
    });
  }

  void RunOp(const Principal& p, const AgentOp& op, Reply reply) {
    RunOpThen(p, op, [reply = std::move(reply)](core::Result<Json> r) {
      if (!r.ok()) return reply(ErrorResponse(r.error()));
      reply(JsonResponse(200, *r));
    });
  }

  void AgentSnapshot(const Principal& p, Reply reply) {
    core::AgentId agent = p.user;
    deps.post([this, agent, reply = std::move(reply)] {
      auto snap = deps.dialer.Snapshot(agent);
      if (!snap) return reply(ErrorResponse(NotFound("No such agent.")));
      reply(JsonResponse(200, SnapshotToJson(*snap)));
    });
  }

  void AgentsSnapshot(const Principal& p, Reply reply) {
    core::TenantId tenant = p.tenant;
    deps.post([this, tenant, reply = std::move(reply)] {
      reply(JsonResponse(200, deps.hub.AgentsSnapshot(tenant)));
    });
  }

  // --- WebSocket ---------------------------------------------------------------------------------------

  core::Result<std::shared_ptr<WsSession>> AcceptWebSocket(const HttpRequest& req) {
    Target t = ParseTarget(req.target);
    if (!(t.segments.size() == 3 && t.segments[0] == "api" && t.segments[1] == "v1" &&
          t.segments[2] == "events")) {
      return NotFound("No WebSocket here; the event stream is GET /api/v1/events?token=...");
    }
    std::string token = QueryOr(t, "token");
    core::Result<Principal> principal = Unauthenticated();
    if (!token.empty()) {
      principal = PrincipalForToken(token);
    } else {
      principal = Authenticate(req);
    }
    if (!principal.ok()) return principal.error();
    if (principal->role == Role::kSystem) return Forbidden();
    return std::shared_ptr<WsSession>(std::make_shared<EventsSession>(*this, *principal));
  }
};

void EventsSession::OnOpen(std::shared_ptr<WsConnection> connection) {
  connection_ = connection;
  auto self = shared_from_this();
  spdlog::debug("events: {} '{}' connected", engine::ToString(principal_.role), principal_.username);
  api_.deps.post([self, connection] {
    auto& api = self->api_;
    auto subscribe = [self, connection] {
      if (self->closed_) return;
      self->subscription_ = self->api_.deps.hub.Subscribe(self->principal_, connection);
    };
    if (self->principal_.role == Role::kAgent) {
      // Opening the desktop after a restart finds the agent logged out: log it in first, so the
      // snapshot shows where it really stands.
      api.deps.dialer.Login(self->principal_.user, [subscribe](const engine::ActionResult&) { subscribe(); });
    } else {
      subscribe();
    }
  });
}

void EventsSession::SendAck(const Json& ref, const core::Result<Json>& result) {
  Json ack = {{"type", "ack"}, {"ref", ref}, {"ok", result.ok()}};
  if (result.ok()) {
    ack["result"] = *result;
  } else {
    Json details = Json::array();
    for (const auto& d : result.error().details)
      details.push_back({{"field", d.field}, {"problem", d.problem}});
    ack["error"] = {{"code", std::string(core::ToString(result.error().code))},
                    {"message", result.error().message},
                    {"details", details}};
  }
  connection_->Send(std::make_shared<const std::string>(ack.dump()));
}

void EventsSession::OnText(std::string text) {
  Json frame = Json::parse(text, nullptr, false);
  if (frame.is_discarded() || !frame.is_object()) {
    api_.deps.metrics.CountBadFrame();
    return SendAck(nullptr,
                   Invalid("frame", "must be a JSON object {op, ref, ...}", "The frame is not valid JSON."));
  }
  Json ref = frame.contains("ref") ? frame["ref"] : Json(nullptr);
  if (!frame.contains("op") || !frame["op"].is_string()) {
    api_.deps.metrics.CountBadFrame();
    return SendAck(ref, Invalid("op", "is required"));
  }
  auto op = ParseWsOp(frame["op"].get<std::string>(), frame);
  if (!op.ok()) {
    api_.deps.metrics.CountBadFrame();
    return SendAck(ref, op.error());
  }
  if (principal_.role != Role::kAgent) return SendAck(ref, Forbidden());
  auto self = shared_from_this();
  api_.RunOpThen(principal_, *op, [self, ref](core::Result<Json> r) { self->SendAck(ref, r); });
}

void EventsSession::OnBinary() {
  // Binary frames are no operation of ours: counted and dropped (PRODUCT.md §8.5).
  api_.deps.metrics.CountBadFrame();
}

void EventsSession::OnClose() {
  auto self = shared_from_this();
  spdlog::debug("events: '{}' disconnected", principal_.username);
  api_.deps.post([self] {
    self->closed_ = true;
    if (self->subscription_ != 0) self->api_.deps.hub.Unsubscribe(self->subscription_);
    self->subscription_ = 0;
  });
}

RestApi::RestApi(ApiDeps deps, ApiOptions options)
    : impl_(std::make_unique<Impl>(deps, std::move(options))) {}
RestApi::~RestApi() = default;

void RestApi::Handle(HttpRequest request, Reply reply) {
  impl_->Handle(std::move(request), std::move(reply));
}

core::Result<std::shared_ptr<WsSession>> RestApi::AcceptWebSocket(const HttpRequest& request) {
  return impl_->AcceptWebSocket(request);
}

void RestApi::SetServerCounters(const HttpServer::Counters* counters) {
  impl_->server_counters = counters;
}

core::Result<void> RestApi::OnEngine(std::function<void()> fn) {
  return impl_->OnEngine(std::move(fn));
}

}  // namespace outdial::api
