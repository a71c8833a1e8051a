// WalCheckpointer: copies the WAL back into the database file on a thread of its own, so that no
// commit waits for it.
//
// SQLite's default is an automatic checkpoint inside the commit that takes the WAL past 1000
// pages: that commit then writes those pages into the database file and fsyncs both while every
// action behind it waits (bench_store commit --rate 20000: ack p50 7-9 ms, p99 34-37 ms; closed
// loop 18,400 actions/s). The connections of a SqliteDatabase turn that off
// (wal_autocheckpoint=0) and this thread runs PASSIVE checkpoints instead (p50 < 1 ms, p99 ~28 ms;
// closed loop ~31,000 actions/s): a PASSIVE checkpoint
// takes neither the write lock nor waits for readers, so commits go on meanwhile (they still slow
// down while it copies: the two share the disk and the cores). It runs every `interval` when
// another connection has committed since the last one (PRAGMA data_version). The WAL starts over
// only when a writer begins with every frame copied back, which steady writes never leave time
// for: past kRestartFrames the checkpointer holds the writers (an in-process lock) while it copies
// the frames its last pass missed.
// Durability is unchanged: a commit is in the WAL either way (synchronous=NORMAL: safe against a
// crash of the process; the checkpoint fsyncs before it copies).
//
// Threading: constructed and destroyed by the owner of the database; the checkpoint thread uses
// only its own connection. The destructor stops and joins it (the last connection to close
// checkpoints what is left, as SQLite does).
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
#include "store/sqlite/sqlite_connection.h"

namespace outdial::store::sqlite {

class WalCheckpointer {
 public:
  // Writes slow down while a checkpoint copies, more the more it copies: every 20 ms keeps each
  // pass small; an idle tick is one PRAGMA data_version.
  static constexpr std::chrono::milliseconds kDefaultInterval{20};
  // WAL frames (pages of 4 KiB: 8 MB) past which a checkpoint holds the writers back for its last
  // frames, so that the WAL starts over (see Tick). A hold lasts 10-30 ms on the development
  // machine whatever it copies (its two fsyncs); a larger WAL made them longer still, and past
  // journal_size_limit the restart truncates the file inside a commit (bench_store commit --rate
  // 20000: ack p99 20-33 ms at 2,048 frames, 47-74 ms at 16,384).
  static constexpr int64_t kRestartFrames = 2048;
  static constexpr std::chrono::milliseconds kMinHoldGap{200};
  // Runs its argument while no connection of the database writes (SqlDatabase::WithWritersHeld).
  using HoldWriters = std::function<void(const std::function<void()>&)>;

  struct Counters {
    std::atomic<uint64_t> checkpoints{0};  // PASSIVE checkpoints run
    std::atomic<uint64_t> failures{0};     // ones that returned an error (retried at the next tick)
    std::atomic<uint64_t> pages{0};        // WAL pages copied into the database file
    std::atomic<uint64_t> restarts{0};     // times a pass found the WAL started over since the last
    std::atomic<uint64_t> holds{0};        // passes that held the writers so that it could
  };

  static core::Result<std::unique_ptr<WalCheckpointer>> Start(
      const std::string& path, const SqliteOptions& options, HoldWriters hold_writers,
      std::chrono::milliseconds interval = kDefaultInterval);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  const Counters& counters() const { return counters_; }

 private:
  WalCheckpointer(std::unique_ptr<SqliteConnection> connection, HoldWriters hold_writers,
                  std::chrono::milliseconds interval);
  void Run();
  // One pass: a PASSIVE checkpoint when something was committed since the last pass.
  void Tick();

  // One PASSIVE checkpoint; false on an error (counted).
  bool Checkpoint(int64_t& log_frames, int64_t& backfilled);

  std::unique_ptr<SqliteConnection> connection_;
  const HoldWriters hold_writers_;
  const std::chrono::milliseconds interval_;
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
