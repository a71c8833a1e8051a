// The SQLite store's WAL goes back into the database file on the checkpointer's thread, not inside
// commits (store/sqlite/wal_checkpointer.h).
#include "store/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sql/sql.h"
#include "store/sqlite/sqlite_connection.h"

namespace outdial::store::sqlite {
namespace {

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("outdial-ckpt-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "db.sqlite").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(WalCheckpointerTest, CopiesCommittedPagesIntoTheDatabaseFileWhileTheWriterGoesOn) {
  auto writer = SqliteConnection::Open(path_, {});
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  ASSERT_TRUE(
      (*writer)->Exec("PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  auto checkpointer = WalCheckpointer::Start(path_, {}, {}, std::chrono::milliseconds(5));
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().message;
  const auto& counters = (*checkpointer)->counters();
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE((*writer)->Exec("INSERT INTO t (v) VALUES (hex(randomblob(2000)))").ok());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (counters.pages.load() < 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(counters.pages.load(), 200u) << "200 rows of 4 kB each fill at least 200 pages";
  EXPECT_GE(counters.checkpoints.load(), 1u);
  EXPECT_EQ(counters.failures.load(), 0u);
  // Everything committed reaches the database file (200 rows of 4,000 hex digits), copied by the
  // checkpointer alone: this test never checkpoints.
  while (std::filesystem::file_size(path_) < 200u * 4000u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(std::filesystem::file_size(path_), 200u * 4000u);
}

TEST_F(WalCheckpointerTest, AnIdleDatabaseIsNotCheckpointedAgainAndAgain) {
  auto writer = SqliteConnection::Open(path_, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Exec("PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  auto checkpointer = WalCheckpointer::Start(path_, {}, {}, std::chrono::milliseconds(2));
  ASSERT_TRUE(checkpointer.ok());
  const auto& counters = (*checkpointer)->counters();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (counters.checkpoints.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GE(counters.checkpoints.load(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // ~50 ticks with nothing committed
  const uint64_t idle = counters.checkpoints.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(counters.checkpoints.load(), idle);
  ASSERT_TRUE((*writer)->Exec("INSERT INTO t DEFAULT VALUES").ok());
  while (counters.checkpoints.load() == idle && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GT(counters.checkpoints.load(), idle) << "a commit is checkpointed at the next tick";
}

TEST_F(WalCheckpointerTest, UnderSteadyWritesTheWalStartsOverInsteadOfGrowing) {
  auto writer = SqliteConnection::Open(path_, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(
      (*writer)->Exec("PRAGMA wal_autocheckpoint=0; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  // The last passes the checkpointer hands over, run by this thread between its transactions as
  // SqlDatabase's writer thread does; the checkpointer waits for each.
  std::mutex mutex;
  std::condition_variable ran;
  const std::function<void(sql::Connection&)>* pending = nullptr;
  bool writing = true;
  auto checkpointer = WalCheckpointer::Start(
      path_, {},
      [&](const std::function<void(sql::Connection&)>& pass) {
        std::unique_lock lock(mutex);
        if (!writing) return false;
        pending = &pass;
        ran.wait(lock, [&] { return pending == nullptr || !writing; });
        return pending == nullptr;
      },
      // At the process's priority: the test is of the restart, on machines as loaded as CI's.
      std::chrono::milliseconds(2), 0);
  ASSERT_TRUE(checkpointer.ok());
  // ~240 MB of commits back to back, far past kRestartFrames (8 MB) of WAL, as fast as this
  // machine writes: between two restarts (kMinHoldGap apart at least) the WAL grows by what the
  // writer wrote meanwhile, tens of MB here, so only a run this long tells a WAL that starts over
  // from one that grows.
  uintmax_t largest_wal = 0;
  for (int i = 0; i < 60000; ++i) {
    {
      std::lock_guard lock(mutex);
      if (pending != nullptr) {
        (*pending)(**writer);
        pending = nullptr;
        ran.notify_all();
      }
    }
    ASSERT_TRUE((*writer)->Exec("INSERT INTO t (v) VALUES (hex(randomblob(2000)))").ok());
    std::error_code ec;
    largest_wal = std::max(largest_wal, std::filesystem::file_size(path_ + "-wal", ec));
  }
  {
    std::lock_guard lock(mutex);
    writing = false;  // a pass handed over now is refused: no writer runs it any more
    pending = nullptr;
  }
  ran.notify_all();
  EXPECT_GE((*checkpointer)->counters().restarts.load(), 2u);
  // A WAL that never starts over holds every page written (about the database's size); the bound
  // is loose because a loaded machine (sanitizers, parallel tests) can starve the checkpointer.
  const uintmax_t written = std::filesystem::file_size(path_);
  EXPECT_LT(largest_wal, written * 3 / 4) << "the WAL grew as if it never started over";
  EXPECT_EQ((*checkpointer)->counters().failures.load(), 0u);
}

}  // namespace
}  // namespace outdial::store::sqlite
