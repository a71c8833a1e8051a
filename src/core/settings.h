// Campaign and tenant settings (PRODUCT.md §3, API.md) with their defaults and validation.
// Validation is the one place where ranges live: the API, the CLI and the simulator all call
// Validate*() and report its field-level problems unchanged.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/calling_window.h"
#include "core/outcome.h"
#include "core/result.h"

namespace outdial::core {

enum class CampaignMode { kPreview, kPreviewStandard, kPreviewDirect };
std::string_view ToString(CampaignMode mode);
std::optional<CampaignMode> CampaignModeFromString(std::string_view text);

enum class TimeoutAction { kAccept, kSkip, kRemove };
std::string_view ToString(TimeoutAction action);
std::optional<TimeoutAction> TimeoutActionFromString(std::string_view text);

enum class OnMachine { kConnect, kHangup };
std::string_view ToString(OnMachine value);
std::optional<OnMachine> OnMachineFromString(std::string_view text);

enum class DispositionResult { kSuccess, kRetry, kCallback, kDoNotCall, kFinal };
std::string_view ToString(DispositionResult result);
std::optional<DispositionResult> DispositionResultFromString(std::string_view text);

struct RetryRule {
  int delay_s = 0;
  bool counts_as_attempt = true;
  bool operator==(const RetryRule&) const = default;
};

struct Disposition {
  std::string code;
  std::string label;
  DispositionResult result = DispositionResult::kFinal;
  bool operator==(const Disposition&) const = default;
};

struct CpaSettings {
  bool enabled = true;
  bool amd_enabled = true;
  bool terminating_tone_detect = false;
  int min_silence_period_ms = 608;
  int analysis_period_ms = 1000;
  int minimum_valid_speech_ms = 112;
  int max_time_analysis_ms = 3000;
  int max_term_tone_analysis_ms = 30000;
  bool operator==(const CpaSettings&) const = default;
};

struct CampaignSettings {
  std::string name;
  std::string description;
  CampaignMode mode = CampaignMode::kPreviewStandard;
  std::vector<std::string> teams;  // empty: all agents of the tenant
  int priority = 5;
  std::string caller_id;  // E.164; empty: tenant default
  int preview_offer_timeout_s = 600;
  TimeoutAction preview_timeout_action = TimeoutAction::kSkip;
  bool skip_disabled = false;    // preview_actions_disabled contains "skip"
  bool remove_disabled = false;  // preview_actions_disabled contains "remove"
  int reservation_ring_limit_s = 20;
  int no_answer_ring_limit_s = 32;
  std::vector<std::string> displayed_fields;  // empty: all fields
  CpaSettings cpa;
  OnMachine on_machine = OnMachine::kConnect;
  int max_attempts = 3;
  int max_attempts_per_number = 3;
  std::array<RetryRule, kRetryKeyCount> retry = DefaultRetryRules();
  CallingWindow calling_window = CallingWindow::Default();
  std::vector<std::string> dnc_lists;
  std::vector<Disposition> dispositions = DefaultDispositions();
  int wrap_up_timeout_s = 120;
  std::string default_disposition;  // empty: the first `final` disposition

  const RetryRule& RetryFor(RetryKey key) const { return retry[static_cast<size_t>(key)]; }
  const Disposition* FindDisposition(std::string_view code) const;
  // The disposition auto wrap-up uses (default_disposition, else the first `final` one).
  const Disposition* AutoWrapUpDisposition() const;

  static std::array<RetryRule, kRetryKeyCount> DefaultRetryRules();
  static std::vector<Disposition> DefaultDispositions();
};

// Checks every range and cross-field rule; the error (VALIDATION_FAILED) lists each problem with
// the field name, e.g. {"preview_offer_timeout_s", "must be between 10 and 7200 when
// preview_timeout_action is skip (0 is allowed only with accept)"}.
Result<void> ValidateCampaignSettings(const CampaignSettings& settings);

struct TenantSettings {
  std::string name;
  int max_concurrent_calls = 100;
  bool end_call_enabled = false;
  std::string default_timezone = "UTC";
  std::string default_region = "US";
  std::string default_caller_id;
};
Result<void> ValidateTenantSettings(const TenantSettings& settings);

}  // namespace outdial::core
