#include "core/contact_queue.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace outdial::core {
namespace {

std::vector<uint32_t> Drain(ContactQueue& q) {
  std::vector<uint32_t> out;
  while (q.HasReady()) {
    out.push_back(q.Top().index);
    q.Pop();
  }
  return out;
}

TEST(ContactQueue, OrdersCallbacksThenPriorityThenDueThenImportOrder) {
  ContactQueue q;
  q.PushReady({false, 5, 100, 0});
  q.PushReady({false, 9, 300, 1});  // higher priority wins over earlier due
  q.PushReady({false, 5, 50, 2});   // earlier due wins at equal priority
  q.PushReady({true, 0, 900, 3});   // a due callback goes first, whatever its priority
  q.PushReady({false, 5, 100, 4});  // same due as 0: import order
  EXPECT_EQ(Drain(q), (std::vector<uint32_t>{3, 1, 2, 0, 4}));
}

TEST(ContactQueue, WaitingContactsBecomeReadyAtTheirWakeTime) {
  ContactQueue q;
  q.PushWaiting({false, 5, 2000, 7}, FromEpochMs(2000));
  q.PushWaiting({false, 5, 1000, 8}, FromEpochMs(1000));
  EXPECT_FALSE(q.HasReady());
  EXPECT_EQ(q.NextWake(), FromEpochMs(1000));
  std::vector<uint32_t> seen;
  EXPECT_EQ(q.Advance(FromEpochMs(1500), [&](const QueueKey& k) { seen.push_back(k.index); }), 1u);
  EXPECT_EQ(seen, std::vector<uint32_t>{8});
  EXPECT_EQ(q.NextWake(), FromEpochMs(2000));
  EXPECT_EQ(q.Advance(FromEpochMs(5000)), 1u);
  EXPECT_EQ(q.NextWake(), kNever);
  EXPECT_EQ(Drain(q), (std::vector<uint32_t>{8, 7}));
}

TEST(ContactQueue, MatchesASortedReferenceUnderRandomOperations) {
  std::mt19937 rng(1234);
  ContactQueue q;
  std::vector<QueueKey> reference;
  uint32_t next_index = 0;
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(rng() % 3);
    if (op < 2 || reference.empty()) {
      QueueKey k{rng() % 10 == 0, static_cast<uint8_t>(rng() % 101), static_cast<int64_t>(rng() % 1000),
                 next_index++};
      q.PushReady(k);
      reference.push_back(k);
    } else {
      auto best = std::min_element(reference.begin(), reference.end(),
                                   [](const QueueKey& a, const QueueKey& b) { return a.Before(b); });
      ASSERT_TRUE(q.HasReady());
      ASSERT_EQ(q.Top().index, best->index) << "step " << step;
      q.Pop();
      reference.erase(best);
    }
    ASSERT_EQ(q.ready_size(), reference.size());
  }
}

TEST(ContactQueue, InOrderArrivalsStayInOrderAcrossManyPops) {
  ContactQueue q;
  for (uint32_t i = 0; i < 100000; ++i) q.PushReady({false, 0, static_cast<int64_t>(i), i});
  for (uint32_t i = 0; i < 100000; ++i) {
    ASSERT_EQ(q.Top().index, i);
    q.Pop();
    if (i % 3 == 0) q.PushReady({false, 0, static_cast<int64_t>(200000 + i), 200000 + i});
  }
  EXPECT_TRUE(q.HasReady());
  EXPECT_EQ(q.Top().index, 200000u);
}

}  // namespace
}  // namespace outdial::core
