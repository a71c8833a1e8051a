// The states of PRODUCT.md §4 and §5: agents, reservations, offer actions, calls and campaigns.
// The engine asks these tables whether an agent or campaign step is legal before it takes it (an
// illegal agent transition fails an assertion, an illegal campaign one is refused with 409), so
// an illegal transition is a bug caught in one place. The customer call's progress has a machine
// of its own (call_machine.h).
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

// What API.md shows of a call; its progress is core::CallPhase, decided by call_machine.h.
enum class CallState { kDialing, kRinging, kConnected, kEnded };
std::string_view ToString(CallState state);

enum class CampaignStatus { kDraft, kRunning, kPaused, kStopped };
std::string_view ToString(CampaignStatus status);
std::optional<CampaignStatus> CampaignStatusFromString(std::string_view text);
// start: draft|paused|stopped → running; pause: running → paused; stop: running|paused → stopped.
bool CanTransition(CampaignStatus from, CampaignStatus to);

}  // namespace outdial::core
