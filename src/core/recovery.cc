#include "core/recovery.h"

#include "core/eligibility.h"

namespace outdial::core {

namespace {

// Whether a contact can still be dialed again (recovery reopens only those).
bool StillOpen(ContactState state) {
  switch (state) {
    case ContactState::kInProgress:
    case ContactState::kCallable:
    case ContactState::kScheduled: return true;
    case ContactState::kDone:
    case ContactState::kExhausted:
    case ContactState::kDnc:
    case ContactState::kRemoved: return false;
  }
  return false;
}

// The index of `number` among the contact's numbers; -1 when it is not one of them (ApplyRetry
// then counts the attempt on the contact alone).
int PhoneIndex(const Contact& contact, std::string_view number) {
  for (size_t i = 0; i < contact.phones.size(); ++i) {
    if (contact.phones[i].number == number) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

ContactState ReleasedState(TimePoint next_eligible_at, TimePoint now) {
  return next_eligible_at > now ? ContactState::kScheduled : ContactState::kCallable;
}

RecoveryAction RecoverContact(Contact& contact, const CampaignSettings& settings,
                              std::optional<std::string_view> interrupted_number, TimePoint now) {
  if (interrupted_number) {
    if (!StillOpen(contact.state)) return RecoveryAction::kUntouched;
    contact.last_outcome = kRecoveredOutcome;
    ApplyRetry(contact, settings, RetryKey::kInterrupted, PhoneIndex(contact, *interrupted_number), false,
               now);
    return RecoveryAction::kRescheduled;
  }
  if (contact.state != ContactState::kInProgress) return RecoveryAction::kUntouched;
  contact.state = ReleasedState(contact.next_eligible_at, now);
  return RecoveryAction::kReleased;
}

}  // namespace outdial::core
