// A small HTTP/1.1 server on Boost.Beast with C++20 coroutines. It parses requests (bodies up to
// `max_body_bytes`, larger ones answered 413 PAYLOAD_TOO_LARGE), hands each to the handler and
// writes the answer. It holds no business rules: the handler decides everything.
//
// Threading: the server runs its own io_context on `threads` threads; the handler is called on
// one of them and must not block for long (it posts to the engine thread and waits briefly).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"

namespace outdial::api {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  struct Options {
    std::string listen = "127.0.0.1:8080";
    size_t max_body_bytes = 10 * 1024 * 1024;
    int threads = 1;
  };
  HttpServer(Options options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving in the background. Errors (bad address, port in use) are values.
  core::Result<void> Start();
  // The port actually bound (useful with port 0).
  int port() const;
  // Stops accepting, closes connections, joins the threads.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON error body of API.md: {"error": {"code", "message", "details"}} with its HTTP status.
HttpResponse ErrorResponse(const core::Error& error);
int HttpStatusFor(core::ErrorCode code);

}  // namespace outdial::api
