#include "api/json_mapping.h"

#include <algorithm>
#include <array>
#include <iterator>

#include <fmt/format.h>

#include "core/settings_json.h"

namespace outdial::api {

namespace {

template <typename Tag>
Json IdOrNull(core::Id<Tag> id) {
  return id.valid() ? Json(id.str()) : Json(nullptr);
}

Json TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? Json(core::ToEpochMs(*t)) : Json(nullptr);
}

Json Fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  Json out = Json::object();
  for (const auto& [k, v] : fields) out[k] = v;
  return out;
}

std::string_view AgentReason(const std::optional<core::ReasonCode>& code, const std::string& text) {
  if (code) return core::ToString(*code);
  return text;
}

struct EventVisitor {
  Json operator()(const engine::AgentStateEvent& e) const {
    std::string_view reason = AgentReason(e.reason_code, e.reason);
    return {
        {"type", "agent.state"},
        {"agent_id", e.agent_id.str()},
        {"state", std::string(core::ToString(e.state))},
        {"reason", reason.empty() ? Json(nullptr) : Json(std::string(reason))},
        {"reason_code", e.reason_code ? Json(std::string(core::ToString(*e.reason_code))) : Json(nullptr)},
        {"since", core::ToEpochMs(e.since)}};
  }
  Json operator()(const engine::ReservationEvent& e) const {
    Json j = {{"type", "reservation"},
              {"agent_id", e.agent_id.str()},
              {"reservation_id", e.reservation_id.str()},
              {"campaign_id", e.campaign_id.str()},
              {"state", std::string(core::ToString(e.state))}};
    if (e.reason_code) j["reason_code"] = std::string(core::ToString(*e.reason_code));
    return j;
  }
  Json operator()(const engine::OfferEvent& e) const {
    Json j = {{"type", "offer"},
              {"agent_id", e.agent_id.str()},
              {"offer_id", e.offer_id.str()},
              {"campaign",
               {{"id", e.campaign_id.str()},
                {"name", e.campaign_name},
                {"description", e.campaign_description},
                {"mode", std::string(core::ToString(e.mode))}}},
              {"contact",
               {{"id", e.contact_id.str()},
                {"name", e.contact_name},
                {"phone", e.phone},
                {"fields", Fields(e.fields)}}},
              {"expires_at", TimeOrNull(e.expires_at)},
              {"timeout_action", std::string(core::ToString(e.timeout_action))},
              {"actions",
               {{"accept", e.can_accept},
                {"skip", e.can_skip},
                {"remove", e.can_remove},
                {"cancel", e.can_cancel}}}};
    if (e.reservation_id.valid()) j["reservation_id"] = e.reservation_id.str();
    return j;
  }
  Json operator()(const engine::OfferClosedEvent& e) const {
    Json j = {{"type", "offer.closed"},
              {"agent_id", e.agent_id.str()},
              {"offer_id", e.offer_id.str()},
              {"action", std::string(core::ToString(e.action))},
              {"by", std::string(engine::ToString(e.by))}};
    if (e.reason_code) j["reason_code"] = std::string(core::ToString(*e.reason_code));
    return j;
  }
  Json operator()(const engine::CallEvent& e) const {
    Json j = {{"type", "call"},
              {"agent_id", e.agent_id.str()},
              {"call_id", e.call_id.str()},
              {"offer_id", IdOrNull(e.offer_id)},
              {"campaign_id", e.campaign_id.str()},
              {"contact_id", e.contact_id.str()},
              {"number", e.number},
              {"state", std::string(core::ToString(e.state))},
              {"started_at", core::ToEpochMs(e.started_at)},
              {"can_cancel", e.can_cancel}};
    if (e.answered_at) j["answered_at"] = core::ToEpochMs(*e.answered_at);
    if (e.connected_at) j["connected_at"] = core::ToEpochMs(*e.connected_at);
    if (e.amd_result) j["amd_result"] = std::string(core::ToString(*e.amd_result));
    if (e.outcome) j["outcome"] = std::string(core::ToString(*e.outcome));
    return j;
  }
  Json operator()(const engine::AttemptFailedEvent& e) const {
    Json j = {{"type", "attempt.failed"},
              {"agent_id", e.agent_id.str()},
              {"call_id", e.call_id.str()},
              {"offer_id", IdOrNull(e.offer_id)},
              {"reason_code", std::string(core::ToString(e.reason_code))}};
    if (e.sip_code != 0) j["sip_code"] = e.sip_code;
    return j;
  }
  Json operator()(const engine::WrapupEvent& e) const {
    Json dispositions = Json::array();
    for (const auto& d : e.dispositions) {
      dispositions.push_back(
          {{"code", d.code}, {"label", d.label}, {"result", std::string(core::ToString(d.result))}});
    }
    Json j = {{"type", "wrapup"},
              {"agent_id", e.agent_id.str()},
              {"call_id", e.call_id.str()},
              {"dispositions", dispositions}};
    if (e.deadline_at) j["deadline_at"] = core::ToEpochMs(*e.deadline_at);
    return j;
  }
  Json operator()(const engine::NoticeEvent& e) const {
    return {{"type", "notice"},
            {"agent_id", e.agent_id.str()},
            {"reason_code", std::string(core::ToString(e.reason_code))},
            {"message", e.message}};
  }
};

}  // namespace

Json EventToJson(const engine::Event& event) {
  return std::visit(EventVisitor{}, event);
}

Json SnapshotToJson(const engine::AgentSnapshot& s) {
  std::string_view reason = AgentReason(s.reason_code, s.reason);
  Json j = {
      {"agent_id", s.agent_id.str()},
      {"state", std::string(core::ToString(s.state))},
      {"reason", reason.empty() ? Json(nullptr) : Json(std::string(reason))},
      {"reason_code", s.reason_code ? Json(std::string(core::ToString(*s.reason_code))) : Json(nullptr)},
      {"since", core::ToEpochMs(s.since)},
      {"reservation", s.reservation ? EventToJson(*s.reservation) : Json(nullptr)},
      {"offer", s.offer ? EventToJson(*s.offer) : Json(nullptr)},
      {"call", s.call ? EventToJson(*s.call) : Json(nullptr)},
      // Extensions of API.md: the accepted contact's card and the wrap-up choices, so a desktop
      // that reconnects mid-call or in wrap-up redraws everything without another request.
      {"task", s.task ? EventToJson(*s.task) : Json(nullptr)},
      {"wrapup", s.wrapup ? EventToJson(*s.wrapup) : Json(nullptr)}};
  return j;
}

Json StatsToJson(const engine::CampaignStats& st) {
  Json contacts = {{"total", st.contacts_total}};
  for (int i = 0; i < core::kContactStateCount; ++i) {
    contacts[std::string(core::ToString(static_cast<core::ContactState>(i)))] =
        st.contacts_by_state[static_cast<size_t>(i)];
  }
  Json by_outcome = Json::object();
  for (int i = 0; i < core::kOutcomeCount; ++i) {
    by_outcome[std::string(core::ToString(static_cast<core::Outcome>(i)))] =
        st.attempts_by_outcome[static_cast<size_t>(i)];
  }
  return {{"contacts", contacts},
          {"attempts", {{"total", st.attempts_total}, {"by_outcome", by_outcome}}},
          {"agents",
           {{"available", st.agents_available},
            {"reserved", st.agents_reserved},
            {"on_call", st.agents_on_call},
            {"wrap_up", st.agents_wrap_up},
            {"idle", st.agents_idle}}},
          {"active_calls", st.active_calls},
          // Extensions of API.md: both limits beside what counts against them.
          {"tenant_active_calls", st.tenant_active_calls},
          {"tenant_max_concurrent_calls", st.tenant_max_calls},
          {"datacenter_active_calls", st.datacenter_active_calls},
          {"datacenter_max_concurrent_calls", st.datacenter_max_calls}};
}

namespace {

// The indexes 0..N-1 of an enum, in the order of their wire names (Json objects sort their keys).
template <typename Enum, size_t N>
std::array<size_t, N> ByName() {
  std::array<size_t, N> order{};
  for (size_t i = 0; i < N; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [](size_t a, size_t b) {
    return core::ToString(static_cast<Enum>(a)) < core::ToString(static_cast<Enum>(b));
  });
  return order;
}

}  // namespace

std::string StatsResponseText(const engine::CampaignStats& st, core::CampaignId campaign) {
  static const auto kStates = ByName<core::ContactState, core::kContactStateCount>();
  static const auto kOutcomes = ByName<core::Outcome, core::kOutcomeCount>();
  std::string out;
  out.reserve(768);
  auto it = std::back_inserter(out);
  fmt::format_to(
      it,
      R"({{"active_calls":{},"agents":{{"available":{},"idle":{},"on_call":{},"reserved":{},"wrap_up":{}}},)"
      R"("attempts":{{"by_outcome":{{)",
      st.active_calls, st.agents_available, st.agents_idle, st.agents_on_call, st.agents_reserved,
      st.agents_wrap_up);
  const char* comma = "";
  for (size_t i : kOutcomes) {
    fmt::format_to(it, R"({}"{}":{})", comma, core::ToString(static_cast<core::Outcome>(i)),
                   st.attempts_by_outcome[i]);
    comma = ",";
  }
  // Ids are decimal strings: digits only, nothing to escape.
  fmt::format_to(it, R"(}},"total":{}}},"campaign_id":"{}","contacts":{{)", st.attempts_total,
                 campaign.value);
  // "total" takes its place among the state names, as in the sorted object.
  bool total_written = false;
  comma = "";
  for (size_t i : kStates) {
    std::string_view name = core::ToString(static_cast<core::ContactState>(i));
    if (!total_written && name > "total") {
      fmt::format_to(it, R"({}"total":{})", comma, st.contacts_total);
      total_written = true;
      comma = ",";
    }
    fmt::format_to(it, R"({}"{}":{})", comma, name, st.contacts_by_state[i]);
    comma = ",";
  }
  if (!total_written) fmt::format_to(it, R"({}"total":{})", comma, st.contacts_total);
  fmt::format_to(it,
                 R"(}},"datacenter_active_calls":{},"datacenter_max_concurrent_calls":{},)"
                 R"("tenant_active_calls":{},"tenant_max_concurrent_calls":{}}})",
                 st.datacenter_active_calls, st.datacenter_max_calls, st.tenant_active_calls,
                 st.tenant_max_calls);
  return out;
}

Json TenantToJson(const engine::TenantRow& t) {
  Json j = core::TenantSettingsToJson(t.settings);
  j["id"] = t.id.str();
  j["created_at"] = core::ToEpochMs(t.created_at);
  return j;
}

Json UserToJson(const engine::UserRow& u) {
  return {{"id", u.id.str()},
          {"username", u.username},
          {"role", std::string(engine::ToString(u.role))},
          {"tenant_id", u.tenant_id.str()},
          {"team", u.team},
          {"station", u.station},
          {"created_at", core::ToEpochMs(u.created_at)}};
}

Json CampaignToJson(const engine::CampaignRow& c) {
  Json j = core::CampaignSettingsToJson(c.settings);
  j["id"] = c.id.str();
  j["tenant_id"] = c.tenant_id.str();
  j["status"] = std::string(core::ToString(c.status));
  j["created_at"] = core::ToEpochMs(c.created_at);
  j["updated_at"] = core::ToEpochMs(c.updated_at);
  return j;
}

Json ContactToJson(const engine::ContactRow& row) {
  const core::Contact& c = row.contact;
  Json phones = Json::array();
  for (const auto& p : c.phones) {
    Json phone = {{"number", p.number}, {"attempts", p.attempts}, {"invalid", p.invalid}};
    if (!p.type.empty()) phone["type"] = p.type;
    phones.push_back(phone);
  }
  return {
      {"id", c.id.str()},
      {"campaign_id", c.campaign_id.str()},
      {"name", c.name},
      {"phones", phones},
      {"timezone", row.timezone},
      {"priority", c.priority},
      {"fields", Fields(c.fields)},
      {"state", std::string(core::ToString(c.state))},
      {"attempts_made", c.attempts_made},
      {"next_eligible_at", core::ToEpochMs(c.next_eligible_at)},
      {"last_outcome", c.last_outcome ? Json(std::string(core::ToString(*c.last_outcome))) : Json(nullptr)},
      {"callback", c.callback},
      {"callback_agent_id", IdOrNull(c.callback_agent)}};
}

Json AttemptToJson(const engine::AttemptRecord& a) {
  return {{"id", a.id.str()},
          {"contact_id", a.contact_id.str()},
          {"campaign_id", a.campaign_id.str()},
          {"agent_id", IdOrNull(a.agent_id)},
          {"number", a.number},
          {"started_at", core::ToEpochMs(a.started_at)},
          {"answered_at", TimeOrNull(a.answered_at)},
          {"connected_at", TimeOrNull(a.connected_at)},
          {"ended_at", TimeOrNull(a.ended_at)},
          {"wrapped_up_at", TimeOrNull(a.wrapped_up_at)},
          {"outcome", a.outcome ? Json(std::string(core::ToString(*a.outcome))) : Json(nullptr)},
          {"reason_code", a.reason ? Json(std::string(core::ToString(*a.reason))) : Json(nullptr)},
          {"sip_code", a.sip_code != 0 ? Json(a.sip_code) : Json(nullptr)},
          {"amd_result", a.amd ? Json(std::string(core::ToString(*a.amd))) : Json(nullptr)},
          {"disposition", a.disposition.empty() ? Json(nullptr) : Json(a.disposition)},
          {"notes", a.notes}};
}

Json DncToJson(const engine::DncRecord& e) {
  return {{"number", e.number},
          {"list", e.list},
          {"added_at", core::ToEpochMs(e.added_at)},
          {"source", e.source}};
}

std::optional<core::ContactState> ContactStateFromString(std::string_view text) {
  for (int i = 0; i < core::kContactStateCount; ++i) {
    auto s = static_cast<core::ContactState>(i);
    if (core::ToString(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace outdial::api
