// Contact import throughput: generates a 1,000,000-row CSV (numbers of several regions, some in
// national form, 3 custom fields, ~1% bad rows) in a temp dir, streams it through ContactImporter
// in 64 KiB chunks (parse, validate, phone numbers to E.164, time zones, batches of 10,000), and
// beside it in the same run times the sqlite3 command's `.import` of the same file into a plain
// table as the baseline. Prints throughput, peak RSS and the ratio — for the import alone and for
// the import including the store insert (SqlDatabase::InsertContacts into a SQLite file, one
// transaction per batch, as `outdial import` does), which is the figure the <= 3x goal is about.
//
//   bench_import [rows] [threads]      (defaults: 1000000, 1)
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/import/batch_pipeline.h"
#include "store/import/contact_import.h"
#include "store/import/phone_parser.h"
#include "store/open.h"

namespace {

using outdial::store::ContactImporter;
using outdial::store::ImportedContact;
using outdial::store::ImportFormat;
using outdial::store::ImportOptions;
using outdial::store::PhoneParser;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// User + system CPU seconds: the machine is shared, so CPU time is the steadier figure.
double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long PeakRssKb(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return usage.ru_maxrss;
}

std::string Digits(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
  return s;
}

// A number that is valid in libphonenumber's metadata, in the written forms lists use.
std::string Number(std::mt19937& rng, int i) {
  // Built by appending: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string&& at -O2.
  std::string s;
  auto add = [&](std::string_view part) { s.append(part); };
  auto num = [&](unsigned base, unsigned spread) { s.append(std::to_string(base + rng() % spread)); };
  auto digits = [&](int n) { s.append(Digits(rng, n)); };
  switch (i % 10) {
    case 0:
    case 1: add("+1 "), num(201, 8), add(" "), num(200, 700), add(" "), digits(4); break;
    case 2:
      add("("), num(212, 3), add(") "), num(200, 700), add("-"), digits(4);  // national form
      break;
    case 3: add("+49 30 "), digits(7); break;
    case 4: add("+4915"), num(1, 2), digits(8); break;
    case 5: add("+44 20 7"), digits(3), add(" "), digits(4); break;
    case 6: add("+447"), num(400, 100), digits(6); break;
    case 7: add("+33 1 "), digits(2), add(" "), digits(2), add(" "), digits(2), add(" "), digits(2); break;
    case 8: add("+39 06 "), digits(8); break;
    default: add("+61 2 "), num(8000, 2000), add(" "), digits(4); break;
  }
  return s;
}

void Generate(const std::string& path, int rows) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937 rng(12345);
  const char* first[] = {"Ada", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günter", "Hiro"};
  const char* last[] = {"Smith", "Müller", "O'Brien", "García", "Rossi", "Nguyen", "Kowalski", "Dupont"};
  const char* segments[] = {"gold", "silver", "bronze", "new"};
  out << "name,phone,phone_type,account,segment,note\n";
  std::string line;
  for (int i = 0; i < rows; ++i) {
    line.clear();
    if (i % 100 == 37) {
      line = "Broken Row,not-a-number,mobile,ACC" + std::to_string(i) + ",gold,x\n";  // invalid number
    } else if (i % 100 == 71) {
      line = "Short,+49 30 123456\n";  // wrong column count
    } else {
      line += first[rng() % 8];
      line += ' ';
      line += last[rng() % 8];
      line += ',' + Number(rng, i) + ',' + (i % 3 ? "mobile" : "home") + ",ACC" + std::to_string(i) + ',' +
              segments[rng() % 4] + ',';
      if (i % 5 == 0) {
        line += "\"called, left a message\"";
      }
      line += '\n';
    }
    out << line;
  }
}

// The same contacts as a JSON body (API.md "A contact"), for the JSON import figure.
void GenerateJson(const std::string& path, int rows) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937 rng(12345);
  const char* first[] = {"Ada", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günter", "Hiro"};
  const char* last[] = {"Smith", "Müller", "O'Brien", "García", "Rossi", "Nguyen", "Kowalski", "Dupont"};
  const char* segments[] = {"gold", "silver", "bronze", "new"};
  out << "{\"contacts\": [\n";
  std::string line;
  for (int i = 0; i < rows; ++i) {
    line.clear();
    line.append(i == 0 ? "" : ",\n");
    line.append("{\"name\": \"").append(first[rng() % 8]).append(" ").append(last[rng() % 8]);
    line.append("\", \"phones\": [{\"number\": \"").append(i % 100 == 37 ? "not-a-number" : Number(rng, i));
    line.append("\", \"type\": \"")
        .append(i % 3 ? "mobile" : "home")
        .append("\"}], \"fields\": {\"account\": \"ACC");
    line.append(std::to_string(i)).append("\", \"segment\": \"").append(segments[rng() % 4]).append("\"}}");
    out << line;
  }
  out << "\n]}\n";
}

// Streams `path` through a ContactImporter in 64 KiB chunks; returns wall and CPU seconds.
struct Run {
  double wall = 0;
  double cpu = 0;
  double cpu_start = 0;
  outdial::store::ImportSummary summary;
  size_t batches = 0;
  size_t phones = 0;
};

using Store = std::function<outdial::core::Result<void>(std::vector<ImportedContact>&&)>;

Run Import(const std::string& path, ImportOptions options, const Store& store = {}) {
  Run run;
  auto importer = ContactImporter::Create(
      options, [&](std::vector<ImportedContact>&& batch) -> outdial::core::Result<void> {
        ++run.batches;
        for (const auto& c : batch) run.phones += c.contact.phones.size();
        if (store) return store(std::move(batch));
        return outdial::core::Ok{};
      });
  if (!importer.ok()) {
    std::printf("options: %s\n", importer.error().message.c_str());
    std::exit(1);
  }
  const auto t0 = Clock::now();
  const double cpu0 = CpuSeconds(RUSAGE_SELF);
  run.cpu_start = cpu0;
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(64 * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    if (!(*importer)->Feed(std::string_view(buffer.data(), n)).ok()) break;
  }
  run.summary = (*importer)->Finish();
  run.wall = Seconds(t0, Clock::now());
  run.cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  const int rows = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  std::string dir_template = (std::filesystem::temp_directory_path() / "outdial-import-XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::filesystem::path dir = dir_template;
  const std::string csv = (dir / "contacts.csv").string();

  // Phone parsing on its own: the fast path against libphonenumber's general Parse.
  {
    PhoneParser parser("US");
    std::mt19937 rng(7);
    std::vector<std::string> numbers;
    for (int i = 0; i < 100000; ++i) numbers.push_back(Number(rng, i));
    size_t valid = 0;
    auto w0 = Clock::now();
    for (const auto& n : numbers) valid += parser.Parse(n).ok();  // builds the regions' DFAs once
    auto w1 = Clock::now();
    std::printf("first pass (compiles the DFAs of the regions met): %.2f s\n", Seconds(w0, w1));
    valid = 0;
    auto t0 = Clock::now();
    for (const auto& n : numbers) valid += parser.Parse(n).ok();
    auto t1 = Clock::now();
    size_t valid_slow = 0;
    for (const auto& n : numbers) valid_slow += parser.ParseSlow(n).ok();
    auto t2 = Clock::now();
    std::printf(
        "phone parsing, %zu numbers (%zu valid): fast path %.2f us/number, libphonenumber Parse %.2f "
        "us/number\n",
        numbers.size(), valid, Seconds(t0, t1) * 1e6 / numbers.size(),
        Seconds(t1, t2) * 1e6 / numbers.size());
    if (valid != valid_slow) std::printf("  MISMATCH: slow path found %zu valid\n", valid_slow);
  }

  auto g0 = Clock::now();
  Generate(csv, rows);
  auto g1 = Clock::now();
  const auto bytes = std::filesystem::file_size(csv);
  std::printf("generated %d rows, %.1f MB in %.2f s (%s)\n", rows, bytes / 1e6, Seconds(g0, g1), csv.c_str());
  const long rss_before = PeakRssKb(RUSAGE_SELF);

  ImportOptions options;
  options.format = ImportFormat::kCsv;
  options.default_region = "US";
  options.default_timezone = "America/New_York";
  options.threads = threads;
  const Run csv_run = Import(csv, options);
  const double ours = csv_run.wall;
  const double ours_cpu = csv_run.cpu;
  std::printf(
      "CSV import (threads=%d): %.2f s (cpu %.2f s), %.0f rows/s, %.1f MB/s; accepted %llu, rejected %llu, "
      "%zu "
      "batches, %zu phones%s\n",
      threads, ours, ours_cpu, rows / ours, static_cast<double>(bytes) / 1e6 / ours,
      static_cast<unsigned long long>(csv_run.summary.accepted),
      static_cast<unsigned long long>(csv_run.summary.rejected), csv_run.batches, csv_run.phones,
      csv_run.summary.fatal_error ? (" FATAL: " + csv_run.summary.fatal_error->message).c_str() : "");
  std::printf("peak RSS after the CSV import: %.1f MB (%.1f MB before it)\n", PeakRssKb(RUSAGE_SELF) / 1024.0,
              rss_before / 1024.0);

  // The same import with the store insert: a fresh SQLite file through SqlDatabase, one
  // InsertContacts transaction per batch of 10,000 (what `outdial import` does).
  double stored_wall = 0, stored_cpu = 0;
  {
    const std::string store_db = (dir / "store.db").string();
    auto db = outdial::store::OpenDatabase("sqlite://" + store_db, [](std::function<void()> fn) { fn(); });
    if (!db.ok()) {
      std::printf("store: %s\n", db.error().message.c_str());
      return 1;
    }
    outdial::core::TenantSettings ts;
    ts.name = "bench";
    auto tenant = (*db)->CreateTenant(
        ts, outdial::engine::UserRow{{}, {}, "admin", "!", outdial::engine::Role::kAdmin, "", "", {}});
    outdial::core::CampaignSettings cs;
    cs.name = "bench";
    auto campaign = tenant.ok() ? (*db)->CreateCampaign(tenant->id, cs)
                                : outdial::core::Result<outdial::engine::CampaignRow>(tenant.error());
    if (!campaign.ok()) {
      std::printf("store: %s\n", campaign.error().message.c_str());
      return 1;
    }
    options.campaign_id = campaign->id;
    const long rss_store_before = PeakRssKb(RUSAGE_SELF);
    // As `outdial import` does: the batches are stored on a thread of their own while the next
    // ones are parsed (store/import/batch_pipeline.h).
    double insert_seconds = 0;
    Run stored;
    {
      outdial::store::BatchPipeline<std::vector<outdial::engine::ContactRow>> pipeline(
          [&](std::vector<outdial::engine::ContactRow>&& batch_rows) {
            auto t0 = Clock::now();
            auto r = (*db)->InsertContacts(tenant->id, campaign->id, batch_rows);
            insert_seconds += Seconds(t0, Clock::now());
            return r;
          });
      stored = Import(csv, options, [&](std::vector<ImportedContact>&& batch) {
        std::vector<outdial::engine::ContactRow> batch_rows;
        batch_rows.reserve(batch.size());
        for (auto& c : batch) batch_rows.push_back({std::move(c.contact), std::move(c.timezone)});
        return pipeline.Push(std::move(batch_rows));
      });
      auto t0 = Clock::now();
      if (auto r = pipeline.Finish(); !r.ok()) stored.summary.fatal_error = r.error();
      stored.wall += Seconds(t0, Clock::now());  // the wait for the last batch
      stored.cpu = CpuSeconds(RUSAGE_SELF) - stored.cpu_start;
    }
    stored_wall = stored.wall;
    stored_cpu = stored.cpu;
    std::printf(
        "CSV import + SQLite store insert (threads=%d): %.2f s (cpu %.2f s), %.0f rows/s; accepted %llu%s; "
        "peak RSS %.1f MB (%.1f MB before it); database %.1f MB\n",
        threads, stored.wall, stored.cpu, rows / stored.wall,
        static_cast<unsigned long long>(stored.summary.accepted),
        stored.summary.fatal_error ? (" FATAL: " + stored.summary.fatal_error->message).c_str() : "",
        PeakRssKb(RUSAGE_SELF) / 1024.0, rss_store_before / 1024.0,
        static_cast<double>(std::filesystem::file_size(store_db)) / 1e6);
    std::printf("  of which InsertContacts (on the pipeline's thread): %.2f s\n", insert_seconds);
    options.campaign_id = {};
  }

  const std::string json = (dir / "contacts.json").string();
  GenerateJson(json, rows);
  const auto json_bytes = std::filesystem::file_size(json);
  options.format = ImportFormat::kJson;
  const Run json_run = Import(json, options);
  std::printf(
      "JSON import (%.1f MB): %.2f s (cpu %.2f s), %.0f contacts/s; accepted %llu, rejected %llu; peak RSS "
      "%.1f MB\n",
      static_cast<double>(json_bytes) / 1e6, json_run.wall, json_run.cpu, rows / json_run.wall,
      static_cast<unsigned long long>(json_run.summary.accepted),
      static_cast<unsigned long long>(json_run.summary.rejected), PeakRssKb(RUSAGE_SELF) / 1024.0);

  // Baseline: sqlite3's own CSV import into a plain table (the header names the columns).
  const std::string db = (dir / "baseline.db").string();
  const std::string command =
      "sqlite3 '" + db + "' -cmd '.mode csv' '.import " + csv + " contacts' 2>/dev/null";
  auto s0 = Clock::now();
  const int status = std::system(command.c_str());
  auto s1 = Clock::now();
  const double sqlite = Seconds(s0, s1);
  if (status != 0) {
    std::printf("sqlite3 baseline failed (exit %d); is the sqlite3 package installed?\n", status);
  } else {
    const double sqlite_cpu = CpuSeconds(RUSAGE_CHILDREN);
    std::printf("baseline sqlite3 .import: %.2f s (cpu %.2f s), %.0f rows/s (child peak RSS %.1f MB)\n",
                sqlite, sqlite_cpu, rows / sqlite, PeakRssKb(RUSAGE_CHILDREN) / 1024.0);
    std::printf("ratio import alone / sqlite3 .import: %.2fx wall, %.2fx cpu\n", ours / sqlite,
                ours_cpu / sqlite_cpu);
    std::printf("ratio import + store insert / sqlite3 .import: %.2fx wall, %.2fx cpu (goal: <= 3x)\n",
                stored_wall / sqlite, stored_cpu / sqlite_cpu);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
