// SipTelephony: the `sip` telephony driver (PRODUCT.md §9, API.md `[telephony.sip]`). A SIP user
// agent on libre 1.1.0 that places reservation calls to agents' SIP stations and customer calls
// through the trunk, anchors RTP (every leg has its own RTP socket on the server; the customer
// leg is bridged to its agent leg through it, G.711 µ-law/A-law transcoded when the two sides
// chose differently, RFC 4733 events passed on) and runs call progress analysis on the
// customer's audio (media/call_analyzer.h).
//
// Ownership and threading: the object owns one thread that runs libre's `re_main`; every libre
// object is created, used and freed on that thread only. Originate/Hangup/AnswerStation/
// SetListener are called on the engine thread; they only push commands into libre's mqueue.
// LegEvents come back through the injected `post_to_engine` function and are delivered to the
// listener on the engine thread. Counters may be read from any thread. One SipTelephony per
// process at a time (libre keeps its main loop in process-wide state).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/result.h"
#include "engine/telephony.h"

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

// SIP methods counted by name in SipCounters (anything else is kOther).
enum class SipMethod { kInvite, kAck, kBye, kCancel, kOptions, kUpdate, kInfo, kPrack, kRefer, kNotify,
                       kSubscribe, kMessage, kRegister, kPublish, kOther };
inline constexpr size_t kSipMethodCount = 15;
std::string_view ToString(SipMethod method);  // "INVITE", ..., "other"

// Monotonic counters, written on libre's thread, readable from any thread; app/sip_metrics.cc
// renders them (and active_legs()) on /metrics as outdial_sip_* (docs/sip.md lists them).
struct SipCounters {
  template <size_t N>
  using Array = std::array<std::atomic<uint64_t>, N>;

  // Every SIP message libre parsed, retransmissions included: requests by method, responses by
  // class (index 1..6 = 1xx..6xx). And what we sent, as the transport saw it (retransmissions
  // included): requests by method, responses by status code (100..699, index code - 100).
  Array<kSipMethodCount> requests_received{};
  Array<7> responses_received{};
  Array<kSipMethodCount> requests_sent{};
  Array<600> responses_sent{};
  std::atomic<uint64_t> sip_messages_received{0};

  std::atomic<uint64_t> invites_sent{0};  // new INVITE transactions (not retransmissions)
  // The final response that ended each INVITE we sent, by status code (index code - 100): 2xx
  // answers and the failures; legs with no final response count in invite_timeouts instead.
  Array<600> invite_final_responses{};
  // INVITEs that got no final response: no response at all within invite_timeout_ms, or the
  // transaction timed out in libre (Timer B, retransmissions unanswered).
  std::atomic<uint64_t> invite_timeouts{0};
  std::atomic<uint64_t> legs_answered{0};
  std::atomic<uint64_t> legs_failed{0};
  std::atomic<uint64_t> legs_ended_remote{0};
  std::atomic<uint64_t> cancels_sent{0};
  std::atomic<uint64_t> byes_sent{0};
  std::atomic<uint64_t> reinvites_answered{0};
  std::atomic<uint64_t> updates_answered{0};
  std::atomic<uint64_t> options_answered{0};

  // Requests outside any dialog of ours that we refuse: out-of-dialog INVITE 603, a request naming
  // a dialog we do not have (BYE, re-INVITE, INFO, ... with a To tag, or a BYE/CANCEL) 481, any
  // other method 405; an ACK is never answered. `unsolicited_requests` is their total;
  // `unsolicited_by_status` splits it by the status answered (index 0: not answered), and
  // `unsolicited_by_method` by method.
  std::atomic<uint64_t> unsolicited_requests{0};
  Array<4> unsolicited_by_status{};  // 0: none (ACK), 1: 405, 2: 481, 3: 603
  Array<kSipMethodCount> unsolicited_by_method{};
  // Responses no transaction of ours claims (late retransmissions, spoofed): dropped.
  std::atomic<uint64_t> stray_responses{0};
  // Parsed but self-contradictory requests (CSeq method differs from the request's), refused 400.
  std::atomic<uint64_t> malformed_messages{0};
  // Datagrams on the SIP socket that are not SIP at all (no SIP start line), or that libre could
  // not parse (counted when the next datagram arrives): dropped without an answer.
  std::atomic<uint64_t> malformed_dropped{0};

  std::atomic<uint64_t> rtp_packets_received{0};
  std::atomic<uint64_t> rtp_packets_relayed{0};
  std::atomic<uint64_t> rtp_packets_transcoded{0};
  std::atomic<uint64_t> rtp_packets_dropped{0};  // no peer yet, media not open, unknown payload
  std::atomic<uint64_t> rtp_packets_foreign{0};  // from a host the leg did not negotiate with: dropped
  std::atomic<uint64_t> dtmf_events_relayed{0};
  std::atomic<uint64_t> cpa_verdicts{0};
  Array<5> cpa_verdicts_by_kind{};  // index: media::VerdictKind (human, machine, fax, sit, not_sure)
};

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

  class Stack;  // libre-thread side, in the .cc
  struct EngineSide;

 private:
  SipConfig config_;
  std::shared_ptr<EngineSide> engine_side_;
  std::shared_ptr<SipCounters> counters_;
  std::shared_ptr<std::atomic<uint64_t>> active_legs_;
  struct RtpPorts;
  std::shared_ptr<RtpPorts> rtp_ports_;
  PostFn post_;
  std::unique_ptr<Stack> stack_;
  std::thread thread_;
  std::atomic<uint16_t> sip_port_{0};
  bool started_ = false;
};

}  // namespace outdial::telephony
