#include "telephony/sip/sip_telephony.h"

#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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

bool Is(const char* p, size_t n, std::string_view word) {
  return n == word.size() && std::memcmp(p, word.data(), n) == 0;
}

SipMethod MethodOf(const char* p, size_t n) {
  switch (n) {
    case 3:
      if (Is(p, n, "ACK")) return SipMethod::kAck;
      if (Is(p, n, "BYE")) return SipMethod::kBye;
      break;
    case 4:
      if (Is(p, n, "INFO")) return SipMethod::kInfo;
      break;
    case 5:
      if (Is(p, n, "PRACK")) return SipMethod::kPrack;
      if (Is(p, n, "REFER")) return SipMethod::kRefer;
      break;
    case 6:
      if (Is(p, n, "INVITE")) return SipMethod::kInvite;
      if (Is(p, n, "CANCEL")) return SipMethod::kCancel;
      if (Is(p, n, "UPDATE")) return SipMethod::kUpdate;
      if (Is(p, n, "NOTIFY")) return SipMethod::kNotify;
      break;
    case 7:
      if (Is(p, n, "OPTIONS")) return SipMethod::kOptions;
      if (Is(p, n, "MESSAGE")) return SipMethod::kMessage;
      if (Is(p, n, "PUBLISH")) return SipMethod::kPublish;
      break;
    case 8:
      if (Is(p, n, "REGISTER")) return SipMethod::kRegister;
      break;
    case 9:
      if (Is(p, n, "SUBSCRIBE")) return SipMethod::kSubscribe;
      break;
    default:
      break;
  }
  return SipMethod::kOther;
}

SipMethod MethodOf(const pl& method) {
  return MethodOf(method.p, method.l);
}

template <size_t N>
void Bump(SipCounters::Array<N>& counters, size_t index) {
  if (index < N) counters[index].fetch_add(1, std::memory_order_relaxed);
}

// What libre 1.1.0's sip_msg_decode asks of a start line before anything else: "A SP B SP C"
// then a line feed, A = "SIP/2.0" with a numeric B (response) or C = "SIP/2.0" (request).
bool HasSipStartLine(const uint8_t* data, size_t n) {
  const char* p = reinterpret_cast<const char*>(data);
  const char* end = p + std::min<size_t>(n, 2048);
  const char* eol = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  if (eol == nullptr) return false;
  const char* line_end = eol;
  while (line_end > p && line_end[-1] == '\r') --line_end;
  auto token = [&](const char* from) {
    const char* q = from;
    while (q < line_end && *q != ' ' && *q != '\t' && *q != '\r') ++q;
    return q;
  };
  const char* a_end = token(p);
  if (a_end == p || a_end >= line_end || *a_end != ' ') return false;
  const char* b = a_end + 1;
  const char* b_end = token(b);
  if (b_end == b || b_end >= line_end || *b_end != ' ') return false;
  const char* c = b_end + 1;
  if (Is(p, static_cast<size_t>(a_end - p), "SIP/2.0")) {
    return b_end - b == 3 && std::isdigit(static_cast<unsigned char>(b[0])) &&
           std::isdigit(static_cast<unsigned char>(b[1])) && std::isdigit(static_cast<unsigned char>(b[2]));
  }
  return Is(c, static_cast<size_t>(line_end - c), "SIP/2.0");
}

// RFC 5389 STUN (keep-alives on the SIP port): libre answers those itself.
bool LooksLikeStun(const uint8_t* p, size_t n) {
  return n >= 20 && (p[0] & 0xc0) == 0 && p[4] == 0x21 && p[5] == 0x12 && p[6] == 0xa4 && p[7] == 0x42;
}

}  // namespace

std::string_view ToString(SipMethod method) {
  switch (method) {
    case SipMethod::kInvite: return "INVITE";
    case SipMethod::kAck: return "ACK";
    case SipMethod::kBye: return "BYE";
    case SipMethod::kCancel: return "CANCEL";
    case SipMethod::kOptions: return "OPTIONS";
    case SipMethod::kUpdate: return "UPDATE";
    case SipMethod::kInfo: return "INFO";
    case SipMethod::kPrack: return "PRACK";
    case SipMethod::kRefer: return "REFER";
    case SipMethod::kNotify: return "NOTIFY";
    case SipMethod::kSubscribe: return "SUBSCRIBE";
    case SipMethod::kMessage: return "MESSAGE";
    case SipMethod::kRegister: return "REGISTER";
    case SipMethod::kPublish: return "PUBLISH";
    case SipMethod::kOther: return "other";
  }
  return "other";
}

int LibreTimersLinked();  // libre_timers.cc: libre's timer list with an indexed insertion
int LibreRandomLinked();  // libre_random.cc: libre's random numbers from a getrandom(2) pool

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
    (void)LibreTimersLinked();
    (void)LibreRandomLinked();
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
    std::string call_id;  // key in Stack::by_call_id_ once the INVITE is out
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
      if (stack != nullptr && !call_id.empty()) {
        if (auto it = stack->by_call_id_.find(call_id); it != stack->by_call_id_.end() && it->second == this)
          stack->by_call_id_.erase(it);
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
    tmr_init(&post_tmr_);
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
    // Client transactions outlive their calls (a BYE's stays 5 s in Completed for Timer K), so at
    // thousands of calls per second there are tens of thousands: size the hash tables for that.
    if (int err = sip_alloc(&sip_, dnsc_, 8192, 1024, 32, config_.user_agent.c_str(), &Stack::OnSipExit, this);
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
    // Before sipsess's listener (listeners run in registration order): every request that no
    // transaction took, so that what is not for one of our dialogs is answered and counted here.
    (void)sip_listen(&first_lsnr_, sip_, true, &Stack::OnRequest, this);
    // The ACKs sipsess keeps for 2xx retransmissions (32 s each) live in its hash table too.
    if (int err = sipsess_listen(&sock_, sip_, 8192, &Stack::OnIncomingInvite, this); err != 0) {
      return core::MakeError(core::ErrorCode::kInternal, fmt::format("sipsess_listen: {}", strerror(err)));
    }
    // After sipsess's listener (listeners run in registration order): what it did not take.
    (void)sip_listen(&req_lsnr_, sip_, true, &Stack::OnOtherRequest, this);
    (void)sip_listen(&resp_lsnr_, sip_, false, &Stack::OnStrayResponse, this);
    sip_set_trace_handler(sip_, &Stack::OnTrace);
    trace_self_ = this;
    trunk_hostport_ = HostPort(config_.trunk);
    SendProbe(bound);
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
    tmr_cancel(&post_tmr_);
    tmr_cancel(&stop_tmr_);
    trace_self_ = nullptr;
    // The helper first: the socket's destructor would free it under us.
    sip_helper_ = static_cast<udp_helper*>(mem_deref(sip_helper_));
    sip_udp_ = static_cast<udp_sock*>(mem_deref(sip_udp_));
    first_lsnr_ = static_cast<sip_lsnr*>(mem_deref(first_lsnr_));
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
    if (const char* call_id = sip_dialog_callid(sipsess_dialog(leg->sess)); call_id != nullptr) {
      leg->call_id = call_id;
      by_call_id_[leg->call_id] = leg;
    }
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

  // Events of one turn of libre's loop go to the engine as one task (a zero-delay timer runs
  // after the turn's socket handlers): at thousands of calls per second one wake-up of the
  // engine thread per event cost more than the events.
  void Post(core::LegId leg, LegEvent event, bool final_event) {
    event.leg = leg;
    pending_.push_back({event, final_event});
    if (pending_.size() == 1) tmr_start(&post_tmr_, 0, &Stack::FlushEvents, this);
  }

  struct PendingEvent {
    LegEvent event;
    bool final_event = false;
  };

  static void FlushEvents(void* arg) {
    auto* self = static_cast<Stack*>(arg);
    if (self->pending_.empty()) return;
    self->post_([side = self->side_, events = std::move(self->pending_)] {
      for (const auto& [event, final_event] : events) {
        if (side->closed.load()) return;
        auto it = side->live.find(event.leg.value);
        if (it == side->live.end()) continue;  // the engine hung it up: no event follows
        if (final_event) side->live.erase(it);
        if (side->listener != nullptr) side->listener->OnLegEvent(event);
      }
    });
    self->pending_.clear();
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
    // OnRequest refuses out-of-dialog INVITEs before sipsess sees them; this is what sipsess
    // insists on having, kept right in case a request gets past it.
    auto* self = static_cast<Stack*>(arg);
    self->CountUnsolicited(msg, 603);
    (void)sip_treply(nullptr, self->sip_, msg, 603, "Decline");
  }

  // The live leg whose dialog `msg` is in: one hash lookup by Call-ID, then libre's full check
  // (Call-ID and both tags).
  Leg* FindByDialog(const sip_msg* msg) {
    if (by_call_id_.empty() || !pl_isset(&msg->callid)) return nullptr;
    auto it = by_call_id_.find(std::string(msg->callid.p, msg->callid.l));
    if (it == by_call_id_.end()) return nullptr;
    Leg* leg = it->second;
    if (leg->sess == nullptr || leg->closed || !sip_dialog_cmp(sipsess_dialog(leg->sess), msg)) return nullptr;
    return leg;
  }

  // `status` 0: not answered (an ACK).
  void CountUnsolicited(const sip_msg* msg, int status) {
    ++counters_->unsolicited_requests;
    size_t slot = 0;
    if (status == 405) slot = 1;
    if (status == 481) slot = 2;
    if (status == 603) slot = 3;
    Bump(counters_->unsolicited_by_status, slot);
    Bump(counters_->unsolicited_by_method, static_cast<size_t>(MethodOf(msg->met)));
  }

  // Refuses (and counts) a request that is for no dialog of ours.
  void RefuseUnsolicited(const sip_msg* msg) {
    if (pl_strcmp(&msg->met, "ACK") == 0) {
      CountUnsolicited(msg, 0);  // never answered
    } else if (pl_strcmp(&msg->met, "INVITE") == 0 && !pl_isset(&msg->to.tag)) {
      CountUnsolicited(msg, 603);  // outdial only dials out
      (void)sip_treply(nullptr, sip_, msg, 603, "Decline");
    } else if (pl_isset(&msg->to.tag) || pl_strcmp(&msg->met, "BYE") == 0 ||
               pl_strcmp(&msg->met, "CANCEL") == 0) {
      CountUnsolicited(msg, 481);
      (void)sip_treply(nullptr, sip_, msg, 481, "Call/Transaction Does Not Exist");
    } else {
      CountUnsolicited(msg, 405);
      (void)sip_treply(nullptr, sip_, msg, 405, "Method Not Allowed");
    }
  }

  // First of our listeners, before sipsess's: requests in one of our dialogs go on to sipsess
  // (BYE, re-INVITE, ACK, INFO) and then OnOtherRequest (UPDATE); everything else ends here.
  static bool OnRequest(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Stack*>(arg);
    self->AttachSipSocket(msg);
    if (self->probe_pending_ && pl_strcmp(&msg->callid, self->probe_call_id_.c_str()) == 0) {
      self->probe_pending_ = false;  // our own datagram (SendProbe): it has done its job
      return true;
    }
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

  void AnswerOptions(const sip_msg* msg) {
    ++counters_->options_answered;
    (void)sip_treplyf(nullptr, nullptr, sip_, msg, false, 200, "OK",
                      "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE\r\nContent-Length: 0\r\n\r\n");
  }

  // Requests in our dialogs that sipsess did not take.
  static bool OnOtherRequest(const sip_msg* msg, void* arg) {
    auto* self = static_cast<Stack*>(arg);
    Leg* leg = self->FindByDialog(msg);
    if (leg != nullptr && pl_strcmp(&msg->met, "OPTIONS") == 0) {
      self->AnswerOptions(msg);
      return true;
    }
    if (leg != nullptr && pl_strcmp(&msg->met, "UPDATE") == 0) {
      // Session-timer refreshes (RFC 4028) often come as UPDATE, which libre 1.1.0's sipsess does
      // not handle: answer it for our dialogs, with an SDP answer when it carried an offer.
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
                        "Contact: <sip:outdial@%s>\r\nContent-Length: 0\r\n\r\n", self->local_hostport_.c_str());
      return true;
    }
    // In a dialog of ours but not a method we take (MESSAGE, NOTIFY, ...): 405.
    self->RefuseUnsolicited(msg);
    return true;
  }

  static bool OnStrayResponse(const sip_msg* msg, void* arg) {
    // A response no transaction claims (late retransmission, spoofed): dropped and counted.
    auto* self = static_cast<Stack*>(arg);
    self->AttachSipSocket(msg);
    ++self->counters_->stray_responses;
    return true;
  }

  // Every message libre could parse passes here, both ways, before any listener. Counting from
  // the raw start line costs a few compares and sees what the transaction layer absorbs
  // (retransmissions), which no listener does.
  static Stack* trace_self_;
  static void OnTrace(bool tx, enum sip_transp, const sa*, const sa*, const uint8_t* data, size_t n, void*) {
    Stack* self = trace_self_;
    if (self == nullptr || n < 12) return;
    SipCounters& c = *self->counters_;
    const char* p = reinterpret_cast<const char*>(data);
    const bool response = std::memcmp(p, "SIP/2.0 ", 8) == 0;
    if (!tx) {
      self->awaiting_trace_ = false;  // the datagram OnSipDatagram saw did parse
      if (self->probe_pending_ && self->IsProbe(p, n)) return;
      ++c.sip_messages_received;
      if (response) {
        Bump(c.responses_received, static_cast<size_t>(p[8] - '0'));
      } else {
        const char* sp = static_cast<const char*>(std::memchr(p, ' ', std::min<size_t>(n, 16)));
        Bump(c.requests_received,
             static_cast<size_t>(sp == nullptr ? SipMethod::kOther : MethodOf(p, static_cast<size_t>(sp - p))));
      }
      return;
    }
    if (response) {
      int code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
      if (code >= 100 && code <= 699) Bump(c.responses_sent, static_cast<size_t>(code - 100));
    } else {
      const char* sp = static_cast<const char*>(std::memchr(p, ' ', std::min<size_t>(n, 16)));
      Bump(c.requests_sent,
           static_cast<size_t>(sp == nullptr ? SipMethod::kOther : MethodOf(p, static_cast<size_t>(sp - p))));
    }
  }

  // Datagrams on the SIP socket before libre parses them (a UDP helper): what is not SIP at all
  // is dropped here and counted; what looks like SIP but libre then fails to parse never reaches
  // OnTrace, which the next datagram notices.
  static bool OnSipDatagram(sa*, mbuf* mb, void* arg) {
    auto* self = static_cast<Stack*>(arg);
    const uint8_t* p = mbuf_buf(mb);
    const size_t n = mbuf_get_left(mb);
    if (self->awaiting_trace_) ++self->counters_->malformed_dropped;
    self->awaiting_trace_ = false;
    if (n <= 4 || LooksLikeStun(p, n)) return false;  // CRLF keep-alives, STUN: libre's
    if (!HasSipStartLine(p, n)) {
      ++self->counters_->malformed_dropped;
      return true;  // consumed: libre would only print a decode error
    }
    self->awaiting_trace_ = true;
    return false;
  }

  // libre 1.1.0 gives no handle on the SIP transport's UDP socket except as the `sock` of a message
  // received on it. SendProbe sends the first such message to ourselves, so that the helper and
  // the larger buffer are in place before any real traffic.
  void SendProbe(const sa& bound) {
    probe_call_id_ = fmt::format("outdial-probe-{:016x}", rand_u64());
    std::string m = fmt::format(
        "OPTIONS sip:probe@{0} SIP/2.0\r\nVia: SIP/2.0/UDP {0};branch=z9hG4bK{1}\r\n"
        "From: <sip:probe@{0}>;tag=probe\r\nTo: <sip:probe@{0}>\r\nCall-ID: {1}\r\nCSeq: 1 OPTIONS\r\n"
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        local_hostport_, probe_call_id_);
    int fd = ::socket(bound.u.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    probe_pending_ = ::sendto(fd, m.data(), m.size(), 0, &bound.u.sa, bound.len) == static_cast<ssize_t>(m.size());
    ::close(fd);
  }

  bool IsProbe(const char* p, size_t n) const {
    return memmem(p, n, probe_call_id_.data(), probe_call_id_.size()) != nullptr;
  }

  void AttachSipSocket(const sip_msg* msg) {
    if (sip_udp_ != nullptr || msg == nullptr || msg->tp != SIP_TRANSP_UDP || msg->sock == nullptr) return;
    sip_udp_ = static_cast<udp_sock*>(mem_ref(msg->sock));
    // At a few hundred calls per second the default receive buffer overflows in bursts and
    // answers are lost.
    (void)udp_sockbuf_set(sip_udp_, 4 << 20);
    (void)udp_register_helper(&sip_helper_, sip_udp_, 0, nullptr, &Stack::OnSipDatagram, this);
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
    ++self->counters_->invite_timeouts;
    self->Post(leg->req.leg, Event(LegEventKind::kFailed, 0), true);
    self->Close(*leg);
  }

  static void OnProgress(const sip_msg* msg, void* arg) {
    auto* leg = static_cast<Leg*>(arg);
    Stack* self = leg->stack;
    self->AttachSipSocket(msg);  // if the probe did not come back
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
    self->AttachSipSocket(msg);  // if the probe did not come back
    leg->got_response = true;
    tmr_cancel(&leg->no_response);
    if (leg->closed || leg->answered) return;
    leg->answered = true;
    ++self->counters_->legs_answered;
    if (msg != nullptr && msg->scode >= 200 && msg->scode < 300)
      Bump(self->counters_->invite_final_responses, static_cast<size_t>(msg->scode - 100));
    // The answer is reported at once (API.md `answered_at`); with CPA the verdict follows.
    self->Post(leg->req.leg, Event(LegEventKind::kAnswered, 200), false);
    if (leg->req.kind == LegKind::kCustomer && leg->req.cpa) {
      leg->analyzer = std::make_unique<media::CallAnalyzer>(leg->req.cpa_settings, leg->req.amd);
      leg->verdict_pending = true;
      // The verdict is due within max_time_analysis_ms of audio; if the audio stops coming the
      // wall clock decides (a little later, so that RTP jitter does not cut a verdict short).
      tmr_start(&leg->analysis_deadline,
                static_cast<uint64_t>(leg->req.cpa_settings.max_time_analysis_ms) + 500,
                &Stack::OnAnalysisDeadline, leg);
    }
  }

  void PostVerdict(Leg& leg, const media::Verdict& verdict) {
    leg.verdict_pending = false;
    tmr_cancel(&leg.analysis_deadline);
    ++counters_->cpa_verdicts;
    Bump(counters_->cpa_verdicts_by_kind, static_cast<size_t>(verdict.kind));
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
    LegEvent e = Event(LegEventKind::kCpaVerdict, 200);
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
    if (!leg->answered) {
      int code = (msg != nullptr && !msg->req && msg->scode >= 300) ? msg->scode : 0;
      ++self->counters_->legs_failed;
      if (code >= 300 && code <= 699) Bump(self->counters_->invite_final_responses, static_cast<size_t>(code - 100));
      if (code == 0 && err == ETIMEDOUT) ++self->counters_->invite_timeouts;
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
  std::unordered_map<std::string, Leg*> by_call_id_;  // before legs_: ~Leg erases from it
  std::unordered_map<uint64_t, std::unique_ptr<Leg>> legs_;
  std::vector<uint64_t> doomed_;
  tmr reap_tmr_{};
  tmr post_tmr_{};
  std::vector<PendingEvent> pending_;  // for the engine, flushed by post_tmr_
  tmr stop_tmr_{};
  bool stopping_ = false;
  sip_lsnr* first_lsnr_ = nullptr;
  udp_sock* sip_udp_ = nullptr;      // the SIP transport's socket (a reference of ours)
  udp_helper* sip_helper_ = nullptr;  // OnSipDatagram on it
  bool awaiting_trace_ = false;      // OnSipDatagram passed a datagram on that OnTrace has not seen
  bool probe_pending_ = false;
  std::string probe_call_id_;
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
