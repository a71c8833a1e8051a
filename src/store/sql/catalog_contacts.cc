// The Catalog's contacts (sql_database.h): the import's inserts, the pages and a contact's detail,
// on the catalog connection.
#include <algorithm>

#include <fmt/format.h>

#include "store/catalog_rules.h"
#include "store/sql/records.h"
#include "store/sql/row_codec.h"
#include "store/sql/sql_database.h"
#include "store/sqlite/load_image.h"

namespace outdial::store::sql {

using core::ErrorCode;
using core::MakeError;
using core::Ok;
using core::Result;
using engine::ContactRow;

namespace {

// Contacts per INSERT statement: 64 rows of 14 parameters stay far below both dialects'
// parameter limits.
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

// Inserts rows [begin, begin + n) of one campaign with one statement and gives them their ids.
// Executing a statement has a fixed cost (cursors on the table, its indexes and the foreign keys'
// parents, the RETURNING table) that one row at a time made most of an import's time. The caller's
// transaction holds the write lock and one statement takes increasing ids in VALUES order: on
// PostgreSQL they come back in RETURNING's arbitrary order and sorted are the rows' ids in order;
// on SQLite (AUTOINCREMENT: each row max + 1) they are the n ids up to last_insert_rowid(), which
// spares RETURNING's table of results (~8 % of bench_import's insert time). SQLite's rows also carry
// their load image (store/sqlite/load_image.h; PostgreSQL has none).
class ContactInserter {
 public:
  ContactInserter(Connection& db, core::CampaignId campaign)
      : db_(db), campaign_(campaign), image_(db.dialect() == Dialect::kSqlite) {}

  Result<void> Insert(std::vector<ContactRow>& rows, size_t begin, size_t n) {
    Query c(db_, image_
                     ? MultiRowInsert("INSERT INTO contacts (campaign_id, name, timezone, priority, fields, "
                                      "state, attempts_made, next_eligible_at, last_outcome, callback, "
                                      "callback_agent, phones, phone_counts, load_image)",
                                      14, n, "")
                     : MultiRowInsert("INSERT INTO contacts (campaign_id, name, timezone, priority, fields, "
                                      "state, attempts_made, next_eligible_at, last_outcome, callback, "
                                      "callback_agent, phones, phone_counts)",
                                      13, n, " RETURNING id"));
    for (size_t i = begin; i < begin + n; ++i) BindRow(c, rows[i]);
    OD_TRY(image_ ? RowIds(c, n) : ReturnedIds(c));
    if (ids_.size() != n) {
      return MakeError(ErrorCode::kInternal,
                       fmt::format("inserted {} contacts but {} ids came back", n, ids_.size()));
    }
    std::sort(ids_.begin(), ids_.end());
    for (size_t i = 0; i < n; ++i) {
      rows[begin + i].contact.id = core::ContactId{ids_[i]};
      rows[begin + i].contact.campaign_id = campaign_;
    }
    return Ok{};
  }

 private:
  void BindRow(Query& c, const ContactRow& row) {
    const core::Contact& k = row.contact;
    fields_.clear();
    AppendFieldsJson(k.fields, fields_);
    c.BindAll(campaign_.value, k.name, row.timezone, static_cast<int64_t>(k.priority), fields_,
              core::ToString(k.state), static_cast<int64_t>(k.attempts_made),
              core::ToEpochMs(k.next_eligible_at));
    BindOutcomeAndCallback(c, k.last_outcome, k.callback, k.callback_agent);
    phones_.clear();
    AppendPhonesJson(k.phones, phones_);
    counts_.clear();
    AppendPhoneCounts(k.phones, counts_);
    c.BindAll(phones_, counts_);
    if (image_) {
      load_image_.clear();
      sqlite::AppendLoadImage(campaign_, k, row.timezone, load_image_);
      c.Bind(load_image_);
    }
  }

  // PostgreSQL: the ids RETURNING gives.
  Result<void> ReturnedIds(Query& c) {
    ids_.clear();
    for (;;) {
      auto inserted = c.Step();
      if (!inserted.ok()) return inserted.error();
      if (!*inserted) return Ok{};
      ids_.push_back(static_cast<uint64_t>(c.Int(0)));
    }
  }

  // SQLite: the n ids up to the last one inserted.
  Result<void> RowIds(Query& c, size_t n) {
    ids_.clear();
    OD_TRY(c.Run());
    auto last = ScalarInt(db_, "SELECT last_insert_rowid()");
    if (!last.ok()) return last.error();
    for (size_t i = n; i > 0; --i) ids_.push_back(static_cast<uint64_t>(*last) - (i - 1));
    return Ok{};
  }

  Connection& db_;
  const core::CampaignId campaign_;
  const bool image_;
  std::string fields_, phones_, counts_, load_image_;  // reused from row to row
  std::vector<uint64_t> ids_;
};

}  // namespace

Result<void> SqlDatabase::InsertContacts(core::TenantId tenant, core::CampaignId campaign,
                                         std::vector<ContactRow>& rows) {
  OD_TRY(ValidateContacts(rows));
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  auto r = InTransaction(db, [&]() -> Result<void> {
    OD_TRY(CheckCampaign(db, tenant, campaign));
    ContactInserter inserter(db, campaign);
    for (size_t begin = 0; begin < rows.size(); begin += kRowsPerInsert) {
      OD_TRY(inserter.Insert(rows, begin, std::min(kRowsPerInsert, rows.size() - begin)));
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

Result<engine::ContactPage> SqlDatabase::ListContacts(core::TenantId tenant, core::CampaignId campaign,
                                                      std::optional<core::ContactState> state, size_t limit,
                                                      std::string_view cursor) {
  auto after = ParseContactCursor(cursor);
  if (!after.ok()) return after.error();
  limit = ClampPageLimit(limit);
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

Result<engine::ContactDetail> SqlDatabase::GetContact(core::TenantId tenant, core::ContactId contact) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM attempts WHERE contact_id = $1 ORDER BY started_at, id", kAttemptColumns);
  std::lock_guard lock(catalog_mutex_);
  Connection& db = *catalog_;
  auto row = ReadOneContact(db, contact);
  if (!row.ok()) return row.error();
  if (!CheckCampaign(db, tenant, row->contact.campaign_id).ok()) return NotFound("contact");
  engine::ContactDetail detail;
  detail.contact = std::move(*row);
  auto attempts = ReadAll(db, kSql, ReadAttempt, contact.value);
  if (!attempts.ok()) return attempts.error();
  detail.attempts = std::move(*attempts);
  return detail;
}

}  // namespace outdial::store::sql
