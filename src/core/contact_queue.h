// ContactQueue orders the contacts of one campaign (in practice: of one campaign and one time
// zone) that wait to be offered: due callbacks first, then higher priority, then earliest due time,
// then import order (PRODUCT.md §6). Contacts not yet due wait in a wake-time heap and move to the
// ready set when Advance(now) passes their wake time.
//
// The queue stores only small keys (no pointers): the owner keeps the contacts and guarantees that
// a contact is in the queue at most once. Amortised O(1) push/pop for contacts arriving in due
// order (the common case: imports and retries), O(log n) otherwise.
// Not thread-safe: owned by the engine thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/time.h"

namespace outdial::core {

struct QueueKey {
  bool callback = false;  // a due callback goes before everything else
  uint8_t priority = 0;   // 0–100, higher first
  int64_t due_ms = 0;     // earlier first
  uint32_t index = 0;     // import order (position in the campaign's contact vector), lower first

  // True when `this` should be offered before `other`.
  bool Before(const QueueKey& other) const {
    if (callback != other.callback) return callback;
    if (priority != other.priority) return priority > other.priority;
    if (due_ms != other.due_ms) return due_ms < other.due_ms;
    return index < other.index;
  }
};

class ContactQueue {
 public:
  static constexpr int kPriorityLevels = 101;
  struct Waiting {
    int64_t wake_ms = 0;
    QueueKey key;
  };

  // Makes the contact ready now (it must not be in the queue already).
  void PushReady(const QueueKey& key);
  // Parks the contact until `wake` (retry delay, callback time, calling window opening).
  void PushWaiting(const QueueKey& key, TimePoint wake);
  // Moves every waiting contact with wake <= now into the ready set, calling on_ready(key) for
  // each. Returns how many moved.
  template <typename OnReady>
  size_t Advance(TimePoint now, OnReady&& on_ready) {
    size_t moved = 0;
    while (!waiting_.empty() && waiting_.front().wake_ms <= ToEpochMs(now)) {
      QueueKey key = PopWaiting();
      PushReady(key);
      on_ready(key);
      ++moved;
    }
    return moved;
  }
  size_t Advance(TimePoint now) {
    return Advance(now, [](const QueueKey&) {});
  }
  // Takes every waiting contact with wake <= now out of the queue, handing each to `take` (for
  // owners that route due contacts elsewhere, e.g. personal callbacks to their agent).
  template <typename Take>
  size_t TakeDue(TimePoint now, Take&& take) {
    size_t taken = 0;
    while (!waiting_.empty() && waiting_.front().wake_ms <= ToEpochMs(now)) {
      take(PopWaiting());
      ++taken;
    }
    return taken;
  }
  // The earliest wake time of a waiting contact, or kNever.
  TimePoint NextWake() const;

  bool HasReady() const { return ready_count_ != 0; }
  // The first ready contact; requires HasReady().
  const QueueKey& Top() const;
  void Pop();

  size_t ready_size() const { return ready_count_; }
  size_t waiting_size() const { return waiting_.size(); }

 private:
  // One priority level: contacts that arrive in key order go to a FIFO (a vector with a moving
  // head), the rest to a heap; the level's first contact is the better of the two heads.
  struct Level {
    std::vector<QueueKey> fifo;
    size_t head = 0;
    std::vector<QueueKey> heap;  // std::push_heap with a "later first" comparator
    bool empty() const { return head == fifo.size() && heap.empty(); }
    const QueueKey& Top() const;
    void Push(const QueueKey& key);
    void Pop();
  };

  Level& LevelFor(const QueueKey& key);
  QueueKey PopWaiting();
  int TopLevel() const;  // index into levels_ of the best non-empty level, or -1

  // Level 0..100 are priorities; level 101 holds due callbacks.
  std::vector<Level> levels_ = std::vector<Level>(kPriorityLevels + 1);
  // Bit i set: level i has ready contacts. Two words, so the best level is one count-leading-zeros.
  std::array<uint64_t, 2> non_empty_{};
  size_t ready_count_ = 0;
  std::vector<Waiting> waiting_;  // min-heap on wake_ms (then key order)
};

}  // namespace outdial::core
