// CSV export of contacts and attempts, streaming to an std::ostream: the header first, then one
// row per Write, each field quoted as RFC 4180 requires (commas, quotes, line breaks). The writers
// take the plain records the store holds, so the store can feed them straight from a query cursor.
//
// The contact export reads back through ContactImporter: its phone columns are `phone1`,
// `phone1_type`, ...; its status columns (`id`, `campaign_id`, `state`, `attempts_made`,
// `next_eligible_at`, `last_outcome`) are ignored on import; a custom field whose name collides with
// a column of the format is written as `field:<name>`. Times are epoch milliseconds UTC (API.md).
// Values are written as they are: a spreadsheet may read a cell starting with '=', '+', '-' or '@'
// as a formula (phone numbers start with '+'), so open exports as text.
//
// Single-threaded; the stream must outlive the writer.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/contact.h"
#include "engine/store.h"

namespace outdial::store {

// Writes `value` as one CSV field (quoted when it has to be).
void WriteCsvField(std::ostream& out, std::string_view value);

struct ContactExportColumns {
  size_t phones = 1;                // phone1..phoneN columns (phones past N are not written)
  std::vector<std::string> fields;  // custom field columns in this order (other fields are not written)
};

// The columns that hold every phone and field of `contacts` (fields in first-seen order).
ContactExportColumns ColumnsFor(const std::vector<core::Contact>& contacts);

class ContactCsvWriter {
 public:
  // Writes the header row.
  ContactCsvWriter(std::ostream& out, ContactExportColumns columns);
  // `timezone` is the IANA name of the contact's zone.
  void Write(const core::Contact& contact, std::string_view timezone);

 private:
  std::ostream& out_;
  ContactExportColumns columns_;
};

// API.md "An attempt": id, contact_id, campaign_id, agent_id, number, started_at, answered_at,
// connected_at, ended_at, wrapped_up_at, outcome, reason_code, sip_code, amd_result, disposition,
// notes; absent values are empty.
class AttemptCsvWriter {
 public:
  explicit AttemptCsvWriter(std::ostream& out);  // writes the header row
  void Write(const engine::AttemptRecord& attempt);

 private:
  std::ostream& out_;
};

}  // namespace outdial::store
