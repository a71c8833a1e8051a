#include "store/sqlite/wal_checkpointer.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <limits>

namespace outdial::store::sqlite {

core::Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                      const SqliteOptions& options,
                                                                      BetweenWrites between_writes,
                                                                      std::chrono::milliseconds interval,
                                                                      int nice) {
  auto connection = SqliteConnection::Open(path, options);
  if (!connection.ok()) return connection.error();
  return std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(std::move(*connection), path, std::move(between_writes), interval, nice));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteConnection> connection, std::string path,
                                 BetweenWrites between_writes, std::chrono::milliseconds interval, int nice)
    : connection_(std::move(connection)),
      sync_{SyncedFile{path + "-wal"}, SyncedFile{std::move(path)}},
      between_writes_(std::move(between_writes)),
      interval_(interval),
      nice_(nice) {
  thread_ = std::thread([this] { Run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (SyncedFile& f : sync_) {
    if (f.fd >= 0) ::close(f.fd);
  }
}

void WalCheckpointer::SyncFiles() {
  // fdatasync flushes a file's dirty pages whoever wrote them, so descriptors of our own do for
  // SQLite's. The WAL exists while the database's connections are open; a failure (not created
  // yet) only leaves the work to the checkpoint's own sync.
  for (SyncedFile& f : sync_) {
    if (f.fd < 0) f.fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd >= 0 && ::fdatasync(f.fd) != 0) {
      ::close(f.fd);
      f.fd = -1;
    }
  }
}

void WalCheckpointer::Run() {
  // This thread only (Linux gives each thread its own nice value). A failure leaves it at the
  // process's priority, which works, only with a slower writer.
  if (nice_ != 0) (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice_);
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
  const auto now = std::chrono::steady_clock::now();
  if (log_frames < kRestartFrames || !between_writes_ || now - last_hold_ < kMinHoldGap) return;
  last_hold_ = now;
  // What the last pass costs the writer is what it must do: copy the frames written since the
  // pass before and fsync both files. The WAL's sync writes out every frame since the last one
  // (SQLite syncs the WAL only at checkpoints), the database's every page copied since the last
  // pass that found no commit behind it (the only passes that sync it: under steady writes, none),
  // often most of the pass. So before it this thread syncs both files itself and runs up to
  // kCatchUpPasses more passes, each after such syncs, while the frames that arrived during a pass
  // shrink (when they do not, the writer outruns this thread: the writer copies the rest). Past
  // kCatchUpFrames it does none of this: writes come faster than this thread (at its low
  // priority, on a busy machine) or the disk keeps up, and the writer, syncing itself, is slowed
  // to what the disk takes instead of the WAL growing as long as the load lasts.
  // bench_store commit --rate 20000: the writer's part 12 ms (median) without any of this, 6-7 ms
  // with the syncs alone, 2-5 ms with the passes too.
  const bool catch_up = log_frames < kCatchUpFrames;
  int64_t arrived_before = std::numeric_limits<int64_t>::max();
  for (int pass = 0; catch_up && pass < kCatchUpPasses; ++pass) {
    SyncFiles();
    const int64_t before = log_frames;
    if (!Checkpoint(log_frames, backfilled)) return;
    if (backfilled < log_frames) return;  // a reader holds frames back: the restart would not happen
    const int64_t arrived = log_frames - before;
    if (arrived <= kHoldFrames || arrived >= arrived_before) break;
    arrived_before = arrived;
  }
  if (catch_up) SyncFiles();
  const bool ran = between_writes_([this](sql::Connection& writer) {
    sql::Query checkpoint(writer, "PRAGMA wal_checkpoint(PASSIVE)");
    auto row = checkpoint.Step();
    // Its few pages go uncounted: the WAL starts over before the next pass here reads the count.
    (!row.ok() || !*row ? counters_.failures : counters_.checkpoints).fetch_add(1, std::memory_order_relaxed);
  });
  if (ran) counters_.holds.fetch_add(1, std::memory_order_relaxed);
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
  counters_.pages.fetch_add(done >= last_backfilled_ ? done - last_backfilled_ : done,
                            std::memory_order_relaxed);
  last_backfilled_ = done;
  return true;
}

}  // namespace outdial::store::sqlite
