#include "store/import/batch_pipeline.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace outdial::store {
namespace {

using Batch = std::vector<int>;

TEST(BatchPipelineTest, StoresEveryBatchInOrderOnAnotherThread) {
  std::vector<int> stored;
  std::thread::id store_thread;
  BatchPipeline<Batch> pipeline([&](Batch&& b) -> core::Result<void> {
    store_thread = std::this_thread::get_id();
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // slower than the reader
    stored.insert(stored.end(), b.begin(), b.end());
    return core::Ok{};
  });
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pipeline.Push(Batch{2 * i, 2 * i + 1}).ok());
  ASSERT_TRUE(pipeline.Finish().ok());
  EXPECT_NE(store_thread, std::this_thread::get_id());
  ASSERT_EQ(stored.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(stored[static_cast<size_t>(i)], i);
  EXPECT_EQ(pipeline.batches_stored(), 50u);
}

TEST(BatchPipelineTest, HoldsAtMostDepthBatchesWaiting) {
  std::atomic<bool> release{false};
  std::atomic<int> entered{0};
  BatchPipeline<Batch> pipeline(
      [&](Batch&&) -> core::Result<void> {
        ++entered;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return core::Ok{};
      },
      /*depth=*/2);
  ASSERT_TRUE(pipeline.Push(Batch{1}).ok());  // taken by the store, which blocks
  while (entered == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(pipeline.Push(Batch{2}).ok());
  ASSERT_TRUE(pipeline.Push(Batch{3}).ok());  // two waiting: the queue is full
  std::atomic<bool> fourth_pushed{false};
  std::thread reader([&] {
    (void)pipeline.Push(Batch{4});
    fourth_pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(fourth_pushed) << "a third waiting batch must wait for room";
  release = true;
  reader.join();
  EXPECT_TRUE(pipeline.Finish().ok());
  EXPECT_EQ(pipeline.batches_stored(), 4u);
}

TEST(BatchPipelineTest, AFailedStoreStopsTheReaderAndStoresNothingAfterIt) {
  std::vector<int> stored;
  BatchPipeline<Batch> pipeline([&](Batch&& b) -> core::Result<void> {
    if (b.front() == 3) return core::MakeError(core::ErrorCode::kUnavailable, "disk full");
    stored.push_back(b.front());
    return core::Ok{};
  });
  core::Result<void> pushed = core::Ok{};
  int i = 0;
  for (; i < 1000 && pushed.ok(); ++i) pushed = pipeline.Push(Batch{i});
  ASSERT_FALSE(pushed.ok()) << "the reader learns of the failure from a later Push";
  EXPECT_EQ(pushed.error().message, "disk full");
  auto finished = pipeline.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(stored, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(pipeline.batches_stored(), 3u);
}

TEST(BatchPipelineTest, AFailureOnTheLastBatchComesBackFromFinish) {
  BatchPipeline<Batch> pipeline([&](Batch&& b) -> core::Result<void> {
    if (b.front() == 1) return core::MakeError(core::ErrorCode::kInternal, "constraint failed");
    return core::Ok{};
  });
  ASSERT_TRUE(pipeline.Push(Batch{0}).ok());
  (void)pipeline.Push(Batch{1});  // may or may not have been stored by now
  auto finished = pipeline.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().message, "constraint failed");
  EXPECT_EQ(pipeline.batches_stored(), 1u);
}

TEST(BatchPipelineTest, DestructorWaitsForQueuedBatches) {
  std::atomic<int> stored{0};
  {
    BatchPipeline<Batch> pipeline([&](Batch&&) -> core::Result<void> {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      ++stored;
      return core::Ok{};
    });
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(pipeline.Push(Batch{i}).ok());
  }
  EXPECT_EQ(stored, 5);
}

}  // namespace
}  // namespace outdial::store
