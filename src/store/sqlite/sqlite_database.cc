#include "store/sqlite/sqlite_database.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/migrations.h"
#include "store/sqlite/wal_checkpointer.h"

namespace outdial::store::sqlite {

namespace {

// The SQL store with the SQLite file's checkpointer beside it. The checkpointer stops first (the
// writer may still commit its last batches: the last connection to close checkpoints them).
class SqliteDatabase final : public sql::SqlDatabase {
 public:
  SqliteDatabase(std::unique_ptr<SqliteConnection> catalog, std::unique_ptr<SqliteConnection> writer,
                 sql::PostToEngine post, std::unique_ptr<WalCheckpointer> checkpointer, std::string path,
                 SqliteOptions options)
      : sql::SqlDatabase(std::move(catalog), std::move(writer), std::move(post)),
        checkpointer_(std::move(checkpointer)),
        path_(std::move(path)),
        options_(options) {}

  // A read transaction sees the database as of its first read, and SQLite cannot hand a snapshot
  // to another connection: the snapshots are taken while a write lock (on a connection of its own,
  // which also holds off other processes) keeps anyone from committing, so they are the same.
  core::Result<std::vector<std::unique_ptr<sql::Connection>>> BeginLoadSnapshot(sql::Connection& catalog,
                                                                                size_t wanted) override {
    std::vector<std::unique_ptr<sql::Connection>> readers;
    auto lock = SqliteConnection::Open(path_, options_);
    if (!lock.ok()) return lock.error();
    if (auto r = (*lock)->Exec("BEGIN IMMEDIATE"); !r.ok()) return r.error();
    auto begin = [](sql::Connection& c) -> core::Result<void> {
      if (auto r = c.Exec("BEGIN"); !r.ok()) return r;
      sql::Query first_read(c, "SELECT COUNT(*) FROM schema_migrations");
      auto row = first_read.Step();
      if (!row.ok()) return row.error();
      return core::Ok{};
    };
    auto r = begin(catalog);
    for (size_t i = 0; r.ok() && i < wanted; ++i) {
      auto reader = SqliteConnection::Open(path_, options_);
      if (!reader.ok()) {
        r = reader.error();
        break;
      }
      r = begin(**reader);
      readers.push_back(std::move(*reader));
    }
    (void)(*lock)->Exec("ROLLBACK");
    if (!r.ok()) {
      (void)catalog.Exec("ROLLBACK");
      return r.error();
    }
    return readers;
  }

  MaintenanceFigures maintenance() const override {
    const WalCheckpointer::Counters& c = checkpointer_->counters();
    MaintenanceFigures f;
    f.checkpointer = true;
    f.checkpoints = c.checkpoints.load(std::memory_order_relaxed);
    f.failures = c.failures.load(std::memory_order_relaxed);
    f.pages = c.pages.load(std::memory_order_relaxed);
    f.restarts = c.restarts.load(std::memory_order_relaxed);
    f.holds = c.holds.load(std::memory_order_relaxed);
    return f;
  }

 private:
  std::unique_ptr<WalCheckpointer> checkpointer_;
  const std::string path_;
  const SqliteOptions options_;
};

}  // namespace

std::span<const sql::Migration> SchemaMigrations() {
  return kMigrations;
}

int LatestSchemaVersion() {
  return std::size(kMigrations) == 0 ? 0 : std::end(kMigrations)[-1].version;
}

core::Result<std::unique_ptr<sql::SqlDatabase>> OpenSqliteDatabase(const std::string& path,
                                                                   sql::PostToEngine post_to_engine,
                                                                   const SqliteOptions& options) {
  auto catalog = SqliteConnection::Open(path, options);
  if (!catalog.ok()) return catalog.error();
  if (auto r = sql::Migrate(**catalog, kMigrations); !r.ok()) {
    return core::MakeError(r.error().code, "SQLite database '" + path + "': " + r.error().message);
  }
  auto writer = SqliteConnection::Open(path, options);
  if (!writer.ok()) return writer.error();
  // Checkpoints run on the checkpointer's thread, never inside a commit (wal_checkpointer.h).
  // The limit truncates a WAL that a burst grew once it restarts, so the disk is given back.
  for (SqliteConnection* c : {catalog->get(), writer->get()}) {
    if (auto r = c->Exec("PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;"); !r.ok()) {
      return r.error();
    }
  }
  // The checkpointer starts before the database object exists: it hands the writer its last
  // passes once it is there (nothing commits before). The database stops the checkpointer before
  // its writer thread, so the pointer never dangles while the checkpointer runs.
  auto database = std::make_shared<std::atomic<sql::SqlDatabase*>>(nullptr);
  auto checkpointer =
      WalCheckpointer::Start(path, options, [database](const std::function<void(sql::Connection&)>& pass) {
        sql::SqlDatabase* db = database->load();
        if (db == nullptr) return false;
        db->RunOnWriterAlone(pass);
        return true;
      });
  if (!checkpointer.ok()) return checkpointer.error();
  auto opened =
      std::make_unique<SqliteDatabase>(std::move(*catalog), std::move(*writer), std::move(post_to_engine),
                                       std::move(*checkpointer), path, options);
  database->store(opened.get());
  return std::unique_ptr<sql::SqlDatabase>(std::move(opened));
}

}  // namespace outdial::store::sqlite
