// EventsSession: one WebSocket of GET /api/v1/events. Subscribes on the engine thread (snapshot
// first; an agent is logged in first), turns client frames into agent operations and acks them
// after the change is durable.
//
// Threading: the WsSession callbacks run on the connection's I/O strand; the subscription is
// touched on the engine thread only.
#pragma once

#include <memory>

#include "api/api_context.h"

namespace outdial::api {

class EventsSession final : public WsSession, public std::enable_shared_from_this<EventsSession> {
 public:
  EventsSession(ApiContext& api, Principal principal) : api_(api), principal_(std::move(principal)) {}
  void OnOpen(std::shared_ptr<WsConnection> connection) override;
  void OnText(std::string text) override;
  void OnBinary() override;
  void OnClose() override;

 private:
  void SendAck(const Json& ref, const core::Result<Json>& result);
  ApiContext& api_;
  Principal principal_;
  std::shared_ptr<WsConnection> connection_;
  // Engine thread only: the subscription, and whether the socket closed before it was made.
  uint64_t subscription_ = 0;
  bool closed_ = false;
};

}  // namespace outdial::api
