#include "api/events_session.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"

namespace outdial::api {

void EventsSession::OnOpen(std::shared_ptr<WsConnection> connection) {
  connection_ = connection;
  auto self = shared_from_this();
  spdlog::debug("events: {} '{}' connected", engine::ToString(principal_.role), principal_.username);
  api_.engine.Post([self, connection] {
    auto& api = self->api_;
    auto subscribe = [self, connection] {
      if (self->closed_) return;
      self->subscription_ = self->api_.deps.hub.Subscribe(self->principal_, connection);
    };
    if (self->principal_.role == engine::Role::kAgent) {
      // Opening the desktop after a restart finds the agent logged out: log it in first, so the
      // snapshot shows where it really stands.
      api.deps.dialer.Login(self->principal_.user, [subscribe](const engine::ActionResult&) { subscribe(); });
    } else {
      subscribe();
    }
  });
}

void EventsSession::SendAck(const Json& ref, const core::Result<Json>& result) {
  Json ack = {{"type", "ack"}, {"ref", ref}, {"ok", result.ok()}};
  if (result.ok()) {
    ack["result"] = *result;
  } else {
    Json details = Json::array();
    for (const auto& d : result.error().details) {
      details.push_back({{"field", d.field}, {"problem", d.problem}});
    }
    ack["error"] = {{"code", std::string(core::ToString(result.error().code))},
                    {"message", result.error().message},
                    {"details", details}};
  }
  connection_->Send(std::make_shared<const std::string>(ack.dump()));
}

void EventsSession::OnText(std::string text) {
  Json frame = Json::parse(text, nullptr, false);
  if (frame.is_discarded() || !frame.is_object()) {
    api_.deps.metrics.CountBadFrame();
    return SendAck(nullptr,
                   Invalid("frame", "must be a JSON object {op, ref, ...}", "The frame is not valid JSON."));
  }
  Json ref = frame.contains("ref") ? frame["ref"] : Json(nullptr);
  if (!frame.contains("op") || !frame["op"].is_string()) {
    api_.deps.metrics.CountBadFrame();
    return SendAck(ref, Invalid("op", "is required"));
  }
  auto op = ParseWsOp(frame["op"].get<std::string>(), frame);
  if (!op.ok()) {
    api_.deps.metrics.CountBadFrame();
    return SendAck(ref, op.error());
  }
  if (principal_.role != engine::Role::kAgent) return SendAck(ref, Forbidden());
  auto self = shared_from_this();
  api_.RunOpThen(principal_, *op, [self, ref](const core::Result<Json>& r) { self->SendAck(ref, r); });
}

void EventsSession::OnBinary() {
  // Binary frames are no operation of ours: counted and dropped (PRODUCT.md §8.5).
  api_.deps.metrics.CountBadFrame();
}

void EventsSession::OnClose() {
  auto self = shared_from_this();
  spdlog::debug("events: '{}' disconnected", principal_.username);
  api_.engine.Post([self] {
    self->closed_ = true;
    if (self->subscription_ != 0) self->api_.deps.hub.Unsubscribe(self->subscription_);
    self->subscription_ = 0;
  });
}

}  // namespace outdial::api
