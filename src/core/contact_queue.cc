#include "core/contact_queue.h"

#include <algorithm>
#include <cassert>

namespace outdial::core {
namespace {

// std heaps are max-heaps: "less" must mean "offered later".
struct LaterFirst {
  bool operator()(const QueueKey& a, const QueueKey& b) const { return b.Before(a); }
};

}  // namespace

static bool WakesLater(const ContactQueue::Waiting& a, const ContactQueue::Waiting& b) {
  if (a.wake_ms != b.wake_ms) return a.wake_ms > b.wake_ms;
  return b.key.Before(a.key);
}

const QueueKey& ContactQueue::Level::Top() const {
  if (head == fifo.size()) return heap.front();
  if (heap.empty()) return fifo[head];
  return heap.front().Before(fifo[head]) ? heap.front() : fifo[head];
}

void ContactQueue::Level::Push(const QueueKey& key) {
  // Keys arriving in order (imports, retries coming due in due order) take the O(1) path.
  if (head == fifo.size() || fifo.back().Before(key)) {
    if (head == fifo.size() && head != 0) {
      fifo.clear();
      head = 0;
    }
    fifo.push_back(key);
    return;
  }
  heap.push_back(key);
  std::push_heap(heap.begin(), heap.end(), LaterFirst{});
}

void ContactQueue::Level::Pop() {
  bool from_heap = head == fifo.size() || (!heap.empty() && heap.front().Before(fifo[head]));
  if (from_heap) {
    std::pop_heap(heap.begin(), heap.end(), LaterFirst{});
    heap.pop_back();
    return;
  }
  ++head;
  // Reclaim the consumed prefix once it dominates, keeping pops amortised O(1).
  if (head == fifo.size()) {
    fifo.clear();
    head = 0;
  } else if (head >= 4096 && head * 2 >= fifo.size()) {
    fifo.erase(fifo.begin(), fifo.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
  }
}

ContactQueue::Level& ContactQueue::LevelFor(const QueueKey& key) {
  size_t level = key.callback ? kPriorityLevels : std::min<size_t>(key.priority, kPriorityLevels - 1);
  return levels_[level];
}

void ContactQueue::PushReady(const QueueKey& key) {
  Level& level = LevelFor(key);
  level.Push(key);
  auto bit = static_cast<size_t>(&level - levels_.data());
  non_empty_[bit / 64] |= uint64_t{1} << (bit % 64);
  ++ready_count_;
}

void ContactQueue::PushWaiting(const QueueKey& key, TimePoint wake) {
  waiting_.push_back(Waiting{ToEpochMs(wake), key});
  std::push_heap(waiting_.begin(), waiting_.end(), WakesLater);
}

QueueKey ContactQueue::PopWaiting() {
  std::pop_heap(waiting_.begin(), waiting_.end(), WakesLater);
  QueueKey key = waiting_.back().key;
  waiting_.pop_back();
  return key;
}

TimePoint ContactQueue::NextWake() const {
  return waiting_.empty() ? kNever : FromEpochMs(waiting_.front().wake_ms);
}

int ContactQueue::TopLevel() const {
  // Callback level first (highest index), then priorities from 100 down.
  if (non_empty_[1] != 0) return 64 + 63 - __builtin_clzll(non_empty_[1]);
  if (non_empty_[0] != 0) return 63 - __builtin_clzll(non_empty_[0]);
  return -1;
}

const QueueKey& ContactQueue::Top() const {
  int level = TopLevel();
  assert(level >= 0);
  return levels_[static_cast<size_t>(level)].Top();
}

void ContactQueue::Pop() {
  int level = TopLevel();
  assert(level >= 0);
  Level& l = levels_[static_cast<size_t>(level)];
  l.Pop();
  if (l.empty()) non_empty_[static_cast<size_t>(level) / 64] &= ~(uint64_t{1} << (level % 64));
  --ready_count_;
}

}  // namespace outdial::core
