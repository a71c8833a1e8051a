// Eligibility and retry rules (PRODUCT.md §6): may this contact be dialed now, on which number,
// and what becomes of it after an attempt ends. Pure functions over a Contact and its campaign's
// settings; the caller supplies the DNC lookup and the calling-window state (computed per zone).
#pragma once

#include <functional>
#include <string_view>

#include "core/contact.h"
#include "core/settings.h"

namespace outdial::core {

enum class EligibilityKind {
  kEligible,       // dial `phone_index`
  kWaitForWindow,  // outside the calling window: park until it opens
  kClose,          // never dialable again: move to `close_state` (dnc / exhausted)
};

struct EligibilityResult {
  EligibilityKind kind = EligibilityKind::kEligible;
  int phone_index = -1;
  ReasonCode reason = ReasonCode::kNoCallableContacts;  // why not eligible
  ContactState close_state = ContactState::kExhausted;
};

using DncLookup = std::function<bool(std::string_view e164)>;

// Attempt limits and DNC are checked before the window, since they close the contact for good.
// Among the usable numbers, the one with the fewest attempts is chosen (then the first listed).
EligibilityResult CheckEligibility(const Contact& contact, const CampaignSettings& settings,
                                   const DncLookup& is_dnc, bool window_open);

// Applies the retry rule of `key` after an attempt on `phone_index` (or a skip / interruption):
// counts the attempt when the rule says so, marks an invalid number, and moves the contact to
// `scheduled` (due at now + delay), `callable` (delay 0) or `exhausted` (limits reached, or no
// usable number left). Returns the new state.
ContactState ApplyRetry(Contact& contact, const CampaignSettings& settings, RetryKey key, int phone_index,
                        bool number_invalid, TimePoint now);

// Number of attempts that still count toward the contact's limit for a given outcome.
bool CountsAsAttempt(const CampaignSettings& settings, RetryKey key);

}  // namespace outdial::core
