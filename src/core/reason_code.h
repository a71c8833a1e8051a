// The stable reason codes of PRODUCT.md §7 plus the API error codes of API.md. One enum, so an
// engine refusal (e.g. ACTION_DISABLED) travels unchanged to the wire. Names are stable: never
// rename one; add new codes at the end.
#pragma once

#include <optional>
#include <string_view>

namespace outdial::core {

enum class ReasonCode {
  // PRODUCT.md §7
  kTenantConcurrentCallLimit,
  kDatacenterConcurrentCallLimit,
  kCustomerBusy,
  kNoAnswer,
  kInvalidNumber,
  kNetworkError,
  kCallRejected,
  kAnsweringMachine,
  kFaxDetected,
  kSpecialInformationTone,
  kAgentCancelled,
  kReservationNotAnswered,
  kActionDisabled,
  kOfferClosed,
  kNoCallableContacts,
  kOutsideCallingWindow,
  kDoNotCall,
  kMaxAttemptsReached,
  kAgentNotAvailable,
  kCampaignNotRunning,
  // API.md generic error codes
  kUnauthenticated,
  kForbidden,
  kNotFound,
  kValidationFailed,
  kConflict,
  kPayloadTooLarge,
  kRateLimited,
  kUnavailable,
  kInternal,
};

using ErrorCode = ReasonCode;

inline constexpr int kReasonCodeCount = static_cast<int>(ReasonCode::kInternal) + 1;

// "TENANT_CONCURRENT_CALL_LIMIT", ...
std::string_view ToString(ReasonCode code);
std::optional<ReasonCode> ReasonCodeFromString(std::string_view text);
// The short human sentence shown on the desktop (English).
std::string_view HumanSentence(ReasonCode code);

}  // namespace outdial::core
