// WireTap: the SIP driver's view of its SIP socket below libre's transaction layer, for the wire
// counters (wire_counters.h). It owns libre's trace hook (every message libre parsed, both ways),
// a UDP helper on the SIP socket (every datagram before libre parses it: what is not SIP is
// dropped and counted there) and the self-addressed OPTIONS probe that hands us that socket at
// start. Owned by the Stack (stack.h); libre's thread only. One at a time per process: libre's
// trace hook takes no argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "telephony/sip/wire_counters.h"

extern "C" {
#include <re.h>
}

namespace outdial::telephony {

class WireTap {
 public:
  explicit WireTap(SipCounters& counters) : counters_(counters) {}

  // Once the SIP transport is bound to `bound`: installs the trace hook and sends the probe.
  void Start(struct sip* sip, const sa& bound, const std::string& local_hostport);
  // Before the SIP stack is freed: the hook, the helper and our reference on the socket go.
  void Stop();

  // Whether `msg` is our own probe, which has then done its job (it is neither answered nor
  // counted).
  bool TakeProbe(const sip_msg* msg);
  // Attaches the helper (and a 4 MB receive buffer) to the SIP socket the first time a received
  // message names it; later calls cost one compare.
  void Attach(const sip_msg* msg);

 private:
  static void OnTrace(bool tx, enum sip_transp, const sa*, const sa*, const uint8_t* data, size_t n, void*);
  static bool OnSipDatagram(sa*, mbuf* mb, void* arg);
  void SendProbe(const sa& bound, const std::string& local_hostport);
  bool IsProbe(const char* p, size_t n) const;

  static WireTap* trace_self_;  // libre's trace hook has no argument

  SipCounters& counters_;
  udp_sock* sip_udp_ = nullptr;       // the SIP transport's socket (a reference of ours)
  udp_helper* sip_helper_ = nullptr;  // OnSipDatagram on it
  bool awaiting_trace_ = false;       // OnSipDatagram passed a datagram on that OnTrace has not seen
  bool probe_pending_ = false;
  std::string probe_call_id_;
};

}  // namespace outdial::telephony
