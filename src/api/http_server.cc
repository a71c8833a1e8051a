// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "api/http_server.h"

#include <atomic>
#include <deque>
#include <future>
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

namespace outdial::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace websocket = beast::websocket;

int HttpStatusFor(core::ErrorCode code) {
  using core::ReasonCode;
  switch (code) {
    case ReasonCode::kUnauthenticated: return 401;
    case ReasonCode::kForbidden: return 403;
    case ReasonCode::kNotFound: return 404;
    case ReasonCode::kValidationFailed: return 400;
    case ReasonCode::kPayloadTooLarge: return 413;
    case ReasonCode::kRateLimited: return 429;
    case ReasonCode::kUnavailable: return 503;
    case ReasonCode::kInternal: return 500;
    case ReasonCode::kConflict:
    case ReasonCode::kTenantConcurrentCallLimit:
    case ReasonCode::kDatacenterConcurrentCallLimit:
    case ReasonCode::kActionDisabled:
    case ReasonCode::kOfferClosed:
    case ReasonCode::kNoCallableContacts:
    case ReasonCode::kOutsideCallingWindow:
    case ReasonCode::kDoNotCall:
    case ReasonCode::kMaxAttemptsReached:
    case ReasonCode::kAgentNotAvailable:
    case ReasonCode::kCampaignNotRunning:
    case ReasonCode::kCustomerBusy:
    case ReasonCode::kNoAnswer:
    case ReasonCode::kInvalidNumber:
    case ReasonCode::kNetworkError:
    case ReasonCode::kCallRejected:
    case ReasonCode::kAnsweringMachine:
    case ReasonCode::kFaxDetected:
    case ReasonCode::kSpecialInformationTone:
    case ReasonCode::kAgentCancelled:
    case ReasonCode::kReservationNotAnswered: return 409;
  }
  return 500;
}

HttpResponse ErrorResponse(const core::Error& error) {
  nlohmann::json details = nlohmann::json::array();
  for (const auto& d : error.details) details.push_back({{"field", d.field}, {"problem", d.problem}});
  nlohmann::json body = {{"error",
                          {{"code", std::string(core::ToString(error.code))},
                           {"message", error.message},
                           {"details", details}}}};
  return HttpResponse{HttpStatusFor(error.code), "application/json; charset=utf-8", body.dump()};
}

namespace {

HttpRequest ToRequest(http::request<http::string_body>& req) {
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.body = std::move(req.body());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    request.headers[name] = std::string(field.value());
  }
  return request;
}

// One WebSocket: the read loop (in ServeWebSocket) and this writer share the connection's strand,
// so the queue needs no lock; Send from other threads hops onto the strand first.
class BeastWsConnection final : public WsConnection, public std::enable_shared_from_this<BeastWsConnection> {
 public:
  BeastWsConnection(beast::tcp_stream stream, size_t queue_limit, HttpServer::Counters& counters)
      : ws_(std::move(stream)), timer_(ws_.get_executor()), queue_limit_(queue_limit), counters_(counters) {
    timer_.expires_at(asio::steady_timer::time_point::max());
  }

  websocket::stream<beast::tcp_stream>& ws() { return ws_; }

  bool Send(std::shared_ptr<const std::string> text) override {
    if (closed_.load(std::memory_order_relaxed)) return false;
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_) return;
      if (self->queue_.size() >= self->queue_limit_) {
        // A client that does not read must not hold memory or anyone else back: drop it; it
        // reconnects and gets a fresh snapshot.
        self->counters_.ws_overflow_drops.fetch_add(1, std::memory_order_relaxed);
        self->Shutdown();
        return;
      }
      self->queue_.push_back(std::move(text));
      self->timer_.cancel();
    });
    return true;
  }

  void Close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->Shutdown(); });
  }

  // Strand only.
  void Shutdown() {
    if (closed_.exchange(true)) return;
    queue_.clear();
    timer_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  asio::awaitable<void> WriteLoop() {
    auto self = shared_from_this();
    while (!closed_) {
      if (queue_.empty()) {
        beast::error_code ec;
        timer_.expires_at(asio::steady_timer::time_point::max());
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      std::shared_ptr<const std::string> next = std::move(queue_.front());
      queue_.pop_front();
      beast::error_code ec;
      ws_.text(true);
      co_await ws_.async_write(asio::buffer(*next), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        Shutdown();
        break;
      }
    }
  }

 private:
  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer timer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  size_t queue_limit_;
  HttpServer::Counters& counters_;
  std::atomic<bool> closed_{false};
};

}  // namespace

struct HttpServer::Impl {
  Options options;
  HttpHandler handler;
  WsAcceptor ws_acceptor;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
  Counters counters;

  // Runs the handler and suspends until it replies (from any thread); the reply resumes the
  // coroutine on its own strand.
  asio::awaitable<HttpResponse> Dispatch(HttpRequest request) {
    counters.requests_in_flight.fetch_add(1);
    HttpResponse response = co_await asio::async_initiate<decltype(asio::use_awaitable), void(HttpResponse)>(
        [this, &request](auto completion) {
          using Completion = decltype(completion);
          auto shared = std::make_shared<Completion>(std::move(completion));
          auto executor = asio::get_associated_executor(*shared);
          handler(std::move(request), [shared, executor](HttpResponse r) {
            asio::post(executor, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
          });
        },
        asio::use_awaitable);
    counters.requests_in_flight.fetch_sub(1);
    co_return response;
  }

  asio::awaitable<void> ServeWebSocket(beast::tcp_stream stream, http::request<http::string_body> req,
                                       std::shared_ptr<WsSession> session) {
    stream.expires_never();
    auto connection =
        std::make_shared<BeastWsConnection>(std::move(stream), options.ws_queue_limit, counters);
    auto& ws = connection->ws();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "outdial"); }));
    ws.read_message_max(options.ws_max_frame_bytes);
    beast::error_code ec;
    co_await ws.async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    counters.ws_open.fetch_add(1);
    session->OnOpen(connection);
    asio::co_spawn(ws.get_executor(), connection->WriteLoop(), asio::detached);
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      if (ws.got_text()) {
        session->OnText(beast::buffers_to_string(buffer.data()));
      } else {
        session->OnBinary();
      }
      buffer.consume(buffer.size());
    }
    connection->Shutdown();
    counters.ws_open.fetch_sub(1);
    session->OnClose();
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      stream.expires_after(std::chrono::seconds(60));
      beast::error_code ec;
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      HttpResponse answer;
      bool keep_alive = true;
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof) break;
      if (ec == http::error::body_limit) {
        answer = ErrorResponse(
            core::MakeError(core::ErrorCode::kPayloadTooLarge, "The request body is over 10 MB."));
        keep_alive = false;
      } else if (ec) {
        answer =
            ErrorResponse(core::MakeError(core::ErrorCode::kValidationFailed, "Malformed HTTP request."));
        keep_alive = false;
      } else {
        auto& req = parser.get();
        if (websocket::is_upgrade(req)) {
          HttpRequest request = ToRequest(req);
          core::Result<std::shared_ptr<WsSession>> accepted =
              ws_acceptor ? ws_acceptor(request)
                          : core::Result<std::shared_ptr<WsSession>>(
                                core::MakeError(core::ErrorCode::kNotFound, "No WebSocket here."));
          if (accepted.ok()) {
            // The parser moved the body out already; the handshake needs only the headers.
            co_await ServeWebSocket(std::move(stream), parser.release(), std::move(*accepted));
            co_return;
          }
          answer = ErrorResponse(accepted.error());
          keep_alive = false;
        } else {
          keep_alive = req.keep_alive();
          answer = co_await Dispatch(ToRequest(req));
        }
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::server, "outdial");
      res.set(http::field::content_type, answer.content_type);
      res.set(http::field::cache_control, "no-store");
      res.keep_alive(keep_alive);
      res.body() = std::move(answer.body);
      res.prepare_payload();
      stream.expires_after(std::chrono::seconds(60));
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(io),
                                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopped || !acceptor.is_open()) co_return;
        // Out of file descriptors (EMFILE/ENFILE) the pending connection stays in the backlog and
        // accept fails again at once: without a pause this loop would spin a core at 100 %.
        asio::steady_timer pause(io, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      // Events and acks are small frames written back to back; with Nagle's algorithm the second
      // one waits for the client's delayed ACK (~40 ms on Linux): bench/latency_bench.sh saw
      // p99 ≈ 50 ms push latency at 100 agents before this.
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Serve(std::move(socket)), asio::detached);
    }
  }
};

HttpServer::HttpServer(Options options, HttpHandler handler, WsAcceptor ws_acceptor)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->ws_acceptor = std::move(ws_acceptor);
}

HttpServer::~HttpServer() {
  Stop();
}

const HttpServer::Counters& HttpServer::counters() const {
  return impl_->counters;
}
core::Result<void> HttpServer::Start() {
  const std::string& listen = impl_->options.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return core::MakeError(core::ErrorCode::kValidationFailed,
                           "server.listen must be host:port, e.g. 127.0.0.1:8080");
  }
  std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return core::MakeError(core::ErrorCode::kValidationFailed, "server.listen has a bad port");
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kValidationFailed, "server.listen has a bad address: " + host);
  }
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kUnavailable, "cannot listen on " + listen + ": " + ec.message());
  }
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  return core::Ok{};
}

int HttpServer::port() const {
  return impl_->acceptor.is_open() ? impl_->acceptor.local_endpoint().port() : 0;
}

void HttpServer::StopAccepting() {
  std::promise<void> done;
  asio::post(impl_->io, [this, &done] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    done.set_value();
  });
  if (!impl_->threads.empty()) done.get_future().wait_for(std::chrono::seconds(2));
}

void HttpServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace outdial::api
