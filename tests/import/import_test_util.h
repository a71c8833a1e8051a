// Helpers of the import tests: run a whole body through a ContactImporter in chunks of a given size.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "store/import/contact_import.h"

namespace outdial::store::testing {

struct ImportRun {
  std::vector<ImportedContact> contacts;
  std::vector<size_t> batch_sizes;
  std::vector<ImportProgress> progress;
  ImportSummary summary;
};

inline ImportOptions Csv(std::string region = "US", std::string timezone = "America/New_York") {
  ImportOptions options;
  options.format = ImportFormat::kCsv;
  options.default_region = std::move(region);
  options.default_timezone = std::move(timezone);
  return options;
}

inline ImportOptions Json(std::string region = "US", std::string timezone = "America/New_York") {
  ImportOptions options = Csv(std::move(region), std::move(timezone));
  options.format = ImportFormat::kJson;
  return options;
}

// Feeds `body` in chunks of `chunk` bytes (0: all at once).
inline ImportRun RunImport(std::string_view body, ImportOptions options, size_t chunk = 0) {
  ImportRun run;
  auto importer = ContactImporter::Create(
      std::move(options),
      [&](std::vector<ImportedContact>&& batch) -> core::Result<void> {
        run.batch_sizes.push_back(batch.size());
        for (auto& c : batch) run.contacts.push_back(std::move(c));
        return core::Ok{};
      },
      [&](const ImportProgress& p) { run.progress.push_back(p); });
  EXPECT_TRUE(importer.ok());
  if (!importer.ok()) return run;
  if (chunk == 0) chunk = body.size() + 1;
  for (size_t i = 0; i < body.size(); i += chunk) {
    if (!(*importer)->Feed(body.substr(i, chunk)).ok()) break;
  }
  run.summary = (*importer)->Finish();
  return run;
}

inline std::string Describe(const ImportRun& run) {
  std::string out = "accepted=" + std::to_string(run.summary.accepted) +
                    " rejected=" + std::to_string(run.summary.rejected) + "\n";
  if (run.summary.fatal_error) out += "fatal: " + run.summary.fatal_error->message + "\n";
  for (const auto& e : run.summary.errors) {
    out += "row " + std::to_string(e.row) + " [" + e.field + "] " + e.problem + "\n";
  }
  for (const auto& c : run.contacts) {
    out += c.contact.name + " |";
    for (const auto& p : c.contact.phones) out += " " + p.number + "(" + p.type + ")";
    out += " | " + c.timezone + " | " + std::to_string(c.contact.priority) + " |";
    for (const auto& [k, v] : c.contact.fields) out += " " + k + "=" + v;
    out += "\n";
  }
  return out;
}

}  // namespace outdial::store::testing
