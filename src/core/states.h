// The pure state machines of PRODUCT.md §4 and §5: agent states, the reservation/offer life cycle
// and the customer call. The engine asks these tables whether a step is legal before it takes it,
// so an illegal transition is a bug caught in one place (and by the soak test), not a silent drift.
#pragma once

#include <optional>
#include <string_view>

namespace outdial::core {

enum class AgentState {
  kLoggedOut,
  kIdle,
  kAvailable,
  kReserved,
  kPreviewing,
  kDialing,
  kRinging,
  kConnected,
  kWrapUp,
};
inline constexpr int kAgentStateCount = static_cast<int>(AgentState::kWrapUp) + 1;
std::string_view ToString(AgentState state);
std::optional<AgentState> AgentStateFromString(std::string_view text);
bool CanTransition(AgentState from, AgentState to);
// True while the agent holds a contact (the campaign icon is disabled then).
bool IsHandlingContact(AgentState state);

enum class ReservationState { kRinging, kAnswered, kEnded };
std::string_view ToString(ReservationState state);

enum class OfferAction { kAccept, kSkip, kRemove, kCancel };
std::string_view ToString(OfferAction action);
std::optional<OfferAction> OfferActionFromString(std::string_view text);

enum class CallState { kDialing, kRinging, kConnected, kEnded };
std::string_view ToString(CallState state);
bool CanTransition(CallState from, CallState to);

enum class CampaignStatus { kDraft, kRunning, kPaused, kStopped };
std::string_view ToString(CampaignStatus status);
std::optional<CampaignStatus> CampaignStatusFromString(std::string_view text);
// start: draft|paused|stopped → running; pause: running → paused; stop: running|paused → stopped.
bool CanTransition(CampaignStatus from, CampaignStatus to);

}  // namespace outdial::core
