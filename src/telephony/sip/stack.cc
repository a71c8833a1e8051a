// SipStack's lifecycle on libre's thread, the commands from the engine thread, the leg events
// back to it, and the end of a leg (stack.h says which file holds the rest).
#include "telephony/sip/stack.h"

#include <pthread.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace outdial::telephony {

using engine::LegEvent;
using engine::LegEventKind;

int LibreTimersLinked();  // libre_timers.cc: libre's timer list with an indexed insertion
int LibreRandomLinked();  // libre_random.cc: libre's random numbers from a getrandom(2) pool

namespace {

// "sip:host:port" or "sip:user@host:port;params" → "host:port".
std::string HostPort(const std::string& uri) {
  std::string s = uri.rfind("sip:", 0) == 0 ? uri.substr(4) : uri;
  if (size_t at = s.find('@'); at != std::string::npos) s = s.substr(at + 1);
  if (size_t semi = s.find(';'); semi != std::string::npos) s = s.substr(0, semi);
  return s;
}

}  // namespace

// ---- lifecycle ----

void SipStack::Run(std::promise<core::Result<uint16_t>> started) {
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

bool SipStack::Push(std::unique_ptr<SipCommand> cmd) {
  std::lock_guard lock(push_mutex_);
  if (mq_ == nullptr) return false;
  if (mqueue_push(mq_, 0, cmd.get()) != 0) return false;
  (void)cmd.release();  // libre's thread frees it (OnCommand, or Teardown's drain)
  return true;
}

core::Result<uint16_t> SipStack::Setup() {
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
  if (int err = mqueue_alloc(&mq_raw_, &SipStack::OnCommand, this); err != 0) {
    return core::MakeError(core::ErrorCode::kInternal, fmt::format("mqueue_alloc: {}", strerror(err)));
  }
  // DNS for trunks given by name; numeric trunks work without it.
  sa nsv[4];
  uint32_t nsn = 4;
  char domain[64] = "";
  if (dns_srv_get(domain, sizeof(domain), nsv, &nsn) == 0 && nsn > 0) {
    (void)dnsc_alloc(&dnsc_, nullptr, nsv, nsn);
  }
  // Client transactions outlive their calls (a BYE's stays 5 s in Completed for Timer K), so at
  // thousands of calls per second there are tens of thousands: size the hash tables for that.
  if (int err =
          sip_alloc(&sip_, dnsc_, 8192, 1024, 32, config_.user_agent.c_str(), &SipStack::OnSipExit, this);
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
  (void)sip_listen(&first_lsnr_, sip_, true, &SipStack::OnRequest, this);
  // The ACKs sipsess keeps for 2xx retransmissions (32 s each) live in its hash table too.
  if (int err = sipsess_listen(&sock_, sip_, 8192, &SipStack::OnIncomingInvite, this); err != 0) {
    return core::MakeError(core::ErrorCode::kInternal, fmt::format("sipsess_listen: {}", strerror(err)));
  }
  // After sipsess's listener (listeners run in registration order): what it did not take.
  (void)sip_listen(&req_lsnr_, sip_, true, &SipStack::OnOtherRequest, this);
  (void)sip_listen(&resp_lsnr_, sip_, false, &SipStack::OnStrayResponse, this);
  trunk_hostport_ = HostPort(config_.trunk);
  tap_.Start(sip_, bound, local_hostport_);
  {
    std::lock_guard lock(push_mutex_);
    mq_ = mq_raw_;
  }
  return sa_port(&bound);
}

void SipStack::Teardown() {
  {
    std::lock_guard lock(push_mutex_);
    mq_ = nullptr;
  }
  legs_.clear();
  doomed_.clear();
  tmr_cancel(&reap_tmr_);
  tmr_cancel(&post_tmr_);
  tmr_cancel(&stop_tmr_);
  tap_.Stop();
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

void SipStack::OnSipExit(void*) {
  re_cancel();
}

// ---- commands from the engine thread ----

void SipStack::OnCommand(int, void* data, void* arg) {
  std::unique_ptr<SipCommand> cmd(static_cast<SipCommand*>(data));
  auto* self = static_cast<SipStack*>(arg);
  switch (cmd->kind) {
    case SipCommand::Kind::kOriginate: self->DoOriginate(cmd->request); return;
    case SipCommand::Kind::kHangup: self->DoHangup(cmd->leg); return;
    case SipCommand::Kind::kStop: self->DoStop(); return;
  }
}

void SipStack::DoStop() {
  stopping_ = true;
  for (auto& [id, leg] : legs_) CountHangup(*leg);
  legs_.clear();
  // Give the BYEs/CANCELs a moment to leave and be answered, then quit the loop.
  sip_close(sip_, false);
  tmr_start(
      &stop_tmr_, 300, [](void*) { re_cancel(); }, nullptr);
}

void SipStack::DoHangup(core::LegId id) {
  if (auto it = legs_.find(id.value); it != legs_.end()) End(*it->second, LegEnd::kHungUp);
}

// Freeing the leg sends it: CANCEL before an answer, BYE after.
void SipStack::CountHangup(const SipLeg& leg) {
  if (leg.closed) return;
  if (leg.answered) {
    ++counters_->byes_sent;
  } else {
    ++counters_->cancels_sent;
  }
}

// ---- events to the engine thread ----

LegEvent SipStack::Event(LegEventKind kind, int sip_code) {
  LegEvent e;
  e.kind = kind;
  e.sip_code = sip_code;
  return e;
}

// Events of one turn of libre's loop go to the engine as one task (a zero-delay timer runs
// after the turn's socket handlers): at thousands of calls per second one wake-up of the
// engine thread per event cost more than the events.
void SipStack::Post(core::LegId leg, LegEvent event, bool final_event) {
  event.leg = leg;
  pending_.push_back({event, final_event});
  if (pending_.size() == 1) tmr_start(&post_tmr_, 0, &SipStack::FlushEvents, this);
}

void SipStack::FlushEvents(void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  if (self->pending_.empty()) return;
  self->post_([side = self->side_, events = std::move(self->pending_)] {
    for (const auto& [event, final_event] : events) {
      if (!side->Deliver(event, final_event)) return;
    }
  });
  self->pending_.clear();
}

void SipStack::ReportFailed(core::LegId leg, const LegEvent& event) {
  ++counters_->legs_failed;
  Post(leg, event, true);
}

// ---- the end of a leg ----

// Every way a live leg ends comes here. The leg is freed on a zero-delay timer, outside libre's
// call stack: End is often called from one of the leg's own session callbacks, which libre is
// still in. Freeing the session is what sends our CANCEL or BYE (~SipLeg).
void SipStack::End(SipLeg& leg, LegEnd how, const LegEvent& failure) {
  if (leg.closed) return;  // already ending
  switch (how) {
    case LegEnd::kFailed: ReportFailed(leg.req.leg, failure); break;
    case LegEnd::kEndedRemote:
      ++counters_->legs_ended_remote;
      Post(leg.req.leg, Event(LegEventKind::kEnded, 0), true);
      break;
    case LegEnd::kHungUp: CountHangup(leg); break;
  }
  leg.closed = true;
  tmr_cancel(&leg.no_response);
  tmr_cancel(&leg.analysis_deadline);
  Unbridge(leg);
  doomed_.push_back(leg.req.leg.value);
  tmr_start(&reap_tmr_, 0, &SipStack::Reap, this);
}

void SipStack::Reap(void* arg) {
  auto* self = static_cast<SipStack*>(arg);
  for (uint64_t id : self->doomed_) self->legs_.erase(id);
  self->doomed_.clear();
  self->active_->store(self->legs_.size());
}

void SipStack::Unbridge(SipLeg& leg) {
  if (!leg.peer.valid()) return;
  if (auto it = legs_.find(leg.peer.value); it != legs_.end() && it->second->peer == leg.req.leg) {
    it->second->peer = {};
  }
  leg.peer = {};
}

void SipStack::Forget(SipLeg& leg) {
  if (leg.rtp != nullptr) {
    std::lock_guard lock(ports_->mutex);
    ports_->by_leg.erase(leg.req.leg.value);
  }
  if (!leg.call_id.empty()) {
    if (auto it = by_call_id_.find(leg.call_id); it != by_call_id_.end() && it->second == &leg) {
      by_call_id_.erase(it);
    }
  }
}

SipLeg::~SipLeg() {
  if (stack != nullptr) stack->Forget(*this);
  tmr_cancel(&no_response);
  tmr_cancel(&analysis_deadline);
  // Dereferencing an unfinished session makes libre CANCEL it, an established one BYE.
  mem_deref(sess);
  mem_deref(rtp);
  mem_deref(sdp);
}

}  // namespace outdial::telephony
