// The JSON of API.md for engine events, snapshots, stats and the stored resources (tenants,
// users, campaigns, contacts, attempts, DNC entries). Ids are decimal strings, times epoch ms.
// Pure functions, any thread.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/catalog.h"
#include "engine/dialer.h"
#include "engine/events.h"

namespace outdial::api {

using Json = nlohmann::json;

// One event as its wire object, with "type".
Json EventToJson(const engine::Event& event);
// The agent's live snapshot: {agent_id, state, reason, reason_code, since, reservation, offer, call,
// task, wrapup} (task and wrapup extend API.md: the accepted contact and the wrap-up choices).
Json SnapshotToJson(const engine::AgentSnapshot& snapshot);
// {contacts:{total, callable, ...}, attempts:{total, by_outcome}, agents:{...}, active_calls}.
Json StatsToJson(const engine::CampaignStats& stats);
// The body of GET /api/v1/campaigns/{id}/stats: StatsToJson(stats) with "campaign_id", as the very
// bytes Json::dump() gives (keys in order), written straight into a string: building the object
// made nearly all of the engine thread's work for each GET (bench/rest_bench.sh).
std::string StatsResponseText(const engine::CampaignStats& stats, core::CampaignId campaign);

Json TenantToJson(const engine::TenantRow& tenant);
Json UserToJson(const engine::UserRow& user);
Json CampaignToJson(const engine::CampaignRow& campaign);
Json ContactToJson(const engine::ContactRow& contact);
Json AttemptToJson(const engine::AttemptRecord& attempt);
Json DncToJson(const engine::DncRecord& entry);

std::optional<core::ContactState> ContactStateFromString(std::string_view text);

}  // namespace outdial::api
