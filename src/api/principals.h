// Principals: who a bearer token is (API.md "Auth") — the system token, or a session of the
// Catalog with its user — remembered briefly. Two catalog reads (session, user) under the
// catalog's one lock on every request held GET stats to 0.41x of a plain Beast server on SQLite
// (bench/rest_bench.sh). This server forgets an entry at once on logout and on any user change;
// another server sharing the database sees a logout there within kFreshFor.
//
// Thread-safe (HTTP I/O threads); the Catalog and Clock must outlive it.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/event_hub.h"
#include "api/http_server.h"
#include "engine/catalog.h"
#include "engine/clock.h"

namespace outdial::api {

class Principals {
 public:
  Principals(engine::Catalog& catalog, engine::Clock& clock, std::string system_token);

  // The principal of `Authorization: Bearer <token>`, else UNAUTHENTICATED.
  core::Result<Principal> Authenticate(const HttpRequest& req);
  core::Result<Principal> ForToken(std::string_view token);
  bool system_token_set() const { return !system_token_.empty(); }

  // After the session is deleted: a lookup that read it before caches nothing (the generation).
  void Forget(const std::string& token_hash);
  // After any user change (role or team may have changed).
  void ForgetAll();

 private:
  struct Cached {
    Principal principal;
    core::TimePoint session_expires;
    std::chrono::steady_clock::time_point fresh_until;
  };
  static constexpr auto kFreshFor = std::chrono::seconds(1);
  static constexpr size_t kMaxCached = 100'000;

  engine::Catalog& catalog_;
  engine::Clock& clock_;
  const std::string system_token_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;
  uint64_t generation_ = 0;  // +1 on every forget: a lookup that overlapped one caches nothing
};

}  // namespace outdial::api
