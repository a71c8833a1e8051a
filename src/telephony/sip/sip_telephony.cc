// SipTelephony, the front of the SIP driver on the engine thread: it turns the port's calls into
// commands for libre's thread (SipStack, stack.h) and owns that thread.
#include "telephony/sip/sip_telephony.h"

#include <future>
#include <mutex>
#include <utility>

#include "telephony/sip/stack.h"

namespace outdial::telephony {

using engine::LegEvent;
using engine::LegEventKind;

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

SipTelephony::SipTelephony(SipConfig config, PostFn post_to_engine)
    : config_(std::move(config)),
      engine_side_(std::make_shared<SipEngineSide>()),
      counters_(std::make_shared<SipCounters>()),
      active_legs_(std::make_shared<std::atomic<uint64_t>>(0)),
      rtp_ports_(std::make_shared<SipRtpPorts>()),
      post_(post_to_engine) {
  stack_ = std::make_unique<SipStack>(config_, std::move(post_to_engine), engine_side_, counters_,
                                      active_legs_, rtp_ports_);
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
  auto cmd = std::make_unique<SipCommand>();
  cmd->kind = SipCommand::Kind::kStop;
  (void)stack_->Push(std::move(cmd));
  thread_.join();
  started_ = false;
}

void SipTelephony::SetListener(engine::TelephonyListener* listener) {
  engine_side_->listener = listener;
}

void SipTelephony::Originate(const engine::LegRequest& request) {
  engine_side_->live.insert(request.leg.value);
  auto cmd = std::make_unique<SipCommand>();
  cmd->kind = SipCommand::Kind::kOriginate;
  cmd->request = request;
  if (!stack_->Push(std::move(cmd))) {
    // Not running: the leg fails as a transport error would, on a later turn of the engine.
    ++counters_->legs_failed;
    LegEvent e;
    e.leg = request.leg;
    e.kind = LegEventKind::kFailed;
    post_([side = engine_side_, e] { (void)side->Deliver(e, true); });
  }
}

void SipTelephony::Hangup(core::LegId leg) {
  if (engine_side_->live.erase(leg.value) == 0) return;
  auto cmd = std::make_unique<SipCommand>();
  cmd->kind = SipCommand::Kind::kHangup;
  cmd->leg = leg;
  (void)stack_->Push(std::move(cmd));
}

bool SipTelephony::AnswerStation(core::LegId) {
  return false;
}

}  // namespace outdial::telephony
