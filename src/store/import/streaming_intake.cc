#include "store/import/streaming_intake.h"

#include <utility>

#include "store/import/contact_import.h"
#include "store/import/phone_parser.h"

namespace outdial::store {

engine::IntakeSummary StreamingContactIntake::Read(engine::IntakeFormat format, const ChunkSource& next_chunk,
                                                   const core::TenantSettings& tenant,
                                                   core::CampaignId campaign, core::TimePoint now,
                                                   const BatchCallback& on_batch,
                                                   const ProgressCallback& on_progress) {
  ImportOptions options;
  switch (format) {
    case engine::IntakeFormat::kCsv: options.format = ImportFormat::kCsv; break;
    case engine::IntakeFormat::kJson: options.format = ImportFormat::kJson; break;
  }
  options.default_region = tenant.default_region;
  options.default_timezone = tenant.default_timezone;
  options.campaign_id = campaign;
  options.now = now;
  // ImportedContact and engine::ContactRow carry the same two things; the port speaks the Catalog's
  // type so that a batch goes straight to Catalog::InsertContacts.
  auto batch_adapter = [&on_batch](std::vector<ImportedContact>&& batch) -> core::Result<void> {
    std::vector<engine::ContactRow> rows;
    rows.reserve(batch.size());
    for (auto& c : batch) rows.push_back(engine::ContactRow{std::move(c.contact), std::move(c.timezone)});
    return on_batch(std::move(rows));
  };
  ContactImporter::ProgressCallback progress_adapter;
  if (on_progress) {
    progress_adapter = [&on_progress](const ImportProgress& p) {
      on_progress(engine::IntakeProgress{p.bytes_consumed, p.rows_seen, p.accepted, p.rejected});
    };
  }
  engine::IntakeSummary out;
  auto importer = ContactImporter::Create(std::move(options), batch_adapter, progress_adapter);
  if (!importer.ok()) {
    out.fatal_error = importer.error();
    return out;
  }
  for (std::string_view chunk = next_chunk(); !chunk.empty(); chunk = next_chunk()) {
    if (!(*importer)->Feed(chunk).ok()) break;  // the fatal error comes back from Finish
  }
  ImportSummary summary = (*importer)->Finish();
  out.accepted = summary.accepted;
  out.rejected = summary.rejected;
  out.error_count = summary.error_count;
  out.errors.reserve(summary.errors.size());
  for (auto& e : summary.errors) out.errors.push_back({e.row, std::move(e.field), std::move(e.problem)});
  out.fatal_error = std::move(summary.fatal_error);
  return out;
}

std::optional<std::string> StreamingContactIntake::NormalizeNumber(std::string_view text,
                                                                   std::string_view default_region) const {
  if (!PhoneParser::IsKnownRegion(default_region)) return std::nullopt;
  auto parsed = PhoneParser(std::string(default_region)).Parse(text);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed->e164);
}

}  // namespace outdial::store
