// Test harness for the SIP driver: free loopback ports, sipp processes started and killed by the
// test, a UDP "phone" socket that sends and counts RTP, and an engine thread (app::EngineLoop)
// whose listener records LegEvents. Every wait has a timeout.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/engine_loop.h"
#include "engine/telephony.h"
#include "telephony/sip/sip_telephony.h"

#ifndef OUTDIAL_SIP_TEST_DIR
#error "OUTDIAL_SIP_TEST_DIR must name tests/sip (set in tests/sip/tests.cmake)"
#endif

namespace outdial::sip_test {

using namespace std::chrono_literals;

// A UDP socket bound on 127.0.0.1 (port 0: any free one).
class UdpSocket {
 public:
  // Bound to 127.0.0.1 by default; `host` (host byte order) picks another loopback address.
  explicit UdpSocket(uint16_t port = 0, uint32_t host = INADDR_LOOPBACK) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(host);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }

  bool SendTo(uint16_t port, const void* data, size_t n) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::sendto(fd_, data, n, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == static_cast<ssize_t>(n);
  }
  // Non-blocking read of everything queued; returns the datagrams.
  std::vector<std::string> Drain() {
    std::vector<std::string> out;
    char buf[4096];
    while (true) {
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n < 0) break;
      out.emplace_back(buf, static_cast<size_t>(n));
    }
    return out;
  }
  // Waits up to `timeout` for at least one datagram.
  std::vector<std::string> Receive(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto got = Drain();
      if (!got.empty()) return got;
      std::this_thread::sleep_for(5ms);
    }
    return {};
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// `count` consecutive free UDP ports on 127.0.0.1, starting at an even one (sipp's media port and
// the ones after it). Chosen at random so parallel test processes do not meet.
inline uint16_t FreePortBlock(int count) {
  static std::mt19937 rng(static_cast<unsigned>(::getpid()) * 7919u +
                          static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  for (int attempt = 0; attempt < 500; ++attempt) {
    uint16_t base = static_cast<uint16_t>(21000 + 2 * (rng() % 15000));
    bool ok = true;
    for (int i = 0; i < count && ok; ++i) {
      UdpSocket probe(static_cast<uint16_t>(base + i));
      ok = probe.ok();
    }
    if (ok) return base;
  }
  return 0;
}

inline std::string ScenarioPath(const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  return std::string(OUTDIAL_SIP_TEST_DIR) + "/scenarios/" + name;
}

// A copy of scenario `name` with @KEY@ placeholders replaced, for what sipp reads at load time
// (response codes); returns its absolute path (in the temp directory, unique per process).
inline std::string InstantiateScenario(const std::string& name,
                                       const std::vector<std::pair<std::string, std::string>>& subst) {
  std::ifstream in(ScenarioPath(name));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::string tag;
  for (const auto& [key, value] : subst) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
    std::string word = value.substr(value.find_last_of('/') + 1);
    word = word.substr(0, std::min<size_t>(word.find_first_of(" ."), 24));
    tag += "_" + word;
  }
  auto path =
      std::filesystem::temp_directory_path() / ("outdial_" + std::to_string(::getpid()) + tag + "_" + name);
  std::ofstream(path) << text;
  return path.string();
}

// One sipp process. Killed (and reaped) by the destructor whatever happened.
class Sipp {
 public:
  // `args` come after the common ones: -nostdin -i/-mi 127.0.0.1 -p port -mp media -m 1.
  Sipp(const std::string& scenario, std::vector<std::string> args, int timeout_s = 20)
      : scenario_(ScenarioPath(scenario)) {
    port_ = FreePortBlock(1);
    media_port_ = FreePortBlock(4);
    dir_ = std::filesystem::temp_directory_path() /
           ("outdial_sipp_" + std::to_string(::getpid()) + "_" + std::to_string(port_));
    std::filesystem::create_directories(dir_);
    log_ = (dir_ / "sipp.log").string();
    std::vector<std::string> argv = {"sipp",
                                     "-sf",
                                     ScenarioPath(scenario),
                                     "-nostdin",
                                     "-i",
                                     "127.0.0.1",
                                     "-mi",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(port_),
                                     "-mp",
                                     std::to_string(media_port_),
                                     "-m",
                                     "1",
                                     "-timeout",
                                     std::to_string(timeout_s) + "s",
                                     "-timeout_error",
                                     "-trace_err",
                                     "-error_file",
                                     (dir_ / "errors.log").string()};
    for (auto& a : args) argv.push_back(std::move(a));
    command_ = "";
    for (const auto& a : argv) command_ += a + " ";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
      ::chdir(dir_.c_str());
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execvp("sipp", cargv.data());
      ::_exit(127);
    }
    // sipp needs a moment to bind its socket before we send to it.
    std::this_thread::sleep_for(150ms);
  }
  ~Sipp() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    if (!keep_) std::filesystem::remove_all(dir_, ec);
    // Only the copies InstantiateScenario made: a checkout under /tmp holds the originals there too.
    if (scenario_.rfind(std::string(OUTDIAL_SIP_TEST_DIR), 0) != 0 &&
        scenario_.rfind(std::filesystem::temp_directory_path().string(), 0) == 0)
      std::filesystem::remove(scenario_, ec);
  }
  Sipp(const Sipp&) = delete;
  Sipp& operator=(const Sipp&) = delete;

  uint16_t port() const { return port_; }
  uint16_t media_port() const { return media_port_; }
  std::string uri(const std::string& user) const {
    return "sip:" + user + "@127.0.0.1:" + std::to_string(port_);
  }

  // Waits for sipp to exit; returns its exit code (0: every call went as the scenario says), or
  // -1 on timeout (then it is killed).
  int Wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << "sipp: " << command_ << "\n" << in.rdbuf();
    std::ifstream err(dir_ / "errors.log");
    if (err) ss << "\nerrors.log:\n" << err.rdbuf();
    return ss.str();
  }
  void KeepFiles() { keep_ = true; }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  bool keep_ = false;
  uint16_t port_ = 0;
  uint16_t media_port_ = 0;
  std::filesystem::path dir_;
  std::string log_;
  std::string command_;
  std::string scenario_;
};

// Records LegEvents on the engine thread; the test thread waits on them.
class Recorder final : public engine::TelephonyListener {
 public:
  void OnLegEvent(const engine::LegEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    cv_.notify_all();
  }
  std::optional<engine::LegEvent> WaitFor(core::LegId leg, engine::LegEventKind kind,
                                          std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<engine::LegEvent> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& e : events_) {
        if (e.leg == leg && e.kind == kind) {
          found = e;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::vector<engine::LegEvent> Of(core::LegId leg) {
    std::lock_guard lock(mutex_);
    std::vector<engine::LegEvent> out;
    for (const auto& e : events_) {
      if (e.leg == leg) out.push_back(e);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<engine::LegEvent> events_;
};

inline std::string Describe(const std::vector<engine::LegEvent>& events) {
  static const char* kNames[] = {"ringing", "early_media", "answered", "failed", "ended"};
  std::string s;
  for (const auto& e : events) {
    s += std::string(kNames[static_cast<int>(e.kind)]) + "(" + std::to_string(e.sip_code) + ") ";
  }
  return s;
}

// An engine thread plus a started SipTelephony on a free SIP port.
class SipFixture : public ::testing::Test {
 protected:
  // `trunk_port`: where customer calls go (a sipp UAS), 9 (discard) when the test dials none.
  void StartDriver(uint16_t trunk_port = 9, telephony::SipConfig config = {}) {
    config.listen = "127.0.0.1:0";
    uint16_t base = static_cast<uint16_t>(30000 + 100 * (::getpid() % 300));
    config.rtp_port_min = base;
    config.rtp_port_max = static_cast<uint16_t>(base + 98);
    config.trunk = "sip:127.0.0.1:" + std::to_string(trunk_port);
    loop_.Start();
    phones_ = std::make_unique<telephony::SipTelephony>(
        config, [this](std::function<void()> f) { loop_.Post(std::move(f)); });
    auto started = phones_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    loop_.Call([&] {
      phones_->SetListener(&recorder_);
      return 0;
    });
  }

  void TearDown() override {
    if (phones_) phones_->Stop();
    loop_.Stop();
  }

  void Originate(const engine::LegRequest& r) {
    loop_.Call([&] {
      phones_->Originate(r);
      return 0;
    });
  }
  void Hangup(core::LegId leg) {
    loop_.Call([&] {
      phones_->Hangup(leg);
      return 0;
    });
  }

  engine::LegRequest Agent(uint64_t id, const std::string& station) {
    engine::LegRequest r;
    r.leg = core::LegId{id};
    r.kind = engine::LegKind::kAgentStation;
    r.destination = station;
    return r;
  }
  engine::LegRequest Customer(uint64_t id, const std::string& number, core::LegId bridge = {}) {
    engine::LegRequest r;
    r.leg = core::LegId{id};
    r.kind = engine::LegKind::kCustomer;
    r.destination = number;
    r.caller_id = "+12015550000";
    r.bridge_with = bridge;
    return r;
  }

  // Polls `pred` until true or timeout.
  template <typename Pred>
  bool Eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }

  app::EngineLoop loop_;
  Recorder recorder_;
  std::unique_ptr<telephony::SipTelephony> phones_;
};

}  // namespace outdial::sip_test
