#include "store/sqlite/wal_checkpointer.h"

#include "store/sql/sql.h"

namespace outdial::store::sqlite {

core::Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                      const SqliteOptions& options,
                                                                      HoldWriters hold_writers,
                                                                      std::chrono::milliseconds interval) {
  auto connection = SqliteConnection::Open(path, options);
  if (!connection.ok()) return connection.error();
  return std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(std::move(*connection), std::move(hold_writers), interval));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteConnection> connection, HoldWriters hold_writers,
                                 std::chrono::milliseconds interval)
    : connection_(std::move(connection)), hold_writers_(std::move(hold_writers)), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::Run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    Tick();
    lock.lock();
  }
}

void WalCheckpointer::Tick() {
  // data_version changes when another connection commits: an idle server runs no checkpoint.
  {
    sql::Query version(*connection_, "PRAGMA data_version");
    auto row = version.Step();
    if (!row.ok() || !*row) {
      counters_.failures.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const int64_t now = version.Int(0);
    if (now == last_data_version_) return;
    last_data_version_ = now;
  }
  int64_t log_frames = 0, backfilled = 0;
  if (!Checkpoint(log_frames, backfilled)) {
    last_data_version_ = -1;  // try again next tick
    return;
  }
  // Readers held back part of the WAL: look again at the next tick even if nothing is committed.
  if (backfilled < log_frames) last_data_version_ = -1;
  // (`log_frames` is the WAL as this pass saw it: the writers have added to it since.)
  // At most one hold per kMinHoldGap: a reader that keeps an old snapshot (a long export, a
  // sqlite3 shell) keeps the WAL from starting over however often writers are held.
  const auto now = std::chrono::steady_clock::now();
  if (log_frames >= kRestartFrames && hold_writers_ && now - last_hold_ >= kMinHoldGap) {
    last_hold_ = now;
    counters_.holds.fetch_add(1, std::memory_order_relaxed);
    hold_writers_([&] { (void)Checkpoint(log_frames, backfilled); });
  }
}

bool WalCheckpointer::Checkpoint(int64_t& log_frames, int64_t& backfilled) {
  // One row: busy (0/1), frames in the WAL, frames checkpointed (the WAL restarts at the next
  // write once all of them are, and readers are past them).
  sql::Query checkpoint(*connection_, "PRAGMA wal_checkpoint(PASSIVE)");
  auto row = checkpoint.Step();
  if (!row.ok() || !*row) {
    counters_.failures.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  counters_.checkpoints.fetch_add(1, std::memory_order_relaxed);
  log_frames = checkpoint.Int(1);
  backfilled = checkpoint.Int(2);
  if (log_frames < 0 || backfilled < 0) return false;  // not in WAL mode (cannot happen: Open insists)
  if (log_frames < last_log_frames_) counters_.restarts.fetch_add(1, std::memory_order_relaxed);
  last_log_frames_ = log_frames;
  const auto done = static_cast<uint64_t>(backfilled);
  // The count restarts with the WAL; count what this pass copied.
  counters_.pages.fetch_add(done >= last_backfilled_ ? done - last_backfilled_ : done, std::memory_order_relaxed);
  last_backfilled_ = done;
  return true;
}

}  // namespace outdial::store::sqlite
