// The one rule for a request that changes both the Catalog (the stored record) and the engine
// (the live state), used by every service in this directory:
//
//   validate, then write the catalog, then apply to the engine; if the engine refuses (or does not
//   answer in time — EngineGate then never runs the change), undo the catalog write.
//
// Why catalog first: the engine acts on a change at once on its own thread (a started campaign is
// dialed, a settings change reaches the next offer), and what it did cannot be taken back, while a
// catalog write nobody has acted on can. It is also DESIGN.md's "write before you act", and what a
// restart loads: a crash between the two steps leaves a restarted engine agreeing with the catalog.
// Ids are assigned by the catalog, so a create could not go the other way anyway.
//
// A removal is the same rule read backwards (a deleted row cannot be undone): the engine forgets
// the live object first — it is the one that may refuse, e.g. a running campaign — and then the
// catalog deletes the record. A refusal changes nothing; a failed delete leaves a stored record
// that is no longer live, and repeating the request completes it (the engine's NOT_FOUND counts as
// done).
//
// A change the engine cannot refuse and that is idempotent (a DNC entry) has nothing to undo: it is
// delivered (EngineGate::Deliver), so when the engine is slow to answer it still applies later.
//
// What a failure leaves: a catalog write that fails changes nothing (the engine is not asked). An
// undo that fails is logged as an error naming the object, and the two disagree until the next
// start, when the engine loads what the catalog has. Undos take an earlier value back; a request
// racing another on the same object can therefore still interleave (as before this rule).
//
// Threading: HTTP I/O threads (the undo and the delete run there; apply/remove on the engine
// thread through the EngineGate).
#pragma once

#include <functional>
#include <string_view>

#include "api/services/engine_gate.h"
#include "core/result.h"

namespace outdial::api {

using Step = std::function<core::Result<void>()>;

// After the caller's catalog write succeeded: `apply` on the engine thread; if it fails, `undo` on
// this thread. Returns apply's error. `what` names the object in the log ("campaign 7").
core::Result<void> ApplyOrUndo(const EngineGate& engine, std::string_view what, const Step& apply,
                               const Step& undo);

// A removal: `remove` on the engine thread (NOT_FOUND: the engine never had it, fine), then `erase`
// from the catalog on this thread.
core::Result<void> RemoveThenErase(const EngineGate& engine, std::string_view what, const Step& remove,
                                   const Step& erase);

}  // namespace outdial::api
