#include "api/import_tracker.h"

#include <fmt/format.h>

#include <algorithm>

namespace outdial::api {

uint64_t ImportTracker::Start(uint64_t campaign, uint64_t bytes_total, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Status s;
  s.generation = ++generation_;
  s.bytes_total = bytes_total;
  s.started_at = now_ms;
  status_[campaign] = s;
  return s.generation;
}

std::optional<ImportTracker::Status> ImportTracker::Get(uint64_t campaign) const {
  std::lock_guard lock(mutex_);
  auto it = status_.find(campaign);
  if (it == status_.end()) return std::nullopt;
  return it->second;
}

void ImportTracker::Forget(uint64_t campaign) {
  std::lock_guard lock(mutex_);
  status_.erase(campaign);
}

std::string_view ImportTracker::ToString(State state) {
  switch (state) {
    case State::kRunning: return "running";
    case State::kDone: return "done";
    case State::kFailed: return "failed";
  }
  return "failed";
}

Json ImportTracker::ToJson(const Status& s) {
  Json j = {{"state", ToString(s.state)},
            {"phase", s.phase},
            {"rows_read", s.rows_read},
            {"accepted", s.accepted},
            {"rejected", s.rejected},
            {"bytes_read", s.bytes_read},
            {"bytes_total", s.bytes_total},
            {"started_at", s.started_at},
            {"finished_at", s.finished_at == 0 ? Json(nullptr) : Json(s.finished_at)}};
  if (s.bytes_total > 0) j["percent"] = std::min<uint64_t>(100, s.bytes_read * 100 / s.bytes_total);
  if (!s.error.empty()) j["error"] = s.error;
  return j;
}

std::string ImportTracker::LogLine(uint64_t campaign, const Status& s) {
  std::string line = fmt::format(
      "import campaign={} state={} phase={} rows_read={} accepted={} rejected={} bytes_read={} "
      "bytes_total={}",
      campaign, ToString(s.state), s.phase, s.rows_read, s.accepted, s.rejected, s.bytes_read, s.bytes_total);
  if (s.bytes_total > 0) {
    line += fmt::format(" percent={}", std::min<uint64_t>(100, s.bytes_read * 100 / s.bytes_total));
  }
  if (s.finished_at != 0) {
    line += fmt::format(" seconds={:.1f}", static_cast<double>(s.finished_at - s.started_at) / 1000);
  }
  if (!s.error.empty()) line += fmt::format(" error=\"{}\"", s.error);
  return line;
}

}  // namespace outdial::api
