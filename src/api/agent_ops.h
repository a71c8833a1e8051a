// The agent operations of API.md, shared by the REST routes and the WebSocket: parsed and
// validated once at the edge into an AgentOp, then run on the engine thread against the Dialer.
// `done` is called on the engine thread after the change is durable (the Dialer's ActionDone).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "engine/dialer.h"

namespace outdial::api {

enum class AgentOpKind {
  kSetState,
  kPreviewRequest,
  kAnswerReservation,
  kOfferAction,
  kCancelCall,
  kEndCall,
  kWrapUp,
};

struct AgentOp {
  AgentOpKind kind = AgentOpKind::kSetState;
  core::AgentState state = core::AgentState::kAvailable;
  std::string reason;
  std::optional<core::CampaignId> campaign;
  core::ReservationId reservation;
  core::OfferId offer;
  core::OfferAction action = core::OfferAction::kAccept;
  core::CallId call;
  std::string disposition;
  std::optional<core::TimePoint> callback_at;
  std::string notes;
  bool personal_callback = false;
};

// An id in the wire form (a decimal string; a JSON number is accepted too). nullopt if not one.
std::optional<uint64_t> ParseId(const nlohmann::json& value);
std::optional<uint64_t> ParseIdText(std::string_view text);

// Parses the WebSocket frame body of `op` (set_state, preview_request, answer_reservation,
// accept, skip, remove, cancel, cancel_call, end_call, wrapup). Unknown op → VALIDATION_FAILED.
core::Result<AgentOp> ParseWsOp(std::string_view op, const nlohmann::json& body);
// Field-level parsing shared with REST (the target id comes from the path there).
core::Result<AgentOp> ParseSetState(const nlohmann::json& body);
core::Result<AgentOp> ParsePreviewRequest(const nlohmann::json& body);
core::Result<AgentOp> ParseWrapUp(core::CallId call, const nlohmann::json& body);

// Engine thread. The JSON is what the REST call answers (and the ack carries as `result`):
// set_state → the agent snapshot, preview_request → the offer, others → {offer_id?, call_id?}.
void RunAgentOp(engine::Dialer& dialer, core::AgentId agent, const AgentOp& op,
                const std::function<void(core::Result<nlohmann::json>)>& done);

}  // namespace outdial::api
