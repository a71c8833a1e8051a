#include "app/contacts_cli.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "app/serve.h"
#include "store/import/batch_pipeline.h"
#include "store/import/contact_export.h"
#include "store/import/streaming_intake.h"
#include "store/open.h"

namespace outdial::app {

namespace {

int Fail(const core::Error& error) {
  std::cerr << "error: " << error.message << "\n";
  for (const auto& d : error.details) std::cerr << "  " << d.field << ": " << d.problem << "\n";
  return 2;
}

struct OpenCampaign {
  std::unique_ptr<store::sql::SqlDatabase> db;
  engine::TenantRow tenant;
  engine::CampaignRow campaign;
};

core::Result<OpenCampaign> Open(const std::string& config_path, uint64_t campaign_id) {
  ServerConfig config;
  if (!config_path.empty()) {
    auto loaded = LoadServerConfig(config_path);
    if (!loaded.ok()) return loaded.error();
    config = *loaded;
  }
  if (config.database_url == "memory:") {
    return core::MakeError(core::ErrorCode::kValidationFailed,
                           "database.url is \"memory:\": there is no stored campaign to work on");
  }
  // The CLI commits through the Catalog only; nothing is posted to an engine thread.
  auto db = store::OpenDatabase(config.database_url, [](const std::function<void()>& fn) { fn(); });
  if (!db.ok()) return db.error();
  OpenCampaign out;
  out.db = std::move(*db);
  core::CampaignId id{campaign_id};
  auto tenant_id = out.db->CampaignTenant(id);
  if (!tenant_id.ok()) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           fmt::format("campaign {} is not in {}", campaign_id, config.database_url));
  }
  auto tenant = out.db->GetTenant(*tenant_id);
  if (!tenant.ok()) return tenant.error();
  auto campaign = out.db->GetCampaign(*tenant_id, id);
  if (!campaign.ok()) return campaign.error();
  out.tenant = std::move(*tenant);
  out.campaign = std::move(*campaign);
  return out;
}

// Where there is no terminal to draw a bar on (a log, a pipe), a structured line about once a
// second: "import campaign=7 rows_read=350000 accepted=348796 rejected=1204 bytes_read=... percent=35".
class ProgressLog {
 public:
  ProgressLog(bool enabled, uint64_t campaign, uint64_t total_bytes)
      : enabled_(enabled), campaign_(campaign), total_(total_bytes) {}
  // `final_state` ("done", "failed") marks the last line, which is always written.
  void Show(const engine::IntakeProgress& p, const char* final_state = nullptr) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (final_state == nullptr && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::string line = fmt::format(
        "import campaign={} state={} rows_read={} accepted={} rejected={} bytes_read={} bytes_total={}",
        campaign_, final_state ? final_state : "running", p.rows_seen, p.accepted, p.rejected,
        p.bytes_consumed, total_);
    if (total_ > 0) {
      line += fmt::format(" percent={}", std::min<uint64_t>(100, p.bytes_consumed * 100 / total_));
    }
    std::cerr << line << "\n";
  }

 private:
  bool enabled_;
  uint64_t campaign_;
  uint64_t total_;
  std::chrono::steady_clock::time_point last_{};
};

// A one-line bar redrawn in place: "[#######.............]  35%  350,000 rows  1,204 rejected".
class ProgressBar {
 public:
  ProgressBar(bool enabled, uint64_t total_bytes) : enabled_(enabled), total_(total_bytes) {}
  void Show(const engine::IntakeProgress& p) {
    if (!enabled_) return;
    constexpr int kWidth = 30;
    double share = total_ == 0
                       ? 1.0
                       : std::min(1.0, static_cast<double>(p.bytes_consumed) / static_cast<double>(total_));
    int filled = static_cast<int>(share * kWidth);
    std::cerr << fmt::format("\r[{}{}] {:3.0f}%  {} rows  {} rejected ", std::string(filled, '#'),
                             std::string(kWidth - filled, '.'), share * 100, p.rows_seen, p.rejected)
              << std::flush;
    shown_ = true;
  }
  void Done() {
    if (shown_) std::cerr << "\n";
  }
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  uint64_t total_;
  bool shown_ = false;
};

}  // namespace

int RunImport(const ImportCommand& command) {
  auto opened = Open(command.config_path, command.campaign_id);
  if (!opened.ok()) return Fail(opened.error());
  std::ifstream in(command.file, std::ios::binary);
  if (!in) {
    return Fail(core::MakeError(core::ErrorCode::kValidationFailed, "cannot read " + command.file));
  }
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(command.file, ec);
  engine::IntakeFormat format = std::filesystem::path(command.file).extension() == ".json"
                                    ? engine::IntakeFormat::kJson
                                    : engine::IntakeFormat::kCsv;
  std::vector<char> buffer(1 << 20);
  auto next_chunk = [&]() -> std::string_view {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    return std::string_view(buffer.data(), static_cast<size_t>(in.gcount()));
  };
  ProgressBar bar(command.progress && isatty(STDERR_FILENO) != 0, size);
  OpenCampaign& c = *opened;
  ProgressLog log(command.progress && !bar.enabled(), c.campaign.id.value, size);
  auto started = std::chrono::steady_clock::now();
  store::StreamingContactIntake intake;
  // This thread parses and validates the next batch while the pipeline's thread stores the last.
  std::atomic<uint64_t> rows_stored{0};
  store::BatchPipeline<std::vector<engine::ContactRow>> pipeline(
      [&](std::vector<engine::ContactRow>&& batch) -> core::Result<void> {
        auto r = c.db->InsertContacts(c.tenant.id, c.campaign.id, batch);
        if (r.ok()) rows_stored += batch.size();
        return r;
      });
  auto summary = intake.Read(
      format, next_chunk, c.tenant.settings, c.campaign.id,
      core::FromEpochMs(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count()),
      [&](std::vector<engine::ContactRow>&& batch) { return pipeline.Push(std::move(batch)); },
      [&](const engine::IntakeProgress& p) {
        bar.Show(p);
        log.Show(p);
      });
  if (auto stored = pipeline.Finish(); !stored.ok() && !summary.fatal_error) {
    summary.fatal_error = stored.error();
  }
  // Rows validated but not stored after a failure are not imported.
  if (summary.fatal_error) summary.accepted = rows_stored;
  bar.Done();
  log.Show(
      engine::IntakeProgress{size, summary.accepted + summary.rejected, summary.accepted, summary.rejected},
      summary.fatal_error ? "failed" : "done");
  for (const auto& e : summary.errors) {
    std::cerr << fmt::format("row {}{}{}: {}\n", e.row, e.field.empty() ? "" : ", ", e.field, e.problem);
  }
  if (summary.error_count > summary.errors.size()) {
    std::cerr << fmt::format("... and {} more problems\n", summary.error_count - summary.errors.size());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("imported into campaign {} ('{}'): {} accepted, {} rejected in {:.1f} s\n",
                           c.campaign.id.value, c.campaign.settings.name, summary.accepted, summary.rejected,
                           seconds);
  if (summary.fatal_error) {
    if (summary.accepted > 0) {
      std::cerr << "note: the rows above were stored before the file became unreadable\n";
    }
    return Fail(*summary.fatal_error);
  }
  std::cout << "note: a running server picks these contacts up at its next start\n";
  return summary.rejected > 0 ? 1 : 0;
}

int RunExport(const ExportCommand& command) {
  if (command.what != "contacts" && command.what != "attempts") {
    return Fail(core::MakeError(core::ErrorCode::kValidationFailed, "--what must be contacts or attempts"));
  }
  auto opened = Open(command.config_path, command.campaign_id);
  if (!opened.ok()) return Fail(opened.error());
  OpenCampaign& c = *opened;
  std::ofstream file;
  if (!command.out.empty() && command.out != "-") {
    file.open(command.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      return Fail(core::MakeError(core::ErrorCode::kValidationFailed, "cannot write " + command.out));
    }
  }
  std::ostream& out = file.is_open() ? static_cast<std::ostream&>(file) : std::cout;
  constexpr size_t kPage = 5000;
  // Visits every contact page by page (import order), so memory stays at one page.
  auto each_page = [&](const std::function<core::Result<void>(std::vector<engine::ContactRow>&)>& fn)
      -> core::Result<void> {
    std::string cursor;
    do {
      auto page = c.db->ListContacts(c.tenant.id, c.campaign.id, std::nullopt, kPage, cursor);
      if (!page.ok()) return page.error();
      if (auto r = fn(page->items); !r.ok()) return r;
      cursor = page->next_cursor;
    } while (!cursor.empty());
    return core::Ok{};
  };
  uint64_t written = 0;
  if (command.what == "contacts") {
    // The writer needs its columns before the first row: a first pass finds every phone and field.
    store::ContactExportColumns columns{1, {}};
    std::set<std::string> seen_fields;
    auto scanned = each_page([&](std::vector<engine::ContactRow>& rows) -> core::Result<void> {
      for (const auto& r : rows) {
        columns.phones = std::max(columns.phones, r.contact.phones.size());
        for (const auto& [name, value] : r.contact.fields) {
          if (seen_fields.insert(name).second) columns.fields.push_back(name);
        }
      }
      return core::Ok{};
    });
    if (!scanned.ok()) return Fail(scanned.error());
    store::ContactCsvWriter writer(out, columns);
    auto done = each_page([&](std::vector<engine::ContactRow>& rows) -> core::Result<void> {
      for (const auto& r : rows) writer.Write(r.contact, r.timezone);
      written += rows.size();
      return core::Ok{};
    });
    if (!done.ok()) return Fail(done.error());
  } else {
    // One keyset query per page of attempts (not one per contact), written as they come.
    store::AttemptCsvWriter writer(out);
    auto done = c.db->ForEachAttempt(c.tenant.id, c.campaign.id, [&](const engine::AttemptRecord& a) {
      writer.Write(a);
      ++written;
      return core::Result<void>(core::Ok{});
    });
    if (!done.ok()) return Fail(done.error());
  }
  out.flush();
  if (!out) return Fail(core::MakeError(core::ErrorCode::kInternal, "writing the export failed"));
  std::cerr << fmt::format("exported {} {} of campaign {} ('{}')\n", written, command.what,
                           c.campaign.id.value, c.campaign.settings.name);
  return 0;
}

}  // namespace outdial::app
