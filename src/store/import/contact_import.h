// Contact import (API.md `POST /api/v1/campaigns/{id}/contacts`): a streaming push parser of a
// CSV or JSON body that validates each contact and hands out the valid ones in batches.
//
//   ContactImporter importer(options, [&](std::vector<ImportedContact>&& batch) {
//     return store.InsertContacts(campaign, std::move(batch));   // one transaction per batch
//   });
//   while (read chunk) if (!importer.Feed(chunk).ok()) break;     // any chunk size
//   ImportSummary summary = importer.Finish();
//
// Input (API.md):
//  - CSV: a header row, then one contact per row. Columns: `name`, `phone` or `phone1..phoneN`
//    (each optionally with `phone_type` / `phoneN_type`), `timezone`, `priority` (0–100); every other
//    column is a custom field (an empty cell sets no field; a column `field:<name>` is the custom
//    field <name>, for names that collide with the ones above). RFC 4180 quoting, UTF-8, an optional
//    BOM, CRLF or LF. Blank lines are skipped and not counted. When the header has the status
//    columns the contact export writes (`attempts_made`, `next_eligible_at`), the export's own
//    columns (`id`, `campaign_id`, `state`, `attempts_made`, `next_eligible_at`, `last_outcome`) are
//    ignored, so an export imports back as the same contacts.
//  - JSON: `{"contacts": [{name, phones: [{number, type?}] | phone, timezone?, priority?, fields?}]}`;
//    other keys of a contact (id, state, ...) are ignored.
//
// Validation: numbers are parsed with libphonenumber against `default_region` and stored E.164;
// duplicate numbers within a contact are kept once. The time zone is the contact's `timezone`
// (an IANA name), else the single zone of the first number's country (see CountryZones), else
// `default_timezone`. A row with any problem is rejected whole and reported as {row, field,
// problem} (one entry per problem); `row` is the 1-based data row (CSV: the header is not a row;
// JSON: the index in `contacts`). A body that cannot be read at all (empty, no header, no phone
// column, duplicate columns, broken JSON structure) is a fatal error: VALIDATION_FAILED with a
// message naming the problem.
//
// Streaming: memory is bounded by one batch plus one row (rows and JSON elements longer than
// `max_row_bytes` are row errors), whatever the input size. A fatal error can be found after some
// batches were handed out (a JSON body cut short): a caller that must reject such a body whole
// discards what it stored for this import. After a fatal error no further batch is handed out.
// JSON elements are parsed one at a time with simdjson; nesting deeper than 64 inside a contact is
// a fatal structure error.
//
// Threading: an importer is used by one thread. With `threads` > 1 it validates the phone numbers
// of each batch on that many short-lived worker threads; the callbacks still run on the caller's
// thread, in row order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calling_window.h"
#include "core/contact.h"
#include "core/ids.h"
#include "core/result.h"
#include "core/time.h"

namespace outdial::store {

enum class ImportFormat { kCsv, kJson };

struct ImportOptions {
  ImportFormat format = ImportFormat::kCsv;
  std::string default_region = "US";     // tenant `default_region`: for numbers without +<country code>
  std::string default_timezone = "UTC";  // tenant `default_timezone`
  size_t batch_size = 10000;             // contacts per batch callback
  size_t max_errors = 1000;              // row errors kept in the summary (all are counted)
  size_t max_row_bytes = 1 << 20;        // a longer CSV row or JSON contact is a row error
  size_t progress_every_rows = 10000;    // the progress callback runs at most once per this many rows
  int threads = 1;                       // phone validation workers per batch (1: on the caller's thread)
  core::CampaignId campaign_id;          // copied into each contact
  core::TimePoint now{};                 // each contact's next_eligible_at (import time)
  // When set, each contact's `zone` is this table's id of its time zone. The importer's thread
  // must be the only one using the table meanwhile. When null, `zone` stays 0.
  core::ZoneTable* zones = nullptr;
};

// A valid contact: ids are 0 (the store assigns them); `timezone` is the IANA name of
// `contact.zone`, which is what the store keeps.
struct ImportedContact {
  core::Contact contact;
  std::string timezone;
};

struct RowError {
  uint64_t row = 0;   // 1-based data row
  std::string field;  // "phone", "phone2", "timezone", "phones[0].number", "" for the whole row
  std::string problem;
  bool operator==(const RowError&) const = default;
};

struct ImportProgress {
  uint64_t bytes_consumed = 0;
  uint64_t rows_seen = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
};

struct ImportSummary {
  uint64_t accepted = 0;     // contacts handed to the batch callback (and accepted by it)
  uint64_t rejected = 0;     // rows with at least one problem
  uint64_t error_count = 0;  // all row problems; `errors` keeps the first max_errors of them
  std::vector<RowError> errors;
  std::optional<core::Error> fatal_error;  // the body as a whole was not readable, or a callback failed
};

class ContactImporter {
 public:
  // Takes the batch (move it into the store); an error stops the import and becomes the fatal error.
  using BatchCallback = std::function<core::Result<void>(std::vector<ImportedContact>&& batch)>;
  using ProgressCallback = std::function<void(const ImportProgress&)>;

  // Checks the options (a region libphonenumber knows, a valid default time zone, sizes > 0):
  // VALIDATION_FAILED naming the option otherwise.
  static core::Result<std::unique_ptr<ContactImporter>> Create(ImportOptions options, BatchCallback on_batch,
                                                               ProgressCallback on_progress = {});
  ~ContactImporter();
  ContactImporter(const ContactImporter&) = delete;
  ContactImporter& operator=(const ContactImporter&) = delete;

  // Feeds the next bytes of the body. Returns the fatal error once there is one (then the rest of
  // the body need not be fed; further calls return the same error).
  core::Result<void> Feed(std::string_view chunk);
  // Ends the body: the last row, the last batch, the final progress call. Call once.
  ImportSummary Finish();

  // The summary so far (for a progress display).
  ImportProgress progress() const;

 private:
  class Impl;
  explicit ContactImporter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace outdial::store
