#include "api/contact_import.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"

namespace outdial::api {

namespace {

constexpr size_t kMaxImportRows = 200000;

struct Stored {
  HttpResponse response;
  uint64_t accepted = 0;
};

Stored ReadAndStore(ApiContext& api, const Principal& p, core::CampaignId id, const HttpRequest& req,
                    const core::TenantSettings& tenant_settings,
                    const engine::ContactIntake::ProgressCallback& on_progress, uint64_t generation) {
  engine::IntakeFormat format = IsCsvBody(req) ? engine::IntakeFormat::kCsv : engine::IntakeFormat::kJson;
  // The body is in memory already; handing it out in slices lets the progress count bytes.
  constexpr size_t kSlice = size_t{256} * 1024;
  size_t offset = 0;
  auto next_chunk = [&]() -> std::string_view {
    std::string_view slice = std::string_view(req.body).substr(offset).substr(0, kSlice);
    offset += slice.size();
    return slice;
  };
  std::vector<engine::ContactRow> rows;
  auto summary = api.deps.intake.Read(
      format, next_chunk, tenant_settings, id, api.Now(),
      [&rows](std::vector<engine::ContactRow>&& batch) -> core::Result<void> {
        if (rows.size() + batch.size() > kMaxImportRows) {
          return Invalid("contacts", "at most 200000 contacts per request");
        }
        for (auto& r : batch) rows.push_back(std::move(r));
        return core::Ok{};
      },
      on_progress);
  api.imports.Update(id.value, generation, [&](ImportTracker::Status& s) {
    s.phase = "storing";
    s.rejected = summary.rejected;
    s.bytes_read = req.body.size();
  });
  if (summary.fatal_error) {
    core::Error e = std::move(*summary.fatal_error);
    if (e.code != core::ErrorCode::kInternal) {
      e.code = core::ErrorCode::kValidationFailed;  // an unreadable list is the client's
    }
    return {ErrorResponse(e)};
  }
  size_t accepted = rows.size();
  if (auto r = api.contacts.Add(p.tenant, id, rows); !r.ok()) return {ErrorResponse(r.error())};
  Json errors = Json::array();
  for (const auto& e : summary.errors) {
    errors.push_back({{"row", e.row}, {"field", e.field}, {"problem", e.problem}});
  }
  Json body = {{"accepted", accepted}, {"rejected", summary.rejected}, {"errors", errors}};
  if (summary.error_count > summary.errors.size()) body["errors_total"] = summary.error_count;
  return {JsonResponse(200, body), accepted};
}

}  // namespace

HttpResponse ImportContacts(ApiContext& api, const Principal& p, core::CampaignId id,
                            const HttpRequest& req) {
  auto campaign = api.campaigns.Get(p.tenant, id);
  if (!campaign.ok()) return ErrorResponse(campaign.error());
  auto tenant = api.tenants.Get(p.tenant);
  if (!tenant.ok()) return ErrorResponse(tenant.error());
  // Progress goes to the campaign's `import` field and, about once a second, into the log.
  const uint64_t generation = api.imports.Start(id.value, req.body.size(), core::ToEpochMs(api.Now()));
  core::TimePoint last_log = api.Now();
  auto log_status = [&] {
    if (auto s = api.imports.Get(id.value); s && s->generation == generation) {
      spdlog::info("{}", ImportTracker::LogLine(id.value, *s));
    }
  };
  log_status();
  auto on_progress = [&](const engine::IntakeProgress& progress) {
    api.imports.Update(id.value, generation, [&](ImportTracker::Status& s) {
      s.rows_read = progress.rows_seen;
      s.accepted = progress.accepted;
      s.rejected = progress.rejected;
      s.bytes_read = progress.bytes_consumed;
    });
    if (core::TimePoint now = api.Now(); now - last_log >= std::chrono::seconds(1)) {
      last_log = now;
      log_status();
    }
  };
  auto finish = [&](ImportTracker::State state, uint64_t accepted, const std::string& error) {
    api.imports.Update(id.value, generation, [&](ImportTracker::Status& s) {
      s.state = state;
      s.accepted = accepted;
      s.error = error;
      s.finished_at = std::max<int64_t>(core::ToEpochMs(api.Now()), s.started_at + 1);
    });
    log_status();
  };
  Stored stored = ReadAndStore(api, p, id, req, tenant->settings, on_progress, generation);
  if (stored.response.status == 200) {
    finish(ImportTracker::State::kDone, stored.accepted, "");
  } else {
    // The error body is API.md's {"error": {"code", "message"}}; its message says why.
    auto body = Json::parse(stored.response.body, nullptr, false);
    std::string message =
        body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
    finish(ImportTracker::State::kFailed, 0, message.empty() ? "import failed" : message);
  }
  return std::move(stored.response);
}

}  // namespace outdial::api
