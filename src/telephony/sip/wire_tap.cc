#include "telephony/sip/wire_tap.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

namespace outdial::telephony {

WireTap* WireTap::trace_self_ = nullptr;

void WireTap::Start(struct sip* sip, const sa& bound, const std::string& local_hostport) {
  sip_set_trace_handler(sip, &WireTap::OnTrace);
  trace_self_ = this;
  SendProbe(bound, local_hostport);
}

void WireTap::Stop() {
  trace_self_ = nullptr;
  // The helper first: the socket's destructor would free it under us.
  sip_helper_ = static_cast<udp_helper*>(mem_deref(sip_helper_));
  sip_udp_ = static_cast<udp_sock*>(mem_deref(sip_udp_));
}

bool WireTap::TakeProbe(const sip_msg* msg) {
  if (!probe_pending_ || pl_strcmp(&msg->callid, probe_call_id_.c_str()) != 0) return false;
  probe_pending_ = false;
  return true;
}

// Every message libre could parse passes here, both ways, before any listener.
void WireTap::OnTrace(bool tx, enum sip_transp, const sa*, const sa*, const uint8_t* data, size_t n, void*) {
  WireTap* self = trace_self_;
  if (self == nullptr || n < 12) return;
  if (!tx) {
    self->awaiting_trace_ = false;  // the datagram OnSipDatagram saw did parse
    if (self->probe_pending_ && self->IsProbe(reinterpret_cast<const char*>(data), n)) return;
  }
  CountMessage(self->counters_, tx, data, n);
}

// Datagrams on the SIP socket before libre parses them (a UDP helper): what is not SIP at all
// is dropped here and counted; what looks like SIP but libre then fails to parse never reaches
// OnTrace, which the next datagram notices.
bool WireTap::OnSipDatagram(sa*, mbuf* mb, void* arg) {
  auto* self = static_cast<WireTap*>(arg);
  const uint8_t* p = mbuf_buf(mb);
  const size_t n = mbuf_get_left(mb);
  if (self->awaiting_trace_) ++self->counters_.malformed_dropped;
  self->awaiting_trace_ = false;
  if (n <= 4 || LooksLikeStun(p, n)) return false;  // CRLF keep-alives, STUN: libre's
  if (!HasSipStartLine(p, n)) {
    ++self->counters_.malformed_dropped;
    return true;  // consumed: libre would only print a decode error
  }
  self->awaiting_trace_ = true;
  return false;
}

// libre 1.1.0 gives no handle on the SIP transport's UDP socket except as the `sock` of a message
// received on it. SendProbe sends the first such message to ourselves, so that the helper and
// the larger buffer are in place before any real traffic.
void WireTap::SendProbe(const sa& bound, const std::string& local_hostport) {
  probe_call_id_ = fmt::format("outdial-probe-{:016x}", rand_u64());
  std::string m = fmt::format(
      "OPTIONS sip:probe@{0} SIP/2.0\r\nVia: SIP/2.0/UDP {0};branch=z9hG4bK{1}\r\n"
      "From: <sip:probe@{0}>;tag=probe\r\nTo: <sip:probe@{0}>\r\nCall-ID: {1}\r\nCSeq: 1 OPTIONS\r\n"
      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
      local_hostport, probe_call_id_);
  int fd = ::socket(bound.u.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  probe_pending_ =
      ::sendto(fd, m.data(), m.size(), 0, &bound.u.sa, bound.len) == static_cast<ssize_t>(m.size());
  ::close(fd);
}

bool WireTap::IsProbe(const char* p, size_t n) const {
  return memmem(p, n, probe_call_id_.data(), probe_call_id_.size()) != nullptr;
}

void WireTap::Attach(const sip_msg* msg) {
  if (sip_udp_ != nullptr || msg == nullptr || msg->tp != SIP_TRANSP_UDP || msg->sock == nullptr) return;
  sip_udp_ = static_cast<udp_sock*>(mem_ref(msg->sock));
  // At a few hundred calls per second the default receive buffer overflows in bursts and
  // answers are lost.
  (void)udp_sockbuf_set(sip_udp_, 4 << 20);
  (void)udp_register_helper(&sip_helper_, sip_udp_, 0, nullptr, &WireTap::OnSipDatagram, this);
}

}  // namespace outdial::telephony
