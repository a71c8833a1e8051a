// ImportTracker: the latest contact import of each campaign, shown as the `import` field of the
// campaign object (an extension of API.md). Held in memory by this server process: it is progress
// for a watcher, not a record (a restart forgets it; `outdial import` runs in its own process and
// logs instead).
//
// Thread-safe: the importing request's I/O thread writes while other request threads read.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/json_mapping.h"

namespace outdial::api {

class ImportTracker {
 public:
  enum class State { kRunning, kDone, kFailed };
  struct Status {
    uint64_t generation = 0;  // which import of the campaign this is (a newer one replaces it)
    State state = State::kRunning;
    std::string phase = "reading";  // "reading" the body, then "storing" the valid rows
    uint64_t rows_read = 0, accepted = 0, rejected = 0, bytes_read = 0, bytes_total = 0;
    int64_t started_at = 0, finished_at = 0;  // epoch ms; finished_at 0 while running
    std::string error;
  };

  // Starts tracking a new import of `campaign`; the returned generation names it in later calls.
  uint64_t Start(uint64_t campaign, uint64_t bytes_total, int64_t now_ms);
  // Applies `fn` to the import's status unless a newer import of the campaign replaced it.
  template <typename Fn>
  void Update(uint64_t campaign, uint64_t generation, Fn&& fn) {
    std::lock_guard lock(mutex_);
    auto it = status_.find(campaign);
    if (it != status_.end() && it->second.generation == generation) fn(it->second);
  }
  std::optional<Status> Get(uint64_t campaign) const;
  void Forget(uint64_t campaign);

  static std::string_view ToString(State state);
  static Json ToJson(const Status& s);
  // One structured log line: the same fields as the JSON, as key=value.
  static std::string LogLine(uint64_t campaign, const Status& s);

 private:
  mutable std::mutex mutex_;
  uint64_t generation_ = 0;
  std::unordered_map<uint64_t, Status> status_;
};

}  // namespace outdial::api
