#include "core/outcome.h"

namespace outdial::core {

std::string_view ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kConnected: return "connected";
    case Outcome::kBusy: return "busy";
    case Outcome::kNoAnswer: return "no_answer";
    case Outcome::kMachine: return "machine";
    case Outcome::kFax: return "fax";
    case Outcome::kSpecialInformationTone: return "special_information_tone";
    case Outcome::kInvalidNumber: return "invalid_number";
    case Outcome::kNetworkError: return "network_error";
    case Outcome::kRejected: return "rejected";
    case Outcome::kCancelled: return "cancelled";
    case Outcome::kInterrupted: return "interrupted";
  }
  return "interrupted";
}

std::optional<Outcome> OutcomeFromString(std::string_view text) {
  for (int i = 0; i < kOutcomeCount; ++i) {
    if (ToString(static_cast<Outcome>(i)) == text) return static_cast<Outcome>(i);
  }
  return std::nullopt;
}

std::optional<ReasonCode> ReasonFor(Outcome outcome) {
  switch (outcome) {
    case Outcome::kConnected: return std::nullopt;
    case Outcome::kBusy: return ReasonCode::kCustomerBusy;
    case Outcome::kNoAnswer: return ReasonCode::kNoAnswer;
    case Outcome::kMachine: return ReasonCode::kAnsweringMachine;
    case Outcome::kFax: return ReasonCode::kFaxDetected;
    case Outcome::kSpecialInformationTone: return ReasonCode::kSpecialInformationTone;
    case Outcome::kInvalidNumber: return ReasonCode::kInvalidNumber;
    case Outcome::kNetworkError: return ReasonCode::kNetworkError;
    case Outcome::kRejected: return ReasonCode::kCallRejected;
    case Outcome::kCancelled: return ReasonCode::kAgentCancelled;
    case Outcome::kInterrupted: return ReasonCode::kNetworkError;
  }
  return ReasonCode::kNetworkError;
}

std::string_view ToString(RetryKey key) {
  switch (key) {
    case RetryKey::kBusy: return "busy";
    case RetryKey::kNoAnswer: return "no_answer";
    case RetryKey::kMachine: return "machine";
    case RetryKey::kNetworkError: return "network_error";
    case RetryKey::kRejected: return "rejected";
    case RetryKey::kCancelled: return "cancelled";
    case RetryKey::kSkipped: return "skipped";
    case RetryKey::kInterrupted: return "interrupted";
    case RetryKey::kConnected: return "connected";
  }
  return "interrupted";
}

std::optional<RetryKey> RetryKeyFromString(std::string_view text) {
  for (int i = 0; i < kRetryKeyCount; ++i) {
    if (ToString(static_cast<RetryKey>(i)) == text) return static_cast<RetryKey>(i);
  }
  return std::nullopt;
}

RetryKey RetryKeyFor(Outcome outcome) {
  switch (outcome) {
    case Outcome::kConnected: return RetryKey::kConnected;
    case Outcome::kBusy: return RetryKey::kBusy;
    case Outcome::kNoAnswer: return RetryKey::kNoAnswer;
    case Outcome::kMachine: return RetryKey::kMachine;
    case Outcome::kFax:
    case Outcome::kSpecialInformationTone:
    case Outcome::kInvalidNumber: return RetryKey::kRejected;
    case Outcome::kNetworkError: return RetryKey::kNetworkError;
    case Outcome::kRejected: return RetryKey::kRejected;
    case Outcome::kCancelled: return RetryKey::kCancelled;
    case Outcome::kInterrupted: return RetryKey::kInterrupted;
  }
  return RetryKey::kInterrupted;
}

std::string_view ToString(AmdResult result) {
  switch (result) {
    case AmdResult::kHuman: return "human";
    case AmdResult::kMachine: return "machine";
    case AmdResult::kFax: return "fax";
    case AmdResult::kUnknown: return "unknown";
  }
  return "unknown";
}

SipClassification ClassifySipFailure(int sip_code, bool agent_cancelled) {
  switch (sip_code) {
    case 486:
    case 600: return {Outcome::kBusy, ReasonCode::kCustomerBusy};
    case 408:
    case 480: return {Outcome::kNoAnswer, ReasonCode::kNoAnswer};
    case 404:
    case 410:
    case 484:
    case 604: return {Outcome::kInvalidNumber, ReasonCode::kInvalidNumber};
    case 403:
    case 603: return {Outcome::kRejected, ReasonCode::kCallRejected};
    case 487:
      if (agent_cancelled) return {Outcome::kCancelled, ReasonCode::kAgentCancelled};
      return {Outcome::kNetworkError, ReasonCode::kNetworkError};
    default: break;  // ranges below
  }
  if (sip_code == 0 || (sip_code >= 500 && sip_code < 600)) {
    return {Outcome::kNetworkError, ReasonCode::kNetworkError};
  }
  // Other 4xx/6xx: the network refused the call for a reason we do not single out.
  return {Outcome::kRejected, ReasonCode::kCallRejected};
}

}  // namespace outdial::core
