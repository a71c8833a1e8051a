// SIP driver benchmarks (figures, not pass/fail), run against sipp on 127.0.0.1:
//
//   sip_bench rate  [--seconds S] [--rates R1,R2,..]
//       full calls (INVITE, 180, 200, ACK, BYE, 200) from outdial's SipTelephony against a sipp
//       UAS, paced per millisecond like sipp's -r, at rising rates; beside it, step by step in the
//       same run, sipp UAC → sipp UAS; each side until its first failure. Prints the highest rate
//       with zero failed calls of each and their ratio, and per step the driver's INVITEs,
//       retransmissions, timeouts and libre thread CPU.
//   sip_bench media [--calls N] [--seconds S] [--sip-nice NICE]
//       N concurrent bridged calls (agent leg + customer leg through the server, CPA/AMD on every
//       customer answer), then G.711 20 ms packets both ways from the bench's own sockets for S
//       seconds: packets lost, each packet's delay through the server (from its RTP timestamp),
//       the libre thread's CPU per call, and a phone-to-phone baseline in the same run.
//       --sip-nice sets the libre thread's nice value (negative needs CAP_SYS_NICE).
//
// Needs the scenarios of tests/sip/scenarios (OUTDIAL_SIP_SCENARIOS) and sipp on the PATH.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/engine_loop.h"
#include "engine/telephony.h"
#include "telephony/sip/sip_telephony.h"

#ifndef OUTDIAL_SIP_SCENARIOS
#error "OUTDIAL_SIP_SCENARIOS must name tests/sip/scenarios"
#endif

namespace {

using namespace std::chrono_literals;
using outdial::core::LegId;
using outdial::engine::LegEvent;
using outdial::engine::LegEventKind;
using outdial::engine::LegKind;
using outdial::engine::LegRequest;

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool Bindable(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

// sipp's -mp: it binds the audio and video RTP ports (and their RTCP) at P..P+3 and exits when one
// is taken. A single free port from the ephemeral range, as this bench used to pass, collided
// with its own thousands of phone sockets there at a few hundred calls: that sipp never answered
// and "half the legs" stayed unanswered. So: four free ports below the ephemeral range and the
// driver's RTP range.
uint16_t FreeMediaPorts() {
  static uint16_t next = static_cast<uint16_t>(10000 + 4 * (::getpid() % 1000));
  for (int attempt = 0; attempt < 2500; ++attempt) {
    uint16_t base = next;
    next = static_cast<uint16_t>(next + 4 >= 19996 ? 10000 : next + 4);
    if (Bindable(base) && Bindable(static_cast<uint16_t>(base + 1)) &&
        Bindable(static_cast<uint16_t>(base + 2)) && Bindable(static_cast<uint16_t>(base + 3)))
      return base;
  }
  return FreePort();
}

pid_t Spawn(std::vector<std::string> argv, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    ::execvp(c[0], c.data());
    ::_exit(127);
  }
  return pid;
}

int Reap(pid_t pid, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

// A sipp UAS answering every call at once (uas_answer.xml with -d 0); with `calls` it exits after
// that many, with status 0 only when every one of them completed (INVITE .. BYE/200).
struct SippUas {
  explicit SippUas(uint16_t rtp_port, int calls = 0) {
    port = FreePort();
    pid = Spawn({"sipp",
                 "-sf",
                 std::string(OUTDIAL_SIP_SCENARIOS) + "/uas_answer.xml",
                 "-nostdin",
                 "-i",
                 "127.0.0.1",
                 "-mi",
                 "127.0.0.1",
                 "-p",
                 std::to_string(port),
                 "-mp",
                 std::to_string(FreeMediaPorts()),
                 "-key",
                 "rtpport",
                 std::to_string(rtp_port),
                 "-key",
                 "codec",
                 "0",
                 "-key",
                 "codec_name",
                 "PCMU",
                 "-d",
                 "0",
                 "-max_socket",
                 "4096",
                 "-l",
                 "100000",
                 "-m",
                 std::to_string(calls > 0 ? calls : 100000000),
                 "-buff_size",
                 "4194304"},
                "/tmp/outdial_bench_uas_" + std::to_string(port) + ".log");
    std::this_thread::sleep_for(300ms);
  }
  ~SippUas() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  uint16_t port = 0;
  pid_t pid = -1;
};

struct Driver : outdial::engine::TelephonyListener {
  outdial::app::EngineLoop loop;
  std::unique_ptr<outdial::telephony::SipTelephony> phones;
  std::mutex mutex;
  std::condition_variable cv;
  uint64_t answered = 0, failed = 0, ended = 0;
  std::unordered_map<int, uint64_t> failed_by_code;
  bool hangup_on_answer = true;

  explicit Driver(uint16_t trunk_port, uint16_t rtp_min = 40000, uint16_t rtp_max = 49999) {
    outdial::telephony::SipConfig c;
    c.listen = "127.0.0.1:0";
    c.trunk = "sip:127.0.0.1:" + std::to_string(trunk_port);
    c.rtp_port_min = rtp_min;
    c.rtp_port_max = rtp_max;
    c.invite_timeout_ms = 32000;  // SIP's own Timer B: retransmissions get their chance under load
    loop.Start();
    phones =
        std::make_unique<outdial::telephony::SipTelephony>(c, [this](auto f) { loop.Post(std::move(f)); });
    if (!phones->Start().ok()) std::abort();
    loop.Call([&] {
      phones->SetListener(this);
      return 0;
    });
  }
  ~Driver() {
    phones->Stop();
    loop.Stop();
  }
  void OnLegEvent(const LegEvent& e) override {
    if (e.kind == LegEventKind::kAnswered && hangup_on_answer) phones->Hangup(e.leg);  // engine thread
    std::lock_guard lock(mutex);
    if (e.kind == LegEventKind::kAnswered) ++answered;
    if (e.kind == LegEventKind::kFailed) {
      ++failed;
      ++failed_by_code[e.sip_code];
    }
    if (e.kind == LegEventKind::kEnded) ++ended;
    cv.notify_all();
  }
};

double ThreadCpu(const char* name);

// outdial → sipp UAS at `rate` calls/s for `seconds`: true when every call was answered.
bool OutdialAtRate(int rate, int seconds, uint64_t& done) {
  SippUas uas(FreePort(), rate * seconds);
  Driver d(uas.port);
  const int total = rate * seconds;
  // Paced like sipp's -r: every millisecond, the calls that are due by then (one engine task
  // for them, as the engine's own dispatch would hand them over).
  auto start = std::chrono::steady_clock::now();
  for (int i = 0, tick = 1; i < total; ++tick) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(tick));
    const int due = std::min(total, static_cast<int>(static_cast<int64_t>(rate) * tick / 1000));
    std::vector<LegRequest> batch;
    for (; i < due; ++i) {
      LegRequest r;
      r.leg = LegId{static_cast<uint64_t>(i + 1)};
      r.kind = LegKind::kCustomer;
      r.destination = "+1201555" + std::to_string(1000000 + i).substr(1);
      r.caller_id = "+12015550000";
      batch.push_back(std::move(r));
    }
    if (batch.empty()) continue;
    d.loop.Post([&d, batch = std::move(batch)] {
      for (const auto& r : batch) d.phones->Originate(r);
    });
  }
  const double send_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::unique_lock lock(d.mutex);
  d.cv.wait_for(lock, 40s, [&] { return d.answered + d.failed >= static_cast<uint64_t>(total); });
  const double all_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done = d.answered;
  const auto& c = d.phones->counters();
  std::printf(
      "    outdial: originated in %.2f s, all answered by %.2f s; INVITEs %llu sent, %llu retransmitted, "
      "%llu timed out; libre thread %.2f s CPU\n",
      send_s, all_s, static_cast<unsigned long long>(c.invites_sent.load()),
      static_cast<unsigned long long>(
          c.requests_sent[static_cast<size_t>(outdial::telephony::SipMethod::kInvite)].load() -
          c.invites_sent.load()),
      static_cast<unsigned long long>(c.invite_timeouts.load()), ThreadCpu("outdial-sip"));
  for (const auto& [code, count] : d.failed_by_code) {
    std::printf("    failed with %d: %llu\n", code, static_cast<unsigned long long>(count));
  }
  bool ok = d.answered == static_cast<uint64_t>(total) && d.failed == 0;
  lock.unlock();
  // Full calls: the UAS exits 0 only when every call got its ACK and BYE.
  ok = Reap(uas.pid, 15s) == 0 && ok;
  uas.pid = -1;
  return ok;
}

// sipp UAC → sipp UAS at `rate` for `seconds`: true when sipp reports no failed call.
bool SippAtRate(int rate, int seconds) {
  SippUas uas(FreePort(), rate * seconds);
  std::string log = "/tmp/outdial_bench_uac.log";
  pid_t uac = Spawn({"sipp",
                     "-sn",
                     "uac",
                     "127.0.0.1:" + std::to_string(uas.port),
                     "-nostdin",
                     "-i",
                     "127.0.0.1",
                     "-mi",
                     "127.0.0.1",
                     "-p",
                     std::to_string(FreePort()),
                     "-mp",
                     std::to_string(FreeMediaPorts()),
                     "-r",
                     std::to_string(rate),
                     "-m",
                     std::to_string(rate * seconds),
                     "-l",
                     "100000",
                     "-max_socket",
                     "4096",
                     "-timeout",
                     std::to_string(seconds + 15) + "s",
                     "-timeout_error"},
                    log);
  bool ok = Reap(uac, std::chrono::seconds(seconds + 20)) == 0;
  ok = Reap(uas.pid, 15s) == 0 && ok;
  uas.pid = -1;
  return ok;
}

int RateBench(int seconds, const std::vector<int>& rates) {
  std::printf("call origination, %d s per step, full calls INVITE..BYE against a sipp UAS on 127.0.0.1\n",
              seconds);
  int best_ours = 0, best_sipp = 0;
  for (int rate : rates) {
    uint64_t done = 0;
    // Each side runs until its first failure (then its best stays put); the same step, back to back.
    bool ours = best_ours >= 0 && OutdialAtRate(rate, seconds, done);
    bool theirs = best_sipp >= 0 && SippAtRate(rate, seconds);
    std::printf("  %5d calls/s: outdial %s (%llu/%d answered), sipp uac %s\n", rate,
                best_ours < 0 ? "-   "
                : ours        ? "ok  "
                              : "FAIL",
                static_cast<unsigned long long>(done), rate * seconds,
                best_sipp < 0 ? "-"
                : theirs      ? "ok"
                              : "FAIL");
    std::fflush(stdout);
    // The highest rate below the first failure of each.
    if (ours && best_ours >= 0) best_ours = rate;
    if (!ours && best_ours >= 0) best_ours = -best_ours - 1;
    if (theirs && best_sipp >= 0) best_sipp = rate;
    if (!theirs && best_sipp >= 0) best_sipp = -best_sipp - 1;
    if (best_ours < 0 && best_sipp < 0) break;
  }
  if (best_ours < 0) best_ours = -best_ours - 1;
  if (best_sipp < 0) best_sipp = -best_sipp - 1;
  std::printf("highest rate with zero failed calls: outdial %d/s, sipp uac %d/s, ratio %.2f\n", best_ours,
              best_sipp, best_sipp ? static_cast<double>(best_ours) / best_sipp : 0.0);
  return 0;
}

// CPU seconds of this process's thread named `name` (utime + stime from /proc).
double ThreadCpu(const char* name) {
  DIR* dir = ::opendir("/proc/self/task");
  double total = 0;
  while (dirent* e = dir ? ::readdir(dir) : nullptr) {
    if (e->d_name[0] == '.') continue;
    std::string base = std::string("/proc/self/task/") + e->d_name;
    std::ifstream comm(base + "/comm");
    std::string c;
    std::getline(comm, c);
    if (c != name) continue;
    std::ifstream stat(base + "/stat");
    std::string s((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto rp = s.rfind(')');
    std::vector<std::string> f;
    size_t p = rp + 2;
    while (p < s.size()) {
      size_t q = s.find(' ', p);
      f.push_back(s.substr(p, q - p));
      if (q == std::string::npos) break;
      p = q + 1;
    }
    total += (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  if (dir) ::closedir(dir);
  return total;
}

// RcvbufErrors of /proc/net/snmp's Udp line: datagrams the kernel dropped for a full socket buffer.
uint64_t UdpRcvbufErrors() {
  std::ifstream snmp("/proc/net/snmp");
  std::string header, values;
  while (std::getline(snmp, header)) {
    if (header.rfind("Udp: ", 0) != 0 || !std::getline(snmp, values)) continue;
    std::vector<std::string> names, nums;
    for (std::string* out : {&header, &values}) {
      size_t p = 5;
      auto& into = out == &header ? names : nums;
      while (p < out->size()) {
        size_t q = out->find(' ', p);
        into.push_back(out->substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (q == std::string::npos) break;
        p = q + 1;
      }
    }
    for (size_t i = 0; i < names.size() && i < nums.size(); ++i) {
      if (names[i] == "RcvbufErrors") return std::stoull(nums[i]);
    }
  }
  return 0;
}

// A sipp UAS answering calls in order, the SDP of call k naming the RTP port on line k of `ports`.
struct SippInfUas {
  explicit SippInfUas(const std::vector<uint16_t>& ports) {
    port = FreePort();
    csv = "/tmp/outdial_bench_ports_" + std::to_string(port) + ".csv";
    std::ofstream out(csv);
    out << "SEQUENTIAL\n";
    for (uint16_t p : ports) out << p << "\n";
    out.close();
    pid = Spawn({"sipp",
                 "-sf",
                 std::string(OUTDIAL_SIP_SCENARIOS) + "/uas_answer_inf.xml",
                 "-inf",
                 csv,
                 "-nostdin",
                 "-i",
                 "127.0.0.1",
                 "-mi",
                 "127.0.0.1",
                 "-p",
                 std::to_string(port),
                 "-mp",
                 std::to_string(FreeMediaPorts()),
                 "-d",
                 "0",
                 "-max_socket",
                 "4096",
                 "-l",
                 "100000"},
                "/tmp/outdial_bench_inf_" + std::to_string(port) + ".log");
    std::this_thread::sleep_for(300ms);
  }
  ~SippInfUas() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::unlink(csv.c_str());
  }
  uint16_t port = 0;
  pid_t pid = -1;
  std::string csv;
};

// Sets the nice value of this process's thread named `name` (negative needs CAP_SYS_NICE).
void NiceThread(const char* name, int nice) {
  DIR* dir = ::opendir("/proc/self/task");
  while (dirent* e = dir ? ::readdir(dir) : nullptr) {
    if (e->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + e->d_name + "/comm");
    std::string c;
    std::getline(comm, c);
    if (c == name && ::setpriority(PRIO_PROCESS, static_cast<id_t>(std::atoi(e->d_name)), nice) != 0)
      std::perror("setpriority");
  }
  if (dir) ::closedir(dir);
}

int MediaBench(int calls, int seconds, int sip_nice) {
  // Every call: an agent leg and a customer leg, answered by two sipp UASes whose SDP names one
  // bench socket per leg; the bench plays 20 ms µ-law packets from every socket and counts what
  // arrives. Legs are set up one after the other so that call k gets line k of each CSV.
  struct Phone {
    int fd = -1;
    uint16_t port = 0;
    uint16_t server_port = 0;
  };
  std::atomic<uint64_t> total_received{0};  // by the rx thread, read by this one
  const size_t n = static_cast<size_t>(calls);
  std::vector<Phone> agents(n), customers(n);
  std::vector<uint16_t> agent_ports, customer_ports;
  int ep = ::epoll_create1(0);
  auto open = [&](Phone& p, uint64_t tag) {
    p.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(p.fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(p.fd, reinterpret_cast<sockaddr*>(&a), &len);
    p.port = ntohs(a.sin_port);
    int buf = 1 << 20;
    ::setsockopt(p.fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev);
  };
  for (size_t i = 0; i < n; ++i) {
    open(agents[i], 2 * i);
    open(customers[i], 2 * i + 1);
    agent_ports.push_back(agents[i].port);
    customer_ports.push_back(customers[i].port);
  }
  SippInfUas agent_uas(agent_ports), trunk(customer_ports);
  Driver d(trunk.port, 20000, 39999);
  d.hangup_on_answer = false;
  if (sip_nice != 0) NiceThread("outdial-sip", sip_nice);
  // Legs are originated in order, so the k-th INVITE at each UAS takes line k of its CSV.
  for (size_t i = 0; i < n; ++i) {
    LegRequest a;
    a.leg = LegId{2 * i + 1};
    a.kind = LegKind::kAgentStation;
    a.destination = "sip:agent" + std::to_string(i) + "@127.0.0.1:" + std::to_string(agent_uas.port);
    LegRequest c;
    c.leg = LegId{2 * i + 2};
    c.kind = LegKind::kCustomer;
    c.destination = "+1201555" + std::to_string(1000000 + i).substr(1);
    c.caller_id = "+12015550000";
    c.bridge_with = a.leg;
    c.cpa = true;  // AMD on every new answer
    c.amd = true;
    d.loop.Post([&d, a, c] {
      d.phones->Originate(a);
      d.phones->Originate(c);
    });
    if (i % 20 == 19) std::this_thread::sleep_for(20ms);  // sipp's UAS takes calls at its own pace
  }
  for (int tries = 0; tries < 500; ++tries) {
    bool all = true;
    for (size_t i = 0; i < n && all; ++i) {
      agents[i].server_port = d.phones->LocalRtpPort(LegId{2 * i + 1});
      customers[i].server_port = d.phones->LocalRtpPort(LegId{2 * i + 2});
      all = agents[i].server_port != 0 && customers[i].server_port != 0;
    }
    if (all) break;
    std::this_thread::sleep_for(10ms);
  }
  std::atomic<bool> stop{false};
  // The RTP timestamp of every packet is its send time on an 8 kHz clock (the server passes the
  // source timestamp on), so the receiver knows each packet's delay through the server: a packet
  // more than kLateMs late is as good as lost for a conversation.
  constexpr int kLateMs = 60;
  const auto clock0 = std::chrono::steady_clock::now();
  auto rtp_now = [clock0] {
    return static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - clock0)
            .count() *
        8 / 1000);
  };
  std::atomic<uint64_t> late{0};
  std::atomic<uint32_t> max_delay_ms{0};
  std::atomic<bool> measuring_delay{false};
  std::thread rx([&] {
    epoll_event evs[256];
    uint8_t buf[2048];
    while (!stop) {
      int k = ::epoll_wait(ep, evs, 256, 50);
      for (int j = 0; j < k; ++j) {
        uint64_t tag = evs[j].data.u64;
        Phone& p = tag % 2 ? customers[tag / 2] : agents[tag / 2];
        ssize_t got = 0;
        while ((got = ::recv(p.fd, buf, sizeof(buf), 0)) > 0) {
          total_received.fetch_add(1, std::memory_order_relaxed);
          if (got < 12 || !measuring_delay.load(std::memory_order_relaxed)) continue;
          uint32_t ts = static_cast<uint32_t>(buf[4]) << 24 | static_cast<uint32_t>(buf[5]) << 16 |
                        static_cast<uint32_t>(buf[6]) << 8 | buf[7];
          uint32_t delay_ms = (rtp_now() - ts) / 8;
          if (delay_ms > kLateMs) late.fetch_add(1, std::memory_order_relaxed);
          if (delay_ms > max_delay_ms.load(std::memory_order_relaxed)) max_delay_ms = delay_ms;
        }
      }
    }
  });
  std::atomic<uint64_t> sent{0}, send_errors{0};
  std::atomic<bool> paused{false};
  std::atomic<bool> direct{false};  // the baseline: each phone sends to the other phone, not the server
  std::thread tx([&] {
    // A 400 Hz tone in µ-law: audio for the analysers, not silence.
    uint8_t pkt[12 + 160];
    pkt[0] = 0x80;
    pkt[1] = 0;
    std::memset(pkt + 4, 0, 8);
    for (int i = 0; i < 160; ++i) {
      int v = static_cast<int>(6000 * std::sin(2 * 3.14159265 * 400 * i / 8000.0));
      pkt[12 + i] = static_cast<uint8_t>(0xff ^ (v < 0 ? 0x80 : 0) ^ std::min(0x7f, std::abs(v) >> 8));
    }
    auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; !stop; ++t) {
      std::this_thread::sleep_until(t0 + std::chrono::milliseconds(20 * t));
      pkt[2] = static_cast<uint8_t>(t >> 8);
      pkt[3] = static_cast<uint8_t>(t);
      if (paused) continue;
      for (size_t i = 0; i < n; ++i) {
        for (Phone* p : {&agents[i], &customers[i]}) {
          sockaddr_in a{};
          a.sin_family = AF_INET;
          a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          a.sin_port = htons(!direct ? p->server_port : p == &agents[i] ? customers[i].port : agents[i].port);
          const uint32_t ts = rtp_now();
          pkt[4] = static_cast<uint8_t>(ts >> 24);
          pkt[5] = static_cast<uint8_t>(ts >> 16);
          pkt[6] = static_cast<uint8_t>(ts >> 8);
          pkt[7] = static_cast<uint8_t>(ts);
          if (::sendto(p->fd, pkt, sizeof(pkt), 0, reinterpret_cast<sockaddr*>(&a), sizeof(a)) ==
              static_cast<ssize_t>(sizeof(pkt))) {
            sent.fetch_add(1, std::memory_order_relaxed);
          } else {
            send_errors.fetch_add(1, std::memory_order_relaxed);
          }
        }
      }
    }
  });
  // Phase 1: every customer leg is being analysed at once (the worst case of "AMD on every answer").
  const double cpu_a0 = ThreadCpu("outdial-sip");
  auto ta = std::chrono::steady_clock::now();
  {
    std::unique_lock lock(d.mutex);
    d.cv.wait_for(lock, 20s, [&] { return d.answered >= 2 * n; });
  }
  const double cpa_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - ta).count();
  const double cpa_cpu = ThreadCpu("outdial-sip") - cpu_a0;
  const uint64_t answered = d.answered;
  const uint64_t failed = d.failed;
  // Phase 2: relay only. The window is bounded by pauses of the senders that last until nothing
  // more arrives, so every packet sent in it is either received in it or lost.
  auto received = [&] { return total_received.load(); };
  const auto& counters = d.phones->counters();
  auto settle = [&] {
    paused = true;
    std::this_thread::sleep_for(40ms);  // the tick in progress finishes
    auto state = [&] { return std::make_pair(received(), counters.rtp_packets_received.load()); };
    auto last = state();
    for (int i = 0, quiet = 0; i < 100 && quiet < 3; ++i) {  // 300 ms without a packet anywhere
      std::this_thread::sleep_for(100ms);
      auto now = state();
      quiet = now == last ? quiet + 1 : 0;
      last = now;
    }
  };
  settle();
  const uint64_t in0 = counters.rtp_packets_received.load(), relayed0 = counters.rtp_packets_relayed.load(),
                 dropped0 = counters.rtp_packets_dropped.load();
  const uint64_t rcvbuf_errors0 = UdpRcvbufErrors();
  const uint64_t got0 = received();
  const auto sent0 = sent.load();
  const auto errors0 = send_errors.load();
  const double cpu0 = ThreadCpu("outdial-sip");
  auto t0 = std::chrono::steady_clock::now();
  measuring_delay = true;
  paused = false;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double cpu = ThreadCpu("outdial-sip") - cpu0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  settle();
  const uint64_t out = sent.load() - sent0;
  const uint64_t not_sent = send_errors.load() - errors0;
  const uint64_t got = received() - got0;
  const uint64_t in = counters.rtp_packets_received.load() - in0,
                 relayed = counters.rtp_packets_relayed.load() - relayed0,
                 dropped = counters.rtp_packets_dropped.load() - dropped0;
  const uint64_t rcvbuf_errors = UdpRcvbufErrors() - rcvbuf_errors0;
  const uint64_t relay_late = late.exchange(0);
  const uint32_t relay_max_delay = max_delay_ms.exchange(0);
  // Baseline, same run, same sockets and threads: the phones straight to each other, so that the
  // bench's own delays (its sender and receiver threads on a shared machine) are known.
  const uint64_t base_got0 = received(), base_sent0 = sent.load();
  direct = true;
  paused = false;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  settle();
  const uint64_t base_out = sent.load() - base_sent0, base_got = received() - base_got0;
  stop = true;
  tx.join();
  rx.join();
  std::printf(
      "anchored media: %d bridged calls (%llu/%zu legs answered, %llu failed), CPA on every customer answer\n"
      "  CPA phase: %.1f s wall, libre thread %.1f%% of one core\n"
      "  relay %d s, G.711 20 ms both ways: sent %llu (%.1f%% of the nominal %.0f; %llu sendto errors), "
      "received %llu (loss %.3f%%)\n"
      "  libre thread CPU %.2f s of %.2f s = %.1f%% of one core, %.4f%% per call\n"
      "  (server: %llu packets in, %llu relayed, %llu dropped; kernel UDP receive-buffer drops, all sockets: "
      "%llu)\n"
      "  delay through the server: %llu packets later than %d ms (%.3f%%), the latest %u ms\n"
      "  baseline, phone to phone without the server: sent %llu, received %llu; %llu later than %d ms "
      "(%.3f%%), "
      "the latest %u ms\n",
      calls, static_cast<unsigned long long>(answered), 2 * n, static_cast<unsigned long long>(failed),
      cpa_wall, 100.0 * cpa_cpu / cpa_wall, seconds, static_cast<unsigned long long>(out),
      100.0 * static_cast<double>(out) / (100.0 * static_cast<double>(n) * wall),
      100.0 * static_cast<double>(n) * wall, static_cast<unsigned long long>(not_sent),
      static_cast<unsigned long long>(got),
      out ? 100.0 * static_cast<double>(out - std::min(out, got)) / static_cast<double>(out) : 0.0, cpu, wall,
      100.0 * cpu / wall, 100.0 * cpu / wall / calls, static_cast<unsigned long long>(in),
      static_cast<unsigned long long>(relayed), static_cast<unsigned long long>(dropped),
      static_cast<unsigned long long>(rcvbuf_errors), static_cast<unsigned long long>(relay_late), kLateMs,
      got ? 100.0 * static_cast<double>(relay_late) / static_cast<double>(got) : 0.0, relay_max_delay,
      static_cast<unsigned long long>(base_out), static_cast<unsigned long long>(base_got),
      static_cast<unsigned long long>(late.load()), kLateMs,
      base_got ? 100.0 * static_cast<double>(late.load()) / static_cast<double>(base_got) : 0.0,
      max_delay_ms.load());
  ::close(ep);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "rate";
  int seconds = 5, calls = 100, sip_nice = 0;
  // Up to where sipp itself fails, so that the ratio is not capped by the ramp.
  std::vector<int> rates = {100,  200,  400,  600,  800,  1000, 1500, 2000,
                            2500, 3000, 3500, 4000, 5000, 6000, 8000, 10000};
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--calls") == 0) calls = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--sip-nice") == 0) sip_nice = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--rates") == 0) {
      rates.clear();
      for (const char* p = argv[i + 1]; *p != 0;) {
        rates.push_back(std::atoi(p));
        while (*p != 0 && *p != ',') ++p;
        if (*p == ',') ++p;
      }
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  if (mode == "rate") return RateBench(seconds, rates);
  if (mode == "media") return MediaBench(calls, seconds, sip_nice);
  std::fprintf(stderr, "usage: sip_bench rate|media [--seconds S] [--calls N] [--rates R1,R2,...]\n");
  return 2;
}
