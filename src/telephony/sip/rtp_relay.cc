#include "telephony/sip/rtp_relay.h"

#include <netinet/in.h>

#include <mutex>
#include <optional>

#include "telephony/media/g711.h"

namespace outdial::telephony {

using engine::LegKind;

bool AnchorMedia(SipLeg& leg, const sa& ip, uint16_t port_min, uint16_t port_max, SipRtpPorts& ports) {
  if (rtp_listen(&leg.rtp, IPPROTO_UDP, &ip, port_min, port_max, true, &RelayRtp, nullptr, &leg) != 0) {
    return false;
  }
  {
    std::lock_guard lock(ports.mutex);
    ports.by_leg[leg.req.leg.value] = sa_port(rtp_local(leg.rtp));
  }
  return sdp_session_alloc(&leg.sdp, rtp_local(leg.rtp)) == 0 &&
         sdp_media_add(&leg.media, leg.sdp, "audio", sa_port(rtp_local(leg.rtp)), "RTP/AVP") == 0 &&
         sdp_format_add(nullptr, leg.media, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr, false,
                        nullptr) == 0 &&
         sdp_format_add(nullptr, leg.media, false, "8", "PCMA", 8000, 1, nullptr, nullptr, nullptr, false,
                        nullptr) == 0 &&
         sdp_format_add(nullptr, leg.media, false, "101", "telephone-event", 8000, 1, nullptr, nullptr,
                        nullptr, false, "0-15") == 0;
}

void ApplyRemoteSdp(SipLeg& leg) {
  const sdp_format* pcmu = sdp_media_rformat(leg.media, "PCMU");
  const sdp_format* pcma = sdp_media_rformat(leg.media, "PCMA");
  const sdp_format* first = sdp_media_rformat(leg.media, nullptr);
  // A-law when the far end put it first, else µ-law when it has it at all, else A-law.
  const sdp_format* chosen = (pcmu != nullptr && first != pcma) ? pcmu : pcma;
  if (chosen != nullptr) {
    leg.codec = chosen == pcma ? Codec::kPcma : Codec::kPcmu;
    leg.pt = chosen->pt;
  }
  const sdp_format* te = sdp_media_rformat(leg.media, "telephone-event");
  leg.te_pt = te != nullptr ? te->pt : -1;
  const sa* raddr = sdp_media_raddr(leg.media);
  if (raddr != nullptr && sa_isset(raddr, SA_ALL)) {
    leg.remote = *raddr;
    leg.have_remote = true;
  }
}

// Before the customer answers only its early media reaches the agent (Direct Preview, Preview);
// while CPA listens the two sides are kept apart, so the verdict is about the customer alone and
// the agent does not hear half a greeting.
bool MediaOpen(const SipLeg& from, const SipLeg& to) {
  const SipLeg& customer = from.req.kind == LegKind::kCustomer ? from : to;
  if (customer.req.kind != LegKind::kCustomer) return from.answered && to.answered;
  if (customer.verdict_pending) return false;
  if (customer.answered) return true;
  return &from == &customer && customer.early_media && customer.req.early_media_to_agent;
}

void RelayRtp(const sa* src, const rtp_header* hdr, mbuf* mb, void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  SipStack* stack = leg->stack;
  SipCounters& c = stack->counters();
  ++c.rtp_packets_received;
  if (leg->closed) return;
  // Only the host the leg negotiated with may feed it: RTP from anywhere else (a scanner, an
  // injection attempt) is neither analysed nor relayed. The port is not compared, so a remote
  // that sends from another port than it receives on (common behind NAT) still works.
  if (leg->have_remote && !sa_cmp(src, &leg->remote, SA_ADDR)) {
    ++c.rtp_packets_foreign;
    return;
  }
  const bool dtmf = leg->te_pt >= 0 && hdr->pt == leg->te_pt;
  std::optional<Codec> codec;
  if (hdr->pt == 0) codec = Codec::kPcmu;
  if (hdr->pt == 8) codec = Codec::kPcma;
  uint8_t* payload = mbuf_buf(mb);
  const size_t n = mbuf_get_left(mb);
  if (codec && leg->analyzer != nullptr && (leg->verdict_pending || !leg->answered)) {
    stack->AnalyzeAudio(*leg, *codec, payload, n);
    if (leg->closed) return;  // a SIT verdict failed the leg
  }
  SipLeg* peer = stack->Peer(*leg);
  if (peer == nullptr || !peer->have_remote || !MediaOpen(*leg, *peer)) {
    ++c.rtp_packets_dropped;
    return;
  }
  int out_pt = 0;
  if (dtmf) {
    if (peer->te_pt < 0) {
      ++c.rtp_packets_dropped;
      return;
    }
    out_pt = peer->te_pt;
    ++c.dtmf_events_relayed;
  } else if (codec) {
    out_pt = peer->pt;
    if (*codec != peer->codec) {
      media::TranscodeG711(*codec == Codec::kPcma, payload, n);
      ++c.rtp_packets_transcoded;
    }
  } else {
    ++c.rtp_packets_dropped;
    return;
  }
  if (rtp_send(peer->rtp, &peer->remote, false, hdr->m, static_cast<uint8_t>(out_pt), hdr->ts, mb) == 0) {
    ++c.rtp_packets_relayed;
  } else {
    ++c.rtp_packets_dropped;
  }
}

}  // namespace outdial::telephony
