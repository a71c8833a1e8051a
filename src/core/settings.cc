#include "core/settings.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace outdial::core {

std::string_view ToString(CampaignMode mode) {
  switch (mode) {
    case CampaignMode::kPreview: return "preview";
    case CampaignMode::kPreviewStandard: return "preview_standard";
    case CampaignMode::kPreviewDirect: return "preview_direct";
  }
  return "preview_standard";
}
std::optional<CampaignMode> CampaignModeFromString(std::string_view text) {
  if (text == "preview") return CampaignMode::kPreview;
  if (text == "preview_standard") return CampaignMode::kPreviewStandard;
  if (text == "preview_direct") return CampaignMode::kPreviewDirect;
  return std::nullopt;
}

std::string_view ToString(TimeoutAction action) {
  switch (action) {
    case TimeoutAction::kAccept: return "accept";
    case TimeoutAction::kSkip: return "skip";
    case TimeoutAction::kRemove: return "remove";
  }
  return "skip";
}
std::optional<TimeoutAction> TimeoutActionFromString(std::string_view text) {
  if (text == "accept") return TimeoutAction::kAccept;
  if (text == "skip") return TimeoutAction::kSkip;
  if (text == "remove") return TimeoutAction::kRemove;
  return std::nullopt;
}

std::string_view ToString(OnMachine value) {
  switch (value) {
    case OnMachine::kConnect: return "connect";
    case OnMachine::kHangup: return "hangup";
  }
  return "connect";
}
std::optional<OnMachine> OnMachineFromString(std::string_view text) {
  if (text == "connect") return OnMachine::kConnect;
  if (text == "hangup") return OnMachine::kHangup;
  return std::nullopt;
}

std::string_view ToString(DispositionResult result) {
  switch (result) {
    case DispositionResult::kSuccess: return "success";
    case DispositionResult::kRetry: return "retry";
    case DispositionResult::kCallback: return "callback";
    case DispositionResult::kDoNotCall: return "do_not_call";
    case DispositionResult::kFinal: return "final";
  }
  return "final";
}
std::optional<DispositionResult> DispositionResultFromString(std::string_view text) {
  if (text == "success") return DispositionResult::kSuccess;
  if (text == "retry") return DispositionResult::kRetry;
  if (text == "callback") return DispositionResult::kCallback;
  if (text == "do_not_call") return DispositionResult::kDoNotCall;
  if (text == "final") return DispositionResult::kFinal;
  return std::nullopt;
}

std::array<RetryRule, kRetryKeyCount> CampaignSettings::DefaultRetryRules() {
  std::array<RetryRule, kRetryKeyCount> rules{};
  auto set = [&](RetryKey key, int delay_s, bool counts) {
    rules[static_cast<size_t>(key)] = RetryRule{delay_s, counts};
  };
  set(RetryKey::kBusy, 300, true);
  set(RetryKey::kNoAnswer, 1800, true);
  set(RetryKey::kMachine, 3600, true);
  set(RetryKey::kNetworkError, 600, true);
  set(RetryKey::kRejected, 3600, true);
  set(RetryKey::kCancelled, 600, true);
  set(RetryKey::kSkipped, 0, false);
  set(RetryKey::kInterrupted, 1800, true);
  set(RetryKey::kConnected, 3600, true);
  return rules;
}

std::vector<Disposition> CampaignSettings::DefaultDispositions() {
  return {
      {"sale", "Sale / goal reached", DispositionResult::kSuccess},
      {"callback", "Call back later", DispositionResult::kCallback},
      {"not_interested", "Not interested", DispositionResult::kFinal},
      {"voicemail_left", "Left a voicemail", DispositionResult::kRetry},
      {"try_again", "Try again later", DispositionResult::kRetry},
      {"wrong_number", "Wrong person or number", DispositionResult::kFinal},
      {"do_not_call", "Do not call again", DispositionResult::kDoNotCall},
  };
}

const Disposition* CampaignSettings::FindDisposition(std::string_view code) const {
  for (const auto& d : dispositions) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

const Disposition* CampaignSettings::AutoWrapUpDisposition() const {
  if (!default_disposition.empty()) return FindDisposition(default_disposition);
  for (const auto& d : dispositions) {
    if (d.result == DispositionResult::kFinal) return &d;
  }
  return dispositions.empty() ? nullptr : &dispositions.front();
}

namespace {

class Problems {
 public:
  void Add(std::string field, std::string problem) {
    list_.push_back(FieldProblem{std::move(field), std::move(problem)});
  }
  void Range(std::string_view field, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      Add(std::string(field), fmt::format("must be between {} and {} (got {})", lo, hi, value));
    }
  }
  Result<void> Finish(std::string_view what) {
    if (list_.empty()) return Ok{};
    Error e{
        ErrorCode::kValidationFailed,
        fmt::format("The {} are not valid: {} problem{}.", what, list_.size(), list_.size() == 1 ? "" : "s"),
        std::move(list_)};
    return e;
  }

 private:
  std::vector<FieldProblem> list_;
};

bool LooksLikeE164(const std::string& number) {
  if (number.size() < 3 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
  return std::all_of(number.begin() + 1, number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<void> ValidateCampaignSettings(const CampaignSettings& s) {
  Problems p;
  if (s.name.empty()) p.Add("name", "must not be empty");
  if (s.name.size() > 200) p.Add("name", "must be at most 200 characters");
  if (s.description.size() > 2000) p.Add("description", "must be at most 2000 characters");
  p.Range("priority", s.priority, 1, 10);
  if (!s.caller_id.empty() && !LooksLikeE164(s.caller_id)) {
    p.Add("caller_id", "must be an E.164 number such as +12015550100");
  }
  if (s.preview_timeout_action == TimeoutAction::kAccept) {
    p.Range("preview_offer_timeout_s", s.preview_offer_timeout_s, 0, 7200);
  } else if (s.preview_offer_timeout_s < 10 || s.preview_offer_timeout_s > 7200) {
    p.Add("preview_offer_timeout_s",
          fmt::format("must be between 10 and 7200 when preview_timeout_action is {} (0 is "
                      "allowed only with accept; got {})",
                      ToString(s.preview_timeout_action), s.preview_offer_timeout_s));
  }
  if (s.mode == CampaignMode::kPreview && s.preview_timeout_action == TimeoutAction::kAccept) {
    // Pull mode has no timeout action (PRODUCT.md §5.1): its offers expire as a skip.
    p.Add("preview_timeout_action", "must be skip or remove in preview (pull) mode");
  }
  if (s.preview_timeout_action == TimeoutAction::kSkip && s.skip_disabled) {
    p.Add("preview_timeout_action", "is skip, but skip is in preview_actions_disabled");
  }
  if (s.preview_timeout_action == TimeoutAction::kRemove && s.remove_disabled) {
    p.Add("preview_timeout_action", "is remove, but remove is in preview_actions_disabled");
  }
  p.Range("reservation_ring_limit_s", s.reservation_ring_limit_s, 5, 120);
  p.Range("no_answer_ring_limit_s", s.no_answer_ring_limit_s, 16, 80);
  p.Range("cpa.min_silence_period_ms", s.cpa.min_silence_period_ms, 100, 1000);
  p.Range("cpa.analysis_period_ms", s.cpa.analysis_period_ms, 1000, 10000);
  p.Range("cpa.minimum_valid_speech_ms", s.cpa.minimum_valid_speech_ms, 50, 500);
  p.Range("cpa.max_time_analysis_ms", s.cpa.max_time_analysis_ms, 1000, 10000);
  p.Range("cpa.max_term_tone_analysis_ms", s.cpa.max_term_tone_analysis_ms, 1000, 60000);
  p.Range("max_attempts", s.max_attempts, 1, 100);
  p.Range("max_attempts_per_number", s.max_attempts_per_number, 1, 100);
  for (int i = 0; i < kRetryKeyCount; ++i) {
    auto key = static_cast<RetryKey>(i);
    p.Range(fmt::format("retry.{}.delay_s", ToString(key)), s.retry[i].delay_s, 0, 30 * 86400);
  }
  p.Range("wrap_up_timeout_s", s.wrap_up_timeout_s, 0, 3600);
  if (s.dispositions.empty()) p.Add("dispositions", "must contain at least one disposition");
  std::set<std::string, std::less<>> codes;
  for (size_t i = 0; i < s.dispositions.size(); ++i) {
    const auto& d = s.dispositions[i];
    auto field = fmt::format("dispositions[{}]", i);
    if (d.code.empty()) p.Add(field + ".code", "must not be empty");
    if (!codes.insert(d.code).second) p.Add(field + ".code", fmt::format("'{}' is used twice", d.code));
    if (d.label.empty()) p.Add(field + ".label", "must not be empty");
  }
  if (!s.default_disposition.empty() && !codes.contains(s.default_disposition)) {
    p.Add("default_disposition", fmt::format("'{}' is not a code of dispositions", s.default_disposition));
  }
  for (size_t i = 0; i < s.dnc_lists.size(); ++i) {
    if (s.dnc_lists[i].empty()) p.Add(fmt::format("dnc_lists[{}]", i), "must not be empty");
  }
  for (size_t i = 0; i < s.teams.size(); ++i) {
    if (s.teams[i].empty()) p.Add(fmt::format("teams[{}]", i), "must not be empty");
  }
  return p.Finish("campaign settings");
}

Result<void> ValidateTenantSettings(const TenantSettings& s) {
  Problems p;
  if (s.name.empty()) p.Add("name", "must not be empty");
  p.Range("max_concurrent_calls", s.max_concurrent_calls, 1, 100000);
  if (s.default_region.size() != 2 || !std::isupper(static_cast<unsigned char>(s.default_region[0])) ||
      !std::isupper(static_cast<unsigned char>(s.default_region[1]))) {
    p.Add("default_region", "must be an ISO 3166 alpha-2 code such as US or DE");
  }
  if (!s.default_caller_id.empty() && !LooksLikeE164(s.default_caller_id)) {
    p.Add("default_caller_id", "must be an E.164 number such as +12015550100");
  }
  return p.Finish("tenant settings");
}

}  // namespace outdial::core
