#include "core/settings_json.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace outdial::core {

using nlohmann::json;

namespace {

// Reads typed values out of one JSON object, collecting a problem per wrong key instead of
// stopping at the first, so a form can show every mistake at once.
class Reader {
 public:
  Reader(const json& object, std::string prefix, std::vector<FieldProblem>& problems)
      : object_(object), prefix_(std::move(prefix)), problems_(problems) {}

  std::string Field(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : fmt::format("{}.{}", prefix_, key);
  }
  void Problem(std::string_view key, std::string problem) {
    problems_.push_back(FieldProblem{Field(key), std::move(problem)});
  }
  const json* Get(std::string_view key) {
    seen_.insert(std::string(key));
    auto it = object_.find(key);
    if (it == object_.end()) return nullptr;
    return &*it;
  }
  bool Has(std::string_view key) const { return object_.contains(key); }

  void Int(std::string_view key, int& out) {
    const json* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_number_integer() || v->get<int64_t>() < std::numeric_limits<int>::min() ||
        v->get<int64_t>() > std::numeric_limits<int>::max()) {
      Problem(key, "must be an integer");
      return;
    }
    out = static_cast<int>(v->get<int64_t>());
  }
  void Bool(std::string_view key, bool& out) {
    const json* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_boolean()) {
      Problem(key, "must be true or false");
      return;
    }
    out = v->get<bool>();
  }
  void String(std::string_view key, std::string& out) {
    const json* v = Get(key);
    if (v == nullptr) return;
    if (!v->is_string()) {
      Problem(key, "must be a string");
      return;
    }
    out = v->get<std::string>();
  }
  void StringList(std::string_view key, std::vector<std::string>& out) {
    const json* v = Get(key);
    if (v == nullptr) return;
    std::vector<std::string> list;
    if (!ReadStringList(*v, list)) {
      Problem(key, "must be a list of strings");
      return;
    }
    out = std::move(list);
  }
  template <typename E, typename Parse>
  void Enum(std::string_view key, E& out, Parse parse, std::string_view allowed) {
    const json* v = Get(key);
    if (v == nullptr) return;
    std::optional<E> parsed;
    if (v->is_string()) parsed = parse(v->get<std::string>());
    if (!parsed) {
      Problem(key, fmt::format("must be one of {}", allowed));
      return;
    }
    out = *parsed;
  }
  // Every key not read is unknown: reported, so that a typo is not silently ignored.
  void RejectUnknown(const std::vector<std::string>& ignored = {}) {
    for (const auto& [key, value] : object_.items()) {
      if (seen_.contains(key) || std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
      Problem(key, "is not a known setting");
    }
  }

  static bool ReadStringList(const json& v, std::vector<std::string>& out) {
    if (!v.is_array()) return false;
    for (const auto& item : v) {
      if (!item.is_string()) return false;
      out.push_back(item.get<std::string>());
    }
    return true;
  }

 private:
  const json& object_;
  std::string prefix_;
  std::vector<FieldProblem>& problems_;
  std::set<std::string, std::less<>> seen_;
};

Error Invalid(std::string_view what, std::vector<FieldProblem> problems) {
  return Error{ErrorCode::kValidationFailed,
               fmt::format("The {} are not valid: {} problem{}.", what, problems.size(),
                           problems.size() == 1 ? "" : "s"),
               std::move(problems)};
}

void ReadCpa(const json& body, CpaSettings& cpa, std::vector<FieldProblem>& problems) {
  Reader r(body, "cpa", problems);
  r.Bool("enabled", cpa.enabled);
  r.Bool("amd_enabled", cpa.amd_enabled);
  r.Bool("terminating_tone_detect", cpa.terminating_tone_detect);
  r.Int("min_silence_period_ms", cpa.min_silence_period_ms);
  r.Int("analysis_period_ms", cpa.analysis_period_ms);
  r.Int("minimum_valid_speech_ms", cpa.minimum_valid_speech_ms);
  r.Int("max_time_analysis_ms", cpa.max_time_analysis_ms);
  r.Int("max_term_tone_analysis_ms", cpa.max_term_tone_analysis_ms);
  r.RejectUnknown();
}

void ReadRetry(const json& body, std::array<RetryRule, kRetryKeyCount>& retry,
               std::vector<FieldProblem>& problems) {
  for (const auto& [key, value] : body.items()) {
    auto retry_key = RetryKeyFromString(key);
    std::string field = fmt::format("retry.{}", key);
    if (!retry_key) {
      problems.push_back({field, "is not an outcome with a retry rule"});
      continue;
    }
    if (!value.is_object()) {
      problems.push_back({field, "must be an object {delay_s, counts_as_attempt}"});
      continue;
    }
    Reader r(value, field, problems);
    RetryRule& rule = retry[static_cast<size_t>(*retry_key)];
    r.Int("delay_s", rule.delay_s);
    r.Bool("counts_as_attempt", rule.counts_as_attempt);
    r.RejectUnknown();
  }
}

void ReadCallingWindow(const json& body, CallingWindow& window, std::vector<FieldProblem>& problems) {
  std::map<std::string, std::vector<std::string>> days;
  std::vector<std::string> holidays;
  bool shape_ok = true;
  for (const auto& [key, value] : body.items()) {
    std::vector<std::string> list;
    if (!Reader::ReadStringList(value, list)) {
      problems.push_back({fmt::format("calling_window.{}", key), "must be a list of strings"});
      shape_ok = false;
      continue;
    }
    if (key == "holidays") {
      holidays = std::move(list);
    } else {
      days[key] = std::move(list);
    }
  }
  if (!shape_ok) return;
  auto parsed = ParseCallingWindow(days, holidays);
  if (!parsed.ok()) {
    for (const auto& p : parsed.error().details) problems.push_back(p);
    return;
  }
  window = std::move(parsed).value();
}

void ReadDispositions(const json& body, std::vector<Disposition>& out, std::vector<FieldProblem>& problems) {
  if (!body.is_array()) {
    problems.push_back({"dispositions", "must be a list of {code, label, result}"});
    return;
  }
  std::vector<Disposition> list;
  for (size_t i = 0; i < body.size(); ++i) {
    std::string field = fmt::format("dispositions[{}]", i);
    if (!body[i].is_object()) {
      problems.push_back({field, "must be an object {code, label, result}"});
      continue;
    }
    Reader r(body[i], field, problems);
    Disposition d;
    r.String("code", d.code);
    r.String("label", d.label);
    if (!r.Has("result")) r.Problem("result", "is required (success, retry, callback, do_not_call or final)");
    r.Enum("result", d.result, DispositionResultFromString, "success, retry, callback, do_not_call, final");
    r.RejectUnknown();
    list.push_back(std::move(d));
  }
  out = std::move(list);
}

}  // namespace

json CampaignSettingsToJson(const CampaignSettings& s) {
  json disabled = json::array();
  if (s.skip_disabled) disabled.push_back("skip");
  if (s.remove_disabled) disabled.push_back("remove");
  json retry = json::object();
  for (int i = 0; i < kRetryKeyCount; ++i) {
    retry[std::string(ToString(static_cast<RetryKey>(i)))] = {
        {"delay_s", s.retry[i].delay_s}, {"counts_as_attempt", s.retry[i].counts_as_attempt}};
  }
  json window = json::object();
  for (const auto& [day, ranges] : FormatCallingWindowDays(s.calling_window)) window[day] = ranges;
  window["holidays"] = FormatHolidays(s.calling_window);
  json dispositions = json::array();
  for (const auto& d : s.dispositions) {
    dispositions.push_back({{"code", d.code}, {"label", d.label}, {"result", ToString(d.result)}});
  }
  const Disposition* auto_disposition = s.AutoWrapUpDisposition();
  return json{
      {"name", s.name},
      {"description", s.description},
      {"mode", ToString(s.mode)},
      {"teams", s.teams},
      {"priority", s.priority},
      {"caller_id", s.caller_id},
      {"preview_offer_timeout_s", s.preview_offer_timeout_s},
      {"preview_timeout_action", ToString(s.preview_timeout_action)},
      {"preview_actions_disabled", disabled},
      {"reservation_ring_limit_s", s.reservation_ring_limit_s},
      {"no_answer_ring_limit_s", s.no_answer_ring_limit_s},
      {"displayed_fields", s.displayed_fields},
      {"cpa",
       {{"enabled", s.cpa.enabled},
        {"amd_enabled", s.cpa.amd_enabled},
        {"terminating_tone_detect", s.cpa.terminating_tone_detect},
        {"min_silence_period_ms", s.cpa.min_silence_period_ms},
        {"analysis_period_ms", s.cpa.analysis_period_ms},
        {"minimum_valid_speech_ms", s.cpa.minimum_valid_speech_ms},
        {"max_time_analysis_ms", s.cpa.max_time_analysis_ms},
        {"max_term_tone_analysis_ms", s.cpa.max_term_tone_analysis_ms}}},
      {"on_machine", ToString(s.on_machine)},
      {"max_attempts", s.max_attempts},
      {"max_attempts_per_number", s.max_attempts_per_number},
      {"retry", retry},
      {"calling_window", window},
      {"dnc_lists", s.dnc_lists},
      {"dispositions", dispositions},
      {"wrap_up_timeout_s", s.wrap_up_timeout_s},
      // The effective one: what auto wrap-up will use, also when the admin left it empty.
      {"default_disposition", auto_disposition != nullptr ? auto_disposition->code : std::string()},
  };
}

Result<CampaignSettings> CampaignSettingsFromJson(const json& body, CampaignSettings s,
                                                  bool require_create_fields) {
  std::vector<FieldProblem> problems;
  if (!body.is_object()) return Invalid("campaign settings", {{"", "the body must be a JSON object"}});
  Reader r(body, "", problems);
  if (require_create_fields) {
    if (!r.Has("name")) r.Problem("name", "is required");
    if (!r.Has("mode")) r.Problem("mode", "is required (preview, preview_standard or preview_direct)");
  }
  r.String("name", s.name);
  r.String("description", s.description);
  r.Enum("mode", s.mode, CampaignModeFromString, "preview, preview_standard, preview_direct");
  r.StringList("teams", s.teams);
  r.Int("priority", s.priority);
  r.String("caller_id", s.caller_id);
  r.Int("preview_offer_timeout_s", s.preview_offer_timeout_s);
  r.Enum("preview_timeout_action", s.preview_timeout_action, TimeoutActionFromString, "accept, skip, remove");
  if (const json* v = r.Get("preview_actions_disabled")) {
    std::vector<std::string> list;
    if (!Reader::ReadStringList(*v, list)) {
      r.Problem("preview_actions_disabled", "must be a list of \"skip\" and \"remove\"");
    } else {
      s.skip_disabled = s.remove_disabled = false;
      for (const auto& action : list) {
        if (action == "skip") {
          s.skip_disabled = true;
        } else if (action == "remove") {
          s.remove_disabled = true;
        } else {
          r.Problem("preview_actions_disabled",
                    fmt::format("'{}' cannot be disabled (only skip and remove)", action));
        }
      }
    }
  }
  r.Int("reservation_ring_limit_s", s.reservation_ring_limit_s);
  r.Int("no_answer_ring_limit_s", s.no_answer_ring_limit_s);
  r.StringList("displayed_fields", s.displayed_fields);
  if (const json* v = r.Get("cpa")) {
    if (v->is_object()) {
      ReadCpa(*v, s.cpa, problems);
    } else {
      r.Problem("cpa", "must be an object");
    }
  }
  r.Enum("on_machine", s.on_machine, OnMachineFromString, "connect, hangup");
  r.Int("max_attempts", s.max_attempts);
  r.Int("max_attempts_per_number", s.max_attempts_per_number);
  if (const json* v = r.Get("retry")) {
    if (v->is_object()) {
      ReadRetry(*v, s.retry, problems);
    } else {
      r.Problem("retry", "must be an object keyed by outcome");
    }
  }
  if (const json* v = r.Get("calling_window")) {
    if (v->is_object()) {
      ReadCallingWindow(*v, s.calling_window, problems);
    } else {
      r.Problem("calling_window", "must be an object {mon: [\"09:00-20:00\"], ..., holidays: []}");
    }
  }
  r.StringList("dnc_lists", s.dnc_lists);
  if (const json* v = r.Get("dispositions")) ReadDispositions(*v, s.dispositions, problems);
  r.Int("wrap_up_timeout_s", s.wrap_up_timeout_s);
  r.String("default_disposition", s.default_disposition);
  // Read-only fields a client may send back unchanged from a GET.
  r.RejectUnknown({"id", "tenant_id", "status", "created_at", "updated_at"});
  if (!problems.empty()) return Invalid("campaign settings", std::move(problems));
  if (auto v = ValidateCampaignSettings(s); !v.ok()) return v.error();
  return s;
}

json TenantSettingsToJson(const TenantSettings& s) {
  return json{{"name", s.name},
              {"max_concurrent_calls", s.max_concurrent_calls},
              {"end_call_enabled", s.end_call_enabled},
              {"default_timezone", s.default_timezone},
              {"default_region", s.default_region},
              {"default_caller_id", s.default_caller_id}};
}

Result<TenantSettings> TenantSettingsFromJson(const json& body, TenantSettings s,
                                              const std::vector<std::string>& ignored_keys) {
  std::vector<FieldProblem> problems;
  if (!body.is_object()) return Invalid("tenant settings", {{"", "the body must be a JSON object"}});
  Reader r(body, "", problems);
  r.String("name", s.name);
  r.Int("max_concurrent_calls", s.max_concurrent_calls);
  r.Bool("end_call_enabled", s.end_call_enabled);
  r.String("default_timezone", s.default_timezone);
  r.String("default_region", s.default_region);
  r.String("default_caller_id", s.default_caller_id);
  std::vector<std::string> ignored = ignored_keys;
  ignored.insert(ignored.end(), {"id", "created_at"});
  r.RejectUnknown(ignored);
  if (r.Has("default_timezone") && problems.empty()) {
    ZoneTable zones;
    if (auto z = zones.Intern(s.default_timezone, "default_timezone"); !z.ok()) {
      for (const auto& p : z.error().details) problems.push_back(p);
    }
  }
  if (auto v = ValidateTenantSettings(s); !v.ok()) {
    for (const auto& p : v.error().details) problems.push_back(p);
  }
  if (!problems.empty()) return Invalid("tenant settings", std::move(problems));
  return s;
}

}  // namespace outdial::core
