// SipStack's INVITE dialogs, the ones we start: the INVITE with its SDP offer, the responses to
// it (provisional, 2xx, failures, none at all), re-INVITEs within it, digest auth towards the
// trunk, and the far end's BYE. Our own BYE/CANCEL is libre's, when the leg is freed (stack.cc).
#include <cerrno>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "telephony/sip/rtp_relay.h"
#include "telephony/sip/stack.h"

namespace outdial::telephony {

using engine::LegEventKind;
using engine::LegKind;

namespace {

bool ValidNumber(const std::string& number) {
  if (number.empty() || number.size() > 32) return false;
  for (size_t i = 0; i < number.size(); ++i) {
    char c = number[i];
    bool ok = (c >= '0' && c <= '9') || c == '*' || c == '#' || (c == '+' && i == 0);
    if (!ok) return false;
  }
  return true;
}

// A station must be a plain SIP URI: no spaces, brackets or header injection.
bool ValidSipUri(const std::string& uri) {
  if (uri.rfind("sip:", 0) != 0 || uri.size() < 6 || uri.size() > 256) return false;
  for (char c : uri) {
    if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

bool HasSdp(const sip_msg* msg) {
  return msg != nullptr && mbuf_get_left(msg->mb) > 0 && msg_ctype_cmp(&msg->ctyp, "application", "sdp");
}

void SipStack::DoOriginate(const engine::LegRequest& req) {
  auto owned = std::make_unique<SipLeg>();
  SipLeg* leg = owned.get();
  leg->stack = this;
  leg->req = req;
  tmr_init(&leg->no_response);
  tmr_init(&leg->analysis_deadline);
  const uint64_t id = req.leg.value;
  if (stopping_ || legs_.count(id) != 0) return;

  std::string to_uri;
  std::string from_uri;
  if (std::optional<int> bad = Address(req, to_uri, from_uri)) {
    FailUnsent(req.leg, *bad);
    return;
  }

  // The leg's own RTP socket and the SDP offer on it.
  if (!AnchorMedia(*leg, rtp_ip_, config_.rtp_port_min, config_.rtp_port_max, *ports_)) {
    FailUnsent(req.leg, 0);  // no RTP port left: nothing was sent
    return;
  }
  mbuf* desc = nullptr;
  if (sdp_encode(&desc, leg->sdp, true) != 0) {
    FailUnsent(req.leg, 0);
    return;
  }

  // The INVITE.
  int err = sipsess_connect(&leg->sess, sock_, to_uri.c_str(), nullptr, from_uri.c_str(), "outdial", nullptr,
                            0, "application/sdp", desc, &SipStack::OnAuth, this, false, &SipStack::OnOffer,
                            &SipStack::OnAnswer, &SipStack::OnProgress, &SipStack::OnEstablished, nullptr,
                            nullptr, &SipStack::OnClose, leg, nullptr);
  mem_deref(desc);
  if (err != 0) {
    leg->sess = nullptr;
    FailUnsent(req.leg, 0);
    return;
  }
  ++counters_->invites_sent;
  if (const char* call_id = sip_dialog_callid(sipsess_dialog(leg->sess)); call_id != nullptr) {
    leg->call_id = call_id;
    by_call_id_[leg->call_id] = leg;
  }
  tmr_start(&leg->no_response, static_cast<uint64_t>(config_.invite_timeout_ms), &SipStack::OnNoResponse,
            leg);
  // Into the table; a customer leg is bridged with its agent leg when that one is still there.
  if (req.kind == LegKind::kCustomer && req.bridge_with.valid()) {
    if (auto it = legs_.find(req.bridge_with.value); it != legs_.end()) {
      leg->peer = req.bridge_with;
      it->second->peer = req.leg;
    }
  }
  legs_.emplace(id, std::move(owned));
  active_->store(legs_.size());
}

// Where to: a station's own URI, or the number at the trunk with the campaign's caller id. A
// destination we may not dial gives the code its leg fails with, unsent.
std::optional<int> SipStack::Address(const engine::LegRequest& req, std::string& to_uri,
                                     std::string& from_uri) const {
  std::string from_user = "outdial";
  if (req.kind == LegKind::kAgentStation) {
    if (!ValidSipUri(req.destination)) return 0;
    to_uri = req.destination;
  } else {
    if (!ValidNumber(req.destination)) return 484;  // Address Incomplete: what a trunk answers to it
    to_uri = fmt::format("sip:{}@{}", req.destination, trunk_hostport_);
    if (ValidNumber(req.caller_id)) from_user = req.caller_id;
  }
  from_uri = fmt::format("sip:{}@{}", from_user, local_hostport_);
  return std::nullopt;
}

// A leg that failed before anything was sent (it was never in the leg table).
void SipStack::FailUnsent(core::LegId leg, int sip_code) {
  ReportFailed(leg, Event(LegEventKind::kFailed, sip_code));
}

int SipStack::OnAuth(char** user, char** pass, const char*, void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  if (self->config_.username.empty()) return EAUTH;
  int err = str_dup(user, self->config_.username.c_str());
  err |= str_dup(pass, self->config_.password.c_str());
  return err;
}

void SipStack::OnNoResponse(void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  SipStack* self = leg->stack;
  if (leg->got_response || leg->closed) return;
  ++self->counters_->invite_timeouts;
  self->End(*leg, LegEnd::kFailed, Event(LegEventKind::kFailed, 0));
}

// A provisional or 2xx response to the leg's INVITE (`arg`): the no-response timer stops.
SipLeg* SipStack::Responded(const sip_msg* msg, void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  leg->stack->tap_.Attach(msg);  // if the probe did not come back
  leg->got_response = true;
  tmr_cancel(&leg->no_response);
  return leg;
}

void SipStack::OnProgress(const sip_msg* msg, void* arg) {
  SipLeg* leg = Responded(msg, arg);
  SipStack* self = leg->stack;
  if (leg->closed || leg->answered || msg->scode <= 100) return;
  bool sdp = HasSdp(msg) && sdp_decode(leg->sdp, msg->mb, false) == 0;
  if (sdp) {
    ApplyRemoteSdp(*leg);
    leg->early_media = leg->have_remote;
    if (leg->early_media) self->StartEarlyAnalysis(*leg);
  }
  if (!leg->ringing_sent) {
    leg->ringing_sent = true;
    self->Post(leg->req.leg, Event(LegEventKind::kRinging, msg->scode), false);
  }
  if (leg->early_media && !leg->early_sent) {
    leg->early_sent = true;
    self->Post(leg->req.leg, Event(LegEventKind::kEarlyMedia, msg->scode), false);
  }
}

int SipStack::OnAnswer(const sip_msg* msg, void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  leg->got_response = true;
  if (!HasSdp(msg)) return 0;
  if (int err = sdp_decode(leg->sdp, msg->mb, false); err != 0) return err;
  ApplyRemoteSdp(*leg);
  return 0;
}

// A re-INVITE (hold, codec change, session-timer refresh): answered from the same RTP socket.
int SipStack::OnOffer(mbuf** descp, const sip_msg* msg, void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  bool offer = HasSdp(msg);
  if (offer) {
    if (int err = sdp_decode(leg->sdp, msg->mb, true); err != 0) return err;
    ApplyRemoteSdp(*leg);
  }
  ++leg->stack->counters_->reinvites_answered;
  return sdp_encode(descp, leg->sdp, !offer);
}

void SipStack::OnEstablished(const sip_msg* msg, void* arg) {
  SipLeg* leg = Responded(msg, arg);
  SipStack* self = leg->stack;
  if (leg->closed || leg->answered) return;
  leg->answered = true;
  ++self->counters_->legs_answered;
  if (msg != nullptr && msg->scode >= 200 && msg->scode < 300) {
    Bump(self->counters_->invite_final_responses, static_cast<size_t>(msg->scode - 100));
  }
  // The answer is reported at once (API.md `answered_at`); with CPA its verdict follows
  // (call_progress.cc).
  self->ReportAnswered(*leg);
  self->StartAnswerAnalysis(*leg);
}

// The session is over: a final failure response, Timer B, or the far end's BYE.
void SipStack::OnClose(int err, const sip_msg* msg, void* arg) {
  auto* leg = static_cast<SipLeg*>(arg);
  SipStack* self = leg->stack;
  if (leg->closed) return;
  if (!leg->answered) {
    int code = (msg != nullptr && !msg->req && msg->scode >= 300) ? msg->scode : 0;
    if (code >= 300 && code <= 699) {
      Bump(self->counters_->invite_final_responses, static_cast<size_t>(code - 100));
    }
    if (code == 0 && err == ETIMEDOUT) ++self->counters_->invite_timeouts;
    self->End(*leg, LegEnd::kFailed, Event(LegEventKind::kFailed, code));
    return;
  }
  self->FinishAnalysis(*leg);  // a verdict first (SIT fails and ends the leg: End then does nothing)
  self->End(*leg, LegEnd::kEndedRemote);
}

}  // namespace outdial::telephony
