// BatchPipeline: stores the batches of an import on a thread of its own while the caller parses and
// validates the next ones, so that a long import uses two cores instead of taking turns on one
// (bench/import_bench.cc: parsing a 1,000,000-row CSV is ~2 s of CPU, storing it in SQLite ~10 s).
//
//   BatchPipeline<std::vector<ContactRow>> pipeline([&](auto&& batch) { return db.InsertContacts(..., batch);
//   }); intake.Read(..., [&](auto&& batch) { return pipeline.Push(std::move(batch)); }); core::Result<void>
//   stored = pipeline.Finish();   // every batch stored, or the first error
//
// Batches are stored one at a time in the order pushed. At most `depth` batches wait, so memory
// stays at depth + 2 batches (waiting, being stored, being built). After the store fails once, no
// further batch is stored: the failure comes back from the next Push (which stops the reader) and
// from Finish. What was stored before the failure stays stored, exactly as with a store called
// inline; `batches_stored()` says how much that was.
//
// Threading: Push and Finish from one thread (the reader); the store function runs on the
// pipeline's own thread. The destructor finishes (waits for the queued batches).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "core/result.h"

namespace outdial::store {

template <typename Batch>
class BatchPipeline {
 public:
  using Store = std::function<core::Result<void>(Batch&&)>;

  explicit BatchPipeline(Store store, size_t depth = 1)
      : store_(std::move(store)), depth_(depth < 1 ? 1 : depth) {
    worker_ = std::thread([this] { Run(); });
  }
  ~BatchPipeline() { (void)Finish(); }
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Queues `batch` (waits while `depth` batches are queued). An error: the store failed on an
  // earlier batch, and this one is dropped.
  core::Result<void> Push(Batch&& batch) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [this] { return queue_.size() < depth_ || error_.has_value(); });
    if (error_) return *error_;
    queue_.push_back(std::move(batch));
    work_.notify_one();
    return core::Ok{};
  }

  // Waits until every queued batch is stored (or dropped after a failure); the first failure.
  core::Result<void> Finish() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      work_.notify_one();
    }
    if (worker_.joinable()) worker_.join();
    std::lock_guard lock(mutex_);
    if (error_) return *error_;
    return core::Ok{};
  }

  size_t batches_stored() const {
    std::lock_guard lock(mutex_);
    return stored_;
  }

 private:
  void Run() {
    for (;;) {
      Batch batch;
      {
        std::unique_lock lock(mutex_);
        work_.wait(lock, [this] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
        space_.notify_one();
      }
      core::Result<void> r = store_(std::move(batch));
      std::lock_guard lock(mutex_);
      if (!r.ok()) {
        error_ = r.error();
        queue_.clear();
        space_.notify_all();
        return;
      }
      ++stored_;
    }
  }

  Store store_;
  const size_t depth_;
  mutable std::mutex mutex_;
  std::condition_variable work_;   // a batch was queued, or closing_
  std::condition_variable space_;  // a batch left the queue, or error_
  std::deque<Batch> queue_;
  std::optional<core::Error> error_;
  size_t stored_ = 0;
  bool closing_ = false;
  std::thread worker_;  // last: starts after the members it uses exist
};

}  // namespace outdial::store
