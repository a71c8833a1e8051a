// SipStack: the libre-thread side of the SIP driver. It owns libre (from libre_init to
// libre_close, on the one thread that runs re_main), the SIP stack and its listeners, the table
// of live legs (sip_leg.h) and the batch of leg events bound for the engine. Its member
// functions live in one file per concern:
//   stack.cc              lifecycle, commands from the engine, events to it, leg teardown
//   signalling.cc         our INVITEs: originate, responses, re-INVITE, digest auth, BYE/CANCEL
//   incoming_requests.cc  requests that reach us: in-dialog UPDATE/OPTIONS, refusals of the rest
//   call_progress.cc      call progress analysis on the customer's audio, and the answer event
//   rtp_relay.cc          media anchoring and the RTP relay (free functions over SipLeg)
//   wire_tap.cc           the counters' view of the SIP socket (WireTap, owned here)
// Threading: Push may be called from any thread; everything else runs on libre's thread.
// SipEngineSide is the engine thread's half; SipRtpPorts is shared under its mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.h"
#include "engine/telephony.h"
#include "telephony/media/call_analyzer.h"
#include "telephony/sip/sip_leg.h"
#include "telephony/sip/sip_telephony.h"
#include "telephony/sip/wire_counters.h"
#include "telephony/sip/wire_tap.h"

extern "C" {
#include <re.h>
}

namespace outdial::telephony {

// Engine-thread side: the listener and the legs the engine still cares about. Shared with the
// tasks posted from libre's thread, so that a task outliving the driver finds `closed` set.
struct SipEngineSide {
  engine::TelephonyListener* listener = nullptr;
  std::unordered_set<uint64_t> live;  // originated, not hung up by the engine, no final event yet
  std::atomic<bool> closed{false};

  // Engine thread: hands `event` to the listener unless the engine hung the leg up (the port's
  // contract: no event after Hangup); a final event forgets the leg. False once the driver is
  // closed: nothing more is delivered.
  bool Deliver(const engine::LegEvent& event, bool final_event) {
    if (closed.load()) return false;
    auto it = live.find(event.leg.value);
    if (it == live.end()) return true;  // the engine hung it up: no event follows
    if (final_event) live.erase(it);
    if (listener != nullptr) listener->OnLegEvent(event);
    return true;
  }
};

// Each leg's server RTP port, for SipTelephony::LocalRtpPort (any thread, under `mutex`).
struct SipRtpPorts {
  std::mutex mutex;
  std::unordered_map<uint64_t, uint16_t> by_leg;
};

// What the engine thread asks of libre's thread, through libre's mqueue.
struct SipCommand {
  enum class Kind { kOriginate, kHangup, kStop };
  Kind kind = Kind::kOriginate;
  engine::LegRequest request;
  core::LegId leg;
};

// How a live leg ends (SipStack::End).
enum class LegEnd {
  kFailed,       // no answer: a final failure, no response, or a SIT verdict; the engine hears kFailed
  kEndedRemote,  // the far end's BYE after the answer; the engine hears kEnded
  kHungUp,       // the engine's Hangup: nothing to report; libre sends CANCEL or BYE
};

// Whether `msg` carries an SDP body (signalling.cc).
bool HasSdp(const sip_msg* msg);

class SipStack {
 public:
  using PostFn = SipTelephony::PostFn;

  SipStack(const SipConfig& config, PostFn post, std::shared_ptr<SipEngineSide> side,
           std::shared_ptr<SipCounters> counters, std::shared_ptr<std::atomic<uint64_t>> active,
           std::shared_ptr<SipRtpPorts> ports)
      : config_(config),
        post_(std::move(post)),
        side_(std::move(side)),
        counters_(std::move(counters)),
        active_(std::move(active)),
        ports_(std::move(ports)),
        tap_(*counters_) {}

  // libre thread: everything from libre_init to libre_close; `started` gets the bound SIP port.
  void Run(std::promise<core::Result<uint16_t>> started);
  // Any thread. Ownership of `cmd` passes to libre's thread; false when it takes no commands.
  bool Push(std::unique_ptr<SipCommand> cmd);

  // ---- used by the relay and the analysis (libre thread) ----
  SipCounters& counters() { return *counters_; }
  // The leg bridged with `leg`, while it is open; null before the bridge or after either end.
  SipLeg* Peer(const SipLeg& leg) {
    if (!leg.peer.valid()) return nullptr;
    auto it = legs_.find(leg.peer.value);
    return it == legs_.end() || it->second->closed ? nullptr : it->second.get();
  }
  // Feeds G.711 audio of `leg` to its analyzer, and acts on a verdict (call_progress.cc).
  void AnalyzeAudio(SipLeg& leg, Codec codec, const uint8_t* payload, size_t n);
  // ~SipLeg: the leg leaves the Call-ID and RTP port indexes (stack.cc).
  void Forget(SipLeg& leg);

 private:
  struct PendingEvent {
    engine::LegEvent event;
    bool final_event = false;
  };

  // stack.cc: lifecycle.
  core::Result<uint16_t> Setup();
  void Teardown();
  static void OnSipExit(void*);
  // stack.cc: commands from the engine thread.
  static void OnCommand(int, void* data, void* arg);
  void DoStop();
  void DoHangup(core::LegId id);
  void CountHangup(const SipLeg& leg);  // also DoStop's, which frees every leg at once
  // stack.cc: events to the engine thread.
  static engine::LegEvent Event(engine::LegEventKind kind, int sip_code);
  void Post(core::LegId leg, engine::LegEvent event, bool final_event);
  static void FlushEvents(void* arg);
  // Counts a failure; the engine hears `event` (kFailed) as the leg's last.
  void ReportFailed(core::LegId leg, const engine::LegEvent& event);
  // stack.cc: the end of a leg, the one teardown routine. Counts and reports it as `how` says
  // (`failure`: the kFailed event), stops its timers, unbridges it and frees it after this turn
  // of libre's loop; a leg already ending is left alone.
  void End(SipLeg& leg, LegEnd how, const engine::LegEvent& failure = {});
  static void Reap(void* arg);
  void Unbridge(SipLeg& leg);

  // signalling.cc: our INVITEs.
  void DoOriginate(const engine::LegRequest& req);
  std::optional<int> Address(const engine::LegRequest& req, std::string& to_uri, std::string& from_uri) const;
  void FailUnsent(core::LegId leg, int sip_code);
  static int OnAuth(char** user, char** pass, const char*, void* arg);
  static void OnNoResponse(void* arg);
  static SipLeg* Responded(const sip_msg* msg, void* arg);
  static void OnProgress(const sip_msg* msg, void* arg);
  static int OnAnswer(const sip_msg* msg, void* arg);
  static int OnOffer(mbuf** descp, const sip_msg* msg, void* arg);
  static void OnEstablished(const sip_msg* msg, void* arg);
  static void OnClose(int err, const sip_msg* msg, void* arg);

  // incoming_requests.cc: requests that reach us.
  static void OnIncomingInvite(const sip_msg* msg, void* arg);
  static bool OnRequest(const sip_msg* msg, void* arg);
  static bool OnOtherRequest(const sip_msg* msg, void* arg);
  static bool OnStrayResponse(const sip_msg* msg, void* arg);
  SipLeg* FindByDialog(const sip_msg* msg);
  void RefuseUnsolicited(const sip_msg* msg);
  void AnswerOptions(const sip_msg* msg);
  void AnswerUpdate(SipLeg& leg, const sip_msg* msg);

  // call_progress.cc: analysis and the answer.
  void StartEarlyAnalysis(SipLeg& leg);
  bool StartAnswerAnalysis(SipLeg& leg);
  void FinishAnalysis(SipLeg& leg);
  void OnVerdict(SipLeg& leg, const media::Verdict& verdict);
  static void OnAnalysisDeadline(void* arg);
  void ReportAnswered(SipLeg& leg);

  SipConfig config_;
  PostFn post_;
  std::shared_ptr<SipEngineSide> side_;
  std::shared_ptr<SipCounters> counters_;
  std::shared_ptr<std::atomic<uint64_t>> active_;
  std::shared_ptr<SipRtpPorts> ports_;

  std::mutex push_mutex_;
  mqueue* mq_ = nullptr;  // guarded by push_mutex_: null when no thread takes commands
  mqueue* mq_raw_ = nullptr;

  // libre thread only from here on.
  struct sip* sip_ = nullptr;
  dnsc* dnsc_ = nullptr;
  sipsess_sock* sock_ = nullptr;
  sip_lsnr* first_lsnr_ = nullptr;
  sip_lsnr* req_lsnr_ = nullptr;
  sip_lsnr* resp_lsnr_ = nullptr;
  WireTap tap_;
  sa rtp_ip_{};
  std::string local_hostport_;
  std::string trunk_hostport_;
  std::unordered_map<std::string, SipLeg*> by_call_id_;  // before legs_: ~SipLeg erases from it
  std::unordered_map<uint64_t, std::unique_ptr<SipLeg>> legs_;
  std::vector<uint64_t> doomed_;
  tmr reap_tmr_{};
  tmr post_tmr_{};
  std::vector<PendingEvent> pending_;  // for the engine, flushed by post_tmr_
  tmr stop_tmr_{};
  bool stopping_ = false;
};

}  // namespace outdial::telephony
