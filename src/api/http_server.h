// A small HTTP/1.1 + WebSocket server on Boost.Beast with C++20 coroutines. It parses requests
// (bodies up to `max_body_bytes`, larger ones answered 413 PAYLOAD_TOO_LARGE), hands each to the
// handler and writes the answer when the handler replies (possibly later, from another thread).
// Upgrade requests go to the WebSocket acceptor. It holds no business rules.
//
// Threading: the server runs its own io_context on `threads` threads; each connection lives on
// its own strand. The handler is called on an I/O thread and must not block for long; its Reply
// may be called once, from any thread. WsConnection::Send/Close may be called from any thread.
#pragma once

#include <atomic>
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

// Called exactly once per request, from any thread.
using Reply = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest, Reply)>;

// The server side of one open WebSocket: a bounded outgoing queue (a client that does not read
// is disconnected when its queue overflows, so it never holds back anyone else).
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues one text frame; returns false when the connection is closed or was just dropped
  // because its queue overflowed.
  virtual bool Send(std::shared_ptr<const std::string> text) = 0;
  virtual void Close() = 0;
};

// What the application does with one WebSocket. Called on the connection's strand, in order:
// OnOpen once, OnText/OnBinary per frame, OnClose once.
class WsSession {
 public:
  virtual ~WsSession() = default;
  virtual void OnOpen(std::shared_ptr<WsConnection> connection) = 0;
  virtual void OnText(std::string text) = 0;
  virtual void OnBinary() = 0;
  virtual void OnClose() = 0;
};

// Decides on an upgrade request before the handshake: a session, or an error answered as HTTP.
using WsAcceptor = std::function<core::Result<std::shared_ptr<WsSession>>(const HttpRequest&)>;

class HttpServer {
 public:
  struct Options {
    std::string listen = "127.0.0.1:8080";
    size_t max_body_bytes = size_t{10} * 1024 * 1024;
    int threads = 1;
    size_t ws_queue_limit = 1024;  // queued frames per WebSocket before it is dropped
    size_t ws_max_frame_bytes = size_t{64} * 1024;
  };
  struct Counters {
    std::atomic<int64_t> ws_open{0};
    std::atomic<uint64_t> ws_overflow_drops{0};
    std::atomic<int64_t> requests_in_flight{0};
  };
  HttpServer(Options options, HttpHandler handler, WsAcceptor ws_acceptor = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving in the background. Errors (bad address, port in use) are values.
  core::Result<void> Start();
  // The port actually bound (useful with port 0).
  int port() const;
  // Stops accepting new connections; open ones keep being served.
  void StopAccepting();
  // Stops accepting, closes connections, joins the threads.
  void Stop();
  const Counters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The JSON error body of API.md: {"error": {"code", "message", "details"}} with its HTTP status.
HttpResponse ErrorResponse(const core::Error& error);
int HttpStatusFor(core::ErrorCode code);

}  // namespace outdial::api
