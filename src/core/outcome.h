// Call outcomes (API.md attempt `outcome`), the retry-rule keys of PRODUCT.md §3, and the mapping
// from SIP final responses to outcomes and reason codes (PRODUCT.md §7).
#pragma once

#include <optional>
#include <string_view>

#include "core/reason_code.h"

namespace outdial::core {

enum class Outcome {
  kConnected,
  kBusy,
  kNoAnswer,
  kMachine,
  kFax,
  kSpecialInformationTone,
  kInvalidNumber,
  kNetworkError,
  kRejected,
  kCancelled,
  kInterrupted,
};
inline constexpr int kOutcomeCount = static_cast<int>(Outcome::kInterrupted) + 1;

std::string_view ToString(Outcome outcome);
std::optional<Outcome> OutcomeFromString(std::string_view text);
// The reason code shown for a failed attempt with this outcome (kConnected has none: nullopt).
std::optional<ReasonCode> ReasonFor(Outcome outcome);

// Keys of the campaign `retry` table. `connected` is an outdial extension: the rule used when an
// agent disposes a connected call as `retry`.
enum class RetryKey {
  kBusy,
  kNoAnswer,
  kMachine,
  kNetworkError,
  kRejected,
  kCancelled,
  kSkipped,
  kInterrupted,
  kConnected,
};
inline constexpr int kRetryKeyCount = static_cast<int>(RetryKey::kConnected) + 1;
std::string_view ToString(RetryKey key);
std::optional<RetryKey> RetryKeyFromString(std::string_view text);

// Which retry rule applies after an attempt ended with `outcome`. Fax and SIT use `rejected`
// (the number reached something that is not a person), invalid numbers are never retried on
// that number (the caller marks the number invalid), connected uses `connected`.
RetryKey RetryKeyFor(Outcome outcome);

// What the customer's AMD/CPA said about an answered call.
enum class AmdResult { kHuman, kMachine, kFax, kUnknown };
std::string_view ToString(AmdResult result);

struct SipClassification {
  Outcome outcome;
  ReasonCode reason;
};
// Maps a SIP final response code of a customer INVITE (PRODUCT.md §7). `agent_cancelled` tells a
// 487 after the agent's cancel from other 487s. A code of 0 means "no response at all"
// (transaction timeout or transport error) → NETWORK_ERROR.
SipClassification ClassifySipFailure(int sip_code, bool agent_cancelled);

}  // namespace outdial::core
