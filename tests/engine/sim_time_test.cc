#include "engine/sim_time.h"

#include <vector>

#include <gtest/gtest.h>

namespace outdial::engine {
namespace {

const core::TimePoint kStart = core::FromEpochMs(1'000'000);

TEST(SimulatedTime, FiresInDeadlineThenSchedulingOrder) {
  SimulatedTime time(kStart);
  std::vector<int> order;
  time.Schedule(kStart + core::Millis{20}, [&] { order.push_back(3); });
  time.Schedule(kStart + core::Millis{10}, [&] { order.push_back(1); });
  time.Schedule(kStart + core::Millis{10}, [&] { order.push_back(2); });
  EXPECT_EQ(time.RunAll(), 3u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(time.Now(), kStart + core::Millis{20});
}

TEST(SimulatedTime, CancelledTimersNeverFireAndRunUntilStopsAtTheLimit) {
  SimulatedTime time(kStart);
  int fired = 0;
  TimerId a = time.Schedule(kStart + core::Millis{5}, [&] { ++fired; });
  time.Schedule(kStart + core::Millis{50}, [&] { ++fired; });
  time.Cancel(a);
  time.Cancel(a);  // twice is fine
  time.RunUntil(kStart + core::Millis{40});
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(time.Now(), kStart + core::Millis{40});
  time.RunFor(core::Millis{10});
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(time.pending(), 0u);
}

TEST(SimulatedTime, PastDeadlinesFireNowAndTimersMayScheduleTimers) {
  SimulatedTime time(kStart);
  std::vector<int64_t> at;
  time.Schedule(kStart - core::Millis{100}, [&] {
    at.push_back(core::ToEpochMs(time.Now()));
    time.Schedule(time.Now() + core::Millis{1}, [&] { at.push_back(core::ToEpochMs(time.Now())); });
  });
  time.RunAll();
  EXPECT_EQ(at, (std::vector<int64_t>{1'000'000, 1'000'001}));
}

}  // namespace
}  // namespace outdial::engine
