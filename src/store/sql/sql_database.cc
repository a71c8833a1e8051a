#include "store/sql/sql_database.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <future>
#include <optional>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/eligibility.h"
#include "core/settings_json.h"
#include "store/sql/row_codec.h"

namespace outdial::store::sql {

using core::Error;
using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::Result;
using engine::CampaignRow;
using engine::ContactRow;
using engine::TenantRow;
using engine::UserRow;

namespace {

// The store stamps created_at/updated_at itself: the Catalog port takes no clock, and these are
// records of when the row was written.
int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error NotFound(std::string_view what) {
  return MakeError(ErrorCode::kNotFound, fmt::format("No such {}.", what));
}

// A conflict message the API can show as is.
Result<void> AsConflict(Result<void> r, std::string_view message) {
  if (!r.ok() && r.error().code == ErrorCode::kConflict)
    return MakeError(ErrorCode::kConflict, std::string(message));
  return r;
}

// ---- rows ---------------------------------------------------------------------------------------

constexpr std::string_view kTenantColumns = "id, settings, created_at";

Result<TenantRow> ReadTenant(const Query& q) {
  TenantRow row;
  row.id = core::TenantId{static_cast<uint64_t>(q.Int(0))};
  auto settings = ParseTenantSettings(q.Text(1));
  if (!settings.ok()) return settings.error();
  row.settings = std::move(*settings);
  row.created_at = core::FromEpochMs(q.Int(2));
  return row;
}

constexpr std::string_view kUserColumns =
    "id, tenant_id, username, password_hash, role, team, station, created_at";

UserRow ReadUser(const Query& q) {
  UserRow row;
  row.id = core::AgentId{static_cast<uint64_t>(q.Int(0))};
  row.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(1))};
  row.username = q.String(2);
  row.password_hash = q.String(3);
  row.role = engine::RoleFromString(q.Text(4)).value_or(engine::Role::kAgent);
  row.team = q.String(5);
  row.station = q.String(6);
  row.created_at = core::FromEpochMs(q.Int(7));
  return row;
}

constexpr std::string_view kCampaignColumns = "id, tenant_id, settings, status, created_at, updated_at";

Result<CampaignRow> ReadCampaign(const Query& q) {
  CampaignRow row;
  row.id = core::CampaignId{static_cast<uint64_t>(q.Int(0))};
  row.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(1))};
  auto settings = ParseCampaignSettings(q.Text(2));
  if (!settings.ok()) return settings.error();
  row.settings = std::move(*settings);
  auto status = core::CampaignStatusFromString(q.Text(3));
  if (!status)
    return MakeError(ErrorCode::kInternal,
                     fmt::format("stored campaign {} has an unknown status", row.id.value));
  row.status = *status;
  row.created_at = core::FromEpochMs(q.Int(4));
  row.updated_at = core::FromEpochMs(q.Int(5));
  return row;
}

engine::AttemptRecord ReadAttempt(const Query& q) {
  engine::AttemptRecord a;
  a.id = core::CallId{static_cast<uint64_t>(q.Int(0))};
  a.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(1))};
  a.campaign_id = core::CampaignId{static_cast<uint64_t>(q.Int(2))};
  a.contact_id = core::ContactId{static_cast<uint64_t>(q.Int(3))};
  a.agent_id = core::AgentId{static_cast<uint64_t>(q.Int(4))};
  a.number = q.String(5);
  a.started_at = core::FromEpochMs(q.Int(6));
  if (!q.IsNull(7)) a.answered_at = core::FromEpochMs(q.Int(7));
  if (!q.IsNull(8)) a.ended_at = core::FromEpochMs(q.Int(8));
  if (!q.IsNull(9)) a.outcome = core::OutcomeFromString(q.Text(9));
  if (!q.IsNull(10)) a.reason = core::ReasonCodeFromString(q.Text(10));
  a.sip_code = static_cast<int>(q.Int(11));
  if (!q.IsNull(12)) a.amd = AmdFromString(q.Text(12));
  a.disposition = q.String(13);
  a.notes = q.String(14);
  return a;
}

constexpr std::string_view kAttemptColumns =
    "id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, answered_at, ended_at, outcome, "
    "reason, sip_code, amd, disposition, notes";

// Contacts are read in id (= import) order in keyset pages, which serve listing, detail and the
// start-up load alike, on both dialects (a PostgreSQL result is held in memory, so it must be
// bounded). A contact's numbers are columns of its row (row_codec.h).
constexpr std::string_view kContactSelect =
    "SELECT id, campaign_id, name, timezone, priority, fields, state, attempts_made, next_eligible_at, "
    "last_outcome, callback, callback_agent, phones, phone_counts FROM contacts ";

// Every column of kContactSelect but the time zone (column 3), which the caller keeps its own way.
Result<void> ReadContactColumns(const Query& q, core::Contact& c) {
  c.id = core::ContactId{static_cast<uint64_t>(q.Int(0))};
  c.campaign_id = core::CampaignId{static_cast<uint64_t>(q.Int(1))};
  c.name.assign(q.Text(2));
  c.priority = static_cast<uint8_t>(q.Int(4));
  if (auto r = ParseFields(q.Text(5), c.fields); !r.ok()) return r;
  auto state = ContactStateFromString(q.Text(6));
  if (!state)
    return MakeError(ErrorCode::kInternal, fmt::format("stored contact {} has an unknown state", c.id.value));
  c.state = *state;
  c.attempts_made = static_cast<uint16_t>(q.Int(7));
  c.next_eligible_at = core::FromEpochMs(q.Int(8));
  if (!q.IsNull(9)) c.last_outcome = core::OutcomeFromString(q.Text(9));
  c.callback = q.Int(10) != 0;
  c.callback_agent = core::AgentId{q.IsNull(11) ? 0 : static_cast<uint64_t>(q.Int(11))};
  return ParsePhones(q.Text(12), q.Text(13), c.phones);
}

Result<void> ReadContactRow(const Query& q, ContactRow& row) {
  row.timezone.assign(q.Text(3));
  return ReadContactColumns(q, row.contact);
}

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

// The smallest and largest contact id of `campaign`; nullopt when it has no contacts.
Result<std::optional<std::pair<int64_t, int64_t>>> CampaignIdRange(Connection& db, core::CampaignId campaign) {
  Query q(db, "SELECT MIN(id), MAX(id) FROM contacts WHERE campaign_id = $1");
  q.Bind(campaign.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row || q.IsNull(0)) return std::optional<std::pair<int64_t, int64_t>>{};
  return std::optional<std::pair<int64_t, int64_t>>{std::pair{q.Int(0), q.Int(1)}};
}

// Hands every contact of `campaign` to the sink in id (= import) order, in batches: the
// campaign's id range cut into chunks of kChunkIds ids, read by `readers` (one thread each, the
// calling thread the first, each with its own LoadZones) that take chunks in turn and hand them to
// the sink in chunk order. A reader keeps at most one chunk waiting for its turn, so memory stays
// bounded and the sink is called by one thread at a time.
// A chunk is one query over the table's primary key, bounded by its id range, which bounds a
// PostgreSQL result (libpq holds it whole). SQLite reads each row's load_image and fields, two
// values instead of a dozen columns (row_codec.h DecodeLoadImage), and skips another campaign's
// rows by the image's campaign; PostgreSQL, whose columns cost little more than one, reads the
// columns (`+campaign_id` keeps its planner off the (campaign_id, id) index, whose every row would
// cost a second lookup into the table).
class ContactLoader {
 public:
  static constexpr int64_t kChunkIds = 16384;

  ContactLoader(std::span<Connection* const> readers, engine::LoadSink& sink) : readers_(readers), sink_(sink) {}

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
    // The campaign is the image's first number: compared here, it costs SQLite no second column.
    static const std::string kImage =
        "SELECT id, load_image, fields FROM contacts WHERE id >= $1 AND id < $2 ORDER BY id";
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
        OD_TRY(DecodeLoadImage(q.Text(1), c, timezone));
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

// Reads up to `limit` contacts of `campaign` with id > after (optionally in one state) into `out`,
// with their phones.
Result<void> ReadContactPage(Connection& db, core::CampaignId campaign, int64_t after,
                             std::optional<core::ContactState> state, size_t limit,
                             std::vector<ContactRow>& out) {
  out.clear();
  {
    static const std::string kAll =
        std::string(kContactSelect) + "WHERE campaign_id = $1 AND id > $2 ORDER BY id LIMIT $3";
    static const std::string kInState =
        std::string(kContactSelect) +
        "WHERE campaign_id = $1 AND state = $4 AND id > $2 ORDER BY id LIMIT $3";
    Query q(db, state ? kInState : kAll);
    q.BindAll(campaign.value, after, static_cast<int64_t>(limit));
    if (state) q.Bind(core::ToString(*state));
    for (;;) {
      auto row = q.Step();
      if (!row.ok()) return row.error();
      if (!*row) break;
      out.emplace_back();
      OD_TRY(ReadContactRow(q, out.back()));
    }
  }
  return Ok{};
}

Result<ContactRow> ReadOneContact(Connection& db, core::ContactId id) {
  ContactRow row;
  {
    static const std::string kSql = std::string(kContactSelect) + "WHERE id = $1";
    Query q(db, kSql);
    q.Bind(id.value);
    auto found = q.Step();
    if (!found.ok()) return found.error();
    if (!*found) return NotFound("contact");
    OD_TRY(ReadContactRow(q, row));
  }
  return row;
}

// The last three contact columns, in this order: last_outcome, callback, callback_agent (NULL
// when there is none).
void BindOutcomeAndCallback(Query& q, const std::optional<core::Outcome>& last_outcome, bool callback,
                            core::AgentId callback_agent) {
  if (last_outcome) {
    q.Bind(core::ToString(*last_outcome));
  } else {
    q.BindNull();
  }
  q.Bind(callback);
  if (callback_agent.valid()) {
    q.Bind(callback_agent.value);
  } else {
    q.BindNull();
  }
}

// SQLite: the SET clause that rewrites the head of a row's load_image (row_codec.h, migration
// 0002) from the new values of the columns it holds, given as SQL expressions (parameters, or a
// column name for one the statement leaves as it is: in SET, a column is its value before the
// update). Every UPDATE of those columns includes it.
std::string SqliteImageHead(std::string_view attempts_made, std::string_view next_eligible_at,
                            std::string_view callback, std::string_view callback_agent, std::string_view state,
                            std::string_view last_outcome, std::string_view phone_counts) {
  return fmt::format(
      "load_image = printf('%d %d %d %d %d %d %s %s %s', campaign_id, priority, {}, {}, {}, coalesce({}, 0), {}, "
      "coalesce({}, '-'), {}) || substr(load_image, instr(load_image, '|'))",
      attempts_made, next_eligible_at, callback, callback_agent, state, last_outcome, phone_counts);
}

// The mutable part of a contact (what the engine's ContactRecord carries), its numbers' counts
// included: they are a column of the same row, so a dial costs no page of another table. A record
// without phones leaves the counts as they are.
Result<void> WriteContactRecord(Connection& db, const engine::ContactRecord& c) {
  static constexpr std::string_view kSet =
      "UPDATE contacts SET state = $2, attempts_made = $3, next_eligible_at = $4, last_outcome = $5, "
      "callback = $6, callback_agent = $7";
  static const std::string kWithCounts = std::string(kSet) + ", phone_counts = $8 WHERE id = $1";
  static const std::string kWithoutCounts = std::string(kSet) + " WHERE id = $1";
  static const std::string kSqliteWithCounts =
      std::string(kSet) + ", phone_counts = $8, " + SqliteImageHead("$3", "$4", "$6", "$7", "$2", "$5", "$8") +
      " WHERE id = $1";
  static const std::string kSqliteWithoutCounts =
      std::string(kSet) + ", " + SqliteImageHead("$3", "$4", "$6", "$7", "$2", "$5", "phone_counts") +
      " WHERE id = $1";
  const bool sqlite = db.dialect() == Dialect::kSqlite;
  Query q(db, c.phones.empty() ? (sqlite ? kSqliteWithoutCounts : kWithoutCounts)
                               : (sqlite ? kSqliteWithCounts : kWithCounts));
  q.BindAll(c.id.value, core::ToString(c.state), static_cast<int64_t>(c.attempts_made),
            core::ToEpochMs(c.next_eligible_at));
  BindOutcomeAndCallback(q, c.last_outcome, c.callback, c.callback_agent);
  if (!c.phones.empty()) {
    std::string counts;
    AppendPhoneCounts(c.phones, counts);
    q.Bind(counts);
  }
  OD_TRY(q.Run());
  if (q.Changes() == 0)
    return MakeError(ErrorCode::kNotFound, fmt::format("No such contact {}.", c.id.value));
  return Ok{};
}

Result<void> WriteAttempt(Connection& db, const engine::AttemptRecord& a) {
  Query q(
      db,
      "INSERT INTO attempts (id, tenant_id, campaign_id, contact_id, agent_id, number, started_at, "
      "answered_at, "
      "ended_at, outcome, reason, sip_code, amd, disposition, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9, "
      "$10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO UPDATE SET agent_id = excluded.agent_id, number = "
      "excluded.number, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = "
      "excluded.outcome, reason = excluded.reason, sip_code = excluded.sip_code, amd = excluded.amd, "
      "disposition = excluded.disposition, notes = excluded.notes");
  q.BindAll(a.id.value, a.tenant_id.value, a.campaign_id.value, a.contact_id.value, a.agent_id.value,
            a.number, core::ToEpochMs(a.started_at));
  auto ms = [](const std::optional<core::TimePoint>& t) {
    return t ? std::optional<int64_t>(core::ToEpochMs(*t)) : std::nullopt;
  };
  q.Bind(ms(a.answered_at)).Bind(ms(a.ended_at));
  if (a.outcome) {
    q.Bind(core::ToString(*a.outcome));
  } else {
    q.BindNull();
  }
  if (a.reason) {
    q.Bind(core::ToString(*a.reason));
  } else {
    q.BindNull();
  }
  q.Bind(a.sip_code);
  if (a.amd) {
    q.Bind(core::ToString(*a.amd));
  } else {
    q.BindNull();
  }
  q.BindAll(a.disposition, a.notes);
  return q.Run();
}

Result<void> WriteDnc(Connection& db, const engine::DncRecord& d) {
  Query q(db,
          "INSERT INTO dnc_entries (tenant_id, list, number, added_at, source) VALUES ($1, $2, $3, $4, $5) "
          "ON CONFLICT DO NOTHING");
  q.BindAll(d.tenant_id.value, d.list, d.number, core::ToEpochMs(d.added_at), d.source);
  return q.Run();
}

Result<void> WriteAudit(Connection& db, const engine::AuditRecord& a) {
  Query q(db, "INSERT INTO audit (at, tenant_id, agent_id, action, detail) VALUES ($1, $2, $3, $4, $5)");
  q.BindAll(core::ToEpochMs(a.at), a.tenant_id.value, a.agent_id.value, a.action, a.detail);
  return q.Run();
}

// Contact changes and attempt rows of one batch go in the same transaction (the caller's).
Result<void> WriteBatchRows(Connection& db, const engine::WriteBatch& batch) {
  for (const auto& a : batch.attempts) OD_TRY(WriteAttempt(db, a));
  for (const auto& c : batch.contacts) OD_TRY(WriteContactRecord(db, c));
  for (const auto& d : batch.dnc) OD_TRY(WriteDnc(db, d));
  for (const auto& a : batch.audit) OD_TRY(WriteAudit(db, a));
  return Ok{};
}

Result<int64_t> ScalarInt(Connection& db, std::string_view sql) {
  Query q(db, sql);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row || q.IsNull(0)) return int64_t{0};
  return q.Int(0);
}

// Checks that `campaign` belongs to `tenant` (NOT_FOUND otherwise, as for an unknown id).
Result<void> CheckCampaign(Connection& db, core::TenantId tenant, core::CampaignId campaign) {
  Query q(db, "SELECT 1 FROM campaigns WHERE id = $1 AND tenant_id = $2");
  q.BindAll(campaign.value, tenant.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("campaign");
  return Ok{};
}

Result<uint64_t> ParseCursor(std::string_view cursor) {
  if (cursor.empty()) return uint64_t{0};
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), value);
  if (ec != std::errc() || end != cursor.data() + cursor.size()) {
    return Error{ErrorCode::kValidationFailed,
                 "The cursor is not valid.",
                 {{"cursor", "is not a cursor of this list"}}};
  }
  return value;
}

// Contacts (and phones) per INSERT statement: 64 rows of 11 parameters stay far below both
// dialects' parameter limits.
constexpr size_t kRowsPerInsert = 64;

// "<head> VALUES ($1, …, $width), ($width+1, …), …<tail>" for `rows` rows.
std::string MultiRowInsert(std::string_view head, int width, size_t rows, std::string_view tail) {
  std::string sql(head);
  sql += " VALUES ";
  int param = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int c = 0; c < width; ++c) {
      if (c > 0) sql += ", ";
      sql += '$';
      sql += std::to_string(param++);
    }
    sql += ')';
  }
  sql += tail;
  return sql;
}

Result<void> ValidateContacts(const std::vector<ContactRow>& rows) {
  std::vector<core::FieldProblem> problems;
  for (size_t i = 0; i < rows.size(); ++i) {
    const core::Contact& c = rows[i].contact;
    std::string at = fmt::format("contacts[{}]", i);
    if (c.phones.empty()) problems.push_back({at + ".phones", "must contain at least one number"});
    if (c.priority > 100) problems.push_back({at + ".priority", "must be between 0 and 100"});
    for (size_t p = 0; p < c.phones.size(); ++p) {
      if (c.phones[p].number.empty())
        problems.push_back({fmt::format("{}.phones[{}]", at, p), "must not be empty"});
    }
  }
  if (problems.empty()) return Ok{};
  return Error{ErrorCode::kValidationFailed, "Some contacts are not valid.", std::move(problems)};
}

}  // namespace

// ---- migrations ---------------------------------------------------------------------------------

core::Result<int> SchemaVersion(Connection& connection) {
  OD_TRY(connection.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)"));
  auto v = ScalarInt(connection, "SELECT MAX(version) FROM schema_migrations");
  if (!v.ok()) return v.error();
  return static_cast<int>(*v);
}

core::Result<void> Migrate(Connection& connection, std::span<const Migration> migrations) {
  auto current = SchemaVersion(connection);
  if (!current.ok()) return current.error();
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  // SQLite rebuilds a table to change it (migration 0002): with foreign keys on, dropping the old
  // table would cascade into its children. The pragma is a no-op inside a transaction, so it is set
  // around it, and the keys are checked before the commit instead.
  const bool sqlite = connection.dialect() == Dialect::kSqlite;
  if (sqlite && *current < newest) OD_TRY(connection.Exec("PRAGMA foreign_keys=OFF"));
  auto migrated = InTransaction(connection, [&]() -> Result<void> {
    // Servers sharing a PostgreSQL database migrate one at a time.
    if (connection.dialect() == Dialect::kPostgres) {
      OD_TRY(connection.Exec("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"));
    }
    // Read again inside the transaction: another server may have migrated meanwhile.
    auto version = ScalarInt(connection, "SELECT MAX(version) FROM schema_migrations");
    if (!version.ok()) return version.error();
    if (*version > newest) {
      return MakeError(ErrorCode::kValidationFailed,
                       fmt::format("the database schema is version {}, newer than this outdial build knows "
                                   "(up to {}); upgrade outdial or use another database",
                                   *version, newest));
    }
    for (const Migration& m : migrations) {
      if (m.version <= *version) continue;
      if (auto r = connection.Exec(m.sql); !r.ok()) {
        return MakeError(r.error().code,
                         fmt::format("migration {} ({}) failed: {}", m.version, m.name, r.error().message));
      }
      Query q(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
      q.BindAll(m.version, m.name, WallNowMs());
      OD_TRY(q.Run());
    }
    if (sqlite && *version < newest) {
      Query check(connection, "PRAGMA foreign_key_check");
      auto broken = check.Step();
      if (!broken.ok()) return broken.error();
      if (*broken) {
        return MakeError(ErrorCode::kInternal,
                         fmt::format("migrating to version {} left a row of {} without its parent", newest,
                                     check.Text(0)));
      }
    }
    return Ok{};
  });
  if (sqlite && *current < newest) OD_TRY(connection.Exec("PRAGMA foreign_keys=ON"));
  return migrated;
}

// ---- writer -------------------------------------------------------------------------------------

SqlDatabase::SqlDatabase(std::unique_ptr<Connection> catalog, std::unique_ptr<Connection> writer,
                         PostToEngine post)
    : catalog_(std::move(catalog)), writer_(std::move(writer)), post_(std::move(post)) {
  writer_thread_ = std::thread([this] { WriterLoop(); });
}

SqlDatabase::~SqlDatabase() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_thread_.join();
}

void SqlDatabase::Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(Pending{std::move(batch), std::move(on_durable)});
    ++enqueued_;
  }
  queue_cv_.notify_one();
}

void SqlDatabase::RunOnWriterAlone(const std::function<void(Connection&)>& task) {
  std::lock_guard catalog(catalog_mutex_);
  std::promise<void> ran;
  {
    std::lock_guard lock(queue_mutex_);
    between_groups_.push_back([&](Connection& writer) {
      task(writer);
      ran.set_value();
    });
  }
  queue_cv_.notify_one();
  ran.get_future().wait();
}

void SqlDatabase::Flush() {
  std::unique_lock lock(queue_mutex_);
  uint64_t target = enqueued_;
  done_cv_.wait(lock, [&] { return done_ >= target; });
}

uint64_t SqlDatabase::batches_written() const {
  std::lock_guard lock(queue_mutex_);
  return done_;
}

uint64_t SqlDatabase::transactions_written() const {
  std::lock_guard lock(queue_mutex_);
  return transactions_;
}

void SqlDatabase::WriterLoop() {
  for (;;) {
    std::vector<Pending> group;
    std::vector<std::function<void(Connection&)>> tasks;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || !between_groups_.empty(); });
      tasks.swap(between_groups_);
      if (queue_.empty() && tasks.empty()) return;  // stopping, nothing left
      group.reserve(queue_.size());
      for (auto& p : queue_) group.push_back(std::move(p));
      queue_.clear();
    }
    for (auto& task : tasks) task(*writer_);
    if (group.empty()) continue;
    std::vector<core::Result<void>> results = WriteGroup(group);
    // Callbacks go out in Commit order, after the transaction is durable.
    for (size_t i = 0; i < group.size(); ++i) {
      if (!group[i].on_durable) continue;
      post_([cb = std::move(group[i].on_durable), r = std::move(results[i])]() mutable { cb(std::move(r)); });
    }
    {
      std::lock_guard lock(queue_mutex_);
      done_ += group.size();
      ++transactions_;
    }
    done_cv_.notify_all();
  }
}

std::vector<core::Result<void>> SqlDatabase::WriteGroup(std::vector<Pending>& group) {
  Connection& db = *writer_;
  std::vector<core::Result<void>> results(group.size());
  // Fast path: the whole group in one transaction.
  auto all = InTransaction(db, [&]() -> Result<void> {
    for (auto& p : group) OD_TRY(WriteBatchRows(db, p.batch));
    return Ok{};
  });
  if (all.ok()) return results;
  // A batch failed (or the commit did): write each batch in its own savepoint, so that only the
  // failing ones fail and store nothing.
  auto retry = InTransaction(db, [&]() -> Result<void> {
    for (size_t i = 0; i < group.size(); ++i) {
      OD_TRY(db.Exec("SAVEPOINT batch"));
      results[i] = WriteBatchRows(db, group[i].batch);
      OD_TRY(db.Exec(results[i].ok() ? "RELEASE SAVEPOINT batch" : "ROLLBACK TO SAVEPOINT batch"));
      if (!results[i].ok()) OD_TRY(db.Exec("RELEASE SAVEPOINT batch"));
    }
    return Ok{};
  });
  if (!retry.ok()) {
    for (auto& r : results) r = retry.error();
  }
  return results;
}

// ---- tenants ------------------------------------------------------------------------------------

core::Result<TenantRow> SqlDatabase::CreateTenant(const core::TenantSettings& settings, UserRow admin) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  TenantRow row;
  row.settings = settings;
  row.created_at = core::FromEpochMs(WallNowMs());
  auto r = InTransaction(db, [&]() -> Result<void> {
    Query q(db, "INSERT INTO tenants (name, settings, created_at) VALUES ($1, $2, $3) RETURNING id");
    q.BindAll(settings.name, core::TenantSettingsToJson(settings).dump(), core::ToEpochMs(row.created_at));
    auto inserted = q.Step();
    if (!inserted.ok()) return AsConflict(inserted.error(), "A tenant with this name exists already.");
    row.id = core::TenantId{static_cast<uint64_t>(q.Int(0))};
    OD_TRY(q.Step());  // completes the statement
    Query u(db,
            "INSERT INTO users (tenant_id, username, password_hash, role, team, station, created_at) VALUES "
            "($1, $2, "
            "$3, $4, $5, $6, $7)");
    u.BindAll(row.id.value, admin.username, admin.password_hash, engine::ToString(admin.role), admin.team,
              admin.station, core::ToEpochMs(row.created_at));
    return u.Run();
  });
  if (!r.ok()) return r.error();
  return row;
}

core::Result<TenantRow> SqlDatabase::GetTenant(core::TenantId tenant) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql = fmt::format("SELECT {} FROM tenants WHERE id = $1", kTenantColumns);
  Query q(*catalog_, kSql);
  q.Bind(tenant.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("tenant");
  return ReadTenant(q);
}

core::Result<TenantRow> SqlDatabase::FindTenantByName(std::string_view name) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql = fmt::format("SELECT {} FROM tenants WHERE name = $1", kTenantColumns);
  Query q(*catalog_, kSql);
  q.Bind(name);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("tenant");
  return ReadTenant(q);
}

core::Result<TenantRow> SqlDatabase::UpdateTenant(core::TenantId tenant,
                                                  const core::TenantSettings& settings) {
  if (auto r = core::ValidateTenantSettings(settings); !r.ok()) return r.error();
  {
    std::lock_guard lock(catalog_mutex_);
    Query q(*catalog_, "UPDATE tenants SET name = $2, settings = $3 WHERE id = $1");
    q.BindAll(tenant.value, settings.name, core::TenantSettingsToJson(settings).dump());
    if (auto r = q.Run(); !r.ok()) return AsConflict(r, "A tenant with this name exists already.").error();
    if (q.Changes() == 0) return NotFound("tenant");
  }
  return GetTenant(tenant);
}

// ---- users --------------------------------------------------------------------------------------

core::Result<UserRow> SqlDatabase::CreateUser(UserRow user) {
  std::lock_guard lock(catalog_mutex_);
  if (user.created_at == core::TimePoint{}) user.created_at = core::FromEpochMs(WallNowMs());
  Query q(*catalog_,
          "INSERT INTO users (tenant_id, username, password_hash, role, team, station, created_at) VALUES "
          "($1, $2, $3, "
          "$4, $5, $6, $7) RETURNING id");
  q.BindAll(user.tenant_id.value, user.username, user.password_hash, engine::ToString(user.role), user.team,
            user.station, core::ToEpochMs(user.created_at));
  auto row = q.Step();
  if (!row.ok()) {
    if (row.error().code == ErrorCode::kNotFound) return NotFound("tenant");
    return AsConflict(row.error(), "A user with this username exists already.").error();
  }
  user.id = core::AgentId{static_cast<uint64_t>(q.Int(0))};
  OD_TRY(q.Step());
  return user;
}

core::Result<UserRow> SqlDatabase::GetUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql =
      fmt::format("SELECT {} FROM users WHERE id = $1 AND tenant_id = $2", kUserColumns);
  Query q(*catalog_, kSql);
  q.BindAll(user.value, tenant.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("user");
  return ReadUser(q);
}

core::Result<UserRow> SqlDatabase::FindUser(core::TenantId tenant, std::string_view username) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql =
      fmt::format("SELECT {} FROM users WHERE tenant_id = $1 AND username = $2", kUserColumns);
  Query q(*catalog_, kSql);
  q.BindAll(tenant.value, username);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("user");
  return ReadUser(q);
}

core::Result<std::vector<UserRow>> SqlDatabase::ListUsers(core::TenantId tenant) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql =
      fmt::format("SELECT {} FROM users WHERE tenant_id = $1 ORDER BY id", kUserColumns);
  Query q(*catalog_, kSql);
  q.Bind(tenant.value);
  std::vector<UserRow> out;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(ReadUser(q));
  }
  return out;
}

core::Result<UserRow> SqlDatabase::UpdateUser(const UserRow& user) {
  {
    std::lock_guard lock(catalog_mutex_);
    Query q(*catalog_,
            "UPDATE users SET password_hash = $3, role = $4, team = $5, station = $6 WHERE id = $1 AND "
            "tenant_id = $2");
    q.BindAll(user.id.value, user.tenant_id.value, user.password_hash, engine::ToString(user.role), user.team,
              user.station);
    OD_TRY(q.Run());
    if (q.Changes() == 0) return NotFound("user");
  }
  return GetUser(user.tenant_id, user.id);
}

core::Result<void> SqlDatabase::DeleteUser(core::TenantId tenant, core::AgentId user) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  return InTransaction(db, [&]() -> Result<void> {
    Query q(db, "DELETE FROM users WHERE id = $1 AND tenant_id = $2");
    q.BindAll(user.value, tenant.value);
    OD_TRY(q.Run());
    if (q.Changes() == 0) return NotFound("user");
    // The foreign key cascades too; saying it here keeps the promise visible.
    Query s(db, "DELETE FROM sessions WHERE user_id = $1");
    s.Bind(user.value);
    return s.Run();
  });
}

// ---- sessions -----------------------------------------------------------------------------------

core::Result<void> SqlDatabase::CreateSession(const engine::SessionRow& session) {
  std::lock_guard lock(catalog_mutex_);
  Query q(*catalog_,
          "INSERT INTO sessions (token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)");
  q.BindAll(session.token_hash, session.user_id.value, session.tenant_id.value,
            core::ToEpochMs(session.expires_at));
  auto r = q.Run();
  if (!r.ok() && r.error().code == ErrorCode::kNotFound) return NotFound("user");
  return AsConflict(r, "This session exists already.");
}

core::Result<engine::SessionRow> SqlDatabase::FindSession(std::string_view token_hash) {
  std::lock_guard lock(catalog_mutex_);
  Query q(*catalog_, "SELECT token_hash, user_id, tenant_id, expires_at FROM sessions WHERE token_hash = $1");
  q.Bind(token_hash);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("session");
  engine::SessionRow s;
  s.token_hash = q.String(0);
  s.user_id = core::AgentId{static_cast<uint64_t>(q.Int(1))};
  s.tenant_id = core::TenantId{static_cast<uint64_t>(q.Int(2))};
  s.expires_at = core::FromEpochMs(q.Int(3));
  return s;
}

core::Result<void> SqlDatabase::DeleteSession(std::string_view token_hash) {
  std::lock_guard lock(catalog_mutex_);
  Query q(*catalog_, "DELETE FROM sessions WHERE token_hash = $1");
  q.Bind(token_hash);
  return q.Run();
}

// ---- campaigns ----------------------------------------------------------------------------------

core::Result<CampaignRow> SqlDatabase::CreateCampaign(core::TenantId tenant,
                                                      const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  std::lock_guard lock(catalog_mutex_);
  CampaignRow row;
  row.tenant_id = tenant;
  row.settings = settings;
  row.status = core::CampaignStatus::kDraft;
  row.created_at = row.updated_at = core::FromEpochMs(WallNowMs());
  Query q(*catalog_,
          "INSERT INTO campaigns (tenant_id, settings, status, created_at, updated_at) VALUES ($1, $2, $3, "
          "$4, $4) "
          "RETURNING id");
  q.BindAll(tenant.value, core::CampaignSettingsToJson(settings).dump(), core::ToString(row.status),
            core::ToEpochMs(row.created_at));
  auto inserted = q.Step();
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::kNotFound) return NotFound("tenant");
    return inserted.error();
  }
  row.id = core::CampaignId{static_cast<uint64_t>(q.Int(0))};
  OD_TRY(q.Step());
  return row;
}

core::Result<CampaignRow> SqlDatabase::GetCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql =
      fmt::format("SELECT {} FROM campaigns WHERE id = $1 AND tenant_id = $2", kCampaignColumns);
  Query q(*catalog_, kSql);
  q.BindAll(campaign.value, tenant.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("campaign");
  return ReadCampaign(q);
}

core::Result<void> SqlDatabase::HasCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  Query q(*catalog_, "SELECT 1 FROM campaigns WHERE id = $1 AND tenant_id = $2");
  q.BindAll(campaign.value, tenant.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("campaign");
  return core::Ok{};
}

core::Result<core::TenantId> SqlDatabase::CampaignTenant(core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  Query q(*catalog_, "SELECT tenant_id FROM campaigns WHERE id = $1");
  q.Bind(campaign.value);
  auto row = q.Step();
  if (!row.ok()) return row.error();
  if (!*row) return NotFound("campaign");
  return core::TenantId{static_cast<uint64_t>(q.Int(0))};
}

core::Result<void> SqlDatabase::ForEachAttempt(core::TenantId tenant, core::CampaignId campaign,
                                               const AttemptVisitor& fn, size_t page_rows) {
  page_rows = std::max<size_t>(page_rows, 1);
  int64_t first = 0, last = -1;
  {
    std::lock_guard lock(catalog_mutex_);
    OD_TRY(CheckCampaign(*catalog_, tenant, campaign));
    auto range = CampaignIdRange(*catalog_, campaign);
    if (!range.ok()) return range.error();
    if (!*range) return Ok{};
    std::tie(first, last) = **range;
  }
  // The campaign's contacts lie in [first, last] (ids are handed out in import order), so one range
  // of the attempts_contact index (contact_id, started_at, id) holds its attempts already sorted;
  // `+campaign_id` keeps the planner off attempts_campaign_outcome, which would need a sort of the
  // whole campaign before the first row. Other campaigns' rows in the range are filtered out.
  static const std::string kSql = fmt::format(
      "SELECT {} FROM attempts WHERE (contact_id, started_at, id) > ($2, $3, $4) AND contact_id <= $5 AND "
      "+campaign_id = $1 ORDER BY contact_id, started_at, id LIMIT $6",
      kAttemptColumns);
  int64_t after_contact = first - 1, after_started = 0, after_id = 0;
  std::vector<engine::AttemptRecord> page;
  page.reserve(std::min<size_t>(page_rows, 100000));
  for (;;) {
    page.clear();
    {
      std::lock_guard lock(catalog_mutex_);
      Query q(*catalog_, kSql);
      q.BindAll(campaign.value, after_contact, after_started, after_id, last, static_cast<int64_t>(page_rows));
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        page.push_back(ReadAttempt(q));
      }
    }
    for (const auto& a : page) OD_TRY(fn(a));
    if (page.size() < page_rows) return Ok{};
    const engine::AttemptRecord& tail = page.back();
    after_contact = static_cast<int64_t>(tail.contact_id.value);
    after_started = core::ToEpochMs(tail.started_at);
    after_id = static_cast<int64_t>(tail.id.value);
  }
}

core::Result<std::vector<CampaignRow>> SqlDatabase::ListCampaigns(core::TenantId tenant) {
  std::lock_guard lock(catalog_mutex_);
  static const std::string kSql =
      fmt::format("SELECT {} FROM campaigns WHERE tenant_id = $1 ORDER BY id", kCampaignColumns);
  Query q(*catalog_, kSql);
  q.Bind(tenant.value);
  std::vector<CampaignRow> out;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    auto c = ReadCampaign(q);
    if (!c.ok()) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

core::Result<CampaignRow> SqlDatabase::UpdateCampaign(core::TenantId tenant, core::CampaignId campaign,
                                                      const core::CampaignSettings& settings) {
  if (auto r = core::ValidateCampaignSettings(settings); !r.ok()) return r.error();
  {
    std::lock_guard lock(catalog_mutex_);
    Query q(*catalog_,
            "UPDATE campaigns SET settings = $3, updated_at = $4 WHERE id = $1 AND tenant_id = $2");
    q.BindAll(campaign.value, tenant.value, core::CampaignSettingsToJson(settings).dump(), WallNowMs());
    OD_TRY(q.Run());
    if (q.Changes() == 0) return NotFound("campaign");
  }
  return GetCampaign(tenant, campaign);
}

core::Result<CampaignRow> SqlDatabase::SetCampaignStatus(core::TenantId tenant, core::CampaignId campaign,
                                                         core::CampaignStatus status) {
  {
    std::lock_guard lock(catalog_mutex_);
    Query q(*catalog_, "UPDATE campaigns SET status = $3, updated_at = $4 WHERE id = $1 AND tenant_id = $2");
    q.BindAll(campaign.value, tenant.value, core::ToString(status), WallNowMs());
    OD_TRY(q.Run());
    if (q.Changes() == 0) return NotFound("campaign");
  }
  return GetCampaign(tenant, campaign);
}

core::Result<void> SqlDatabase::DeleteCampaign(core::TenantId tenant, core::CampaignId campaign) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  return InTransaction(db, [&]() -> Result<void> {
    OD_TRY(CheckCampaign(db, tenant, campaign));
    // Attempts reference contacts; deleting them first keeps the cascade a plain range delete.
    Query a(db, "DELETE FROM attempts WHERE campaign_id = $1");
    a.Bind(campaign.value);
    OD_TRY(a.Run());
    Query c(db, "DELETE FROM contacts WHERE campaign_id = $1");
    c.Bind(campaign.value);
    OD_TRY(c.Run());
    Query q(db, "DELETE FROM campaigns WHERE id = $1");
    q.Bind(campaign.value);
    return q.Run();
  });
}

// ---- contacts -----------------------------------------------------------------------------------

core::Result<void> SqlDatabase::InsertContacts(core::TenantId tenant, core::CampaignId campaign,
                                               std::vector<ContactRow>& rows) {
  OD_TRY(ValidateContacts(rows));
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  auto r = InTransaction(db, [&]() -> Result<void> {
    OD_TRY(CheckCampaign(db, tenant, campaign));
    // Many rows per statement: executing a statement has a fixed cost (cursors on the table, its
    // indexes and the foreign keys' parents, the RETURNING table) that one row at a time made
    // most of an import's time. This transaction holds the write lock and one statement takes
    // increasing ids in VALUES order: on PostgreSQL they come back in RETURNING's arbitrary order
    // and sorted are the rows' ids in order; on SQLite (AUTOINCREMENT: each row max + 1) they are
    // the n ids up to last_insert_rowid(), which spares RETURNING's table of results (~8 % of
    // bench_import's insert time).
    const bool returning = db.dialect() == Dialect::kPostgres;
    // SQLite's rows carry their load image (row_codec.h; PostgreSQL has none).
    const bool image = db.dialect() == Dialect::kSqlite;
    std::string fields, phones, counts, load_image;
    std::vector<uint64_t> ids;
    for (size_t begin = 0; begin < rows.size(); begin += kRowsPerInsert) {
      const size_t n = std::min(kRowsPerInsert, rows.size() - begin);
      Query c(db, image ? MultiRowInsert("INSERT INTO contacts (campaign_id, name, timezone, priority, fields, "
                                         "state, attempts_made, next_eligible_at, last_outcome, callback, "
                                         "callback_agent, phones, phone_counts, load_image)",
                                         14, n, "")
                        : MultiRowInsert("INSERT INTO contacts (campaign_id, name, timezone, priority, fields, "
                                         "state, attempts_made, next_eligible_at, last_outcome, callback, "
                                         "callback_agent, phones, phone_counts)",
                                         13, n, returning ? " RETURNING id" : ""));
      for (size_t i = begin; i < begin + n; ++i) {
        const ContactRow& row = rows[i];
        const core::Contact& k = row.contact;
        fields.clear();
        AppendFieldsJson(k.fields, fields);
        c.BindAll(campaign.value, k.name, row.timezone, static_cast<int64_t>(k.priority), fields,
                  core::ToString(k.state), static_cast<int64_t>(k.attempts_made),
                  core::ToEpochMs(k.next_eligible_at));
        BindOutcomeAndCallback(c, k.last_outcome, k.callback, k.callback_agent);
        phones.clear();
        AppendPhonesJson(k.phones, phones);
        counts.clear();
        AppendPhoneCounts(k.phones, counts);
        c.BindAll(phones, counts);
        if (image) {
          load_image.clear();
          AppendLoadImage(campaign, k, row.timezone, load_image);
          c.Bind(load_image);
        }
      }
      ids.clear();
      if (returning) {
        for (;;) {
          auto inserted = c.Step();
          if (!inserted.ok()) return inserted.error();
          if (!*inserted) break;
          ids.push_back(static_cast<uint64_t>(c.Int(0)));
        }
      } else {
        OD_TRY(c.Run());
        auto last = ScalarInt(db, "SELECT last_insert_rowid()");
        if (!last.ok()) return last.error();
        for (size_t i = n; i > 0; --i) ids.push_back(static_cast<uint64_t>(*last) - (i - 1));
      }
      if (ids.size() != n) {
        return MakeError(ErrorCode::kInternal,
                         fmt::format("inserted {} contacts but {} ids came back", n, ids.size()));
      }
      std::sort(ids.begin(), ids.end());
      for (size_t i = 0; i < n; ++i) {
        rows[begin + i].contact.id = core::ContactId{ids[i]};
        rows[begin + i].contact.campaign_id = campaign;
      }
    }
    return Ok{};
  });
  if (!r.ok()) {
    // Nothing was stored: the ids handed out inside the rolled-back transaction mean nothing.
    for (ContactRow& row : rows) row.contact.id = {};
    return r;
  }
  return Ok{};
}

core::Result<engine::ContactPage> SqlDatabase::ListContacts(core::TenantId tenant, core::CampaignId campaign,
                                                            std::optional<core::ContactState> state,
                                                            size_t limit, std::string_view cursor) {
  auto after = ParseCursor(cursor);
  if (!after.ok()) return after.error();
  limit = std::clamp<size_t>(limit, 1, 10000);
  std::lock_guard lock(catalog_mutex_);
  OD_TRY(CheckCampaign(*catalog_, tenant, campaign));
  engine::ContactPage page;
  OD_TRY(ReadContactPage(*catalog_, campaign, static_cast<int64_t>(*after), state, limit + 1, page.items));
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_cursor = page.items.back().contact.id.str();
  }
  return page;
}

core::Result<engine::ContactDetail> SqlDatabase::GetContact(core::TenantId tenant, core::ContactId contact) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  auto row = ReadOneContact(db, contact);
  if (!row.ok()) return row.error();
  if (!CheckCampaign(db, tenant, row->contact.campaign_id).ok()) return NotFound("contact");
  engine::ContactDetail detail;
  detail.contact = std::move(*row);
  static const std::string kSql =
      fmt::format("SELECT {} FROM attempts WHERE contact_id = $1 ORDER BY started_at, id", kAttemptColumns);
  Query q(db, kSql);
  q.Bind(contact.value);
  for (;;) {
    auto r = q.Step();
    if (!r.ok()) return r.error();
    if (!*r) break;
    detail.attempts.push_back(ReadAttempt(q));
  }
  return detail;
}

// ---- DNC ----------------------------------------------------------------------------------------

core::Result<void> SqlDatabase::AddDnc(const engine::DncRecord& entry) {
  std::lock_guard lock(catalog_mutex_);
  auto r = WriteDnc(*catalog_, entry);
  if (!r.ok() && r.error().code == ErrorCode::kNotFound) return NotFound("tenant");
  return r;
}

core::Result<void> SqlDatabase::RemoveDnc(core::TenantId tenant, std::string_view list,
                                          std::string_view number) {
  std::lock_guard lock(catalog_mutex_);
  Query q(*catalog_, "DELETE FROM dnc_entries WHERE tenant_id = $1 AND list = $2 AND number = $3");
  q.BindAll(tenant.value, list, number);
  return q.Run();
}

core::Result<engine::DncPage> SqlDatabase::ListDnc(core::TenantId tenant, std::string_view list, size_t limit,
                                                   std::string_view cursor) {
  limit = std::clamp<size_t>(limit, 1, 10000);
  std::lock_guard lock(catalog_mutex_);
  // The cursor is the last number of the previous page (numbers are unique within a list).
  Query q(*catalog_,
          "SELECT tenant_id, list, number, added_at, source FROM dnc_entries WHERE tenant_id = $1 AND list = "
          "$2 AND "
          "number > $3 ORDER BY number LIMIT $4");
  q.BindAll(tenant.value, list, cursor, static_cast<int64_t>(limit + 1));
  engine::DncPage page;
  for (;;) {
    auto r = q.Step();
    if (!r.ok()) return r.error();
    if (!*r) break;
    page.items.push_back(engine::DncRecord{core::TenantId{static_cast<uint64_t>(q.Int(0))}, q.String(1),
                                           q.String(2), core::FromEpochMs(q.Int(3)), q.String(4)});
  }
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_cursor = page.items.back().number;
  }
  return page;
}

// ---- recovery -----------------------------------------------------------------------------------

core::Result<engine::RecoveryReport> SqlDatabase::Recover(core::TimePoint now) {
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  engine::RecoveryReport report;
  auto r = InTransaction(db, [&]() -> Result<void> {
    struct Open {
      uint64_t id, contact, campaign;
      std::string number;
    };
    std::vector<Open> open;
    {
      Query q(db,
              "SELECT id, contact_id, campaign_id, number FROM attempts WHERE ended_at IS NULL ORDER BY id");
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        open.push_back({static_cast<uint64_t>(q.Int(0)), static_cast<uint64_t>(q.Int(1)),
                        static_cast<uint64_t>(q.Int(2)), q.String(3)});
      }
    }
    std::unordered_map<uint64_t, core::CampaignSettings> settings_of;
    for (const Open& a : open) {
      // The dial may have started: the attempt is closed as interrupted (PRODUCT.md §8.2).
      Query close(db, "UPDATE attempts SET ended_at = $2, outcome = $3, reason = NULL WHERE id = $1");
      close.BindAll(a.id, core::ToEpochMs(now), core::ToString(core::Outcome::kInterrupted));
      OD_TRY(close.Run());
      ++report.attempts_interrupted;

      auto it = settings_of.find(a.campaign);
      if (it == settings_of.end()) {
        Query s(db, "SELECT settings FROM campaigns WHERE id = $1");
        s.Bind(a.campaign);
        auto found = s.Step();
        if (!found.ok()) return found.error();
        if (!*found) continue;  // campaign gone (its contacts with it)
        auto parsed = ParseCampaignSettings(s.Text(0));
        if (!parsed.ok()) return parsed.error();
        it = settings_of.emplace(a.campaign, std::move(*parsed)).first;
      }
      auto row = ReadOneContact(db, core::ContactId{a.contact});
      if (!row.ok()) {
        if (row.error().code == ErrorCode::kNotFound) continue;
        return row.error();
      }
      core::Contact& c = row->contact;
      // A contact already closed for good (done, removed, DNC, exhausted) stays closed.
      if (c.state != core::ContactState::kInProgress && c.state != core::ContactState::kCallable &&
          c.state != core::ContactState::kScheduled) {
        continue;
      }
      int phone = -1;
      for (size_t i = 0; i < c.phones.size(); ++i) {
        if (c.phones[i].number == a.number) {
          phone = static_cast<int>(i);
          break;
        }
      }
      c.last_outcome = core::Outcome::kInterrupted;
      core::ApplyRetry(c, it->second, core::RetryKey::kInterrupted, phone, false, now);
      OD_TRY(WriteContactRecord(db, engine::ToRecord(c)));
      ++report.contacts_rescheduled;
    }
    // Whatever is still in progress was held by an offer or a reservation: it goes back untouched.
    static constexpr std::string_view kReleasedState =
        "CASE WHEN next_eligible_at > $1 THEN 'scheduled' ELSE 'callable' END";
    static const std::string kRelease =
        fmt::format("UPDATE contacts SET state = {} WHERE state = 'in_progress'", kReleasedState);
    static const std::string kSqliteRelease = fmt::format(
        "UPDATE contacts SET state = {}, {} WHERE state = 'in_progress'", kReleasedState,
        SqliteImageHead("attempts_made", "next_eligible_at", "callback", "callback_agent", kReleasedState,
                        "last_outcome", "phone_counts"));
    Query release(db, db.dialect() == Dialect::kSqlite ? kSqliteRelease : kRelease);
    release.Bind(core::ToEpochMs(now));
    OD_TRY(release.Run());
    report.contacts_released = release.Changes();
    return Ok{};
  });
  if (!r.ok()) return r.error();
  return report;
}

// ---- start-up load ------------------------------------------------------------------------------

core::Result<void> SqlDatabase::Load(engine::LoadSink& sink) {
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
    {
      static const std::string kSql = fmt::format("SELECT {} FROM tenants ORDER BY id", kTenantColumns);
      Query q(db, kSql);
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        auto t = ReadTenant(q);
        if (!t.ok()) return t.error();
        sink.OnTenant(*t);
      }
    }
    {
      static const std::string kSql = fmt::format("SELECT {} FROM users ORDER BY id", kUserColumns);
      Query q(db, kSql);
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        sink.OnUser(ReadUser(q));
      }
    }
    std::vector<core::CampaignId> campaigns;
    {
      static const std::string kSql = fmt::format("SELECT {} FROM campaigns ORDER BY id", kCampaignColumns);
      Query q(db, kSql);
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        auto c = ReadCampaign(q);
        if (!c.ok()) return c.error();
        campaigns.push_back(c->id);
        sink.OnCampaign(*c);
      }
    }
    ContactLoader contacts(readers, sink);
    for (core::CampaignId campaign : campaigns) OD_TRY(contacts.Load(campaign));
    {
      Query q(db,
              "SELECT tenant_id, list, number, added_at, source FROM dnc_entries ORDER BY tenant_id, list, "
              "number");
      for (;;) {
        auto row = q.Step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        sink.OnDnc(engine::DncRecord{core::TenantId{static_cast<uint64_t>(q.Int(0))}, q.String(1),
                                     q.String(2), core::FromEpochMs(q.Int(3)), q.String(4)});
      }
    }
    {
      Query q(db,
              "SELECT campaign_id, outcome, COUNT(*) FROM attempts WHERE outcome IS NOT NULL GROUP BY "
              "campaign_id, "
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
        if (auto outcome = core::OutcomeFromString(q.Text(1)))
          counts[static_cast<size_t>(*outcome)] += q.Int(2);
      }
    }
    auto floor = ScalarInt(db, "SELECT MAX(id) FROM attempts");
    if (!floor.ok()) return floor.error();
    sink.OnIdFloor(static_cast<uint64_t>(*floor));
    return Ok{};
  };
  auto r = body();
  for (auto& c : *extra) (void)c->Exec("COMMIT");
  (void)db.Exec(r.ok() ? "COMMIT" : "ROLLBACK");
  return r;
}

core::Result<std::vector<std::unique_ptr<Connection>>> SqlDatabase::BeginLoadSnapshot(Connection& catalog,
                                                                                      size_t /*wanted*/) {
  OD_TRY(catalog.Exec(catalog.dialect() == Dialect::kPostgres ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                                              : "BEGIN"));
  return std::vector<std::unique_ptr<Connection>>{};
}

}  // namespace outdial::store::sql
