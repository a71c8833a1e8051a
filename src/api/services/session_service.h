// SessionService: logging in and out (API.md "Auth"). A login checks the password (the same work
// and the same answer whichever of tenant, username or password was wrong), stores a session of a
// hashed random token, and takes an agent from logged_out to idle (PRODUCT.md §4). A session is
// no engine state: the engine's Login/Logout are the agent's own actions, answered from the
// engine thread, so nothing here is undone by change.h's rule.
//
// Threading: HTTP I/O threads; `done` callbacks run on the engine thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/event_hub.h"
#include "api/principals.h"
#include "api/services/engine_gate.h"
#include "engine/catalog.h"
#include "engine/clock.h"
#include "engine/dialer.h"

namespace outdial::api {

class SessionService {
 public:
  SessionService(engine::Catalog& catalog, engine::Dialer& dialer, const EngineGate& engine,
                 engine::Clock& clock, Principals& principals, std::chrono::seconds session_ttl,
                 HashCost hash_cost)
      : catalog_(catalog),
        dialer_(dialer),
        engine_(engine),
        clock_(clock),
        principals_(principals),
        session_ttl_(session_ttl),
        hash_cost_(hash_cost) {}

  struct LoggedIn {
    std::string token;
    engine::SessionRow session;
    engine::UserRow user;
  };
  // `done` gets the session once it is usable: for an agent after the engine logged it in.
  void Login(std::string_view tenant, std::string_view username, std::string_view password,
             std::function<void(core::Result<LoggedIn>)> done);
  // Ends the session; an agent is logged out of the engine too (which refuses while it still
  // holds a contact: the agent then stays until it finishes; the session is gone either way).
  void Logout(const Principal& principal, std::function<void(core::Result<void>)> done);

 private:
  engine::Catalog& catalog_;
  engine::Dialer& dialer_;  // engine thread only, through engine_
  const EngineGate& engine_;
  engine::Clock& clock_;
  Principals& principals_;
  std::chrono::seconds session_ttl_;
  HashCost hash_cost_;
};

}  // namespace outdial::api
