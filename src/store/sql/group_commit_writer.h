// GroupCommitWriter: the SQL store's engine-facing write path (engine::Store::Commit). It owns
// the writer connection and its thread: Commit() only enqueues; the thread takes every pending
// batch, writes them in one transaction (records.h WriteBatchRows), commits, and then posts each
// `on_durable` to the engine thread through `post`, in Commit order. A batch that fails (e.g. a
// foreign key) is retried alone inside a savepoint, so it fails alone and stores nothing.
//
// Threading: Commit from the engine thread; Flush and the figures from any thread (Flush not from
// the engine's when `post` runs tasks on it later); RunBetweenGroups from any thread but the
// writer's. Destruction writes what is queued, then stops the thread; the callbacks of those last
// batches are still posted.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/store.h"
#include "store/sql/sql.h"

namespace outdial::store::sql {

using PostToEngine = std::function<void(std::function<void()>)>;

class GroupCommitWriter {
 public:
  // `writer` is migrated already. Starts the thread.
  GroupCommitWriter(std::unique_ptr<Connection> writer, PostToEngine post);
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  void Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable);
  // Returns once every batch committed before the call is written and its callback posted.
  void Flush();
  // Runs `task` on the writer thread with its connection, outside any transaction, before its next
  // group (at once when it is idle); returns once it ran. The caller keeps other writers of the
  // database out meanwhile (SqlDatabase::RunOnWriterAlone holds its catalog).
  void RunBetweenGroups(const std::function<void(Connection&)>& task);
  // Batches and transactions written so far (the group-commit ratio is batches / transactions).
  uint64_t batches_written() const;
  uint64_t transactions_written() const;

 private:
  struct Pending {
    engine::WriteBatch batch;
    std::function<void(core::Result<void>)> on_durable;
  };
  void Loop();
  // Writes `group` (one transaction, a savepoint per batch after a failure); one result per batch.
  std::vector<core::Result<void>> WriteGroup(std::vector<Pending>& group);

  std::unique_ptr<Connection> writer_;
  PostToEngine post_;
  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable done_cv_;
  std::deque<Pending> queue_;
  std::vector<std::function<void(Connection&)>> between_groups_;  // RunBetweenGroups tasks
  uint64_t enqueued_ = 0;
  uint64_t done_ = 0;
  uint64_t transactions_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace outdial::store::sql
