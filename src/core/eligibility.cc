#include "core/eligibility.h"

namespace outdial::core {

namespace {

// A number may be dialed when it has not proved invalid and is below its own attempt limit.
bool NumberUsable(const Phone& phone, const CampaignSettings& settings) {
  return !phone.invalid && phone.attempts < settings.max_attempts_per_number;
}

}  // namespace

EligibilityResult CheckEligibility(const Contact& contact, const CampaignSettings& settings,
                                   const DncLookup& is_dnc, bool window_open) {
  EligibilityResult result;
  // A callback was promised to the customer: it is honoured even at the attempt limit.
  if (!contact.callback && contact.attempts_made >= settings.max_attempts) {
    result.kind = EligibilityKind::kClose;
    result.reason = ReasonCode::kMaxAttemptsReached;
    result.close_state = ContactState::kExhausted;
    return result;
  }
  int best = -1;
  bool any_on_dnc = false;
  for (size_t i = 0; i < contact.phones.size(); ++i) {
    const Phone& phone = contact.phones[i];
    if (!NumberUsable(phone, settings)) continue;
    if (is_dnc && is_dnc(phone.number)) {
      any_on_dnc = true;
      continue;
    }
    if (best < 0 || phone.attempts < contact.phones[static_cast<size_t>(best)].attempts) {
      best = static_cast<int>(i);
    }
  }
  if (best < 0) {
    result.kind = EligibilityKind::kClose;
    result.reason = any_on_dnc ? ReasonCode::kDoNotCall : ReasonCode::kMaxAttemptsReached;
    result.close_state = any_on_dnc ? ContactState::kDnc : ContactState::kExhausted;
    return result;
  }
  if (!window_open) {
    result.kind = EligibilityKind::kWaitForWindow;
    result.reason = ReasonCode::kOutsideCallingWindow;
    return result;
  }
  result.phone_index = best;
  return result;
}

bool CountsAsAttempt(const CampaignSettings& settings, RetryKey key) {
  return settings.RetryFor(key).counts_as_attempt;
}

ContactState ApplyRetry(Contact& contact, const CampaignSettings& settings, RetryKey key, int phone_index,
                        bool number_invalid, TimePoint now) {
  const RetryRule& rule = settings.RetryFor(key);
  if (phone_index >= 0 && static_cast<size_t>(phone_index) < contact.phones.size()) {
    Phone& phone = contact.phones[static_cast<size_t>(phone_index)];
    if (rule.counts_as_attempt) ++phone.attempts;
    if (number_invalid) phone.invalid = true;
  }
  if (rule.counts_as_attempt) ++contact.attempts_made;
  contact.callback = false;
  contact.callback_agent = {};

  bool any_usable = false;
  for (const Phone& phone : contact.phones) any_usable = any_usable || NumberUsable(phone, settings);
  if (contact.attempts_made >= settings.max_attempts || !any_usable) {
    contact.state = ContactState::kExhausted;
    return contact.state;
  }
  contact.next_eligible_at = now + Seconds{rule.delay_s};
  contact.state = rule.delay_s > 0 ? ContactState::kScheduled : ContactState::kCallable;
  return contact.state;
}

}  // namespace outdial::core
