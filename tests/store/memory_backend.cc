// The MemoryCatalog test backend: one catalog per test, kept by the backend, so that a reopen
// finds what was stored before (as a restart finds the SQL stores' files). It has no SQL: the
// suite's schema tests skip it.
#include "store/memory/memory_catalog.h"
#include "tests/store/backends.h"

namespace outdial::store::testing {
namespace {

class MemoryBackend final : public Backend {
 public:
  core::Result<OpenedStore> Open(sql::PostToEngine /*post: Commit calls back at once*/) override {
    OpenedStore opened;
    opened.catalog = &catalog_;
    opened.store = &catalog_;
    return opened;
  }
  bool IsSql() const override { return false; }
  core::Result<std::unique_ptr<sql::Connection>> Connect() override {
    return core::MakeError(core::ErrorCode::kUnavailable, "MemoryCatalog has no SQL connection");
  }
  std::span<const sql::Migration> Migrations() const override { return {}; }

 private:
  MemoryCatalog catalog_;
};

}  // namespace

std::unique_ptr<Backend> MakeMemoryBackend() {
  return std::make_unique<MemoryBackend>();
}

}  // namespace outdial::store::testing
