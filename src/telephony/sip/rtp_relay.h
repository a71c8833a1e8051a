// The SIP driver's media: anchoring (each leg gets its own RTP socket on the server and offers
// PCMU, PCMA and telephone-event on it), what the far end's SDP chose, and the relay that sends
// a leg's RTP on out of its peer's socket, G.711 A-law/µ-law transcoded in place when the two
// sides chose differently, RFC 4733 events passed on, RTP from a host the leg did not negotiate
// with dropped. Free functions over SipLeg (sip_leg.h); libre's thread only. RelayRtp is the hot
// path (docs/sip.md, bench_sip media): no allocation, lock or virtual call per packet.
#pragma once

#include <cstdint>

#include "telephony/sip/sip_leg.h"
#include "telephony/sip/stack.h"

extern "C" {
#include <re.h>
}

namespace outdial::telephony {

// Binds the leg's RTP socket on `ip` in [port_min, port_max] (RelayRtp as its handler), records
// its port in `ports` and builds the leg's SDP offer. False when no port is left or libre fails;
// the leg's destructor frees what was made.
bool AnchorMedia(SipLeg& leg, const sa& ip, uint16_t port_min, uint16_t port_max, SipRtpPorts& ports);

// After an SDP from the far end was decoded into `leg.sdp`: the codec it put first of ours (µ-law
// when it offers both in another order), its payload types and its RTP address.
void ApplyRemoteSdp(SipLeg& leg);

// Whether audio received on `from` goes on to `to`.
bool MediaOpen(const SipLeg& from, const SipLeg& to);

// libre's RTP receive handler of every leg's socket; `arg` is the SipLeg.
void RelayRtp(const sa* src, const rtp_header* hdr, mbuf* mb, void* arg);

}  // namespace outdial::telephony
