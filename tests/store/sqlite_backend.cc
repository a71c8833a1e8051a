// The SQLite test backend: a fresh database file in its own temp dir per test.
#include <filesystem>
#include <random>

#include "store/sqlite/sqlite_database.h"
#include "tests/store/backends.h"

namespace outdial::store::testing {
namespace {

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("outdial-store-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~SqliteBackend() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  core::Result<OpenedStore> Open(sql::PostToEngine post) override {
    return Opened(sqlite::OpenSqliteDatabase(path(), std::move(post)));
  }
  core::Result<std::unique_ptr<sql::Connection>> Connect() override {
    auto c = sqlite::SqliteConnection::Open(path(), {});
    if (!c.ok()) return c.error();
    return std::unique_ptr<sql::Connection>(std::move(*c));
  }
  std::span<const sql::Migration> Migrations() const override { return sqlite::SchemaMigrations(); }

 private:
  std::string path() const { return (dir_ / "test.db").string(); }
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<Backend> MakeSqliteBackend() {
  return std::make_unique<SqliteBackend>();
}

}  // namespace outdial::store::testing
