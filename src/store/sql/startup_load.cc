// The start-up load over the SQL store (sql_database.h Load): every tenant, user, campaign,
// contact, DNC entry and attempt count handed to the engine's LoadSink from one snapshot, the
// contacts read on several threads (ContactLoader). A hot path with measured figures
// (docs/architecture.md): a row costs no allocation of its own, no lock and no virtual call.
#include <algorithm>
#include <array>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "store/sql/records.h"
#include "store/sql/row_codec.h"
#include "store/sql/sql_database.h"
#include "store/sqlite/load_image.h"

namespace outdial::store::sql {

using core::Error;
using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::Result;

namespace {

// The start-up load's table of time zone names (engine::ContactLoadBatch): a contact carries the
// index of its zone's name, found through a one-entry cache and a map keyed by the name's bytes,
// so a row costs no string of its own.
class LoadZones {
 public:
  Result<uint16_t> Index(std::string_view name) {
    if (last_ < names_.size() && names_[last_] == name) return last_;
    // A campaign usually has a handful of zones, interleaved: comparing them all costs less than
    // hashing the name.
    if (names_.size() <= kLinear) {
      for (size_t i = 0; i < names_.size(); ++i) {
        if (names_[i] == name) {
          last_ = static_cast<uint16_t>(i);
          return last_;
        }
      }
    }
    if (auto it = index_.find(name); it != index_.end()) {
      last_ = it->second;
      return last_;
    }
    if (names_.size() > std::numeric_limits<uint16_t>::max()) {
      return MakeError(ErrorCode::kInternal, "more time zone names stored than the engine can hold");
    }
    last_ = static_cast<uint16_t>(names_.size());
    names_.emplace_back(name);
    index_.emplace(std::string(name), last_);
    return last_;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };
  static constexpr size_t kLinear = 8;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint16_t, Hash, std::equal_to<>> index_;
  uint16_t last_ = 0;
};

// Hands every contact of `campaign` to the sink in id (= import) order, in batches: the
// campaign's id range cut into chunks of kChunkIds ids, read by `readers` (one thread each, the
// calling thread the first, each with its own LoadZones) that take chunks in turn and hand them to
// the sink in chunk order. A reader keeps at most one chunk waiting for its turn, so memory stays
// bounded and the sink is called by one thread at a time.
// A chunk is one query over the table's primary key, bounded by its id range, which bounds a
// PostgreSQL result (libpq holds it whole). SQLite reads each row's load_image and fields, two
// values instead of a dozen columns (store/sqlite/load_image.h DecodeLoadImage), and skips another campaign's
// rows by the image's campaign; PostgreSQL, whose columns cost little more than one, reads the
// columns (`+campaign_id` keeps its planner off the (campaign_id, id) index, whose every row would
// cost a second lookup into the table).
class ContactLoader {
 public:
  static constexpr int64_t kChunkIds = 16384;

  ContactLoader(std::span<Connection* const> readers, engine::LoadSink& sink)
      : readers_(readers), sink_(sink) {}

  Result<void> Load(core::CampaignId campaign) {
    auto range = CampaignIdRange(*readers_[0], campaign);
    if (!range.ok()) return range.error();
    if (!*range) return Ok{};
    const auto [first, last] = **range;
    campaign_ = campaign;
    first_ = first;
    last_ = last;
    chunks_ = (last - first) / kChunkIds + 1;
    next_chunk_ = 0;
    next_turn_ = 0;
    error_.reset();
    std::vector<std::thread> threads;
    for (size_t r = 1; r < readers_.size() && static_cast<int64_t>(r) < chunks_; ++r) {
      threads.emplace_back([this, r] { Read(*readers_[r]); });
    }
    Read(*readers_[0]);
    for (std::thread& t : threads) t.join();
    if (error_) return *error_;
    return Ok{};
  }

 private:
  void Read(Connection& db) {
    static const std::string kColumns =
        std::string(kContactSelect) + "WHERE id >= $2 AND id < $3 AND +campaign_id = $1 ORDER BY id";
    static const std::string kImage(sqlite::kLoadChunkSql);
    const bool image = db.dialect() == Dialect::kSqlite;
    LoadZones zones;
    for (;;) {
      int64_t chunk = 0;
      {
        std::lock_guard lock(mutex_);
        if (error_ || next_chunk_ == chunks_) return;
        chunk = next_chunk_++;
      }
      engine::ContactLoadBatch batch;
      // Ids are handed out in import order, so the range bounds the count (exact for a campaign
      // imported on its own, an over-estimate when imports of campaigns interleaved).
      if (chunk == 0) batch.campaign_size_hint = static_cast<size_t>(last_ - first_ + 1);
      auto read = ReadChunk(db, image ? kImage : kColumns, image, first_ + chunk * kChunkIds, zones, batch);
      std::unique_lock lock(mutex_);
      turn_.wait(lock, [&] { return error_ || next_turn_ == chunk; });
      if (error_) return;
      if (!read.ok()) {
        error_ = read.error();
        turn_.notify_all();
        return;
      }
      // The sink is called by the reader whose turn it is, one at a time (the mutex orders them).
      if (!batch.contacts.empty()) {
        batch.zone_names = zones.names();
        sink_.OnContacts(campaign_, std::move(batch));
      }
      ++next_turn_;
      turn_.notify_all();
    }
  }

  Result<void> ReadChunk(Connection& db, const std::string& sql, bool image, int64_t from, LoadZones& zones,
                         engine::ContactLoadBatch& batch) {
    batch.contacts.reserve(static_cast<size_t>(kChunkIds));
    Query q(db, sql);
    if (image) {
      q.BindAll(from, from + kChunkIds);
    } else {
      q.BindAll(campaign_.value, from, from + kChunkIds);
    }
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) return Ok{};
      core::Contact& c = batch.contacts.emplace_back();
      std::string_view timezone;
      if (image) {
        c.id = core::ContactId{static_cast<uint64_t>(q.Int(0))};
        OD_TRY(sqlite::DecodeLoadImage(q.Text(1), c, timezone));
        if (c.campaign_id != campaign_) {  // another campaign's contact within the id range
          batch.contacts.pop_back();
          continue;
        }
        OD_TRY(ParseFields(q.Text(2), c.fields));
      } else {
        OD_TRY(ReadContactColumns(q, c));
        timezone = q.Text(3);
      }
      auto zone = zones.Index(timezone);
      if (!zone.ok()) return zone.error();
      c.zone = *zone;
    }
  }

  const std::span<Connection* const> readers_;
  engine::LoadSink& sink_;
  core::CampaignId campaign_;
  int64_t first_ = 0, last_ = 0, chunks_ = 0;
  std::mutex mutex_;
  std::condition_variable turn_;
  int64_t next_chunk_ = 0;  // the next chunk a reader takes
  int64_t next_turn_ = 0;   // the chunk the sink gets next
  std::optional<Error> error_;
};

// The tables but the contacts, each in id order.
Result<std::vector<core::CampaignId>> LoadAccountsAndCampaigns(Connection& db, engine::LoadSink& sink) {
  static const std::string kTenants = fmt::format("SELECT {} FROM tenants ORDER BY id", kTenantColumns);
  static const std::string kUsers = fmt::format("SELECT {} FROM users ORDER BY id", kUserColumns);
  static const std::string kCampaigns = fmt::format("SELECT {} FROM campaigns ORDER BY id", kCampaignColumns);
  OD_TRY(ForEachRow(db, kTenants, [&](const Query& q) -> Result<void> {
    auto t = ReadTenant(q);
    if (!t.ok()) return t.error();
    sink.OnTenant(*t);
    return Ok{};
  }));
  OD_TRY(ForEachRow(db, kUsers, [&](const Query& q) { sink.OnUser(ReadUser(q)); }));
  std::vector<core::CampaignId> campaigns;
  OD_TRY(ForEachRow(db, kCampaigns, [&](const Query& q) -> Result<void> {
    auto c = ReadCampaign(q);
    if (!c.ok()) return c.error();
    campaigns.push_back(c->id);
    sink.OnCampaign(*c);
    return Ok{};
  }));
  return campaigns;
}

// Each campaign's attempts by outcome (the engine's counters), then the id floor.
Result<void> LoadAttemptFigures(Connection& db, engine::LoadSink& sink) {
  Query q(
      db,
      "SELECT campaign_id, outcome, COUNT(*) FROM attempts WHERE outcome IS NOT NULL GROUP BY campaign_id, "
      "outcome ORDER BY campaign_id");
  std::array<int64_t, core::kOutcomeCount> counts{};
  uint64_t current = 0;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.error();
    auto campaign = *row ? static_cast<uint64_t>(q.Int(0)) : 0;
    if (current != 0 && (!*row || campaign != current)) {
      sink.OnAttemptCounts(core::CampaignId{current}, counts);
      counts = {};
    }
    if (!*row) break;
    current = campaign;
    if (auto outcome = core::OutcomeFromString(q.Text(1))) counts[static_cast<size_t>(*outcome)] += q.Int(2);
  }
  auto floor = ScalarInt(db, "SELECT MAX(id) FROM attempts");
  if (!floor.ok()) return floor.error();
  sink.OnIdFloor(static_cast<uint64_t>(*floor));
  return Ok{};
}

}  // namespace

Result<void> SqlDatabase::Load(engine::LoadSink& sink) {
  static const std::string kDnc =
      fmt::format("SELECT {} FROM dnc_entries ORDER BY tenant_id, list, number", kDncColumns);
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  // One snapshot for the whole load, shared by the extra contact readers (a thread each; this
  // thread is the first). Two readers fill two cores, a third thread (the engine's) takes the rows.
  const size_t wanted = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4) - 1;
  auto extra = BeginLoadSnapshot(db, wanted);
  if (!extra.ok()) return extra.error();
  std::vector<Connection*> readers{&db};
  for (auto& c : *extra) readers.push_back(c.get());
  auto body = [&]() -> Result<void> {
    auto campaigns = LoadAccountsAndCampaigns(db, sink);
    if (!campaigns.ok()) return campaigns.error();
    ContactLoader contacts(readers, sink);
    for (core::CampaignId campaign : *campaigns) OD_TRY(contacts.Load(campaign));
    OD_TRY(ForEachRow(db, kDnc, [&](const Query& q) { sink.OnDnc(ReadDnc(q)); }));
    return LoadAttemptFigures(db, sink);
  };
  auto r = body();
  for (auto& c : *extra) (void)c->Exec("COMMIT");
  (void)db.Exec(r.ok() ? "COMMIT" : "ROLLBACK");
  return r;
}

}  // namespace outdial::store::sql
