// The ContactIntake port: reading an uploaded contact list (API.md `POST /campaigns/{id}/contacts`,
// CSV or JSON) into validated contacts, and normalising a phone number typed by a person to E.164.
// One implementation (src/store/import: streaming, libphonenumber, time zones from tzdata) serves the
// REST API, the `outdial import` command and the DNC routes, so every edge applies the same rules;
// the app injects it into the API, which holds no parsing rules of its own.
//
// Threading: implementations are thread-safe; Read runs its callbacks on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.h"
#include "core/result.h"
#include "core/settings.h"
#include "core/time.h"
#include "engine/catalog.h"

namespace outdial::engine {

enum class IntakeFormat { kCsv, kJson };

struct IntakeRowError {
  uint64_t row = 0;   // 1-based data row (CSV: the header is not a row; JSON: index in `contacts`)
  std::string field;  // "phone", "phone2", "timezone", ...; "" for the whole row
  std::string problem;
};

struct IntakeSummary {
  uint64_t accepted = 0;     // contacts handed to the batch callback (and accepted by it)
  uint64_t rejected = 0;     // rows with at least one problem
  uint64_t error_count = 0;  // every row problem; `errors` keeps the first ones
  std::vector<IntakeRowError> errors;
  std::optional<core::Error> fatal_error;  // the body as a whole was unreadable, or a callback failed
};

struct IntakeProgress {
  uint64_t bytes_consumed = 0;
  uint64_t rows_seen = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
};

class ContactIntake {
 public:
  // Receives each batch of valid contacts (ids 0: the Catalog assigns them); an error stops the read
  // and becomes the fatal error.
  using BatchCallback = std::function<core::Result<void>(std::vector<ContactRow>&& batch)>;
  using ProgressCallback = std::function<void(const IntakeProgress&)>;
  // Supplies the next bytes of the body; an empty view ends it.
  using ChunkSource = std::function<std::string_view()>;

  virtual ~ContactIntake() = default;

  // Reads a whole list. Numbers are parsed with the tenant's default_region, contacts without a
  // time zone get the single zone of their number's country or the tenant's default_timezone, and
  // each contact's next_eligible_at is `now`. A fatal error may come after some batches were handed
  // out (a body cut short): a caller that must store all or nothing collects the batches first.
  virtual IntakeSummary Read(IntakeFormat format, const ChunkSource& next_chunk,
                             const core::TenantSettings& tenant, core::CampaignId campaign, TimePoint now,
                             const BatchCallback& on_batch, const ProgressCallback& on_progress = {}) = 0;

  // "+12015550123", "(201) 555-0123" (region US), "030 1234567" (region DE) → E.164; nullopt when
  // the text is not a valid number.
  virtual std::optional<std::string> NormalizeNumber(std::string_view text,
                                                     std::string_view default_region) const = 0;
};

}  // namespace outdial::engine
