#include "store/sql/group_commit_writer.h"

#include <future>
#include <utility>

#include "store/sql/records.h"

namespace outdial::store::sql {

using core::Ok;
using core::Result;

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> writer, PostToEngine post)
    : writer_(std::move(writer)), post_(std::move(post)) {
  thread_ = std::thread([this] { Loop(); });
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  thread_.join();
}

void GroupCommitWriter::Commit(engine::WriteBatch batch, std::function<void(core::Result<void>)> on_durable) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(Pending{std::move(batch), std::move(on_durable)});
    ++enqueued_;
  }
  queue_cv_.notify_one();
}

void GroupCommitWriter::RunBetweenGroups(const std::function<void(Connection&)>& task) {
  std::promise<void> ran;
  {
    std::lock_guard lock(queue_mutex_);
    between_groups_.push_back([&](Connection& writer) {
      task(writer);
      ran.set_value();
    });
  }
  queue_cv_.notify_one();
  ran.get_future().wait();
}

void GroupCommitWriter::Flush() {
  std::unique_lock lock(queue_mutex_);
  uint64_t target = enqueued_;
  done_cv_.wait(lock, [&] { return done_ >= target; });
}

uint64_t GroupCommitWriter::batches_written() const {
  std::lock_guard lock(queue_mutex_);
  return done_;
}

uint64_t GroupCommitWriter::transactions_written() const {
  std::lock_guard lock(queue_mutex_);
  return transactions_;
}

void GroupCommitWriter::Loop() {
  for (;;) {
    std::vector<Pending> group;
    std::vector<std::function<void(Connection&)>> tasks;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || !between_groups_.empty(); });
      tasks.swap(between_groups_);
      if (queue_.empty() && tasks.empty()) return;  // stopping, nothing left
      group.reserve(queue_.size());
      for (auto& p : queue_) group.push_back(std::move(p));
      queue_.clear();
    }
    for (auto& task : tasks) task(*writer_);
    if (group.empty()) continue;
    std::vector<core::Result<void>> results = WriteGroup(group);
    // Callbacks go out in Commit order, after the transaction is durable.
    for (size_t i = 0; i < group.size(); ++i) {
      if (!group[i].on_durable) continue;
      post_([cb = std::move(group[i].on_durable), r = std::move(results[i])]() mutable { cb(std::move(r)); });
    }
    {
      std::lock_guard lock(queue_mutex_);
      done_ += group.size();
      ++transactions_;
    }
    done_cv_.notify_all();
  }
}

std::vector<core::Result<void>> GroupCommitWriter::WriteGroup(std::vector<Pending>& group) {
  Connection& db = *writer_;
  std::vector<core::Result<void>> results(group.size());
  // Fast path: the whole group in one transaction.
  auto all = InTransaction(db, [&]() -> Result<void> {
    for (auto& p : group) OD_TRY(WriteBatchRows(db, p.batch));
    return Ok{};
  });
  if (all.ok()) return results;
  // A batch failed (or the commit did): write each batch in its own savepoint, so that only the
  // failing ones fail and store nothing.
  auto retry = InTransaction(db, [&]() -> Result<void> {
    for (size_t i = 0; i < group.size(); ++i) {
      OD_TRY(db.Exec("SAVEPOINT batch"));
      results[i] = WriteBatchRows(db, group[i].batch);
      OD_TRY(db.Exec(results[i].ok() ? "RELEASE SAVEPOINT batch" : "ROLLBACK TO SAVEPOINT batch"));
      if (!results[i].ok()) OD_TRY(db.Exec("RELEASE SAVEPOINT batch"));
    }
    return Ok{};
  });
  if (!retry.ok()) {
    for (auto& r : results) r = retry.error();
  }
  return results;
}

}  // namespace outdial::store::sql
