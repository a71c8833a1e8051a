#include "api/agent_ops.h"

#include "api/json_mapping.h"

namespace outdial::api {

namespace {

core::Error Invalid(std::string field, std::string problem) {
  return core::Error{core::ErrorCode::kValidationFailed,
                     "The request is not valid.",
                     {{std::move(field), std::move(problem)}}};
}

template <typename IdT>
core::Result<IdT> RequiredId(const nlohmann::json& body, const char* field) {
  if (!body.contains(field)) return Invalid(field, "is required");
  auto id = ParseId(body.at(field));
  if (!id) return Invalid(field, "must be an id (a decimal string)");
  return IdT{*id};
}

}  // namespace

std::optional<uint64_t> ParseIdText(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value == 0) return std::nullopt;
  return value;
}

std::optional<uint64_t> ParseId(const nlohmann::json& value) {
  if (value.is_string()) return ParseIdText(value.get_ref<const std::string&>());
  if (value.is_number_unsigned() && value.get<uint64_t>() != 0) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() > 0) {
    return static_cast<uint64_t>(value.get<int64_t>());
  }
  return std::nullopt;
}

core::Result<AgentOp> ParseSetState(const nlohmann::json& body) {
  AgentOp op;
  op.kind = AgentOpKind::kSetState;
  if (!body.contains("state") || !body["state"].is_string()) {
    return Invalid("state", "must be \"available\" or \"idle\"");
  }
  const auto& state = body["state"].get_ref<const std::string&>();
  if (state == "available") {
    op.state = core::AgentState::kAvailable;
  } else if (state == "idle") {
    op.state = core::AgentState::kIdle;
  } else {
    return Invalid("state", "must be \"available\" or \"idle\"");
  }
  if (body.contains("reason") && !body["reason"].is_null()) {
    if (!body["reason"].is_string() || body["reason"].get_ref<const std::string&>().size() > 200) {
      return Invalid("reason", "must be a text of at most 200 characters");
    }
    op.reason = body["reason"].get<std::string>();
  }
  return op;
}

core::Result<AgentOp> ParsePreviewRequest(const nlohmann::json& body) {
  AgentOp op;
  op.kind = AgentOpKind::kPreviewRequest;
  if (body.contains("campaign_id") && !body["campaign_id"].is_null()) {
    auto id = ParseId(body["campaign_id"]);
    if (!id) return Invalid("campaign_id", "must be an id (a decimal string)");
    op.campaign = core::CampaignId{*id};
  }
  return op;
}

core::Result<AgentOp> ParseWrapUp(core::CallId call, const nlohmann::json& body) {
  AgentOp op;
  op.kind = AgentOpKind::kWrapUp;
  op.call = call;
  if (!body.contains("disposition") || !body["disposition"].is_string() ||
      body["disposition"].get_ref<const std::string&>().empty()) {
    return Invalid("disposition", "is required: a disposition code of the campaign");
  }
  op.disposition = body["disposition"].get<std::string>();
  if (body.contains("callback_at") && !body["callback_at"].is_null()) {
    if (!body["callback_at"].is_number_integer()) return Invalid("callback_at", "must be epoch milliseconds");
    op.callback_at = core::FromEpochMs(body["callback_at"].get<int64_t>());
  }
  if (body.contains("notes") && !body["notes"].is_null()) {
    if (!body["notes"].is_string() || body["notes"].get_ref<const std::string&>().size() > 4000) {
      return Invalid("notes", "must be a text of at most 4000 characters");
    }
    op.notes = body["notes"].get<std::string>();
  }
  if (body.contains("personal_callback")) {
    if (!body["personal_callback"].is_boolean()) return Invalid("personal_callback", "must be true or false");
    op.personal_callback = body["personal_callback"].get<bool>();
  }
  return op;
}

core::Result<AgentOp> ParseWsOp(std::string_view name, const nlohmann::json& body) {
  if (name == "set_state") return ParseSetState(body);
  if (name == "preview_request") return ParsePreviewRequest(body);
  if (name == "answer_reservation") {
    auto id = RequiredId<core::ReservationId>(body, "reservation_id");
    if (!id.ok()) return id.error();
    AgentOp op;
    op.kind = AgentOpKind::kAnswerReservation;
    op.reservation = *id;
    return op;
  }
  if (auto action = core::OfferActionFromString(name)) {
    auto id = RequiredId<core::OfferId>(body, "offer_id");
    if (!id.ok()) return id.error();
    AgentOp op;
    op.kind = AgentOpKind::kOfferAction;
    op.offer = *id;
    op.action = *action;
    return op;
  }
  if (name == "cancel_call" || name == "end_call") {
    auto id = RequiredId<core::CallId>(body, "call_id");
    if (!id.ok()) return id.error();
    AgentOp op;
    op.kind = name == "cancel_call" ? AgentOpKind::kCancelCall : AgentOpKind::kEndCall;
    op.call = *id;
    return op;
  }
  if (name == "wrapup") {
    auto id = RequiredId<core::CallId>(body, "call_id");
    if (!id.ok()) return id.error();
    return ParseWrapUp(*id, body);
  }
  return Invalid("op",
                 "unknown operation; one of set_state, preview_request, answer_reservation, accept, skip, "
                 "remove, cancel, cancel_call, end_call, wrapup");
}

void RunAgentOp(engine::Dialer& dialer, core::AgentId agent, const AgentOp& op,
                const std::function<void(core::Result<nlohmann::json>)>& done) {
  auto plain = [done](const engine::ActionResult& r) {
    if (!r.ok()) return done(r.error());
    nlohmann::json j = nlohmann::json::object();
    if (r->offer_id.valid()) j["offer_id"] = r->offer_id.str();
    if (r->call_id.valid()) j["call_id"] = r->call_id.str();
    done(j);
  };
  switch (op.kind) {
    case AgentOpKind::kSetState:
      // A session that outlived a restart finds its agent logged out: log it in first
      // (Login only moves logged_out → idle).
      dialer.Login(agent, [&dialer, agent, op, done](const engine::ActionResult& login) {
        if (!login.ok()) return done(login.error());
        dialer.SetAgentState(agent, op.state, op.reason,
                             [&dialer, agent, done](const engine::ActionResult& r) {
                               if (!r.ok()) return done(r.error());
                               auto snap = dialer.Snapshot(agent);
                               done(snap ? SnapshotToJson(*snap) : nlohmann::json::object());
                             });
      });
      return;
    case AgentOpKind::kPreviewRequest:
      dialer.PreviewRequest(agent, op.campaign, [&dialer, agent, done](const engine::ActionResult& r) {
        if (!r.ok()) return done(r.error());
        auto snap = dialer.Snapshot(agent);
        if (snap && snap->offer && snap->offer->offer_id == r->offer_id) {
          return done(EventToJson(*snap->offer));
        }
        // The offer closed at once (a timeout of 0 with action accept): answer with its id.
        done(nlohmann::json{{"offer_id", r->offer_id.str()}});
      });
      return;
    case AgentOpKind::kAnswerReservation: dialer.AnswerReservation(agent, op.reservation, plain); return;
    case AgentOpKind::kOfferAction: dialer.ActOnOffer(agent, op.offer, op.action, plain); return;
    case AgentOpKind::kCancelCall: dialer.CancelCall(agent, op.call, plain); return;
    case AgentOpKind::kEndCall: dialer.EndCall(agent, op.call, plain); return;
    case AgentOpKind::kWrapUp:
      dialer.WrapUp(agent, op.call, op.disposition, op.callback_at, op.notes, op.personal_callback, plain);
      return;
  }
}

}  // namespace outdial::api
