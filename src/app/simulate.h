// `outdial simulate`: a whole shift of simulated agents working one campaign on simulated time
// and simulated telephony, as fast as the machine allows. Prints what a planner wants to know
// (contacts per agent-hour, occupancy, list exhaustion) and checks the promises on the way
// (no contact lost, no overlapping attempts, limits never exceeded).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/settings.h"

namespace outdial::app {

struct SimulateOptions {
  int agents = 100;
  int64_t contacts = 10000;
  double hours = 8;
  core::CampaignMode mode = core::CampaignMode::kPreviewStandard;
  uint64_t seed = 1;
  // Customer outcome mix, e.g. "answer=0.45,busy=0.1,no_answer=0.25,machine=0.15,invalid=0.05".
  std::string outcomes =
      "answer=0.45,busy=0.1,no_answer=0.25,machine=0.12,fax=0.01,invalid=0.04,network_error=0.02,reject=0.01";
  int tenant_max_calls = 100000;
  int datacenter_max_calls = 100000;
  // Simulation start (UTC, epoch ms); default Wednesday 2026-11-25 14:00 UTC (09:00 in New York).
  int64_t start_ms = 1795615200000;
  // Check the engine's full invariants every this many simulated seconds (0 = only at the end).
  int invariant_check_interval_s = 1800;
};

core::Result<void> ValidateSimulateOptions(const SimulateOptions& options);

// Runs the simulation and returns the JSON summary. `invariants` in it must all be 0.
core::Result<nlohmann::json> RunSimulation(const SimulateOptions& options);

}  // namespace outdial::app
