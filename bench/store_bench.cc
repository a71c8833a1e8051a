// bench_store: figures for the durable store (not pass/fail). Each prints its baseline from the
// same run, since the machines are shared and noisy.
//
//   bench_store commit  [--actions N] [--agents K | --rate R]   durable agent actions/s through
//                                                         the group-commit writer, p50/p99 ack
//                                                         latency, beside a raw SQLite loop (one
//                                                         transaction). Closed loop: K agents each
//                                                         act again on their ack (the writer's
//                                                         capacity); open loop: R actions/s offered
//                                                         (the latency at that load).
//   bench_store startup --db FILE [--contacts N]          time until the engine is ready with N
//                                                         stored contacts (seeds FILE once)
//   bench_store claim   --url postgresql://... [--seconds S] [--campaign ID]   4 concurrent
//                                                         ClaimContacts loops (on a seeded campaign
//                                                         of 100,000 contacts, or on campaign ID)
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "app/db/startup.h"
#include "app/engine_loop.h"
#include "engine/dialer.h"
#include "store/open.h"
#include "store/postgres/pg_database.h"
#include "store/sqlite/load_image.h"
#include "telephony/sim/sim_telephony.h"

namespace outdial {
namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
void Inline(std::function<void()> fn) {
  fn();
}

struct Options {
  std::string mode, db, url;
  int64_t actions = 200'000, agents = 500, contacts = 10'000'000, seconds = 10;
  int64_t rate = 0;      // commit: offered actions/s, open loop (0: closed loop, `agents` at once)
  int64_t campaign = 0;  // claim: run on this already seeded campaign instead of seeding one
};

struct Fixture {
  core::TenantId tenant;
  core::CampaignId campaign;
  std::vector<engine::ContactRow> rows;
};

core::Result<Fixture> Seed(engine::Catalog& catalog, int64_t contacts, bool with_rows) {
  Fixture f;
  core::TenantSettings ts;
  ts.name = "bench";
  auto tenant =
      catalog.CreateTenant(ts, engine::UserRow{{}, {}, "admin", "!", engine::Role::kAdmin, "", "", {}});
  if (!tenant.ok()) return tenant.error();
  f.tenant = tenant->id;
  core::CampaignSettings cs;
  cs.name = "bench";
  auto campaign = catalog.CreateCampaign(f.tenant, cs);
  if (!campaign.ok()) return campaign.error();
  f.campaign = campaign->id;
  const char* zones[] = {"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"};
  auto start = Clock::now();
  for (int64_t done = 0; done < contacts;) {
    std::vector<engine::ContactRow> rows;
    for (; done < contacts && rows.size() < 50'000; ++done) {
      engine::ContactRow row;
      row.contact.name = fmt::format("C{}", done);
      row.contact.phones.push_back(core::Phone{fmt::format("+1{:010d}", 2015550000 + done), "", 0, false});
      row.contact.priority = static_cast<uint8_t>(done % 13 == 0 ? 10 : 0);
      row.timezone = zones[done % 4];
      rows.push_back(std::move(row));
    }
    if (auto r = catalog.InsertContacts(f.tenant, f.campaign, rows); !r.ok()) return r.error();
    if (with_rows) f.rows.insert(f.rows.end(), rows.begin(), rows.end());
    if (contacts >= 1'000'000 && done % 1'000'000 == 0) {
      std::cerr << fmt::format("seeded {} contacts ({:.0f} s)\n", done, Seconds(Clock::now() - start));
    }
  }
  if (auto r = catalog.SetCampaignStatus(f.tenant, f.campaign, core::CampaignStatus::kRunning); !r.ok()) {
    return r.error();
  }
  return f;
}

// The start-up figure needs millions of stored contacts, not the insert path: the tenant and the
// campaign go through the Catalog, the contacts (the same rows Seed writes) through raw prepared
// inserts in one transaction, which is many times faster than InsertContacts' batches.
core::Result<void> SeedRaw(engine::Catalog& catalog, const std::string& path, int64_t contacts) {
  auto f = Seed(catalog, 0, false);
  if (!f.ok()) return f.error();
  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) {
    sqlite3_close(raw);
    return core::MakeError(core::ErrorCode::kUnavailable, "cannot open " + path);
  }
  sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* contact = nullptr;
  sqlite3_prepare_v2(
      raw,
      "INSERT INTO contacts (campaign_id, name, timezone, priority, fields, state, attempts_made, "
      "next_eligible_at, callback, phones, phone_counts, load_image) VALUES (?1, ?2, ?3, ?4, '[]', "
      "'callable', 0, 0, 0, ?5, '0', ?6)",
      -1, &contact, nullptr);
  const char* zones[] = {"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"};
  const auto campaign = static_cast<int64_t>(f->campaign.value);
  bool ok = contact != nullptr;
  for (int64_t done = 0; ok && done < contacts; ++done) {
    std::string name = fmt::format("C{}", done);
    std::string phones = fmt::format("[[\"+1{:010d}\",\"\"]]", 2015550000 + done);
    sqlite3_bind_int64(contact, 1, campaign);
    sqlite3_bind_text(contact, 2, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(contact, 3, zones[done % 4], -1, SQLITE_STATIC);
    sqlite3_bind_int64(contact, 4, done % 13 == 0 ? 10 : 0);
    sqlite3_bind_text(contact, 5, phones.data(), static_cast<int>(phones.size()), SQLITE_TRANSIENT);
    // The row's load image, as InsertContacts writes it (store/sqlite/load_image.h).
    core::Contact c;
    c.name = name;
    c.priority = static_cast<uint8_t>(done % 13 == 0 ? 10 : 0);
    c.phones.push_back(core::Phone{fmt::format("+1{:010d}", 2015550000 + done), "", 0, false});
    std::string image;
    store::sqlite::AppendLoadImage(f->campaign, c, zones[done % 4], image);
    sqlite3_bind_text(contact, 6, image.data(), static_cast<int>(image.size()), SQLITE_TRANSIENT);
    ok = sqlite3_step(contact) == SQLITE_DONE;
    sqlite3_reset(contact);
    if (contacts >= 1'000'000 && (done + 1) % 1'000'000 == 0)
      std::cerr << fmt::format("seeded {}\n", done + 1);
  }
  std::string error = ok ? "" : sqlite3_errmsg(raw);
  sqlite3_finalize(contact);
  sqlite3_exec(raw, ok ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  if (!ok) return core::MakeError(core::ErrorCode::kInternal, "seeding: " + error);
  return core::Ok{};
}

// One agent action as the engine writes it: the attempt row, the contact's change, the audit line.
engine::WriteBatch ActionBatch(const Fixture& f, uint64_t id, int64_t now_ms) {
  const engine::ContactRow& row = f.rows[id % f.rows.size()];
  engine::WriteBatch b;
  engine::AttemptRecord a;
  a.id = core::CallId{id};
  a.tenant_id = f.tenant;
  a.campaign_id = f.campaign;
  a.contact_id = row.contact.id;
  a.agent_id = core::AgentId{1};
  a.number = row.contact.phones[0].number;
  a.started_at = core::FromEpochMs(now_ms);
  b.attempts.push_back(std::move(a));
  core::Contact c = row.contact;
  c.state = core::ContactState::kInProgress;
  b.contacts.push_back(engine::ToRecord(c));
  b.audit.push_back(
      {core::FromEpochMs(now_ms), f.tenant, core::AgentId{1}, "accept", fmt::format("call={}", id)});
  return b;
}

int Commit(const Options& o) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("outdial-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::string path = (dir / "bench.db").string();
  // ---- group-commit writer, closed loop: each agent acts again once its last action is acked ----
  app::EngineLoop loop;
  loop.Start();
  double rate = 0, p50 = 0, p99 = 0, ratio = 0;
  {
    auto db = store::OpenDatabase("sqlite://" + path,
                                  [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); });
    if (!db.ok()) {
      std::cerr << db.error().message << "\n";
      return 1;
    }
    auto f = Seed(**db, 10'000, true);
    if (!f.ok()) {
      std::cerr << f.error().message << "\n";
      return 1;
    }
    std::vector<double> latency_ms;
    latency_ms.reserve(static_cast<size_t>(o.actions));
    uint64_t next_id = 1;
    int64_t issued = 0;
    std::promise<void> finished;
    auto start = Clock::now();
    std::function<void()> act;
    auto issue = [&] {
      if (issued >= o.actions) return;
      ++issued;
      auto t0 = Clock::now();
      (*db)->Commit(ActionBatch(*f, next_id++, 1'780'000'000'000), [&, t0](core::Result<void> r) {
        if (!r.ok()) std::cerr << r.error().message << "\n";
        latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (static_cast<int64_t>(latency_ms.size()) == o.actions) {
          finished.set_value();
        } else if (o.rate == 0) {
          act();
        }
      });
    };
    act = issue;
    if (o.rate > 0) {
      // Open loop: actions arrive at the offered rate whatever the acks do, as many agents acting
      // now and then do; latency is then the store's, not the queue a closed loop builds itself.
      std::thread pacer([&] {
        int64_t posted = 0;
        while (posted < o.actions) {
          std::this_thread::sleep_for(std::chrono::microseconds(500));
          auto due = std::min<int64_t>(
              o.actions, static_cast<int64_t>(Seconds(Clock::now() - start) * static_cast<double>(o.rate)));
          if (due <= posted) continue;
          int64_t n = due - posted;
          posted = due;
          loop.Post([&, n] {
            for (int64_t i = 0; i < n; ++i) issue();
          });
        }
      });
      finished.get_future().wait();
      pacer.join();
    } else {
      loop.Post([&] {
        for (int64_t i = 0; i < o.agents; ++i) act();
      });
      finished.get_future().wait();
    }
    double elapsed = Seconds(Clock::now() - start);
    loop.Call([] {});
    std::sort(latency_ms.begin(), latency_ms.end());
    rate = static_cast<double>(o.actions) / elapsed;
    p50 = latency_ms[latency_ms.size() / 2];
    p99 = latency_ms[latency_ms.size() * 99 / 100];
    ratio =
        static_cast<double>((*db)->batches_written()) / static_cast<double>((*db)->transactions_written());
  }
  loop.Stop();
  // ---- baseline: the same rows in one transaction with prepared statements, no writer thread ----
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", nullptr,
               nullptr, nullptr);
  sqlite3_stmt *ins = nullptr, *upd = nullptr, *aud = nullptr;
  sqlite3_prepare_v2(
      raw,
      "INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, "
      "sip_code, disposition, notes) VALUES (?, ?, ?, ?, 1, ?, ?, 0, '', '')",
      -1, &ins, nullptr);
  sqlite3_prepare_v2(raw,
                     "UPDATE contacts SET state = 'in_progress', attempts_made = 0, next_eligible_at = ?, "
                     "last_outcome = NULL, callback = 0, callback_agent = NULL WHERE id = ?",
                     -1, &upd, nullptr);
  sqlite3_prepare_v2(
      raw, "INSERT INTO audit (at, tenant_id, agent_id, action, detail) VALUES (?, 1, 1, 'accept', ?)", -1,
      &aud, nullptr);
  sqlite3_stmt* ids = nullptr;
  sqlite3_prepare_v2(raw, "SELECT id, campaign_id FROM contacts ORDER BY id", -1, &ids, nullptr);
  std::vector<int64_t> contact_ids;
  int64_t campaign = 0;
  while (sqlite3_step(ids) == SQLITE_ROW) {
    contact_ids.push_back(sqlite3_column_int64(ids, 0));
    campaign = sqlite3_column_int64(ids, 1);
  }
  sqlite3_finalize(ids);
  auto start = Clock::now();
  sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  for (int64_t i = 0; i < o.actions; ++i) {
    int64_t id = 10'000'000 + i;
    int64_t contact = contact_ids[static_cast<size_t>(i) % contact_ids.size()];
    std::string number = fmt::format("+1{:010d}", 2015550000 + i);
    std::string detail = fmt::format("call={}", id);
    sqlite3_bind_int64(ins, 1, id);
    sqlite3_bind_int64(ins, 2, 1);
    sqlite3_bind_int64(ins, 3, campaign);
    sqlite3_bind_int64(ins, 4, contact);
    sqlite3_bind_text(ins, 5, number.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 6, 1'780'000'000'000);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_bind_int64(upd, 1, 1'780'000'000'000);
    sqlite3_bind_int64(upd, 2, contact);
    sqlite3_step(upd);
    sqlite3_reset(upd);
    sqlite3_bind_int64(aud, 1, 1'780'000'000'000);
    sqlite3_bind_text(aud, 2, detail.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(aud);
    sqlite3_reset(aud);
  }
  sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr);
  double raw_rate = static_cast<double>(o.actions) / Seconds(Clock::now() - start);
  sqlite3_finalize(ins);
  sqlite3_finalize(upd);
  sqlite3_finalize(aud);
  sqlite3_close(raw);
  std::filesystem::remove_all(dir);
  std::cout << fmt::format(
      "group commit: {:.0f} durable actions/s, ack p50 {:.2f} ms, p99 {:.2f} ms ({}, {} actions, "
      "{:.1f} batches per transaction)\n"
      "raw SQLite loop, one transaction: {:.0f} actions/s\nratio: {:.2f}x of raw\n",
      rate, p50, p99,
      o.rate > 0 ? fmt::format("open loop, {} actions/s offered", o.rate)
                 : fmt::format("closed loop, {} agents acting at once", o.agents),
      o.actions, ratio, raw_rate, rate / raw_rate);
  return 0;
}

// Peak resident set size of this process in MB (VmHWM), and its reset (so that seeding, done in
// the same process, does not count towards the start-up's peak).
double PeakRssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}
// User + system CPU seconds of this process (all threads): steadier than wall time on a shared
// machine.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
void ResetPeakRss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

class NullSink final : public engine::EventSink {
 public:
  void OnEvent(const engine::Event&) override {}
};

int Startup(const Options& o) {
  {
    auto db = store::OpenDatabase("sqlite://" + o.db, Inline);
    if (!db.ok()) {
      std::cerr << db.error().message << "\n";
      return 1;
    }
    if (!(*db)->FindTenantByName("bench").ok()) {
      auto start = Clock::now();
      auto f = SeedRaw(**db, o.db, o.contacts);
      if (!f.ok()) {
        std::cerr << f.error().message << "\n";
        return 1;
      }
      std::cout << fmt::format("seeded {} contacts with raw prepared inserts in {:.1f} s ({:.0f}/s)\n",
                               o.contacts, Seconds(Clock::now() - start),
                               static_cast<double>(o.contacts) / Seconds(Clock::now() - start));
    }
  }
  // What `outdial serve` does at start-up: open, recover, load into the Dialer on the engine thread.
  ResetPeakRss();
  auto start = Clock::now();
  const double cpu_start = CpuSeconds();
  app::EngineLoop loop;
  telephony::SimTelephony phones(loop, loop, telephony::RulePicker({}));
  auto db = store::OpenDatabase("sqlite://" + o.db,
                                [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); });
  if (!db.ok()) {
    std::cerr << db.error().message << "\n";
    return 1;
  }
  NullSink events;
  engine::Dialer dialer({loop, loop, phones, **db, events}, engine::DatacenterConfig{});
  loop.Start();
  auto report = app::RecoverAndLoad(
      **db, dialer, loop.Now(), [&loop](std::function<void()> fn) { loop.Post(std::move(fn)); },
      [&loop](std::function<void()> fn) { loop.Call(std::move(fn)); });
  double ready = Seconds(Clock::now() - start);
  double peak_rss_mb = PeakRssMb();
  double cpu = CpuSeconds() - cpu_start;
  if (!report.ok()) {
    std::cerr << report.error().message << "\n";
    loop.Stop();
    return 1;
  }
  int64_t in_engine = loop.Call([&] {
    int64_t n = 0;
    for (auto id : dialer.Campaigns()) n += dialer.Stats(id)->contacts_total;
    return n;
  });
  // Baseline: the bare scan of the same rows with the sqlite3 API, nothing built from them.
  auto scan_start = Clock::now();
  sqlite3* raw = nullptr;
  sqlite3_open(o.db.c_str(), &raw);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, "SELECT id, name, timezone, state, phones FROM contacts", -1, &stmt, nullptr);
  int64_t scanned = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) ++scanned;
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  double scan = Seconds(Clock::now() - scan_start);
  std::cout << fmt::format(
      "start-up: engine ready with {} contacts in {:.2f} s (recover {:.2f} s, load {:.2f} s; cpu {:.2f} s), "
      "peak "
      "RSS {:.0f} MB; bare sqlite3 scan of the same rows {:.2f} s ({} rows)\n",
      in_engine, ready, report->recover_seconds, report->load_seconds, cpu, peak_rss_mb, scan, scanned);
  loop.Stop();
  return 0;
}

int Claim(const Options& o) {
  auto setup = store::postgres::OpenPostgresDatabase(o.url, Inline);
  if (!setup.ok()) {
    std::cerr << setup.error().message << "\n";
    return 1;
  }
  core::Result<Fixture> f = Fixture{};
  if (o.campaign > 0) {
    f->campaign = core::CampaignId{static_cast<uint64_t>(o.campaign)};
  } else {
    f = Seed(**setup, 100'000, false);
  }
  if (!f.ok()) {
    std::cerr << f.error().message << "\n";
    return 1;
  }
  std::atomic<int64_t> claims{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int s = 0; s < 4; ++s) {
    threads.emplace_back([&, s] {
      auto db = store::postgres::OpenPostgresDatabase(o.url, Inline);
      if (!db.ok()) return;
      while (!stop) {
        // A lease of one millisecond: the contacts come free again at once, so the claim runs in
        // a steady state over the whole campaign (the pgbench script does the same).
        auto now = std::chrono::time_point_cast<core::Millis>(std::chrono::system_clock::now());
        auto r =
            (*db)->ClaimContacts(f->campaign, fmt::format("server{}", s), 10, now, now + core::Millis{1});
        if (r.ok()) ++claims;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  std::cout << fmt::format("claims: {:.0f} ClaimContacts(10)/s with 4 concurrent claimers\ncampaign_id={}\n",
                           static_cast<double>(claims.load()) / static_cast<double>(o.seconds),
                           f->campaign.value);
  return 0;
}

}  // namespace
}  // namespace outdial

int main(int argc, char** argv) {
  outdial::Options o;
  if (argc < 2) {
    std::cerr << "usage: bench_store commit|startup|claim [options]\n";
    return 2;
  }
  o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--db") o.db = v;
    if (k == "--url") o.url = v;
    if (k == "--actions") o.actions = std::stoll(v);
    if (k == "--agents") o.agents = std::stoll(v);
    if (k == "--contacts") o.contacts = std::stoll(v);
    if (k == "--seconds") o.seconds = std::stoll(v);
    if (k == "--campaign") o.campaign = std::stoll(v);
    if (k == "--rate") o.rate = std::stoll(v);
  }
  if (o.mode == "commit") return outdial::Commit(o);
  if (o.mode == "startup" && !o.db.empty()) return outdial::Startup(o);
  if (o.mode == "claim" && !o.url.empty()) return outdial::Claim(o);
  std::cerr << "usage: bench_store commit|startup --db FILE|claim --url URL\n";
  return 2;
}
