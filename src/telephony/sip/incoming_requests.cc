// SipStack's handling of requests that reach us rather than answer us: those in one of our
// dialogs that sipsess does not take (UPDATE, OPTIONS), and everything that is for no dialog of
// ours, answered and counted here (docs/sip.md "Stray traffic"). outdial only dials out.
#include <string>

#include "telephony/sip/rtp_relay.h"
#include "telephony/sip/stack.h"

namespace outdial::telephony {

namespace {

SipMethod MethodOf(const pl& method) {
  return outdial::telephony::MethodOf(method.p, method.l);
}

}  // namespace

// OnRequest refuses out-of-dialog INVITEs before sipsess sees them; this is what sipsess
// insists on having, kept right in case a request gets past it.
void SipStack::OnIncomingInvite(const sip_msg* msg, void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  CountUnsolicited(*self->counters_, MethodOf(msg->met), 603);
  (void)sip_treply(nullptr, self->sip_, msg, 603, "Decline");
}

// The live leg whose dialog `msg` is in: one hash lookup by Call-ID, then libre's full check
// (Call-ID and both tags).
SipLeg* SipStack::FindByDialog(const sip_msg* msg) {
  if (by_call_id_.empty() || !pl_isset(&msg->callid)) return nullptr;
  auto it = by_call_id_.find(std::string(msg->callid.p, msg->callid.l));
  if (it == by_call_id_.end()) return nullptr;
  SipLeg* leg = it->second;
  if (leg->sess == nullptr || leg->closed || !sip_dialog_cmp(sipsess_dialog(leg->sess), msg)) return nullptr;
  return leg;
}

// Refuses (and counts) a request that is for no dialog of ours.
void SipStack::RefuseUnsolicited(const sip_msg* msg) {
  const SipMethod method = MethodOf(msg->met);
  if (pl_strcmp(&msg->met, "ACK") == 0) {
    CountUnsolicited(*counters_, method, 0);  // never answered
  } else if (pl_strcmp(&msg->met, "INVITE") == 0 && !pl_isset(&msg->to.tag)) {
    CountUnsolicited(*counters_, method, 603);  // outdial only dials out
    (void)sip_treply(nullptr, sip_, msg, 603, "Decline");
  } else if (pl_isset(&msg->to.tag) || pl_strcmp(&msg->met, "BYE") == 0 ||
             pl_strcmp(&msg->met, "CANCEL") == 0) {
    CountUnsolicited(*counters_, method, 481);
    (void)sip_treply(nullptr, sip_, msg, 481, "Call/Transaction Does Not Exist");
  } else {
    CountUnsolicited(*counters_, method, 405);
    (void)sip_treply(nullptr, sip_, msg, 405, "Method Not Allowed");
  }
}

// First of our listeners, before sipsess's: requests in one of our dialogs go on to sipsess
// (BYE, re-INVITE, ACK, INFO) and then OnOtherRequest (UPDATE); everything else ends here.
bool SipStack::OnRequest(const sip_msg* msg, void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  self->tap_.Attach(msg);
  if (self->tap_.TakeProbe(msg)) return true;  // our own datagram: it has done its job
  if (pl_casecmp(&msg->cseq.met, &msg->met) != 0) {
    // Parsed, but contradicts itself (libre 1.1.0 does not check this): refused and counted.
    ++self->counters_->malformed_messages;
    (void)sip_treply(nullptr, self->sip_, msg, 400, "Bad Request");
    return true;
  }
  if (self->FindByDialog(msg) != nullptr) return false;
  if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
    self->AnswerOptions(msg);
    return true;
  }
  self->RefuseUnsolicited(msg);
  return true;
}

void SipStack::AnswerOptions(const sip_msg* msg) {
  ++counters_->options_answered;
  (void)sip_treplyf(nullptr, nullptr, sip_, msg, false, 200, "OK",
                    "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE\r\nContent-Length: 0\r\n\r\n");
}

// Requests in our dialogs that sipsess did not take.
bool SipStack::OnOtherRequest(const sip_msg* msg, void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  SipLeg* leg = self->FindByDialog(msg);
  if (leg != nullptr && pl_strcmp(&msg->met, "OPTIONS") == 0) {
    self->AnswerOptions(msg);
    return true;
  }
  if (leg != nullptr && pl_strcmp(&msg->met, "UPDATE") == 0) {
    self->AnswerUpdate(*leg, msg);
    return true;
  }
  // In a dialog of ours but not a method we take (MESSAGE, NOTIFY, ...): 405.
  self->RefuseUnsolicited(msg);
  return true;
}

// Session-timer refreshes (RFC 4028) often come as UPDATE, which libre 1.1.0's sipsess does not
// handle: answered for our dialogs, with an SDP answer when it carried an offer.
void SipStack::AnswerUpdate(SipLeg& leg, const sip_msg* msg) {
  ++counters_->updates_answered;
  if (HasSdp(msg) && sdp_decode(leg.sdp, msg->mb, true) == 0) {
    ApplyRemoteSdp(leg);
    mbuf* desc = nullptr;
    if (sdp_encode(&desc, leg.sdp, false) == 0) {
      (void)sip_treplyf(nullptr, nullptr, sip_, msg, true, 200, "OK",
                        "Contact: <sip:outdial@%s>\r\nContent-Type: application/sdp\r\n"
                        "Content-Length: %zu\r\n\r\n%b",
                        local_hostport_.c_str(), mbuf_get_left(desc), mbuf_buf(desc), mbuf_get_left(desc));
      mem_deref(desc);
      return;
    }
  }
  (void)sip_treplyf(nullptr, nullptr, sip_, msg, true, 200, "OK",
                    "Contact: <sip:outdial@%s>\r\nContent-Length: 0\r\n\r\n", local_hostport_.c_str());
}

// A response no transaction claims (late retransmission, spoofed): dropped and counted.
bool SipStack::OnStrayResponse(const sip_msg* msg, void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  self->tap_.Attach(msg);
  ++self->counters_->stray_responses;
  return true;
}

}  // namespace outdial::telephony
