#include "store/import/contact_export.h"

#include <algorithm>
#include <set>

#include "store/import/raw_contact.h"

namespace outdial::store {
namespace {

using import_rows::Lower;

// Would the importer read a column of this name as something other than the custom field?
bool CollidesWithFormat(std::string_view name) {
  const std::string lower = Lower(name);
  static const std::set<std::string, std::less<>> kReserved = {
      "id",          "campaign_id", "name",          "timezone",
      "priority",    "state",       "attempts_made", "next_eligible_at",
      "last_outcome"};
  if (kReserved.count(lower) > 0 || lower.rfind("field:", 0) == 0 || lower.rfind("phone", 0) == 0) {
    return true;
  }
  // The importer trims header names: a name with outer spaces would not come back as written.
  return name.empty() || name.front() == ' ' || name.back() == ' ' || name.front() == '\t' ||
         name.back() == '\t';
}

void Id(std::ostream& out, uint64_t value) {
  if (value != 0) out << value;
}

}  // namespace

void WriteCsvField(std::ostream& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << value;
    return;
  }
  out << '"';
  for (char c : value) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

ContactExportColumns ColumnsFor(const std::vector<core::Contact>& contacts) {
  ContactExportColumns columns;
  std::set<std::string> seen;
  for (const auto& contact : contacts) {
    columns.phones = std::max(columns.phones, contact.phones.size());
    for (const auto& [name, value] : contact.fields) {
      if (seen.insert(name).second) columns.fields.push_back(name);
    }
  }
  return columns;
}

ContactCsvWriter::ContactCsvWriter(std::ostream& out, ContactExportColumns columns)
    : out_(out), columns_(std::move(columns)) {
  out_ << "id,name";
  for (size_t i = 1; i <= columns_.phones; ++i) out_ << ",phone" << i << ",phone" << i << "_type";
  out_ << ",timezone,priority,state,attempts_made,next_eligible_at,last_outcome";
  for (const auto& field : columns_.fields) {
    out_ << ',';
    WriteCsvField(out_, CollidesWithFormat(field) ? "field:" + field : field);
  }
  out_ << "\r\n";
}

void ContactCsvWriter::Write(const core::Contact& contact, std::string_view timezone) {
  Id(out_, contact.id.value);
  out_ << ',';
  WriteCsvField(out_, contact.name);
  for (size_t i = 0; i < columns_.phones; ++i) {
    out_ << ',';
    if (i < contact.phones.size()) {
      WriteCsvField(out_, contact.phones[i].number);
      out_ << ',';
      WriteCsvField(out_, contact.phones[i].type);
    } else {
      out_ << ',';
    }
  }
  out_ << ',';
  WriteCsvField(out_, timezone);
  out_ << ',' << static_cast<int>(contact.priority) << ',' << core::ToString(contact.state) << ','
       << contact.attempts_made << ',' << core::ToEpochMs(contact.next_eligible_at) << ',';
  if (contact.last_outcome) out_ << core::ToString(*contact.last_outcome);
  for (const auto& field : columns_.fields) {
    out_ << ',';
    for (const auto& [name, value] : contact.fields) {
      if (name == field) {
        WriteCsvField(out_, value);
        break;
      }
    }
  }
  out_ << "\r\n";
}

AttemptCsvWriter::AttemptCsvWriter(std::ostream& out) : out_(out) {
  out_ << "id,contact_id,campaign_id,agent_id,number,started_at,answered_at,connected_at,ended_at,"
          "wrapped_up_at,outcome,reason_code,sip_code,amd_result,disposition,notes\r\n";
}

void AttemptCsvWriter::Write(const engine::AttemptRecord& attempt) {
  Id(out_, attempt.id.value);
  out_ << ',';
  Id(out_, attempt.contact_id.value);
  out_ << ',';
  Id(out_, attempt.campaign_id.value);
  out_ << ',';
  Id(out_, attempt.agent_id.value);
  out_ << ',';
  WriteCsvField(out_, attempt.number);
  out_ << ',' << core::ToEpochMs(attempt.started_at) << ',';
  for (const auto* moment :
       {&attempt.answered_at, &attempt.connected_at, &attempt.ended_at, &attempt.wrapped_up_at}) {
    if (*moment) out_ << core::ToEpochMs(**moment);
    out_ << ',';
  }
  if (attempt.outcome) out_ << core::ToString(*attempt.outcome);
  out_ << ',';
  if (attempt.reason) out_ << core::ToString(*attempt.reason);
  out_ << ',';
  if (attempt.sip_code != 0) out_ << attempt.sip_code;
  out_ << ',';
  if (attempt.amd) out_ << core::ToString(*attempt.amd);
  out_ << ',';
  WriteCsvField(out_, attempt.disposition);
  out_ << ',';
  WriteCsvField(out_, attempt.notes);
  out_ << "\r\n";
}

}  // namespace outdial::store
