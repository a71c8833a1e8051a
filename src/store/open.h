// Opening the durable store from `[database] url`: `sqlite://PATH` (a file; relative paths are
// relative to the working directory) or `postgresql://...` / `postgres://...` (a libpq URI). The
// object returned is both the engine's Store and the Catalog. `post_to_engine` delivers the
// writer's `on_durable` callbacks on the engine thread (EngineLoop::Post in the server).
#pragma once

#include <memory>
#include <string>

#include "store/sql/sql_database.h"

namespace outdial::store {

core::Result<std::unique_ptr<sql::SqlDatabase>> OpenDatabase(const std::string& url,
                                                             sql::PostToEngine post_to_engine);

}  // namespace outdial::store
