// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include "client.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace outdial::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

Json HttpResult::json() const {
  return Json::parse(body, nullptr, false);
}

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the io_context until `done` or the deadline; on timeout cancels the socket.
template <typename Socket>
bool RunUntil(asio::io_context& io, bool& done, Socket& socket, std::chrono::milliseconds timeout) {
  io.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  if (!done) {
    beast::error_code ignored;
    socket.cancel(ignored);
    socket.close(ignored);
    io.restart();
    io.run_for(std::chrono::milliseconds(200));
    return false;
  }
  return true;
}

}  // namespace

ServerProcess::ServerProcess(std::string toml, bool demo) {
  char tmpl[] = "/tmp/outdial-api-test-XXXXXX";
  const char* made = mkdtemp(tmpl);
  if (made == nullptr) return;
  dir_ = made;
  if (toml.find("listen") == std::string::npos) {
    auto pos = toml.find("[server]");
    if (pos == std::string::npos) {
      toml = "[server]\nlisten = \"127.0.0.1:0\"\n" + toml;
    } else {
      toml.insert(pos + 8, "\nlisten = \"127.0.0.1:0\"");
    }
  }
  // Each server gets its own database in its temp dir (the default would share ./outdial.db).
  if (toml.find("[database]") == std::string::npos)
    toml += "\n[database]\nurl = \"sqlite://" + dir_ + "/outdial.db\"\n";
  std::ofstream(dir_ + "/outdial.toml") << toml;
  std::string log = dir_ + "/out.log";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    std::string config = dir_ + "/outdial.toml";
    if (demo) {
      execl(OUTDIAL_BIN, OUTDIAL_BIN, "serve", "--demo", "--config", config.c_str(), nullptr);
    } else {
      execl(OUTDIAL_BIN, OUTDIAL_BIN, "serve", "--config", config.c_str(), nullptr);
    }
    _exit(127);
  }
  // No std::regex: g++ 12 at -O1 warns (maybe-uninitialized) inside <regex>.
  const std::string marker = "listening: open http://127.0.0.1:";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = ReadAll(log);
    if (auto at = text.find(marker); at != std::string::npos) {
      size_t i = at + marker.size();
      int port = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') port = port * 10 + (text[i++] - '0');
      if (i < text.size() && text[i] == '/' && port > 0) {
        port_ = port;
        return;
      }
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string ServerProcess::log() const {
  return dir_.empty() ? "" : ReadAll(dir_ + "/out.log");
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

ServerProcess::~ServerProcess() {
  Stop();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

HttpResult Http(int port, const std::string& method, const std::string& target, const std::string& body,
                const std::string& token, const std::string& content_type) {
  HttpResult result;
  asio::io_context io;
  tcp::socket socket(io);
  bool done = false;
  beast::error_code ec;
  socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
                       [&](beast::error_code e) {
                         ec = e;
                         done = true;
                       });
  if (!RunUntil(io, done, socket, std::chrono::seconds(10)) || ec) return result;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) req.set(http::field::content_type, content_type);
  req.body() = body;
  req.prepare_payload();
  done = false;
  http::async_write(socket, req, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  // A server may answer (413) before it read the whole body; the read below still gets it.
  RunUntil(io, done, socket, std::chrono::seconds(30));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  done = false;
  http::async_read(socket, buffer, parser, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (!RunUntil(io, done, socket, std::chrono::seconds(30)) || ec) return result;
  auto& res = parser.get();
  result.status = res.result_int();
  result.body = res.body();
  result.content_type = std::string(res[http::field::content_type]);
  return result;
}

HttpResult HttpRaw(int port, const std::string& raw) {
  HttpResult result;
  asio::io_context io;
  tcp::socket socket(io);
  bool done = false;
  beast::error_code ec;
  socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
                       [&](beast::error_code e) {
                         ec = e;
                         done = true;
                       });
  if (!RunUntil(io, done, socket, std::chrono::seconds(10)) || ec) return result;
  done = false;
  asio::async_write(socket, asio::buffer(raw), [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (!RunUntil(io, done, socket, std::chrono::seconds(10)) || ec) return result;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  done = false;
  http::async_read(socket, buffer, parser, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (!RunUntil(io, done, socket, std::chrono::seconds(30)) || ec) return result;
  result.status = parser.get().result_int();
  result.body = parser.get().body();
  return result;
}

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
  bool open = false;
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() {
  if (impl_->open) {
    beast::error_code ignored;
    impl_->ws.next_layer().close(ignored);
  }
}

bool WsClient::open() const {
  return impl_->open;
}

bool WsClient::Connect(int port, const std::string& target, int* http_status) {
  auto& ws = impl_->ws;
  bool done = false;
  beast::error_code ec;
  ws.next_layer().async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      [&](beast::error_code e) {
        ec = e;
        done = true;
      });
  if (!RunUntil(impl_->io, done, ws.next_layer(), std::chrono::seconds(10)) || ec) return false;
  websocket::response_type res;
  done = false;
  ws.async_handshake(res, "127.0.0.1", target, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  if (!RunUntil(impl_->io, done, ws.next_layer(), std::chrono::seconds(10))) return false;
  if (http_status != nullptr) *http_status = res.result_int();
  if (ec) return false;
  impl_->open = true;
  return true;
}

bool WsClient::SendText(const std::string& text) {
  auto& ws = impl_->ws;
  ws.text(true);
  bool done = false;
  beast::error_code ec;
  ws.async_write(asio::buffer(text), [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  return RunUntil(impl_->io, done, ws.next_layer(), std::chrono::seconds(10)) && !ec;
}

bool WsClient::SendBinary(const std::string& data) {
  auto& ws = impl_->ws;
  ws.binary(true);
  bool done = false;
  beast::error_code ec;
  ws.async_write(asio::buffer(data), [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  bool ok = RunUntil(impl_->io, done, ws.next_layer(), std::chrono::seconds(10)) && !ec;
  ws.text(true);
  return ok;
}

std::optional<Json> WsClient::Next(std::chrono::milliseconds timeout) {
  if (!impl_->open) return std::nullopt;
  auto& ws = impl_->ws;
  beast::flat_buffer buffer;
  bool done = false;
  beast::error_code ec;
  ws.async_read(buffer, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  if (!RunUntil(impl_->io, done, ws.next_layer(), timeout)) {
    impl_->open = false;  // the read was cancelled: this stream is done
    return std::nullopt;
  }
  if (ec) {
    impl_->open = false;
    return std::nullopt;
  }
  Json j = Json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
  seen.push_back(j);
  return j;
}

std::optional<Json> WsClient::WaitFor(const std::function<bool(const Json&)>& match,
                                      std::chrono::milliseconds timeout) {
  for (auto it = pending.begin(); it != pending.end(); ++it) {
    if (match(*it)) {
      Json found = std::move(*it);
      pending.erase(it);
      return found;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->open) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = Next(left);
    if (!frame) return std::nullopt;
    if (match(*frame)) return frame;
    pending.push_back(*frame);
  }
  return std::nullopt;
}

}  // namespace outdial::testing
