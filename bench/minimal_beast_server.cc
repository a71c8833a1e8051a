// bench_minimal_beast_server: the baseline of the API benches. The simplest Boost.Beast async
// server with the same threading model as outdial's src/api/http_server.cc (one io_context run
// by --threads threads, a strand per connection, C++20 coroutines) and no business logic:
//   - HTTP: every request is answered 200 with the body of --http-body FILE (e.g. a stats
//     answer of outdial, so both bodies have the same size), keep-alive.
//   - WebSocket (any path): sends {"type":"snapshot"} on connect; answers every text frame
//     {"op", "ref"} with {"type":"ack","ref","ok":true}; and a "push" thread standing in for
//     outdial's engine thread stamps --push-rate frames per second (in total, round robin over
//     the connections) with `emitted_at_us` and posts them to the connections' bounded queues,
//     as outdial's EventHub does. With --burst 1 the same rate comes as rounds of one frame to
//     every connection at once.
// Used by bench/ws_bench.sh, bench/latency_bench.sh and bench/rest_bench.sh.
//
// Threading: --threads I/O threads plus the push thread; the connection list has a mutex.

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
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
using asio::use_awaitable;

std::string g_http_body = R"({"ok":true})";
std::string g_pad;  // makes a pushed frame about as long as an outdial event

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class WsConn : public std::enable_shared_from_this<WsConn> {
 public:
  explicit WsConn(beast::tcp_stream stream) : ws_(std::move(stream)), timer_(ws_.get_executor()) {}
  websocket::stream<beast::tcp_stream>& ws() { return ws_; }

  // Any thread.
  void Send(std::shared_ptr<const std::string> text) {
    if (closed_.load(std::memory_order_relaxed)) return;
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_ || self->queue_.size() >= 1024) return;
      self->queue_.push_back(std::move(text));
      self->timer_.cancel();
    });
  }
  // Strand only.
  void Shutdown() {
    if (closed_.exchange(true)) return;
    timer_.cancel();
  }
  bool closed() const { return closed_; }

  asio::awaitable<void> WriteLoop() {
    auto self = shared_from_this();
    while (!closed_) {
      if (queue_.empty()) {
        beast::error_code ec;
        timer_.expires_at(asio::steady_timer::time_point::max());
        co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      auto next = std::move(queue_.front());
      queue_.pop_front();
      beast::error_code ec;
      ws_.text(true);
      co_await ws_.async_write(asio::buffer(*next), asio::redirect_error(use_awaitable, ec));
      if (ec) break;
    }
  }

 private:
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer timer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::atomic<bool> closed_{false};
};

std::mutex g_conns_mutex;
std::vector<std::weak_ptr<WsConn>> g_conns;

asio::awaitable<void> ServeWs(beast::tcp_stream stream, http::request<http::string_body> req) {
  stream.expires_never();
  auto conn = std::make_shared<WsConn>(std::move(stream));
  auto& ws = conn->ws();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  beast::error_code ec;
  co_await ws.async_accept(req, asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  {
    std::lock_guard lock(g_conns_mutex);
    g_conns.push_back(conn);
  }
  conn->Send(std::make_shared<const std::string>(R"({"type":"snapshot","state":"idle"})"));
  asio::co_spawn(ws.get_executor(), conn->WriteLoop(), asio::detached);
  beast::flat_buffer buffer;
  for (;;) {
    co_await ws.async_read(buffer, asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    auto frame = nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    buffer.consume(buffer.size());
    nlohmann::json ack = {
        {"type", "ack"}, {"ref", frame.is_object() ? frame.value("ref", "") : ""}, {"ok", true}};
    conn->Send(std::make_shared<const std::string>(ack.dump()));
  }
  conn->Shutdown();
}

asio::awaitable<void> Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(10 * 1024 * 1024);
    stream.expires_after(std::chrono::seconds(60));
    beast::error_code ec;
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    auto& req = parser.get();
    if (websocket::is_upgrade(req)) {
      co_await ServeWs(std::move(stream), parser.release());
      co_return;
    }
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::server, "minimal");
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = g_http_body;
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, asio::io_context& io) {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      asio::steady_timer pause(io, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // as outdial's server does
    auto ex = socket.get_executor();
    asio::co_spawn(ex, Serve(std::move(socket)), asio::detached);
  }
}

// With --burst: the same rate, but as one frame to every connection at once (a round every
// connections/rate seconds), like 1,000 agents in lockstep on outdial.
bool g_burst = false;

// Stands in for the engine thread: stamps frames and hands them to the connections.
void PushLoop(double rate) {
  if (rate <= 0) return;
  if (g_burst) {
    auto next_round = std::chrono::steady_clock::now();
    for (;;) {
      std::vector<std::shared_ptr<WsConn>> targets;
      {
        std::lock_guard lock(g_conns_mutex);
        for (auto& w : g_conns)
          if (auto c = w.lock(); c && !c->closed()) targets.push_back(std::move(c));
      }
      for (auto& c : targets) {
        std::string text =
            R"({"type":"event","emitted_at_us":)" + std::to_string(NowUs()) + R"(,"pad":")" + g_pad + "\"}";
        c->Send(std::make_shared<const std::string>(std::move(text)));
      }
      double period = static_cast<double>(std::max<size_t>(1, targets.size())) / rate;
      next_round += std::chrono::microseconds(static_cast<int64_t>(period * 1e6));
      std::this_thread::sleep_until(next_round);
    }
  }
  auto start = std::chrono::steady_clock::now();
  int64_t sent = 0;
  size_t next = 0;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int64_t due = static_cast<int64_t>(elapsed * rate) - sent;
    if (due <= 0) continue;
    std::vector<std::shared_ptr<WsConn>> targets;
    {
      std::lock_guard lock(g_conns_mutex);
      std::erase_if(g_conns, [](const std::weak_ptr<WsConn>& w) {
        auto c = w.lock();
        return !c || c->closed();
      });
      if (g_conns.empty()) {
        sent += due;
        continue;
      }
      for (int64_t i = 0; i < due; ++i) targets.push_back(g_conns[next++ % g_conns.size()].lock());
    }
    for (auto& c : targets) {
      if (!c) continue;
      std::string text =
          R"({"type":"event","emitted_at_us":)" + std::to_string(NowUs()) + R"(,"pad":")" + g_pad + "\"}";
      c->Send(std::make_shared<const std::string>(std::move(text)));
    }
    sent += due;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, threads = 2, frame_bytes = 300;
  double push_rate = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--port") {
      port = std::stoi(v);
    } else if (a == "--threads") {
      threads = std::stoi(v);
    } else if (a == "--push-rate") {
      push_rate = std::stod(v);
    } else if (a == "--burst") {
      g_burst = v == "1";
    } else if (a == "--frame-bytes") {
      frame_bytes = std::stoi(v);
    } else if (a == "--http-body") {
      std::ifstream in(v);
      std::stringstream ss;
      ss << in.rdbuf();
      g_http_body = ss.str();
    } else {
      std::cerr << "usage: bench_minimal_beast_server --port P [--threads 2] [--http-body FILE]"
                   " [--push-rate FRAMES_PER_S] [--burst 0|1] [--frame-bytes 300]\n";
      return 2;
    }
  }
  g_pad.assign(static_cast<size_t>(std::max(0, frame_bytes - 60)), 'x');
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  asio::io_context io(threads);
  tcp::acceptor acceptor(
      io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  std::cout << "minimal beast server listening on 127.0.0.1:" << acceptor.local_endpoint().port()
            << std::endl;
  asio::co_spawn(io, Accept(acceptor, io), asio::detached);
  std::thread pusher([push_rate] { PushLoop(push_rate); });
  pusher.detach();
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  for (auto& t : pool) t.join();
  return 0;
}
