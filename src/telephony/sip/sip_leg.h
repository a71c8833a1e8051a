// SipLeg: one call leg of the SIP driver (a reservation call to an agent's station or a customer
// call through the trunk) with everything libre holds for it: the INVITE session, the SDP, the
// leg's own RTP socket, its timers, what the far end negotiated, its bridge peer and its call
// progress analyzer. Owned by the Stack's leg table (stack.h); created, used and freed on libre's
// thread only. Freeing it frees the libre objects, which is how a leg is hung up.
#pragma once

#include <memory>
#include <string>

#include "core/ids.h"
#include "engine/telephony.h"
#include "telephony/media/call_analyzer.h"

extern "C" {
#include <re.h>
}

namespace outdial::telephony {

class SipStack;

enum class Codec { kPcmu, kPcma };

struct SipLeg {
  SipStack* stack = nullptr;
  engine::LegRequest req;
  sipsess* sess = nullptr;
  sdp_session* sdp = nullptr;
  sdp_media* media = nullptr;
  struct rtp_sock* rtp = nullptr;
  tmr no_response{};
  tmr analysis_deadline{};
  sa remote{};
  bool have_remote = false;
  Codec codec = Codec::kPcmu;
  int pt = 0;      // the remote's payload type for `codec`
  int te_pt = -1;  // the remote's telephone-event payload type, -1 when not offered
  core::LegId peer;
  std::string call_id;  // key in SipStack's Call-ID index once the INVITE is out
  bool got_response = false;
  bool ringing_sent = false;
  bool early_media = false;
  bool early_sent = false;
  bool answered = false;
  bool verdict_pending = false;  // answered, CPA running: kAnswered not yet posted
  bool closed = false;
  std::unique_ptr<media::CallAnalyzer> analyzer;

  // Leaves the stack's indexes and frees the libre objects: dereferencing an unfinished session
  // makes libre CANCEL it, an established one BYE (stack.cc).
  ~SipLeg();
};

}  // namespace outdial::telephony
