// The SIP driver's wire counters: what crossed the SIP socket and the RTP relay, as monotonic
// atomics (SipCounters), and the pure helpers that classify a datagram or a start line for them.
// Written on libre's thread only (the driver's Stack, WireTap and RTP relay); readable from any
// thread: app/sip_metrics.cc renders them, with SipTelephony::active_legs(), on /metrics as
// outdial_sip_* (docs/sip.md lists them). No libre type appears here, so that the public header
// can include it.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace outdial::telephony {

// SIP methods counted by name in SipCounters (anything else is kOther).
enum class SipMethod {
  kInvite,
  kAck,
  kBye,
  kCancel,
  kOptions,
  kUpdate,
  kInfo,
  kPrack,
  kRefer,
  kNotify,
  kSubscribe,
  kMessage,
  kRegister,
  kPublish,
  kOther
};
inline constexpr size_t kSipMethodCount = 15;
std::string_view ToString(SipMethod method);  // "INVITE", ..., "other"

// Monotonic counters, written on libre's thread, readable from any thread.
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

// Adds one to `counters[index]`; an index out of range is ignored.
template <size_t N>
void Bump(SipCounters::Array<N>& counters, size_t index) {
  if (index < N) counters[index].fetch_add(1, std::memory_order_relaxed);
}

// The method named by the `n` characters at `p` ("INVITE"), kOther when none of ours.
SipMethod MethodOf(const char* p, size_t n);

// Counts one SIP message as libre's trace hook saw it: `tx` sent, else received; `data` is the
// message from its start line (at least 12 bytes).
void CountMessage(SipCounters& counters, bool tx, const uint8_t* data, size_t n);

// Counts a request for no dialog of ours, refused with `status` (0: not answered, an ACK).
void CountUnsolicited(SipCounters& counters, SipMethod method, int status);

// What libre 1.1.0's sip_msg_decode asks of a start line before anything else: "A SP B SP C"
// then a line feed, A = "SIP/2.0" with a numeric B (response) or C = "SIP/2.0" (request).
bool HasSipStartLine(const uint8_t* data, size_t n);

// RFC 5389 STUN (keep-alives on the SIP port): libre answers those itself.
bool LooksLikeStun(const uint8_t* p, size_t n);

}  // namespace outdial::telephony
