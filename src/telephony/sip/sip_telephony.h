// SipTelephony: the `sip` telephony driver (PRODUCT.md §9, API.md `[telephony.sip]`). A SIP user
// agent on libre 1.1.0 that places reservation calls to agents' SIP stations and customer calls
// through the trunk, anchors RTP (every leg has its own RTP socket on the server; the customer
// leg is bridged to its agent leg through it, G.711 µ-law/A-law transcoded when the two sides
// chose differently, RFC 4733 events passed on) and runs call progress analysis on the
// customer's audio (media/call_analyzer.h). This class is the thin front that implements the
// engine's port; the work is SipStack's (stack.h lists its parts).
//
// Ownership and threading: the object owns one thread that runs libre's `re_main`; every libre
// object is created, used and freed on that thread only. Originate/Hangup/AnswerStation/
// SetListener are called on the engine thread; they only push commands into libre's mqueue.
// LegEvents come back through the injected `post_to_engine` function and are delivered to the
// listener on the engine thread. Counters may be read from any thread. One SipTelephony per
// process at a time (libre keeps its main loop in process-wide state).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/result.h"
#include "engine/telephony.h"
#include "telephony/sip/wire_counters.h"  // SipCounters, SipMethod

namespace outdial::telephony {

struct SipConfig {
  std::string listen = "127.0.0.1:5060";  // local SIP address (UDP); port 0 picks a free one
  uint16_t rtp_port_min = 20000;          // local RTP port range for anchored media
  uint16_t rtp_port_max = 20999;
  std::string trunk = "sip:127.0.0.1:5070";  // customer calls: INVITE sip:<number>@<trunk host:port>
  std::string username;                      // digest credentials towards the trunk (optional)
  std::string password;
  // No response at all to an INVITE (not even 100 Trying) within this time: the leg fails with
  // sip_code 0 (NETWORK_ERROR), as SIP's own transaction timeout (Timer B, 64·T1) would.
  int64_t invite_timeout_ms = 32'000;
  std::string user_agent = "outdial";
};

// Parses "20000-20999" into the two ports of `config` (even, ascending, at least 2 ports).
core::Result<void> ParseRtpPortRange(const std::string& text, SipConfig& config);

class SipStack;  // libre's thread (stack.h)
struct SipEngineSide;
struct SipRtpPorts;

class SipTelephony final : public engine::Telephony {
 public:
  using PostFn = std::function<void(std::function<void()>)>;

  // `post_to_engine` runs a task on the engine thread (EngineLoop::Post in the server).
  SipTelephony(SipConfig config, PostFn post_to_engine);
  ~SipTelephony() override;  // Stop()s
  SipTelephony(const SipTelephony&) = delete;
  SipTelephony& operator=(const SipTelephony&) = delete;

  // Binds the SIP socket and starts libre's thread. Errors: bad addresses, port in use.
  core::Result<void> Start();
  // Hangs up every leg (BYE/CANCEL), waits briefly for the transactions and joins the thread.
  // No event is delivered after Stop returns.
  void Stop();

  void SetListener(engine::TelephonyListener* listener) override;
  void Originate(const engine::LegRequest& request) override;
  void Hangup(core::LegId leg) override;
  // SIP stations are answered on the phone itself.
  bool AnswerStation(core::LegId leg) override;

  // The bound SIP port (after Start), e.g. when `listen` asked for port 0.
  uint16_t sip_port() const { return sip_port_.load(); }
  const SipCounters& counters() const { return *counters_; }
  // Legs alive on libre's thread (for tests and /metrics).
  uint64_t active_legs() const { return active_legs_->load(); }
  // The server's RTP port of a leg while it exists (tests, diagnostics); 0 when unknown.
  uint16_t LocalRtpPort(core::LegId leg) const;

 private:
  SipConfig config_;
  std::shared_ptr<SipEngineSide> engine_side_;
  std::shared_ptr<SipCounters> counters_;
  std::shared_ptr<std::atomic<uint64_t>> active_legs_;
  std::shared_ptr<SipRtpPorts> rtp_ports_;
  PostFn post_;
  std::unique_ptr<SipStack> stack_;
  std::thread thread_;
  std::atomic<uint16_t> sip_port_{0};
  bool started_ = false;
};

}  // namespace outdial::telephony
