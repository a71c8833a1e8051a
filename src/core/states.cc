#include "core/states.h"

#include "core/contact.h"

namespace outdial::core {

std::string_view ToString(ContactState state) {
  switch (state) {
    case ContactState::kCallable: return "callable";
    case ContactState::kScheduled: return "scheduled";
    case ContactState::kInProgress: return "in_progress";
    case ContactState::kDone: return "done";
    case ContactState::kRemoved: return "removed";
    case ContactState::kDnc: return "dnc";
    case ContactState::kExhausted: return "exhausted";
  }
  return "callable";
}

std::string_view ToString(AgentState state) {
  switch (state) {
    case AgentState::kLoggedOut: return "logged_out";
    case AgentState::kIdle: return "idle";
    case AgentState::kAvailable: return "available";
    case AgentState::kReserved: return "reserved";
    case AgentState::kPreviewing: return "previewing";
    case AgentState::kDialing: return "dialing";
    case AgentState::kRinging: return "ringing";
    case AgentState::kConnected: return "connected";
    case AgentState::kWrapUp: return "wrap_up";
  }
  return "logged_out";
}

std::optional<AgentState> AgentStateFromString(std::string_view text) {
  for (int i = 0; i < kAgentStateCount; ++i) {
    if (ToString(static_cast<AgentState>(i)) == text) return static_cast<AgentState>(i);
  }
  return std::nullopt;
}

bool CanTransition(AgentState from, AgentState to) {
  using S = AgentState;
  if (to == S::kLoggedOut) return true;  // logout (or a lost session) from anywhere
  switch (from) {
    case S::kLoggedOut: return to == S::kIdle;
    case S::kIdle: return to == S::kAvailable || to == S::kPreviewing;  // pull mode from idle too
    case S::kAvailable: return to == S::kIdle || to == S::kReserved || to == S::kPreviewing;
    case S::kReserved:
      // answered → previewing; not answered → idle; nothing left / campaign stopped → available
      return to == S::kPreviewing || to == S::kIdle || to == S::kAvailable;
    case S::kPreviewing:
      // accept → dialing; cancel → idle; no contact left / pull skip → available or idle
      return to == S::kDialing || to == S::kIdle || to == S::kAvailable;
    case S::kDialing:
      // customer ringing / answered; failed → next offer (previewing) or back (pull)
      return to == S::kRinging || to == S::kConnected || to == S::kPreviewing || to == S::kAvailable ||
             to == S::kIdle;
    case S::kRinging:
      return to == S::kConnected || to == S::kPreviewing || to == S::kAvailable || to == S::kIdle;
    case S::kConnected: return to == S::kWrapUp;
    case S::kWrapUp: return to == S::kAvailable || to == S::kIdle;
  }
  return false;
}

bool IsHandlingContact(AgentState state) {
  switch (state) {
    case AgentState::kLoggedOut:
    case AgentState::kIdle:
    case AgentState::kAvailable: return false;
    case AgentState::kReserved:
    case AgentState::kPreviewing:
    case AgentState::kDialing:
    case AgentState::kRinging:
    case AgentState::kConnected:
    case AgentState::kWrapUp: return true;
  }
  return true;
}

std::string_view ToString(ReservationState state) {
  switch (state) {
    case ReservationState::kRinging: return "ringing";
    case ReservationState::kAnswered: return "answered";
    case ReservationState::kEnded: return "ended";
  }
  return "ended";
}

std::string_view ToString(OfferAction action) {
  switch (action) {
    case OfferAction::kAccept: return "accept";
    case OfferAction::kSkip: return "skip";
    case OfferAction::kRemove: return "remove";
    case OfferAction::kCancel: return "cancel";
  }
  return "cancel";
}

std::optional<OfferAction> OfferActionFromString(std::string_view text) {
  if (text == "accept") return OfferAction::kAccept;
  if (text == "skip") return OfferAction::kSkip;
  if (text == "remove") return OfferAction::kRemove;
  if (text == "cancel") return OfferAction::kCancel;
  return std::nullopt;
}

std::string_view ToString(CallState state) {
  switch (state) {
    case CallState::kDialing: return "dialing";
    case CallState::kRinging: return "ringing";
    case CallState::kConnected: return "connected";
    case CallState::kEnded: return "ended";
  }
  return "ended";
}

std::string_view ToString(CampaignStatus status) {
  switch (status) {
    case CampaignStatus::kDraft: return "draft";
    case CampaignStatus::kRunning: return "running";
    case CampaignStatus::kPaused: return "paused";
    case CampaignStatus::kStopped: return "stopped";
  }
  return "draft";
}

std::optional<CampaignStatus> CampaignStatusFromString(std::string_view text) {
  if (text == "draft") return CampaignStatus::kDraft;
  if (text == "running") return CampaignStatus::kRunning;
  if (text == "paused") return CampaignStatus::kPaused;
  if (text == "stopped") return CampaignStatus::kStopped;
  return std::nullopt;
}

bool CanTransition(CampaignStatus from, CampaignStatus to) {
  switch (to) {
    case CampaignStatus::kRunning: return from != CampaignStatus::kRunning;
    case CampaignStatus::kPaused: return from == CampaignStatus::kRunning;
    case CampaignStatus::kStopped: return from == CampaignStatus::kRunning || from == CampaignStatus::kPaused;
    case CampaignStatus::kDraft: return false;
  }
  return false;
}

}  // namespace outdial::core
