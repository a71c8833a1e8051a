// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "api/http_server.h"

#include <atomic>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace outdial::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

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

struct HttpServer::Impl {
  Options options;
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};

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
        answer = ErrorResponse(core::MakeError(core::ErrorCode::kPayloadTooLarge, "The request body is over 10 MB."));
        keep_alive = false;
      } else if (ec) {
        answer = ErrorResponse(core::MakeError(core::ErrorCode::kValidationFailed, "Malformed HTTP request."));
        keep_alive = false;
      } else {
        auto& req = parser.get();
        HttpRequest request;
        request.method = std::string(req.method_string());
        request.target = std::string(req.target());
        request.body = std::move(req.body());
        for (const auto& field : req) {
          std::string name(field.name_string());
          for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          request.headers[name] = std::string(field.value());
        }
        keep_alive = req.keep_alive();
        answer = handler(request);
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::server, "outdial");
      res.set(http::field::content_type, answer.content_type);
      res.set(http::field::cache_control, "no-store");
      res.keep_alive(keep_alive);
      res.body() = std::move(answer.body);
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopped) co_return;
        continue;
      }
      asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
    }
  }
};

HttpServer::HttpServer(Options options, HttpHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { Stop(); }

core::Result<void> HttpServer::Start() {
  const std::string& listen = impl_->options.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return core::MakeError(core::ErrorCode::kValidationFailed, "server.listen must be host:port, e.g. 127.0.0.1:8080");
  }
  std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return core::MakeError(core::ErrorCode::kValidationFailed, "server.listen has a bad port");
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return core::MakeError(core::ErrorCode::kValidationFailed, "server.listen has a bad address: " + host);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return core::MakeError(core::ErrorCode::kUnavailable, "cannot listen on " + listen + ": " + ec.message());
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  return core::Ok{};
}

int HttpServer::port() const { return impl_->acceptor.is_open() ? impl_->acceptor.local_endpoint().port() : 0; }

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
