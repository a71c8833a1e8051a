// POST /api/v1/campaigns/{id}/contacts: reads the list (CSV or JSON) with the ContactIntake port —
// the same streaming reader as `outdial import` — reporting progress to the ImportTracker, then
// stores the valid rows through ContactService. A request stores all of its valid rows or nothing:
// batches are collected first, so that a body found unreadable half-way (a JSON list cut short)
// leaves no contact behind.
//
// Threading: an HTTP I/O thread (blocks while the list is read and stored).
#pragma once

#include "api/api_context.h"

namespace outdial::api {

HttpResponse ImportContacts(ApiContext& api, const Principal& p, core::CampaignId id, const HttpRequest& req);

}  // namespace outdial::api
