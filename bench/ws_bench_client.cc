// bench_ws_client: the client side of bench/ws_bench.sh (connections held, RSS per connection) and
// bench/latency_bench.sh (event push latency with agents working a simulated campaign). It speaks
// API.md to `outdial serve` (REST login, then GET /api/v1/events?token=...) or, with --no-auth,
// plain WebSockets to bench_minimal_beast_server, so both servers are measured by the same code.
//
// Modes:
//   --mode users    create --count agent users (<prefix>1..N, team --team) as the tenant admin
//   --mode campaign pause the running campaigns, create a preview_standard campaign for --team
//                   with --contacts contacts and start it
//   --mode hold     log the agents in, then open --count WebSockets and hold them; reports the
//                   server's RSS (--server-pid) before and after the WebSockets
//   --mode latency  as hold, and every agent works the campaign (Available, accept every offer,
//                   end the call after --talk-ms, wrap up); reports the push latency of every
//                   event (`emitted_at_us` → received) and the round trip of every op → ack
// The result is one JSON object on stdout; progress goes to stderr.
//
// Threading: one io_context on the main thread; everything below runs on it.
// Errors: a bench tool, so a failed connection or request throws and is counted, not recovered.

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;
using asio::use_awaitable;

struct Options {
  std::string mode;
  std::string host = "127.0.0.1";
  int port = 0;
  bool no_auth = false;  // minimal server: no login, WebSocket at --ws-path
  std::string ws_path = "/api/v1/events";
  std::string tenant = "demo";
  std::string admin_user = "admin";
  std::string admin_password = "admin";
  std::string prefix = "bench";
  std::string password = "bench-pw";
  std::string team = "bench";
  int count = 100;
  int contacts = 20000;
  int parallel = 32;  // concurrent REST calls / WebSocket handshakes during set-up
  int server_pid = 0;
  int hold_s = 3;
  int warmup_s = 5;
  int duration_s = 20;
  int talk_ms = 1000;
  // Human-like spread (default on): each agent becomes Available 0–2 s after connecting, accepts
  // 0–300 ms after the offer, talks talk_ms ±50 %, wraps up 0–500 ms after the call. With
  // --no-jitter every agent acts at once, so the 1,000 cycles stay in lockstep and the events
  // come in bursts of ~1,000.
  bool jitter = true;
};

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

long RssKb(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  getrlimit(RLIMIT_NOFILE, &limit);
  std::cerr << "client: RLIMIT_NOFILE " << limit.rlim_cur << "\n";
}

double Percentile(std::vector<int64_t>& v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return static_cast<double>(v[std::min(i, v.size() - 1)]);
}

Json Summary(std::vector<int64_t>& us) {
  if (us.empty()) return Json{{"n", 0}};
  double sum = 0;
  for (auto x : us) sum += static_cast<double>(x);
  return Json{{"n", us.size()},
              {"p50_ms", Percentile(us, 50) / 1000.0},
              {"p90_ms", Percentile(us, 90) / 1000.0},
              {"p99_ms", Percentile(us, 99) / 1000.0},
              {"max_ms", static_cast<double>(us.back()) / 1000.0},
              {"mean_ms", sum / static_cast<double>(us.size()) / 1000.0}};
}

// Contact i's phone number: 10,000 per area code. (Not in the coroutine: GCC 12 cannot keep a
// local array in a coroutine frame.)
std::string BenchNumber(int i) {
  static constexpr const char* kAreas[] = {"201", "212", "305", "415", "617",
                                           "312", "404", "713", "206", "303"};
  char number[32];
  std::snprintf(number, sizeof number, "+1%s555%04d", kAreas[(i / 10000) % 10], i % 10000);
  return number;
}

// Waits until `n` workers called Done().
struct Latch {
  explicit Latch(asio::any_io_executor ex, int n) : timer(ex), left(n) {}
  void Done() {
    if (--left <= 0) timer.cancel();
  }
  asio::awaitable<void> Wait() {
    while (left > 0) {
      beast::error_code ec;
      timer.expires_at(asio::steady_timer::time_point::max());
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }
  asio::steady_timer timer;
  int left;
};

// One keep-alive HTTP/1.1 connection.
class Http {
 public:
  Http(asio::any_io_executor ex, const Options& o)
      : stream_(ex),
        endpoint_(asio::ip::make_address(o.host), static_cast<unsigned short>(o.port)),
        host_(o.host + ":" + std::to_string(o.port)) {}

  asio::awaitable<std::pair<int, std::string>> Call(http::verb verb, const std::string& target,
                                                    const std::string& body, const std::string& token) {
    if (!connected_) {
      stream_.expires_after(std::chrono::seconds(30));
      co_await stream_.async_connect(endpoint_, use_awaitable);
      stream_.socket().set_option(tcp::no_delay(true));
      connected_ = true;
    }
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, host_);
    req.set(http::field::content_type, "application/json");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(60));
    co_await http::async_write(stream_, req, use_awaitable);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    co_await http::async_read(stream_, buffer_, parser, use_awaitable);
    http::response<http::string_body> res = parser.release();
    if (!res.keep_alive()) {
      // The next Call connects again (async_connect opens the closed socket).
      beast::error_code ignored;
      stream_.socket().close(ignored);
      connected_ = false;
    }
    co_return std::pair<int, std::string>{static_cast<int>(res.result_int()), std::move(res.body())};
  }

 private:
  beast::tcp_stream stream_;
  tcp::endpoint endpoint_;
  std::string host_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

struct Stats {
  bool measuring = false;
  std::vector<int64_t> push_us;
  std::vector<int64_t> ack_us;
  std::map<std::string, int64_t> frames_by_type;
  std::map<std::string, int64_t> ack_errors;
  int64_t frames = 0;
  int64_t connect_failures = 0;
  int64_t disconnects = 0;
  int64_t measured_frames = 0;
};

class Bench;

// One agent desktop: a WebSocket and the reactions of the latency mode.
class Agent : public std::enable_shared_from_this<Agent> {
 public:
  Agent(Bench& bench, int index, std::string token);
  asio::awaitable<void> Connect();  // returns after the first frame (the snapshot)
  void StartReading();

 private:
  asio::awaitable<void> ReadLoop();
  asio::awaitable<void> WriteLoop();
  asio::awaitable<void> OpLater(int delay_ms, Json frame);
  void OpAfter(int min_ms, int max_ms, Json frame);
  void OnFrame(const std::string& text);
  void Op(Json frame);

  Bench& bench_;
  int index_;
  std::string token_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool open_ = false;
};

class Bench {
 public:
  explicit Bench(Options o) : options(std::move(o)) {}

  int Run() {
    int rc = 1;
    asio::co_spawn(
        io, [this, &rc]() -> asio::awaitable<void> { rc = co_await Main(); },
        [](std::exception_ptr e) {
          if (!e) return;
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            std::cerr << "client: failed: " << x.what() << "\n";
            std::exit(1);
          }
        });
    io.run();
    return rc;
  }

  Options options;
  asio::io_context io;
  Stats stats;
  uint64_t next_ref = 1;
  std::unordered_map<uint64_t, int64_t> ref_sent_us;
  std::mt19937 rng{42};

 private:
  asio::awaitable<std::string> AdminToken() {
    Http h(io.get_executor(), options);
    Json body = {
        {"tenant", options.tenant}, {"username", options.admin_user}, {"password", options.admin_password}};
    auto [status, text] = co_await h.Call(http::verb::post, "/api/v1/login", body.dump(), "");
    if (status != 200) throw std::runtime_error("admin login: " + std::to_string(status) + " " + text);
    co_return Json::parse(text)["token"].get<std::string>();
  }

  // Runs fn(http, i) for i in [0, n) on `parallel` keep-alive connections.
  asio::awaitable<void> ForEach(int n, std::function<asio::awaitable<void>(Http&, int)> fn) {
    int next = 0;
    int workers = std::max(1, std::min(options.parallel, n));
    Latch latch(io.get_executor(), workers);
    for (int w = 0; w < workers; ++w) {
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            Http h(io.get_executor(), options);
            while (next < n) {
              int i = next++;
              co_await fn(h, i);
            }
          },
          [&latch](std::exception_ptr e) {
            if (e) {
              try {
                std::rethrow_exception(e);
              } catch (const std::exception& x) {
                std::cerr << "client: worker failed: " << x.what() << "\n";
              }
            }
            latch.Done();
          });
    }
    co_await latch.Wait();
  }

  asio::awaitable<int> CreateUsers() {
    std::string admin = co_await AdminToken();
    int created = 0, existed = 0, failed = 0;
    auto started = std::chrono::steady_clock::now();
    co_await ForEach(options.count, [&](Http& h, int i) -> asio::awaitable<void> {
      Json body = {{"username", options.prefix + std::to_string(i + 1)},
                   {"password", options.password},
                   {"role", "agent"},
                   {"team", options.team},
                   {"station", "sim:auto"}};
      auto [status, text] = co_await h.Call(http::verb::post, "/api/v1/users", body.dump(), admin);
      if (status == 201) {
        ++created;
      } else if (status == 409) {
        ++existed;
      } else if (++failed <= 3) {
        std::cerr << "client: create user: " << status << " " << text << "\n";
      }
    });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << Json{{"created", created},
                      {"existed", existed},
                      {"failed", failed},
                      {"seconds", s},
                      {"users_per_s", created / s}}
                     .dump()
              << std::endl;
    co_return failed == 0 ? 0 : 1;
  }

  asio::awaitable<int> CreateCampaign() {
    std::string admin = co_await AdminToken();
    Http h(io.get_executor(), options);
    // The bodies are built outside the coroutine: GCC 12 fails on string literals in braced
    // initialisers inside a co_await expression ("array used as initializer").
    std::string target = "/api/v1/tenant";
    co_await Checked(h, http::verb::patch, target, TenantBody(), admin);
    target = "/api/v1/campaigns";
    Json list = co_await Checked(h, http::verb::get, target, "", admin);
    for (const std::string& id : RunningCampaigns(list)) {
      target = "/api/v1/campaigns/" + id + "/pause";
      co_await Checked(h, http::verb::post, target, "{}", admin);
    }
    target = "/api/v1/campaigns";
    Json campaign = co_await Checked(h, http::verb::post, target, CampaignBody(options.team), admin);
    std::string id = campaign["id"].get<std::string>();
    int accepted = 0;
    for (int from = 0; from < options.contacts; from += 2000) {
      target = "/api/v1/campaigns/" + id + "/contacts";
      Json r = co_await Checked(h, http::verb::post, target,
                                ContactsBody(from, std::min(options.contacts, from + 2000)), admin);
      accepted += r["accepted"].get<int>();
    }
    target = "/api/v1/campaigns/" + id + "/start";
    co_await Checked(h, http::verb::post, target, "{}", admin);
    std::cout << CampaignResult(id, accepted) << std::endl;
    co_return 0;
  }

  static asio::awaitable<Json> Checked(Http& h, http::verb v, const std::string& target,
                                       const std::string& body, const std::string& token) {
    auto [status, text] = co_await h.Call(v, target, body, token);
    if (status >= 300) throw std::runtime_error(target + ": " + std::to_string(status) + " " + text);
    co_return text.empty() ? Json() : Json::parse(text);
  }
  static std::string TenantBody() { return Json{{"max_concurrent_calls", 100000}}.dump(); }
  static std::vector<std::string> RunningCampaigns(const Json& list) {
    std::vector<std::string> ids;
    for (const auto& c : list["items"])
      if (c["status"] == "running") ids.push_back(c["id"].get<std::string>());
    return ids;
  }
  static std::string CampaignBody(const std::string& team) {
    Json all_day = Json::array({"00:00-24:00"});
    Json window = {{"mon", all_day}, {"tue", all_day}, {"wed", all_day}, {"thu", all_day},
                   {"fri", all_day}, {"sat", all_day}, {"sun", all_day}, {"holidays", Json::array()}};
    return Json{{"name", "bench " + team},
                {"description", "latency bench"},
                {"mode", "preview_standard"},
                {"teams", Json::array({team})},
                {"priority", 10},
                {"calling_window", window},
                {"preview_offer_timeout_s", 600},
                {"wrap_up_timeout_s", 0}}
        .dump();
  }
  static std::string ContactsBody(int from, int to) {
    Json contacts = Json::array();
    for (int i = from; i < to; ++i) {
      contacts.push_back({{"name", "Bench " + std::to_string(i)},
                          {"phones", Json::array({{{"number", BenchNumber(i)}}})},
                          {"timezone", "America/New_York"},
                          {"fields", {{"account", std::to_string(100000 + i)}}}});
    }
    return Json{{"contacts", contacts}}.dump();
  }
  static std::string CampaignResult(const std::string& id, int accepted) {
    return Json{{"campaign_id", id}, {"contacts_accepted", accepted}}.dump();
  }

  asio::awaitable<std::vector<std::string>> LoginAgents() {
    std::vector<std::string> tokens(static_cast<size_t>(options.count));
    if (options.no_auth) co_return tokens;
    int failed = 0;
    co_await ForEach(options.count, [&](Http& h, int i) -> asio::awaitable<void> {
      Json body = {{"tenant", options.tenant},
                   {"username", options.prefix + std::to_string(i + 1)},
                   {"password", options.password}};
      auto [status, text] = co_await h.Call(http::verb::post, "/api/v1/login", body.dump(), "");
      if (status != 200) {
        if (++failed <= 3) std::cerr << "client: login: " << status << " " << text << "\n";
        co_return;
      }
      tokens[static_cast<size_t>(i)] = Json::parse(text)["token"].get<std::string>();
    });
    if (failed > 0) throw std::runtime_error(std::to_string(failed) + " logins failed");
    co_return tokens;
  }

  asio::awaitable<void> Sleep(std::chrono::milliseconds d) {
    asio::steady_timer t(io, d);
    co_await t.async_wait(use_awaitable);
  }

  asio::awaitable<int> HoldOrLatency(bool latency) {
    std::vector<std::string> tokens = co_await LoginAgents();
    co_await Sleep(std::chrono::milliseconds(1000));
    long rss_before = RssKb(options.server_pid);
    auto started = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<Agent>> agents;
    for (int i = 0; i < options.count; ++i)
      agents.push_back(std::make_shared<Agent>(*this, i, tokens[static_cast<size_t>(i)]));
    co_await ForEach(options.count, [&](Http&, int i) -> asio::awaitable<void> {
      try {
        co_await agents[static_cast<size_t>(i)]->Connect();
      } catch (const std::exception& e) {
        if (++stats.connect_failures <= 3) std::cerr << "client: connect: " << e.what() << "\n";
      }
    });
    double connect_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    int64_t connected = options.count - stats.connect_failures;
    std::cerr << "client: " << connected << " WebSockets open in " << connect_s << " s\n";
    Json result = {{"mode", options.mode},
                   {"connections", connected},
                   {"connect_failures", stats.connect_failures},
                   {"connect_seconds", connect_s}};
    if (!latency) {
      for (auto& a : agents) a->StartReading();
      co_await Sleep(std::chrono::seconds(options.hold_s));
      long rss_after = RssKb(options.server_pid);
      result["server_rss_before_kb"] = rss_before;
      result["server_rss_after_kb"] = rss_after;
      result["rss_per_connection_kb"] =
          connected > 0 ? static_cast<double>(rss_after - rss_before) / static_cast<double>(connected) : 0.0;
      result["disconnects"] = stats.disconnects;
      std::cout << result.dump() << std::endl;
      std::exit(0);  // the sockets close with the process
    }
    for (auto& a : agents) a->StartReading();
    co_await Sleep(std::chrono::seconds(options.warmup_s));
    stats.measuring = true;
    int64_t frames_before = stats.frames;
    auto measure_start = std::chrono::steady_clock::now();
    co_await Sleep(std::chrono::seconds(options.duration_s));
    stats.measuring = false;
    double measured_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - measure_start).count();
    result["measured_seconds"] = measured_s;
    result["frames_per_s"] = static_cast<double>(stats.frames - frames_before) / measured_s;
    result["events_per_s"] = static_cast<double>(stats.push_us.size()) / measured_s;
    result["push_latency"] = Summary(stats.push_us);
    result["ack_round_trip"] = Summary(stats.ack_us);
    result["jitter"] = options.jitter;
    result["frames_by_type"] = stats.frames_by_type;
    result["ack_errors"] = stats.ack_errors;
    result["disconnects"] = stats.disconnects;
    result["server_rss_kb"] = RssKb(options.server_pid);
    std::cout << result.dump() << std::endl;
    std::exit(0);
  }

  asio::awaitable<int> Main() {
    if (options.mode == "users") co_return co_await CreateUsers();
    if (options.mode == "campaign") co_return co_await CreateCampaign();
    if (options.mode == "hold") co_return co_await HoldOrLatency(false);
    if (options.mode == "latency") co_return co_await HoldOrLatency(true);
    std::cerr << "client: --mode must be users, campaign, hold or latency\n";
    co_return 2;
  }
};

Agent::Agent(Bench& bench, int index, std::string token)
    : bench_(bench), index_(index), token_(std::move(token)), ws_(bench.io.get_executor()) {}

asio::awaitable<void> Agent::Connect() {
  const Options& o = bench_.options;
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  tcp_layer.expires_after(std::chrono::seconds(30));
  co_await tcp_layer.async_connect(
      tcp::endpoint(asio::ip::make_address(o.host), static_cast<unsigned short>(o.port)), use_awaitable);
  tcp_layer.expires_never();
  tcp_layer.socket().set_option(tcp::no_delay(true));  // as browsers do
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  std::string target = o.no_auth ? o.ws_path : o.ws_path + "?token=" + token_;
  co_await ws_.async_handshake(o.host + ":" + std::to_string(o.port), target, use_awaitable);
  open_ = true;
  // The first frame is the snapshot: the connection is "held" once it arrived.
  co_await ws_.async_read(buffer_, use_awaitable);
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  OnFrame(text);
}

void Agent::StartReading() {
  if (!open_) return;
  asio::co_spawn(bench_.io, ReadLoop(), asio::detached);
}

asio::awaitable<void> Agent::ReadLoop() {
  auto self = shared_from_this();
  for (;;) {
    beast::error_code ec;
    co_await ws_.async_read(buffer_, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      ++bench_.stats.disconnects;
      open_ = false;
      co_return;
    }
    OnFrame(beast::buffers_to_string(buffer_.data()));
    buffer_.consume(buffer_.size());
  }
}

asio::awaitable<void> Agent::WriteLoop() {
  auto self = shared_from_this();
  while (!out_.empty() && open_) {
    std::string next = std::move(out_.front());
    out_.pop_front();
    beast::error_code ec;
    co_await ws_.async_write(asio::buffer(next), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  writing_ = false;
}

void Agent::Op(Json frame) {
  uint64_t ref = bench_.next_ref++;
  frame["ref"] = std::to_string(ref);
  bench_.ref_sent_us[ref] = NowUs();
  out_.push_back(frame.dump());
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(bench_.io, WriteLoop(), asio::detached);
  }
}

asio::awaitable<void> Agent::OpLater(int delay_ms, Json frame) {
  auto self = shared_from_this();
  asio::steady_timer t(bench_.io, std::chrono::milliseconds(delay_ms));
  co_await t.async_wait(use_awaitable);
  if (open_) Op(std::move(frame));
}

// Sends `frame` after a delay drawn from [min_ms, max_ms] (min_ms without jitter; at once if 0).
void Agent::OpAfter(int min_ms, int max_ms, Json frame) {
  int delay = min_ms;
  if (bench_.options.jitter && max_ms > min_ms) {
    delay = std::uniform_int_distribution<int>(min_ms, max_ms)(bench_.rng);
  }
  if (delay <= 0) return Op(std::move(frame));
  asio::co_spawn(bench_.io, OpLater(delay, std::move(frame)), asio::detached);
}

void Agent::OnFrame(const std::string& text) {
  int64_t now = NowUs();
  Stats& st = bench_.stats;
  ++st.frames;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  std::string type = j.value("type", "");
  if (st.measuring) ++st.frames_by_type[type];
  if (auto it = j.find("emitted_at_us"); it != j.end() && it->is_number_integer() && st.measuring) {
    st.push_us.push_back(now - it->get<int64_t>());
  }
  if (type == "ack") {
    uint64_t ref = std::strtoull(j.value("ref", std::string("0")).c_str(), nullptr, 10);
    if (auto it = bench_.ref_sent_us.find(ref); it != bench_.ref_sent_us.end()) {
      if (st.measuring) st.ack_us.push_back(now - it->second);
      bench_.ref_sent_us.erase(it);
    }
    if (!j.value("ok", true) && st.measuring) {
      ++st.ack_errors[j["error"].value("code", std::string("?"))];
    }
    return;
  }
  if (bench_.options.mode != "latency" || bench_.options.no_auth) return;
  int talk = bench_.options.talk_ms;
  if (type == "snapshot") {
    OpAfter(0, 2000, Json{{"op", "set_state"}, {"state", "available"}});
  } else if (type == "agent.state") {
    if (j.value("state", "") == "idle") OpAfter(0, 0, Json{{"op", "set_state"}, {"state", "available"}});
  } else if (type == "offer") {
    OpAfter(0, 300, Json{{"op", "accept"}, {"offer_id", j["offer_id"]}});
  } else if (type == "call") {
    if (j.value("state", "") == "connected")
      OpAfter(bench_.options.jitter ? talk / 2 : talk, talk * 3 / 2,
              Json{{"op", "end_call"}, {"call_id", j["call_id"]}});
  } else if (type == "wrapup") {
    std::string code = "done";
    if (j.contains("dispositions") && !j["dispositions"].empty())
      code = j["dispositions"][0].value("code", code);
    OpAfter(0, 500, Json{{"op", "wrapup"}, {"call_id", j["call_id"]}, {"disposition", code}});
  }
}

void Usage() {
  std::cerr
      << "usage: bench_ws_client --mode users|campaign|hold|latency --port P [--host H] [--count N]\n"
         "  [--no-auth --ws-path /ws] [--tenant demo --admin-user admin --admin-password admin]\n"
         "  [--prefix bench --password bench-pw --team bench] [--contacts N] [--parallel N]\n"
         "  [--server-pid PID] [--hold-s S] [--warmup-s S] [--duration-s S] [--talk-ms MS] [--no-jitter]\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string*> strings = {{"--mode", &o.mode},
                                                 {"--host", &o.host},
                                                 {"--ws-path", &o.ws_path},
                                                 {"--tenant", &o.tenant},
                                                 {"--admin-user", &o.admin_user},
                                                 {"--admin-password", &o.admin_password},
                                                 {"--prefix", &o.prefix},
                                                 {"--password", &o.password},
                                                 {"--team", &o.team}};
  std::map<std::string, int*> ints = {
      {"--port", &o.port},         {"--count", &o.count},           {"--contacts", &o.contacts},
      {"--parallel", &o.parallel}, {"--server-pid", &o.server_pid}, {"--hold-s", &o.hold_s},
      {"--warmup-s", &o.warmup_s}, {"--duration-s", &o.duration_s}, {"--talk-ms", &o.talk_ms}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-auth") {
      o.no_auth = true;
    } else if (a == "--no-jitter") {
      o.jitter = false;
    } else if (strings.count(a) && i + 1 < argc) {
      *strings[a] = argv[++i];
    } else if (ints.count(a) && i + 1 < argc) {
      *ints[a] = std::atoi(argv[++i]);
    } else {
      Usage();
      return 2;
    }
  }
  if (o.port <= 0 || o.mode.empty()) {
    Usage();
    return 2;
  }
  RaiseFileLimit();
  Bench bench(o);
  return bench.Run();
}
