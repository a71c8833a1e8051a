// Crash recovery's rule for one contact (PRODUCT.md §8.2), the same for every store: SqlDatabase
// (SQLite and PostgreSQL) and MemoryCatalog. A pure function over the contact and its campaign's
// settings; the store reads the contacts the crash left open, calls it, and writes what it returns.
// Owns nothing; any thread (no I/O, no clock: the caller passes `now`).
#pragma once

#include <optional>
#include <string_view>

#include "core/contact.h"
#include "core/settings.h"

namespace outdial::core {

// What recovery did to a contact.
enum class RecoveryAction {
  kUntouched,    // nothing to do (no open attempt and not held, or closed for good)
  kRescheduled,  // an attempt was left open: the `interrupted` retry rule was applied
  kReleased,     // held by an offer or a reservation: back to scheduled/callable, counts untouched
};

// The outcome recorded on an attempt that the crash left open (and on its contact).
inline constexpr Outcome kRecoveredOutcome = Outcome::kInterrupted;

// Decides, and applies to `contact`, what recovery makes of it at `now`:
//  - `interrupted_number` is the number of an attempt the crash left open on it (nullopt: none).
//    The dial may have started, so a contact still open (in_progress, callable or scheduled) takes
//    last_outcome `interrupted` and the `interrupted` retry rule (core::ApplyRetry: counts the
//    attempt on the contact and that number when the rule says so, next_eligible_at = now +
//    delay, exhausted at the limits). A contact closed for good (done, removed, dnc, exhausted)
//    stays as it is. A store with several open attempts on one contact calls it once per attempt.
//  - without one, a contact still in_progress was held by an offer or a reservation: it goes back
//    untouched but for its state, scheduled while next_eligible_at is after `now`, else callable.
RecoveryAction RecoverContact(Contact& contact, const CampaignSettings& settings,
                              std::optional<std::string_view> interrupted_number, TimePoint now);

// The state a held contact goes back to (the kReleased case of RecoverContact).
ContactState ReleasedState(TimePoint next_eligible_at, TimePoint now);

}  // namespace outdial::core
