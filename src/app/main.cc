// outdial command line: the composition root. CLI11 stays in this file (it is slow to compile).
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/contacts_cli.h"
#include "app/serve.h"
#include "app/simulate.h"
#include "core/settings.h"

namespace {

int PrintError(const outdial::core::Error& error) {
  std::cerr << "error: " << error.message << "\n";
  for (const auto& d : error.details) std::cerr << "  " << d.field << ": " << d.problem << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"outdial: an outbound preview campaign dialer"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(OUTDIAL_VERSION));

  outdial::app::SimulateOptions sim;
  std::string mode = "preview_standard";
  auto* simulate = app.add_subcommand(
      "simulate", "Run a whole shift on simulated time and telephony; print a JSON summary");
  simulate->add_option("--agents", sim.agents, "Number of agents")->capture_default_str();
  simulate->add_option("--contacts", sim.contacts, "Number of contacts in the campaign")
      ->capture_default_str();
  simulate->add_option("--hours", sim.hours, "Length of the shift in hours")->capture_default_str();
  simulate->add_option("--mode", mode, "preview | preview_standard | preview_direct")->capture_default_str();
  simulate->add_option("--seed", sim.seed, "Random seed (same seed, same run)")->capture_default_str();
  simulate
      ->add_option("--outcomes", sim.outcomes,
                   "Customer outcome mix: "
                   "answer|busy|no_answer|machine|fax|sit|invalid|network_error|reject=weight,...")
      ->capture_default_str();
  simulate->add_option("--tenant-max-calls", sim.tenant_max_calls, "Tenant max_concurrent_calls")
      ->capture_default_str();
  simulate->add_option("--dc-max-calls", sim.datacenter_max_calls, "Data-centre max_concurrent_calls")
      ->capture_default_str();
  simulate->add_option("--start-ms", sim.start_ms, "Start time, epoch milliseconds UTC")
      ->capture_default_str();
  simulate
      ->add_option("--check-every-s", sim.invariant_check_interval_s,
                   "Check the engine's invariants every N simulated seconds (0: at the end only)")
      ->capture_default_str();

  outdial::app::ServeOptions serve_options;
  auto* serve = app.add_subcommand("serve", "Run the server (HTTP on [server] listen)");
  serve
      ->add_option("--config", serve_options.config_path, "TOML configuration file (every key has a default)")
      ->check(CLI::ExistingFile);
  serve->add_flag("--demo", serve_options.demo, "Seed a demo tenant with one running campaign of each mode");

  outdial::app::ImportCommand import_command;
  auto* import = app.add_subcommand("import", "Import a CSV or JSON contact list into a stored campaign");
  import->add_option("--config", import_command.config_path, "TOML configuration file ([database] url)")
      ->check(CLI::ExistingFile);
  import->add_option("--campaign", import_command.campaign_id, "Campaign id")->required();
  import->add_option("file", import_command.file, "CSV file (header row), or .json {\"contacts\": [...]}")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_flag("!--no-progress", import_command.progress, "Do not draw the progress bar");

  outdial::app::ExportCommand export_command;
  auto* exporter = app.add_subcommand("export", "Export a stored campaign's contacts or attempts as CSV");
  exporter->add_option("--config", export_command.config_path, "TOML configuration file ([database] url)")
      ->check(CLI::ExistingFile);
  exporter->add_option("--campaign", export_command.campaign_id, "Campaign id")->required();
  exporter->add_option("--what", export_command.what, "contacts | attempts")->capture_default_str();
  exporter->add_option("--out", export_command.out, "Output file (default: standard output)");

  CLI11_PARSE(app, argc, argv);

  if (import->parsed()) return outdial::app::RunImport(import_command);
  if (exporter->parsed()) return outdial::app::RunExport(export_command);

  if (serve->parsed()) return outdial::app::RunServer(serve_options);

  if (simulate->parsed()) {
    auto parsed_mode = outdial::core::CampaignModeFromString(mode);
    if (!parsed_mode) {
      std::cerr << "error: --mode must be preview, preview_standard or preview_direct (got '" << mode
                << "')\n";
      return 2;
    }
    sim.mode = *parsed_mode;
    auto result = outdial::app::RunSimulation(sim);
    if (!result.ok()) return PrintError(result.error());
    const auto& out = *result;
    std::cout << out.dump(2) << std::endl;
    const auto& inv = out["invariants"];
    std::cerr << fmt::format(
        "invariants: lost_contacts={} overlapping_attempts={} limit_violations={} engine_problems={}\n",
        inv["lost_contacts"].get<int64_t>(), inv["overlapping_attempts"].get<int64_t>(),
        inv["limit_violations"].get<int64_t>(), inv["engine_problems"].get<int64_t>());
    bool clean = inv["lost_contacts"] == 0 && inv["overlapping_attempts"] == 0 &&
                 inv["limit_violations"] == 0 && inv["engine_problems"] == 0;
    return clean ? 0 : 1;
  }
  return 0;
}
