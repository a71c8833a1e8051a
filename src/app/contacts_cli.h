// `outdial import` and `outdial export`: an operator's tools for a campaign's contact list, run
// against the configured database ([database] url of the TOML file, as `outdial serve` reads it).
//
// import: streams a CSV (or JSON) file through the same reader as the REST API (ContactIntake),
// stores each batch of valid contacts in one transaction, prints every row error (row, field,
// problem) and a progress bar on a terminal. Valid rows are stored even when others are bad; a
// file that cannot be read at all stores nothing. A running server picks the new contacts up at
// its next start (use the REST API to add contacts to a running server at once).
// export: writes the campaign's contacts or attempts as CSV (API.md fields) to a file or stdout.
//
// Threading: run on the main thread of the CLI; each call opens and closes the database.
#pragma once

#include <cstdint>
#include <string>

namespace outdial::app {

struct ImportCommand {
  std::string config_path;  // empty: defaults (sqlite://outdial.db)
  uint64_t campaign_id = 0;
  std::string file;      // .json is read as JSON, anything else as CSV
  bool progress = true;  // draw a progress bar when stderr is a terminal
};
// Returns the process exit code: 0 all rows stored, 1 some rows rejected, 2 nothing could be done.
int RunImport(const ImportCommand& command);

struct ExportCommand {
  std::string config_path;
  uint64_t campaign_id = 0;
  std::string what = "contacts";  // contacts | attempts
  std::string out;                // empty or "-": stdout
};
int RunExport(const ExportCommand& command);

}  // namespace outdial::app
