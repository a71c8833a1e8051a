#include "store/import/contact_import.h"

#include <date/tz.h>

#include <simdjson.h>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "store/import/csv_reader.h"
#include "store/import/json_framer.h"
#include "store/import/phone_parser.h"
#include "store/import/raw_contact.h"

namespace outdial::store {
namespace {

using import_rows::CsvLayout;
using import_rows::Fatal;
using import_rows::FromCsv;
using import_rows::FromJson;
using import_rows::Quote;
using import_rows::RawContact;
using import_rows::RawPhone;
using import_rows::ReadHeader;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Distinct time zone names remembered as valid or not; more than this many distinct names in one
// body are looked up every time rather than letting a hostile body grow the cache without bound.
constexpr size_t kZoneCacheLimit = 1024;

void Validate(const PhoneParser& parser, RawPhone& phone) {
  auto parsed = parser.Parse(phone.text);
  if (!parsed.ok()) {
    const auto& error = parsed.error();
    phone.problem = error.details.empty() ? error.message : error.details.front().problem;
    return;
  }
  phone.e164 = std::move(parsed->e164);
  phone.region = std::move(parsed->region);
}

}  // namespace

class ContactImporter::Impl {
 public:
  Impl(ImportOptions options, BatchCallback on_batch, ProgressCallback on_progress)
      : options_(std::move(options)),
        on_batch_(std::move(on_batch)),
        on_progress_(std::move(on_progress)),
        parser_(options_.default_region),
        country_zones_(CountryZones::System()) {
    switch (options_.format) {
      case ImportFormat::kCsv:
        csv_ = std::make_unique<CsvReader>(options_.max_row_bytes,
                                           [this](const CsvRecord& record) { return OnRecord(record); });
        break;
      case ImportFormat::kJson:
        json_ = std::make_unique<JsonFramer>(
            options_.max_row_bytes, [this](const JsonElement& element) { return OnElement(element); });
        break;
    }
    pending_.reserve(options_.batch_size);
  }

  core::Result<void> Feed(std::string_view chunk) {
    if (fatal_) return *fatal_;
    if (finished_) return core::MakeError(core::ErrorCode::kInternal, "Feed after Finish");
    // A UTF-8 byte order mark may open the body; it can arrive split over chunks.
    while (bom_matched_ < kBom.size() && !bom_done_ && !chunk.empty()) {
      if (chunk.front() == kBom[bom_matched_]) {
        ++bom_matched_;
        chunk.remove_prefix(1);
      } else {
        bom_done_ = true;
        if (bom_matched_ > 0) FeedParser(kBom.substr(0, bom_matched_));  // not a BOM after all
      }
    }
    if (bom_matched_ == kBom.size()) bom_done_ = true;
    if (!chunk.empty()) FeedParser(chunk);
    if (fatal_) return *fatal_;
    return core::Ok{};
  }

  ImportSummary Finish() {
    if (!finished_) {
      finished_ = true;
      if (!fatal_ && !bom_done_ && bom_matched_ > 0 && bom_matched_ < kBom.size()) {
        FeedParser(kBom.substr(0, bom_matched_));
      }
      if (!fatal_) FinishParser();
      if (!fatal_) Flush();
      Progress();
    }
    ImportSummary summary;
    summary.accepted = accepted_;
    summary.rejected = rejected_;
    summary.error_count = error_count_;
    summary.errors = errors_;
    summary.fatal_error = fatal_;
    return summary;
  }

  ImportProgress progress() const {
    const uint64_t parsed = csv_ ? csv_->bytes_consumed() : json_->bytes_consumed();
    return ImportProgress{parsed + bom_matched_, rows_seen_, accepted_, rejected_};
  }

 private:
  void FeedParser(std::string_view bytes) {
    if (csv_) {
      csv_->Feed(bytes);
    } else if (!json_->Feed(bytes) && !fatal_) {
      fatal_ = Fatal("The body is not a valid contact list: " + json_->error() + ".");
    }
  }

  void FinishParser() {
    if (csv_) {
      csv_->Finish();
      if (fatal_) return;
      if (!layout_) {
        fatal_ = Fatal("The body is empty: a CSV import needs a header row and at least one contact.");
      } else if (rows_seen_ == 0) {
        fatal_ = Fatal("The CSV has a header row but no contacts.");
      }
      return;
    }
    if (!json_->Finish()) {
      if (!fatal_) fatal_ = Fatal("The body is not a valid contact list: " + json_->error() + ".");
      return;
    }
    if (!json_->saw_contacts()) {
      fatal_ = Fatal("The JSON object has no \"contacts\" array.");
    } else if (rows_seen_ == 0) {
      fatal_ = Fatal("\"contacts\" is empty.");
    }
  }

  bool OnRecord(const CsvRecord& record) {
    if (record.blank) return true;
    if (!layout_) {
      if (record.oversized) {
        fatal_ =
            Fatal("The CSV header row is longer than " + std::to_string(options_.max_row_bytes) + " bytes.");
        return false;
      }
      if (!record.problem.empty()) {
        fatal_ = Fatal("The CSV header row is malformed: " + std::string(record.problem) + ".");
        return false;
      }
      auto layout = ReadHeader(record.fields);
      if (!layout.ok()) {
        fatal_ = layout.error();
        return false;
      }
      layout_ = std::move(layout).value();
      return true;
    }
    ++rows_seen_;
    if (record.oversized) {
      RawContact raw;
      raw.row = rows_seen_;
      raw.problems.emplace_back(
          "", "the row is longer than " + std::to_string(options_.max_row_bytes) + " bytes");
      pending_.push_back(std::move(raw));
    } else if (!record.problem.empty()) {
      RawContact raw;
      raw.row = rows_seen_;
      raw.problems.emplace_back("", std::string(record.problem));
      pending_.push_back(std::move(raw));
    } else if (record.fields.size() != layout_->columns) {
      RawContact raw;
      raw.row = rows_seen_;
      raw.problems.emplace_back("", "expected " + std::to_string(layout_->columns) +
                                        " columns (as in the header), found " +
                                        std::to_string(record.fields.size()));
      pending_.push_back(std::move(raw));
    } else {
      pending_.push_back(FromCsv(rows_seen_, *layout_, record.fields));
    }
    return AfterRow(record.end_offset);
  }

  bool OnElement(const JsonElement& element) {
    ++rows_seen_;
    RawContact raw;
    raw.row = rows_seen_;
    if (element.oversized) {
      raw.problems.emplace_back(
          "", "the contact is longer than " + std::to_string(options_.max_row_bytes) + " bytes");
    } else {
      FromJson(json_parser_, element.text, raw);
    }
    pending_.push_back(std::move(raw));
    return AfterRow(element.end_offset);
  }

  bool AfterRow(uint64_t end_offset) {
    if (pending_.size() >= options_.batch_size) Flush();
    if (rows_seen_ % options_.progress_every_rows == 0 && on_progress_) {
      on_progress_(ImportProgress{end_offset + bom_matched_, rows_seen_, accepted_, rejected_});
    }
    return !fatal_;
  }

  void Progress() {
    if (on_progress_) on_progress_(progress());
  }

  // Validates the numbers of the pending rows, then turns each row into a contact or its errors,
  // in row order, and hands the contacts out as one batch.
  // Step 1 of a flush: every pending number through the phone parser, on worker threads for a
  // large batch.
  void ValidatePhones() {
    std::vector<RawPhone*> phones;
    for (auto& raw : pending_) {
      for (auto& phone : raw.phones) phones.push_back(&phone);
    }
    const size_t workers =
        std::min<size_t>(static_cast<size_t>(std::max(1, options_.threads)), (phones.size() + 255) / 256);
    if (workers <= 1) {
      for (RawPhone* phone : phones) Validate(parser_, *phone);
    } else {
      // Each worker takes a contiguous slice; the slices are disjoint, so no locking is needed.
      std::vector<std::thread> threads;
      const size_t per = (phones.size() + workers - 1) / workers;
      for (size_t w = 1; w < workers; ++w) {
        threads.emplace_back([&, w] {
          for (size_t i = w * per; i < std::min(phones.size(), (w + 1) * per); ++i) {
            Validate(parser_, *phones[i]);
          }
        });
      }
      for (size_t i = 0; i < std::min(phones.size(), per); ++i) Validate(parser_, *phones[i]);
      for (auto& thread : threads) thread.join();
    }
  }

  // Step 2, row by row in order: the row's number and time zone problems, then the contact it
  // makes; false when the row is rejected.
  bool FinishContact(RawContact& raw, ImportedContact& imported) {
    for (const auto& phone : raw.phones) {
      if (!phone.problem.empty()) {
        raw.problems.emplace_back(phone.field, phone.problem + ": " + Quote(phone.text));
      }
    }
    std::string timezone;
    if (!raw.timezone.empty()) {
      if (ZoneExists(raw.timezone)) {
        timezone = raw.timezone;
      } else {
        raw.problems.emplace_back("timezone", "unknown IANA time zone " + Quote(raw.timezone));
      }
    }
    if (!raw.problems.empty()) {
      Reject(raw);
      return false;
    }
    if (timezone.empty()) {
      const std::string_view derived = country_zones_.SingleZone(raw.phones.front().region);
      timezone = !derived.empty() && ZoneExists(derived) ? std::string(derived) : options_.default_timezone;
    }
    core::Contact& contact = imported.contact;
    if (options_.zones != nullptr) {
      auto zone = options_.zones->Intern(timezone);
      if (!zone.ok()) {
        raw.problems.emplace_back("timezone", zone.error().message);
        Reject(raw);
        return false;
      }
      contact.zone = *zone;
    }
    contact.campaign_id = options_.campaign_id;
    contact.name = std::move(raw.name);
    contact.phones.reserve(raw.phones.size());
    for (auto& phone : raw.phones) {
      const bool duplicate = std::any_of(contact.phones.begin(), contact.phones.end(),
                                         [&](const core::Phone& p) { return p.number == phone.e164; });
      if (duplicate) continue;
      core::Phone p;
      p.number = std::move(phone.e164);
      p.type = std::move(phone.type);
      contact.phones.push_back(std::move(p));
    }
    contact.priority = raw.priority;
    contact.fields = std::move(raw.fields);
    contact.state = core::ContactState::kCallable;
    contact.next_eligible_at = options_.now;
    imported.timezone = std::move(timezone);
    return true;
  }

  void Flush() {
    ValidatePhones();
    std::vector<ImportedContact> batch;
    batch.reserve(pending_.size());
    for (auto& raw : pending_) {
      ImportedContact imported;
      if (FinishContact(raw, imported)) batch.push_back(std::move(imported));
    }
    pending_.clear();
    if (batch.empty()) return;
    const size_t count = batch.size();
    auto stored = on_batch_(std::move(batch));
    if (!stored.ok()) {
      fatal_ = stored.error();
      return;
    }
    accepted_ += count;
  }

  void Reject(const RawContact& raw) {
    ++rejected_;
    for (const auto& [field, problem] : raw.problems) {
      ++error_count_;
      if (errors_.size() < options_.max_errors) errors_.push_back(RowError{raw.row, field, problem});
    }
  }

  bool ZoneExists(std::string_view name) {
    if (auto it = zone_cache_.find(name); it != zone_cache_.end()) return it->second;
    bool exists = false;
    try {
      exists = date::locate_zone(name) != nullptr;
    } catch (const std::exception&) {
      exists = false;  // locate_zone throws for an unknown name
    }
    if (zone_cache_.size() < kZoneCacheLimit) zone_cache_.emplace(std::string(name), exists);
    return exists;
  }

  ImportOptions options_;
  BatchCallback on_batch_;
  ProgressCallback on_progress_;
  PhoneParser parser_;
  const CountryZones& country_zones_;
  std::unique_ptr<CsvReader> csv_;
  std::unique_ptr<JsonFramer> json_;
  simdjson::dom::parser json_parser_;  // reused for every contact of a JSON body
  std::optional<CsvLayout> layout_;
  std::vector<RawContact> pending_;
  std::map<std::string, bool, std::less<>> zone_cache_;
  size_t bom_matched_ = 0;
  bool bom_done_ = false;
  bool finished_ = false;
  uint64_t rows_seen_ = 0;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  uint64_t error_count_ = 0;
  std::vector<RowError> errors_;
  std::optional<core::Error> fatal_;
};

core::Result<std::unique_ptr<ContactImporter>> ContactImporter::Create(ImportOptions options,
                                                                       BatchCallback on_batch,
                                                                       ProgressCallback on_progress) {
  std::vector<core::FieldProblem> problems;
  if (!PhoneParser::IsKnownRegion(options.default_region)) {
    problems.push_back(
        {"default_region", "not a region code known to libphonenumber: " + Quote(options.default_region)});
  }
  try {
    date::locate_zone(options.default_timezone);
  } catch (const std::exception&) {
    problems.push_back({"default_timezone", "unknown IANA time zone " + Quote(options.default_timezone)});
  }
  if (options.batch_size == 0) problems.push_back({"batch_size", "must be at least 1"});
  if (options.max_row_bytes == 0) problems.push_back({"max_row_bytes", "must be at least 1"});
  if (options.progress_every_rows == 0) problems.push_back({"progress_every_rows", "must be at least 1"});
  if (!on_batch) problems.push_back({"on_batch", "a batch callback is required"});
  if (!problems.empty()) {
    return core::Error{core::ErrorCode::kValidationFailed, "Invalid import options.", problems};
  }
  return std::unique_ptr<ContactImporter>(new ContactImporter(
      std::make_unique<Impl>(std::move(options), std::move(on_batch), std::move(on_progress))));
}

ContactImporter::ContactImporter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContactImporter::~ContactImporter() = default;
core::Result<void> ContactImporter::Feed(std::string_view chunk) {
  return impl_->Feed(chunk);
}
ImportSummary ContactImporter::Finish() {
  return impl_->Finish();
}
ImportProgress ContactImporter::progress() const {
  return impl_->progress();
}

}  // namespace outdial::store