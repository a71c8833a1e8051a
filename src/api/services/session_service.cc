#include "api/services/session_service.h"

#include <spdlog/spdlog.h>

#include "api/errors.h"

namespace outdial::api {

void SessionService::Login(std::string_view tenant_name, std::string_view username, std::string_view password,
                           std::function<void(core::Result<LoggedIn>)> done) {
  auto tenant = catalog_.FindTenantByName(tenant_name);
  core::Result<engine::UserRow> user = NotFound();
  if (tenant.ok()) user = catalog_.FindUser(tenant->id, username);
  const auto wrong =
      core::MakeError(core::ErrorCode::kUnauthenticated, "The tenant, username or password is wrong.");
  if (!user.ok()) {
    // Same work, same answer whichever part was wrong.
    VerifyDummy(password, hash_cost_);
    return done(wrong);
  }
  if (!VerifyPassword(password, user->password_hash)) return done(wrong);
  LoggedIn in{NewToken(), {}, *user};
  in.session = engine::SessionRow{TokenHash(in.token), user->id, user->tenant_id,
                                  clock_.Now() + std::chrono::duration_cast<core::Millis>(session_ttl_)};
  if (auto r = catalog_.CreateSession(in.session); !r.ok()) return done(r.error());
  spdlog::info("login: tenant {} user '{}' ({})", user->tenant_id.value, user->username,
               engine::ToString(user->role));
  if (user->role != engine::Role::kAgent) return done(std::move(in));
  // An agent's login takes it from logged_out to idle before the answer.
  core::AgentId agent = user->id;
  engine_.Post([this, agent, in = std::move(in), done = std::move(done)]() mutable {
    dialer_.Login(agent, [in = std::move(in), done = std::move(done)](const engine::ActionResult& r) {
      if (!r.ok()) return done(r.error());
      done(in);
    });
  });
}

void SessionService::Logout(const Principal& p, std::function<void(core::Result<void>)> done) {
  if (auto r = catalog_.DeleteSession(p.token_hash); !r.ok()) return done(r.error());
  // After the delete: a request that read the session before it caches nothing (the generation).
  principals_.Forget(p.token_hash);
  if (p.role != engine::Role::kAgent) return done(core::Ok{});
  core::AgentId agent = p.user;
  engine_.Post([this, agent, done = std::move(done)]() mutable {
    // The answer ignores the result: see the header.
    dialer_.Logout(agent, [done = std::move(done)](const engine::ActionResult&) { done(core::Ok{}); });
  });
}

}  // namespace outdial::api
