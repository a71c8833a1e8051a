#include "telephony/sip/sip_telephony.h"

#include <netinet/in.h>
#include <pthread.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "telephony/media/call_analyzer.h"
#include "telephony/media/g711.h"

extern "C" {
#include <re.h>
}

namespace outdial::telephony {

using engine::LegEvent;
using engine::LegEventKind;
using engine::LegKind;

core::Result<void> ParseRtpPortRange(const std::string& text, SipConfig& config) {
  auto bad = [] {
    return core::Error{core::ErrorCode::kValidationFailed,
                       "The configuration is not valid.",
                       {{"telephony.sip.rtp_ports", "must be \"MIN-MAX\" with 1024 <= MIN < MAX <= 65535"}}};
  };
  size_t dash = text.find('-');
  if (dash == std::string::npos) return bad();
  unsigned long lo = 0, hi = 0;
  try {
    size_t used = 0;
    lo = std::stoul(text.substr(0, dash), &used);
    if (used != dash) return bad();
    std::string rest = text.substr(dash + 1);
    hi = std::stoul(rest, &used);
    if (used != rest.size()) return bad();
  } catch (const std::exception&) {
    return bad();
  }
  if (lo < 1024 || hi > 65535 || lo + 1 >= hi) return bad();
  config.rtp_port_min = static_cast<uint16_t>(lo);
  config.rtp_port_max = static_cast<uint16_t>(hi);
  return core::Ok{};
}

// Engine-thread side: the listener and the legs the engine still cares about. Shared with the
// tasks posted from libre's thread, so that a task outliving the driver finds `closed` set.
struct SipTelephony::RtpPorts {
  std::mutex mutex;
  std::unordered_map<uint64_t, uint16_t> by_leg;
};

struct SipTelephony::EngineSide {
  engine::TelephonyListener* listener = nullptr;
  std::unordered_set<uint64_t> live;  // originated, not hung up by the engine, no final event yet
  std::atomic<bool> closed{false};
};

namespace {

enum class Codec { kPcmu, kPcma };

struct Command {
  enum class Kind { kOriginate, kHangup, kStop };
  Kind kind = Kind::kOriginate;
  engine::LegRequest request;
  core::LegId leg;
};

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

// "sip:host:port" or "sip:user@host:port;params" → "host:port".
std::string HostPort(const std::string& uri) {
  std::string s = uri.rfind("sip:", 0) == 0 ? uri.substr(4) : uri;
  if (size_t at = s.find('@'); at != std::string::npos) s = s.substr(at + 1);
  if (size_t semi = s.find(';'); semi != std::string::npos) s = s.substr(0, semi);
  return s;
}

bool HasSdp(const sip_msg* msg) {
  return msg != nullptr && mbuf_get_left(msg->mb) > 0 && msg_ctype_cmp(&msg->ctyp, "application", "sdp");
}

}  // namespace

class SipTelephony::Stack {
 public:
  Stack(const SipConfig& config, PostFn post, std::shared_ptr<EngineSide> side,
        std::shared_ptr<SipCounters> counters, std::shared_ptr<std::atomic<uint64_t>> active,
        std::shared_ptr<RtpPorts> ports)
      : config_(config),
        post_(std::move(post)),
        side_(std::move(side)),
        counters_(std::move(counters)),
        active_(std::move(active)),
        ports_(std::move(ports)) {}

  // libre thread: everything from libre_init to libre_close.
  void Run(std::promise<core::Result<uint16_t>> started) {
    pthread_setname_np(pthread_self(), "outdial-sip");  // for top, perf and the media benchmark
    if (int err = libre_init(); err != 0) {
      started.set_value(
          core::MakeError(core::ErrorCode::kInternal, fmt::format("libre_init: {}", strerror(err))));
      return;
    }
    fd_setsize(16384);
    auto ready = Setup();
    bool ok = ready.ok();
    started.set_value(std::move(ready));
    if (ok) re_main(nullptr);
    Teardown();
    libre_close();
  }

  // Any thread. Ownership of `cmd` passes to libre's thread.
  bool Push(std::unique_ptr<Command> cmd) {
    std::lock_guard lock(push_mutex_);
    if (mq_ == nullptr) return false;
    if (mqueue_push(mq_, 0, cmd.get()) != 0) return false;
    cmd.release();
    return true;
  }

 private:
  struct Leg {
    Stack* stack = nullptr;
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
    bool got_response = false;
    bool ringing_sent = false;
    bool early_media = false;
    bool early_sent = false;
    bool answered = false;
    bool verdict_pending = false;  // answered, CPA running: kAnswered not yet posted
    bool closed = false;
    std::unique_ptr<media::CallAnalyzer> analyzer;

    ~Leg() {
      if (stack != nullptr && rtp != nullptr) {
        std::lock_guard lock(stack->ports_->mutex);
        stack->ports_->by_leg.erase(req.leg.value);
      }
      tmr_cancel(&no_response);
      tmr_cancel(&analysis_deadline);
      // Dereferencing an unfinished session makes libre CANCEL it, an established one BYE.
      mem_deref(sess);
      mem_deref(rtp);
      mem_deref(sdp);
    }
  };

  core::Result<uint16_t> Setup() {
    tmr_init(&reap_tmr_);
    tmr_init(&stop_tmr_);
    std::string host = config_.listen.substr(0, config_.listen.rfind(':'));
    std::string port = config_.listen.substr(config_.listen.rfind(':') + 1);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    sa laddr{};
    if (config_.listen.find(':') == std::string::npos ||
        sa_set_str(&laddr, host.c_str(), static_cast<uint16_t>(std::atoi(port.c_str()))) != 0) {
      return core::MakeError(core::ErrorCode::kValidationFailed,
                             fmt::format("telephony.sip.listen: '{}' is not an IP:port", config_.listen));
    }
    rtp_ip_ = laddr;
    sa_set_port(&rtp_ip_, 0);
    if (int err = mqueue_alloc(&mq_raw_, &Stack::OnCommand, this); err != 0) {
      return core::MakeError(core::ErrorCode::kInternal, fmt::format("mqueue_alloc: {}", strerror(err)));
    }
    // DNS for trunks given by name; numeric trunks work without it.
    sa nsv[4];
    uint32_t nsn = 4;
    char domain[64] = "";
    if (dns_srv_get(domain, sizeof(domain), nsv, &nsn) == 0 && nsn > 0)
      (void)dnsc_alloc(&dnsc_, nullptr, nsv, nsn);
    if (int err = sip_alloc(&sip_, dnsc_, 32, 32, 32, config_.user_agent.c_str(), &Stack::OnSipExit, this);
        err != 0) {
      return core::MakeError(core::ErrorCode::kInternal, fmt::format("sip_alloc: {}", strerror(err)));
    }
    if (int err = sip_transp_add(sip_, SIP_TRANSP_UDP, &laddr); err != 0) {
      return core::MakeError(
          core::ErrorCode::kUnavailable,
          fmt::format("telephony.sip.listen: cannot bind {}: {}", config_.listen, strerror(err)));
    }
    sa bound{};
    sa probe = laddr;
    if (sip_transp_laddr(sip_, &bound, SIP_TRANSP_UDP, &probe) != 0) bound = laddr;
    local_hostport_ = fmt::format("{}:{}", host, sa_port(&bound));
    if (int err = sipsess_listen(&sock_, sip_, 64, &Stack::OnIncomingInvite, this); err != 0) {
      return core::MakeError(core::ErrorCode::kInternal, fmt::format("sipsess_listen: {}", strerror(err)));
    }
    // After sipsess's listener (listeners run in registration order): what it did not take.
    (void)sip_listen(&req_lsnr_, sip_, true, &Stack::OnOtherRequest, this);
    (void)sip_listen(&resp_lsnr_, sip_, false, &Stack::OnStrayResponse, this);
    sip_set_trace_handler(sip_, &Stack::OnTrace);
    trace_self_ = this;
    trunk_hostport_ = HostPort(config_.trunk);
    {
      std::lock_guard lock(push_mutex_);
      mq_ = mq_raw_;
    }
    return sa_port(&bound);
  }

  void Teardown() {
    {
      std::lock_guard lock(push_mutex_);
      mq_ = nullptr;
    }
    legs_.clear();
    doomed_.clear();
    tmr_cancel(&reap_tmr_);
    tmr_cancel(&stop_tmr_);
    trace_self_ = nullptr;
    req_lsnr_ = static_cast<sip_lsnr*>(mem_deref(req_lsnr_));
    resp_lsnr_ = static_cast<sip_lsnr*>(mem_deref(resp_lsnr_));
    sock_ = static_cast<sipsess_sock*>(mem_deref(sock_));
    if (sip_ != nullptr) sip_close(sip_, true);
    sip_ = static_cast<struct sip*>(mem_deref(sip_));
    dnsc_ = static_cast<dnsc*>(mem_deref(dnsc_));
    // Drain commands pushed before `mq_` was cleared: they own heap objects.
    mq_raw_ = static_cast<mqueue*>(mem_deref(mq_raw_));
  }

  // ---- commands from the engine thread ----

  static void OnCommand(int, void* data, void* arg) {
    std::unique_ptr<Command> cmd(static_cast<Command*>(data));
    auto* self = static_cast<Stack*>(arg);
    switch (cmd->kind) {
      case Command::Kind::kOriginate:
        self->DoOriginate(cmd->request);
        return;
      case Command::Kind::kHangup:
        self->DoHangup(cmd->leg);
        return;
      case Command::Kind::kStop:
        self->DoStop();
        return;
    }
  }

  void DoStop() {
    stopping_ = true;
    for (auto& [id, leg] : legs_) CountHangup(*leg);
    legs_.clear();
    // Give the BYEs/CANCELs a moment to leave and be answered, then quit the loop.
    sip_close(sip_, false);
    tmr_start(
        &stop_tmr_, 300, [](void*) { re_cancel(); }, nullptr);
  }

  static void OnSipExit(void*) { re_cancel(); }

  void CountHangup(const Leg& leg) {
    if (leg.closed) return;
    if (leg.answered) {
      ++counters_->byes_sent;
    } else {
      ++counters_->cancels_sent;
    }
  }

  void DoOriginate(const engine::LegRequest& req) {
    auto owned = std::make_unique<Leg>();
    Leg* leg = owned.get();
    leg->stack = this;
    leg->req = req;
    tmr_init(&leg->no_response);
    tmr_init(&leg->analysis_deadline);
    const uint64_t id = req.leg.value;
    if (stopping_ || legs_.count(id) != 0) return;
    std::string to_uri;
    std::string from_user = "outdial";
    if (req.kind == LegKind::kAgentStation) {
      if (!ValidSipUri(req.destination)) {
        FailUnsent(req.leg, 0);
        return;
      }
      to_uri = req.destination;
    } else {
      if (!ValidNumber(req.destination)) {
        FailUnsent(req.leg, 484);  // Address Incomplete: what a trunk answers to such a number
        return;
      }
      to_uri = fmt::format("sip:{}@{}", req.destination, trunk_hostport_);
      if (ValidNumber(req.caller_id)) from_user = req.caller_id;
    }
    std::string from_uri = fmt::format("sip:{}@{}", from_user, local_hostport_);

    if (rtp_listen(&leg->rtp, IPPROTO_UDP, &rtp_ip_, config_.rtp_port_min, config_.rtp_port_max, true,
                   &Stack::OnRtp, nullptr, leg) != 0) {
      FailUnsent(req.leg, 0);  // no RTP port left: nothing was sent
      return;
    }
    {
      std::lock_guard lock(ports_->mutex);
      ports_->by_leg[id] = sa_port(rtp_local(leg->rtp));
    }
    if (sdp_session_alloc(&leg->sdp, rtp_local(leg->rtp)) != 0 ||
        sdp_media_add(&leg->media, leg->sdp, "audio", sa_port(rtp_local(leg->rtp)), "RTP/AVP") != 0 ||
        sdp_format_add(nullptr, leg->media, false, "0", "PCMU", 8000, 1, nullptr, nullptr, nullptr, false,
                       nullptr) != 0 ||
        sdp_format_add(nullptr, leg->media, false, "8", "PCMA", 8000, 1, nullptr, nullptr, nullptr, false,
                       nullptr) != 0 ||
        sdp_format_add(nullptr, leg->media, false, "101", "telephone-event", 8000, 1, nullptr, nullptr,
                       nullptr, false, "0-15") != 0) {
      FailUnsent(req.leg, 0);
      return;
    }
    mbuf* desc = nullptr;
    if (sdp_encode(&desc, leg->sdp, true) != 0) {
      FailUnsent(req.leg, 0);
      return;
    }
    int err = sipsess_connect(&leg->sess, sock_, to_uri.c_str(), nullptr, from_uri.c_str(), "outdial",
                              nullptr, 0, "application/sdp", desc, &Stack::OnAuth, this, false,
                              &Stack::OnOffer, &Stack::OnAnswer, &Stack::OnProgress, &Stack::OnEstablished,
                              nullptr, nullptr, &Stack::OnClose, leg, nullptr);
    mem_deref(desc);
    if (err != 0) {
      leg->sess = nullptr;
      FailUnsent(req.leg, 0);
      return;
    }
    ++counters_->invites_sent;
    tmr_start(&leg->no_response, static_cast<uint64_t>(config_.invite_timeout_ms), &Stack::OnNoResponse, leg);
    if (req.kind == LegKind::kCustomer && req.bridge_with.valid()) {
      if (auto it = legs_.find(req.bridge_with.value); it != legs_.end()) {
        leg->peer = req.bridge_with;
        it->second->peer = req.leg;
      }
    }
    legs_.emplace(id, std::move(owned));
    active_->store(legs_.size());
  }

  void DoHangup(core::LegId id) {
    auto it = legs_.find(id.value);
    if (it == legs_.end()) return;
    CountHangup(*it->second);
    Unbridge(*it->second);
    legs_.erase(it);
    active_->store(legs_.size());
  }

  // ---- events to the engine thread ----

  void Post(core::LegId leg, LegEvent event, bool final_event) {
    event.leg = leg;
    post_([side = side_, event, final_event] {
      if (side->closed.load()) return;
      auto it = side->live.find(event.leg.value);
      if (it == side->live.end()) return;  // the engine hung it up: no event follows
      if (final_event) side->live.erase(it);
      if (side->listener != nullptr) side->listener->OnLegEvent(event);
    });
  }

  static LegEvent Event(LegEventKind kind, int sip_code) {
    LegEvent e;
    e.kind = kind;
    e.sip_code = sip_code;
    return e;
  }

  void FailUnsent(core::LegId leg, int sip_code) {
    ++counters_->legs_failed;
    Post(leg, Event(LegEventKind::kFailed, sip_code), true);
  }

  // The session is over from libre's side; free the leg outside libre's call stack.
  void Close(Leg& leg) {
    leg.closed = true;
    tmr_cancel(&leg.no_response);
    tmr_cancel(&leg.analysis_deadline);
    Unbridge(leg);
    doomed_.push_back(leg.req.leg.value);
    tmr_start(&reap_tmr_, 0, &Stack::Reap, this);
  }

  static void Reap(void* arg) {
    auto* self = static_cast<Stack*>(arg);
    for (uint64_t id : self->doomed_) self->legs_.erase(id);
    self->doomed_.clear();
    self->active_->store(self->legs_.size());
  }

  void Unbridge(Leg& leg) {
    if (!leg.peer.valid()) return;
    if (auto it = legs_.find(leg.peer.value); it != legs_.end() && it->second->peer == leg.req.leg) {
      it->second->peer = {};
    }
    leg.peer = {};
  }

  Leg* Peer(const Leg& leg) {
    if (!leg.peer.valid()) return nullptr;
    auto it = legs_.find(leg.peer.value);
    return it == legs_.end() || it->second->closed ? nullptr : it->second.get();
  }

  // ---- SIP callbacks (libre thread) ----

  static void OnIncomingInvite(const sip_msg* msg, void* arg) {
    // outdial only dials out: a stray INVITE is refused and counted, nothing else changes.
    auto* self = static_cast<Stack*>(arg);
    ++self->counters_->unsolicited_requests;
    (void)sip_treply(nullptr, self->sip_, msg, 603, "Decline");
  }

  Leg* FindByDialog(const sip_msg* msg) {
    for (auto& [id, leg] : legs_) {
      if (leg->sess != nullptr && !leg->closed && sip_dialog_cmp(sipsess_dialog(leg->sess), msg))
        return leg.get();
    }
    return nullptr;
  }

  static bool OnOtherRequest(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Stack*>(arg);
    if (pl_casecmp(&msg->cseq.met, &msg->met) != 0) {
      // Parsed, but contradicts itself (libre 1.1.0 does not check this): refused and counted.
      ++self->counters_->malformed_messages;
      (void)sip_treply(nullptr, self->sip_, msg, 400, "Bad Request");
      return true;
    }
    if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
      ++self->counters_->options_answered;
      (void)sip_treplyf(nullptr, nullptr, self->sip_, msg, false, 200, "OK",
                        "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE\r\nContent-Length: 0\r\n\r\n");
      return true;
    }
    if (pl_strcmp(&msg->met, "UPDATE") == 0) {
      // Session-timer refreshes (RFC 4028) often come as UPDATE, which libre 1.1.0's sipsess does
      // not handle: answer it for our dialogs, with an SDP answer when it carried an offer.
      if (Leg* leg = self->FindByDialog(msg)) {
        ++self->counters_->updates_answered;
        if (HasSdp(msg) && sdp_decode(leg->sdp, msg->mb, true) == 0) {
          self->UpdateRemote(*leg);
          mbuf* desc = nullptr;
          if (sdp_encode(&desc, leg->sdp, false) == 0) {
            (void)sip_treplyf(nullptr, nullptr, self->sip_, msg, true, 200, "OK",
                              "Contact: <sip:outdial@%s>\r\nContent-Type: application/sdp\r\n"
                              "Content-Length: %zu\r\n\r\n%b",
                              self->local_hostport_.c_str(), mbuf_get_left(desc), mbuf_buf(desc),
                              mbuf_get_left(desc));
            mem_deref(desc);
            return true;
          }
        }
        (void)sip_treplyf(nullptr, nullptr, self->sip_, msg, true, 200, "OK",
                          "Contact: <sip:outdial@%s>\r\nContent-Length: 0\r\n\r\n",
                          self->local_hostport_.c_str());
        return true;
      }
    }
    ++self->counters_->unsolicited_requests;
    if (pl_strcmp(&msg->met, "ACK") == 0) return true;  // never answered
    if (pl_isset(&msg->to.tag)) {
      (void)sip_treply(nullptr, self->sip_, msg, 481, "Call/Transaction Does Not Exist");
    } else if (pl_strcmp(&msg->met, "BYE") == 0 || pl_strcmp(&msg->met, "CANCEL") == 0) {
      (void)sip_treply(nullptr, self->sip_, msg, 481, "Call/Transaction Does Not Exist");
    } else {
      (void)sip_treply(nullptr, self->sip_, msg, 405, "Method Not Allowed");
    }
    return true;
  }

  static bool OnStrayResponse(const sip_msg*, void* arg) {
    // A response no transaction claims (late retransmission, spoofed): dropped and counted.
    ++static_cast<Stack*>(arg)->counters_->unsolicited_requests;
    return true;
  }

  // Every message libre could parse passes here (what it could not parse it drops silently).
  static Stack* trace_self_;
  static void OnTrace(bool tx, enum sip_transp, const sa*, const sa*, const uint8_t*, size_t, void*) {
    Stack* self = trace_self_;
    if (self != nullptr && !tx) ++self->counters_->sip_messages_received;
  }

  static int OnAuth(char** user, char** pass, const char*, void* arg) {
    auto* self = static_cast<Stack*>(arg);
    if (self->config_.username.empty()) return EAUTH;
    int err = str_dup(user, self->config_.username.c_str());
    err |= str_dup(pass, self->config_.password.c_str());
    return err;
  }

  void UpdateRemote(Leg& leg) {
    const sdp_format* pcmu = sdp_media_rformat(leg.media, "PCMU");
    const sdp_format* pcma = sdp_media_rformat(leg.media, "PCMA");
    const sdp_format* first = sdp_media_rformat(leg.media, nullptr);
    if (first != nullptr && first == pcma) {
      leg.codec = Codec::kPcma;
      leg.pt = pcma->pt;
    } else if (pcmu != nullptr) {
      leg.codec = Codec::kPcmu;
      leg.pt = pcmu->pt;
    } else if (pcma != nullptr) {
      leg.codec = Codec::kPcma;
      leg.pt = pcma->pt;
    }
    const sdp_format* te = sdp_media_rformat(leg.media, "telephone-event");
    leg.te_pt = te != nullptr ? te->pt : -1;
    const sa* raddr = sdp_media_raddr(leg.media);
    if (raddr != nullptr && sa_isset(raddr, SA_ALL)) {
      leg.remote = *raddr;
      leg.have_remote = true;
    }
  }

  static void OnNoResponse(void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Stack* self = leg->stack;
    if (leg->got_response || leg->closed) return;
    ++self->counters_->legs_failed;
    self->Post(leg->req.leg, Event(LegEventKind::kFailed, 0), true);
    self->Close(*leg);
  }

  // libre 1.1.0 gives no handle on the SIP transport's UDP socket except as the `sock` of a message
  // it received on it. At a few hundred calls per second the default receive buffer overflows in
  // bursts and answers are lost, so enlarge it once, from the first response.
  void EnlargeSipBuffer(const sip_msg* msg) {
    if (sip_buffer_set_ || msg == nullptr || msg->tp != SIP_TRANSP_UDP || msg->sock == nullptr) return;
    sip_buffer_set_ = true;
    (void)udp_sockbuf_set(static_cast<udp_sock*>(msg->sock), 4 << 20);
  }

  static void OnProgress(const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Stack* self = leg->stack;
    self->EnlargeSipBuffer(msg);
    leg->got_response = true;
    tmr_cancel(&leg->no_response);
    if (leg->closed || leg->answered || msg->scode <= 100) return;
    bool sdp = HasSdp(msg) && sdp_decode(leg->sdp, msg->mb, false) == 0;
    if (sdp) {
      self->UpdateRemote(*leg);
      leg->early_media = leg->have_remote;
      if (leg->early_media && leg->req.kind == LegKind::kCustomer && leg->req.cpa && !leg->analyzer) {
        // Special information tones come before any answer, in early media.
        leg->analyzer = std::make_unique<media::CallAnalyzer>(leg->req.cpa_settings, false);
      }
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

  static int OnAnswer(const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    leg->got_response = true;
    if (!HasSdp(msg)) return 0;
    if (int err = sdp_decode(leg->sdp, msg->mb, false); err != 0) return err;
    leg->stack->UpdateRemote(*leg);
    return 0;
  }

  static int OnOffer(mbuf** descp, const sip_msg* msg, void* arg) {
    // A re-INVITE (hold, codec change, session-timer refresh): answer from the same RTP socket.
    auto* leg = static_cast<Leg*>(arg);
    bool offer = HasSdp(msg);
    if (offer) {
      if (int err = sdp_decode(leg->sdp, msg->mb, true); err != 0) return err;
      leg->stack->UpdateRemote(*leg);
    }
    ++leg->stack->counters_->reinvites_answered;
    return sdp_encode(descp, leg->sdp, !offer);
  }

  static void OnEstablished(const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Stack* self = leg->stack;
    self->EnlargeSipBuffer(msg);
    leg->got_response = true;
    tmr_cancel(&leg->no_response);
    if (leg->closed || leg->answered) return;
    leg->answered = true;
    ++self->counters_->legs_answered;
    if (leg->req.kind == LegKind::kCustomer && leg->req.cpa) {
      leg->analyzer = std::make_unique<media::CallAnalyzer>(leg->req.cpa_settings, leg->req.amd);
      leg->verdict_pending = true;
      // The verdict is due within max_time_analysis_ms of audio; if the audio stops coming the
      // wall clock decides (a little later, so that RTP jitter does not cut a verdict short).
      tmr_start(&leg->analysis_deadline,
                static_cast<uint64_t>(leg->req.cpa_settings.max_time_analysis_ms) + 500,
                &Stack::OnAnalysisDeadline, leg);
      return;
    }
    self->Post(leg->req.leg, Event(LegEventKind::kAnswered, 200), false);
  }

  void PostVerdict(Leg& leg, const media::Verdict& verdict) {
    leg.verdict_pending = false;
    tmr_cancel(&leg.analysis_deadline);
    ++counters_->cpa_verdicts;
    switch (verdict.kind) {
      case media::VerdictKind::kSit: {
        LegEvent e = Event(LegEventKind::kFailed, 0);
        e.outcome_hint = core::Outcome::kSpecialInformationTone;
        ++counters_->legs_failed;
        Post(leg.req.leg, e, true);
        // The engine forgets the leg with this event: hang up ourselves.
        Close(leg);
        return;
      }
      case media::VerdictKind::kHuman:
      case media::VerdictKind::kMachine:
      case media::VerdictKind::kFax:
      case media::VerdictKind::kNotSure:
        break;
    }
    LegEvent e = Event(LegEventKind::kAnswered, 200);
    e.amd = media::ToAmdResult(verdict.kind);
    Post(leg.req.leg, e, false);
  }

  static void OnAnalysisDeadline(void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    if (!leg->verdict_pending || leg->analyzer == nullptr) return;
    leg->stack->PostVerdict(*leg, leg->analyzer->Finish());
  }

  static void OnClose(int err, const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Stack* self = leg->stack;
    if (leg->closed) return;
    (void)err;
    if (!leg->answered) {
      int code = (msg != nullptr && !msg->req && msg->scode >= 300) ? msg->scode : 0;
      ++self->counters_->legs_failed;
      self->Post(leg->req.leg, Event(LegEventKind::kFailed, code), true);
    } else {
      if (leg->verdict_pending && leg->analyzer != nullptr) self->PostVerdict(*leg, leg->analyzer->Finish());
      if (!leg->closed) {
        ++self->counters_->legs_ended_remote;
        self->Post(leg->req.leg, Event(LegEventKind::kEnded, 0), true);
      }
    }
    if (!leg->closed) self->Close(*leg);
  }

  // ---- RTP (libre thread) ----

  static void OnRtp(const sa* src, const rtp_header* hdr, mbuf* mb, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Stack* self = leg->stack;
    SipCounters& c = *self->counters_;
    ++c.rtp_packets_received;
    if (leg->closed) return;
    (void)src;
    const bool dtmf = leg->te_pt >= 0 && hdr->pt == leg->te_pt;
    std::optional<Codec> codec;
    if (hdr->pt == 0) codec = Codec::kPcmu;
    if (hdr->pt == 8) codec = Codec::kPcma;
    uint8_t* payload = mbuf_buf(mb);
    const size_t n = mbuf_get_left(mb);
    if (codec && leg->analyzer != nullptr && (leg->verdict_pending || !leg->answered)) {
      int16_t pcm[1024];
      size_t done = 0;
      while (done < n) {
        size_t chunk = std::min<size_t>(n - done, std::size(pcm));
        media::DecodeG711(*codec == Codec::kPcma, payload + done, chunk, pcm);
        std::optional<media::Verdict> v = leg->analyzer->Feed(pcm, chunk);
        done += chunk;
        if (!v) continue;
        if (leg->verdict_pending) {
          self->PostVerdict(*leg, *v);
        } else if (v->kind == media::VerdictKind::kSit) {
          // Early media carried special information tones: the call fails.
          self->PostVerdict(*leg, *v);
        }
        break;
      }
      if (leg->closed) return;
    }
    Leg* peer = self->Peer(*leg);
    if (peer == nullptr || !peer->have_remote || !self->MediaOpen(*leg, *peer)) {
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

  // Whether audio received on `from` goes on to `to`. Before the customer answers only its early
  // media reaches the agent (Direct Preview, Preview); while CPA listens the two sides are kept
  // apart, so the verdict is about the customer alone and the agent does not hear half a greeting.
  bool MediaOpen(const Leg& from, const Leg& to) const {
    const Leg& customer = from.req.kind == LegKind::kCustomer ? from : to;
    if (customer.req.kind != LegKind::kCustomer) return from.answered && to.answered;
    if (customer.verdict_pending) return false;
    if (customer.answered) return true;
    return &from == &customer && customer.early_media && customer.req.early_media_to_agent;
  }

  SipConfig config_;
  PostFn post_;
  std::shared_ptr<EngineSide> side_;
  std::shared_ptr<SipCounters> counters_;
  std::shared_ptr<std::atomic<uint64_t>> active_;
  std::shared_ptr<RtpPorts> ports_;

  std::mutex push_mutex_;
  mqueue* mq_ = nullptr;  // guarded by push_mutex_: null when no thread takes commands
  mqueue* mq_raw_ = nullptr;

  // libre thread only from here on.
  struct sip* sip_ = nullptr;
  dnsc* dnsc_ = nullptr;
  sipsess_sock* sock_ = nullptr;
  sip_lsnr* req_lsnr_ = nullptr;
  sip_lsnr* resp_lsnr_ = nullptr;
  sa rtp_ip_{};
  std::string local_hostport_;
  std::string trunk_hostport_;
  std::unordered_map<uint64_t, std::unique_ptr<Leg>> legs_;
  std::vector<uint64_t> doomed_;
  tmr reap_tmr_{};
  tmr stop_tmr_{};
  bool stopping_ = false;
  bool sip_buffer_set_ = false;
};

SipTelephony::Stack* SipTelephony::Stack::trace_self_ = nullptr;

SipTelephony::SipTelephony(SipConfig config, PostFn post_to_engine)
    : config_(std::move(config)),
      engine_side_(std::make_shared<EngineSide>()),
      counters_(std::make_shared<SipCounters>()),
      active_legs_(std::make_shared<std::atomic<uint64_t>>(0)),
      rtp_ports_(std::make_shared<RtpPorts>()),
      post_(post_to_engine) {
  stack_ = std::make_unique<Stack>(config_, std::move(post_to_engine), engine_side_, counters_, active_legs_,
                                   rtp_ports_);
}

uint16_t SipTelephony::LocalRtpPort(core::LegId leg) const {
  std::lock_guard lock(rtp_ports_->mutex);
  auto it = rtp_ports_->by_leg.find(leg.value);
  return it == rtp_ports_->by_leg.end() ? 0 : it->second;
}

SipTelephony::~SipTelephony() {
  Stop();
}

core::Result<void> SipTelephony::Start() {
  if (started_) return core::Ok{};
  if (config_.rtp_port_min >= config_.rtp_port_max) {
    return core::Error{core::ErrorCode::kValidationFailed,
                       "The configuration is not valid.",
                       {{"telephony.sip.rtp_ports", "must be \"MIN-MAX\" with MIN < MAX"}}};
  }
  std::promise<core::Result<uint16_t>> started;
  auto result = started.get_future();
  thread_ = std::thread([this, p = std::move(started)]() mutable { stack_->Run(std::move(p)); });
  core::Result<uint16_t> port = result.get();
  if (!port.ok()) {
    thread_.join();
    return port.error();
  }
  sip_port_ = *port;
  started_ = true;
  return core::Ok{};
}

void SipTelephony::Stop() {
  engine_side_->closed = true;
  if (!thread_.joinable()) return;
  auto cmd = std::make_unique<Command>();
  cmd->kind = Command::Kind::kStop;
  (void)stack_->Push(std::move(cmd));
  thread_.join();
  started_ = false;
}

void SipTelephony::SetListener(engine::TelephonyListener* listener) {
  engine_side_->listener = listener;
}

void SipTelephony::Originate(const engine::LegRequest& request) {
  engine_side_->live.insert(request.leg.value);
  auto cmd = std::make_unique<Command>();
  cmd->kind = Command::Kind::kOriginate;
  cmd->request = request;
  if (!stack_->Push(std::move(cmd))) {
    // Not running: the leg fails as a transport error would, on a later turn of the engine.
    ++counters_->legs_failed;
    LegEvent e;
    e.leg = request.leg;
    e.kind = LegEventKind::kFailed;
    post_([side = engine_side_, e] {
      if (side->closed.load() || side->live.erase(e.leg.value) == 0) return;
      if (side->listener != nullptr) side->listener->OnLegEvent(e);
    });
  }
}

void SipTelephony::Hangup(core::LegId leg) {
  if (engine_side_->live.erase(leg.value) == 0) return;
  auto cmd = std::make_unique<Command>();
  cmd->kind = Command::Kind::kHangup;
  cmd->leg = leg;
  (void)stack_->Push(std::move(cmd));
}

bool SipTelephony::AnswerStation(core::LegId) {
  return false;
}

}  // namespace outdial::telephony
