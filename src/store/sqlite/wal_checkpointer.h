// WalCheckpointer: copies the WAL back into the database file on a thread of its own, so that no
// commit waits for it.
//
// SQLite's default is an automatic checkpoint inside the commit that takes the WAL past 1000
// pages: that commit then writes those pages into the database file and fsyncs both while every
// action behind it waits (bench_store commit --rate 20000: ack p50 7-9 ms, p99 34-37 ms; closed
// loop 18,400 actions/s). The connections of a SqliteDatabase turn that off
// (wal_autocheckpoint=0) and this thread runs PASSIVE checkpoints instead: a PASSIVE checkpoint
// takes neither the write lock nor waits for readers, so commits go on meanwhile. It runs every
// `interval` when another connection has committed since the last one (PRAGMA data_version), at
// the lowest CPU priority (nice 19): on a machine with few cores, copying pages at the writer's
// priority took the writer's core often enough to double its ack p99.
//
// The WAL starts over only when a writer begins with every frame copied back, which steady
// writes never leave time for. Past kRestartFrames the checkpointer fdatasyncs both files (so that
// SQLite's syncs find little to write) and hands the last pass to the writer (`between_writes`):
// the writer thread runs it on its own connection between two transactions, a few milliseconds,
// while this thread keeps the catalog connection from writing (an import), and the next commit
// starts the WAL over. The writer, at normal priority, is never left waiting for this thread.
// Durability is unchanged: a commit is in the WAL either way (synchronous=NORMAL: safe against a
// crash of the process; a checkpoint fsyncs the WAL before it copies and the database after).
//
// Threading: constructed and destroyed by the owner of the database; the checkpoint thread uses
// only its own connection, the last pass the writer's (this thread waits for it). The destructor
// stops and joins the thread (the last connection to close checkpoints what is left, as SQLite
// does).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/sql/sql.h"
#include "store/sqlite/sqlite_connection.h"

namespace outdial::store::sqlite {

class WalCheckpointer {
 public:
  // Writes slow down while a checkpoint copies, more the more it copies: every 20 ms keeps each
  // pass small; an idle tick is one PRAGMA data_version.
  static constexpr std::chrono::milliseconds kDefaultInterval{20};
  // WAL frames (pages of 4 KiB: 8 MB) past which the checkpointer has the WAL start over (see
  // Tick), at most once per kMinHoldGap: a reader that keeps an old snapshot (a long export, a
  // sqlite3 shell) keeps the WAL from starting over however often the writer copies the rest.
  static constexpr int64_t kRestartFrames = 2048;
  static constexpr std::chrono::milliseconds kMinHoldGap{200};
  // Passes before the writer's last one (see Tick): at most kCatchUpPasses, until one saw at most
  // kHoldFrames frames arrive while it ran.
  static constexpr int kCatchUpPasses = 2;
  static constexpr int64_t kHoldFrames = 256;
  // A WAL this long (64 MB) is handed to the writer as it is (see Tick).
  static constexpr int64_t kCatchUpFrames = 16384;
  // The checkpoint thread's nice value (0: the process's priority).
  static constexpr int kBackgroundNice = 19;
  // Runs its argument on the database's writer thread with the writer's connection, between two
  // of its transactions, while no other connection of the database in this process writes, and
  // returns once it ran (SqlDatabase::RunOnWriterAlone); false when there is no writer (yet).
  // Empty: no writer in this process to ask, the WAL starts over only when writes pause.
  using BetweenWrites = std::function<bool(const std::function<void(sql::Connection&)>&)>;

  struct Counters {
    std::atomic<uint64_t> checkpoints{0};  // PASSIVE checkpoints run
    std::atomic<uint64_t> failures{0};     // ones that returned an error (retried at the next tick)
    std::atomic<uint64_t> pages{0};        // WAL pages copied into the database file
    std::atomic<uint64_t> restarts{0};     // times a pass found the WAL started over since the last
    std::atomic<uint64_t> holds{0};        // last passes the writer ran between its transactions
  };

  static core::Result<std::unique_ptr<WalCheckpointer>> Start(
      const std::string& path, const SqliteOptions& options, BetweenWrites between_writes,
      std::chrono::milliseconds interval = kDefaultInterval, int nice = kBackgroundNice);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  const Counters& counters() const { return counters_; }

 private:
  WalCheckpointer(std::unique_ptr<SqliteConnection> connection, std::string path,
                  BetweenWrites between_writes, std::chrono::milliseconds interval, int nice);
  void Run();
  // One pass: a PASSIVE checkpoint when something was committed since the last pass.
  void Tick();

  // One PASSIVE checkpoint; false on an error (counted).
  bool Checkpoint(int64_t& log_frames, int64_t& backfilled);
  // fdatasync of the WAL and the database file, so that the next checkpoint's own syncs have
  // little left to write.
  void SyncFiles();

  std::unique_ptr<SqliteConnection> connection_;
  struct SyncedFile {
    std::string path;
    int fd = -1;  // opened at the first SyncFiles
  };
  SyncedFile sync_[2];  // the WAL, the database
  const BetweenWrites between_writes_;
  const std::chrono::milliseconds interval_;
  const int nice_;
  int64_t last_data_version_ = -1;
  uint64_t last_backfilled_ = 0;
  int64_t last_log_frames_ = 0;
  std::chrono::steady_clock::time_point last_hold_{};
  Counters counters_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace outdial::store::sqlite
