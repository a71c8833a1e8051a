#include "api/principals.h"

#include <algorithm>

#include "api/auth.h"
#include "api/errors.h"

namespace outdial::api {

Principals::Principals(engine::Catalog& catalog, engine::Clock& clock, std::string system_token)
    : catalog_(catalog), clock_(clock), system_token_(std::move(system_token)) {}

core::Result<Principal> Principals::ForToken(std::string_view token) {
  if (token.empty()) return Unauthenticated();
  if (!system_token_.empty() && token.size() == system_token_.size() &&
      std::equal(token.begin(), token.end(), system_token_.begin())) {
    Principal p;
    p.role = engine::Role::kSystem;
    return p;
  }
  std::string hash = TokenHash(token);
  const auto steady_now = std::chrono::steady_clock::now();
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(hash); it != cache_.end()) {
      if (it->second.fresh_until > steady_now && it->second.session_expires > clock_.Now()) {
        return it->second.principal;
      }
      cache_.erase(it);
    }
    generation = generation_;
  }
  auto session = catalog_.FindSession(hash);
  if (!session.ok()) return Unauthenticated();
  if (session->expires_at <= clock_.Now()) {
    (void)catalog_.DeleteSession(hash);
    return Unauthenticated();
  }
  auto user = catalog_.GetUser(session->tenant_id, session->user_id);
  if (!user.ok()) return Unauthenticated();
  Principal p;
  p.role = user->role;
  p.tenant = user->tenant_id;
  p.user = user->id;
  p.username = user->username;
  p.team = user->team;
  p.token_hash = hash;
  std::lock_guard lock(mutex_);
  // A logout or user change since the reads above may concern what they found: answer this
  // request with it (it read before the change), but do not remember it.
  if (generation_ != generation) return p;
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[hash] = Cached{p, session->expires_at, steady_now + kFreshFor};
  return p;
}

core::Result<Principal> Principals::Authenticate(const HttpRequest& req) {
  auto it = req.headers.find("authorization");
  if (it == req.headers.end()) return Unauthenticated();
  std::string_view value = it->second;
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), value.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    return Unauthenticated();
  }
  return ForToken(value.substr(kBearer.size()));
}

void Principals::Forget(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  cache_.erase(token_hash);
  ++generation_;
}

void Principals::ForgetAll() {
  std::lock_guard lock(mutex_);
  cache_.clear();
  ++generation_;
}

}  // namespace outdial::api
