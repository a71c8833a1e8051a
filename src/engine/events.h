// Desktop events (API.md "Events"), as the engine emits them. The api layer maps them to JSON;
// the simulator and tests consume them directly. Emitted on the engine thread.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/ids.h"
#include "core/outcome.h"
#include "core/settings.h"
#include "core/states.h"
#include "core/time.h"

namespace outdial::engine {

using core::AgentId;
using core::TimePoint;

struct AgentStateEvent {
  AgentId agent_id;
  core::AgentState state = core::AgentState::kIdle;
  std::optional<core::ReasonCode> reason_code;
  std::string reason;  // free text idle reason given by the agent
  TimePoint since{};
};

struct ReservationEvent {
  AgentId agent_id;
  core::ReservationId reservation_id;
  core::CampaignId campaign_id;
  core::ReservationState state = core::ReservationState::kRinging;
  std::optional<core::ReasonCode> reason_code;
};

struct OfferEvent {
  AgentId agent_id;
  core::OfferId offer_id;
  core::ReservationId reservation_id;  // invalid (0) in pull mode
  core::CampaignId campaign_id;
  std::string campaign_name;
  std::string campaign_description;
  core::CampaignMode mode = core::CampaignMode::kPreviewStandard;
  core::ContactId contact_id;
  std::string contact_name;
  std::string phone;
  std::vector<std::pair<std::string, std::string>> fields;  // configured fields only
  std::optional<TimePoint> expires_at;
  core::TimeoutAction timeout_action = core::TimeoutAction::kSkip;
  bool can_accept = true;
  bool can_skip = true;
  bool can_remove = true;
  bool can_cancel = true;
};

enum class ClosedBy { kAgent, kTimeout, kSystem };
std::string_view ToString(ClosedBy by);

struct OfferClosedEvent {
  AgentId agent_id;
  core::OfferId offer_id;
  core::OfferAction action = core::OfferAction::kSkip;
  ClosedBy by = ClosedBy::kAgent;
  std::optional<core::ReasonCode> reason_code;  // why the system closed it
};

struct CallEvent {
  AgentId agent_id;
  core::CallId call_id;
  core::OfferId offer_id;
  core::CampaignId campaign_id;
  core::ContactId contact_id;
  std::string number;
  core::CallState state = core::CallState::kDialing;
  TimePoint started_at{};
  std::optional<TimePoint> answered_at;   // the far end answered, before any CPA verdict
  std::optional<TimePoint> connected_at;  // the agent hears the customer
  bool can_cancel = false;
  std::optional<core::AmdResult> amd_result;
  std::optional<core::Outcome> outcome;  // set with state ended
};

struct AttemptFailedEvent {
  AgentId agent_id;
  core::CallId call_id;
  core::OfferId offer_id;
  core::ReasonCode reason_code = core::ReasonCode::kNetworkError;
  int sip_code = 0;  // 0: none
};

struct WrapupEvent {
  AgentId agent_id;
  core::CallId call_id;
  std::vector<core::Disposition> dispositions;
  std::optional<TimePoint> deadline_at;
};

struct NoticeEvent {
  AgentId agent_id;
  core::ReasonCode reason_code = core::ReasonCode::kNoCallableContacts;
  std::string message;
};

using Event = std::variant<AgentStateEvent, ReservationEvent, OfferEvent, OfferClosedEvent, CallEvent,
                           AttemptFailedEvent, WrapupEvent, NoticeEvent>;

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(const Event& event) = 0;
};

}  // namespace outdial::engine
