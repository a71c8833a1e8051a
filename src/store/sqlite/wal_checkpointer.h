// WalCheckpointer: copies the WAL back into the database file on a thread of its own, so that no
// commit waits for it.
//
// SQLite's default is an automatic checkpoint inside the commit that takes the WAL past 1000
// pages: that commit then writes those pages into the database file and fsyncs both, which made
// the group-commit writer's ack p99 ~35 ms at 20,000 actions/s where p50 was under 1 ms
// (bench_store commit --rate 20000). The connections of a SqliteDatabase turn that off
// (wal_autocheckpoint=0) and this thread runs PASSIVE checkpoints instead: a PASSIVE checkpoint
// takes neither the write lock nor waits for readers, so commits go on meanwhile (they still slow
// down while it copies: the two share the disk and the cores). It runs every `interval` when
// another connection has committed since the last one (PRAGMA data_version).
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
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/sqlite/sqlite_connection.h"

namespace outdial::store::sqlite {

class WalCheckpointer {
 public:
  // A checkpoint's pause of the writer grows with the WAL it copies (bench_store commit --rate
  // 20000, ack p99: ~85 ms checkpointing every 1 s, ~15-30 ms every 100 ms, ~7-12 ms every 20 ms);
  // an idle tick is one PRAGMA data_version.
  static constexpr std::chrono::milliseconds kDefaultInterval{20};

  struct Counters {
    std::atomic<uint64_t> checkpoints{0};  // PASSIVE checkpoints run
    std::atomic<uint64_t> failures{0};     // ones that returned an error (retried at the next tick)
    std::atomic<uint64_t> pages{0};        // WAL pages copied into the database file
  };

  static core::Result<std::unique_ptr<WalCheckpointer>> Start(
      const std::string& path, const SqliteOptions& options,
      std::chrono::milliseconds interval = kDefaultInterval);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  const Counters& counters() const { return counters_; }

 private:
  WalCheckpointer(std::unique_ptr<SqliteConnection> connection, std::chrono::milliseconds interval);
  void Run();
  // One pass: a PASSIVE checkpoint when something was committed since the last pass.
  void Tick();

  std::unique_ptr<SqliteConnection> connection_;
  const std::chrono::milliseconds interval_;
  int64_t last_data_version_ = -1;
  uint64_t last_backfilled_ = 0;
  Counters counters_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace outdial::store::sqlite
