#include "core/reason_code.h"

namespace outdial::core {

std::string_view ToString(ReasonCode code) {
  switch (code) {
    case ReasonCode::kTenantConcurrentCallLimit: return "TENANT_CONCURRENT_CALL_LIMIT";
    case ReasonCode::kDatacenterConcurrentCallLimit: return "DATACENTER_CONCURRENT_CALL_LIMIT";
    case ReasonCode::kCustomerBusy: return "CUSTOMER_BUSY";
    case ReasonCode::kNoAnswer: return "NO_ANSWER";
    case ReasonCode::kInvalidNumber: return "INVALID_NUMBER";
    case ReasonCode::kNetworkError: return "NETWORK_ERROR";
    case ReasonCode::kCallRejected: return "CALL_REJECTED";
    case ReasonCode::kAnsweringMachine: return "ANSWERING_MACHINE";
    case ReasonCode::kFaxDetected: return "FAX_DETECTED";
    case ReasonCode::kSpecialInformationTone: return "SPECIAL_INFORMATION_TONE";
    case ReasonCode::kAgentCancelled: return "AGENT_CANCELLED";
    case ReasonCode::kReservationNotAnswered: return "RESERVATION_NOT_ANSWERED";
    case ReasonCode::kActionDisabled: return "ACTION_DISABLED";
    case ReasonCode::kOfferClosed: return "OFFER_CLOSED";
    case ReasonCode::kNoCallableContacts: return "NO_CALLABLE_CONTACTS";
    case ReasonCode::kOutsideCallingWindow: return "OUTSIDE_CALLING_WINDOW";
    case ReasonCode::kDoNotCall: return "DO_NOT_CALL";
    case ReasonCode::kMaxAttemptsReached: return "MAX_ATTEMPTS_REACHED";
    case ReasonCode::kAgentNotAvailable: return "AGENT_NOT_AVAILABLE";
    case ReasonCode::kCampaignNotRunning: return "CAMPAIGN_NOT_RUNNING";
    case ReasonCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ReasonCode::kForbidden: return "FORBIDDEN";
    case ReasonCode::kNotFound: return "NOT_FOUND";
    case ReasonCode::kValidationFailed: return "VALIDATION_FAILED";
    case ReasonCode::kConflict: return "CONFLICT";
    case ReasonCode::kPayloadTooLarge: return "PAYLOAD_TOO_LARGE";
    case ReasonCode::kRateLimited: return "RATE_LIMITED";
    case ReasonCode::kUnavailable: return "UNAVAILABLE";
    case ReasonCode::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

std::optional<ReasonCode> ReasonCodeFromString(std::string_view text) {
  for (int i = 0; i < kReasonCodeCount; ++i) {
    auto code = static_cast<ReasonCode>(i);
    if (ToString(code) == text) return code;
  }
  return std::nullopt;
}

std::string_view HumanSentence(ReasonCode code) {
  switch (code) {
    case ReasonCode::kTenantConcurrentCallLimit:
      return "Your organisation has reached its limit of simultaneous calls. Try again in a moment.";
    case ReasonCode::kDatacenterConcurrentCallLimit:
      return "The dialer is at its limit of simultaneous calls. Try again in a moment.";
    case ReasonCode::kCustomerBusy: return "The customer's line was busy.";
    case ReasonCode::kNoAnswer: return "The customer did not answer.";
    case ReasonCode::kInvalidNumber: return "The number is not valid or not in service.";
    case ReasonCode::kNetworkError: return "The call failed because of a network error.";
    case ReasonCode::kCallRejected: return "The call was rejected.";
    case ReasonCode::kAnsweringMachine: return "An answering machine answered the call.";
    case ReasonCode::kFaxDetected: return "A fax machine answered the call.";
    case ReasonCode::kSpecialInformationTone:
      return "The network played a special information tone (number unreachable).";
    case ReasonCode::kAgentCancelled: return "You cancelled the call.";
    case ReasonCode::kReservationNotAnswered:
      return "The reservation call was not answered, so you were set to Idle.";
    case ReasonCode::kActionDisabled: return "This action is disabled for the campaign.";
    case ReasonCode::kOfferClosed: return "This contact is no longer offered to you.";
    case ReasonCode::kNoCallableContacts: return "There are no contacts to call right now.";
    case ReasonCode::kOutsideCallingWindow: return "It is outside the customer's calling hours.";
    case ReasonCode::kDoNotCall: return "The number is on a do-not-call list.";
    case ReasonCode::kMaxAttemptsReached: return "The contact has reached its maximum number of attempts.";
    case ReasonCode::kAgentNotAvailable: return "You are not in a state that allows this.";
    case ReasonCode::kCampaignNotRunning: return "The campaign is not running.";
    case ReasonCode::kUnauthenticated: return "Please log in.";
    case ReasonCode::kForbidden: return "You are not allowed to do this.";
    case ReasonCode::kNotFound: return "Not found.";
    case ReasonCode::kValidationFailed: return "Some values are not valid.";
    case ReasonCode::kConflict: return "This conflicts with the current state.";
    case ReasonCode::kPayloadTooLarge: return "The request is too large.";
    case ReasonCode::kRateLimited: return "Too many requests. Slow down.";
    case ReasonCode::kUnavailable: return "The service is unavailable right now.";
    case ReasonCode::kInternal: return "Something went wrong on the server.";
  }
  return "Something went wrong on the server.";
}

}  // namespace outdial::core
