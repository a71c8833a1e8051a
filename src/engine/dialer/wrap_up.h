// WrapUp (PRODUCT.md §5, API.md POST /calls/{id}/wrapup): after a connected call the agent picks a
// disposition within `wrap_up_timeout_s` (or the campaign's auto wrap-up disposition is taken).
// The disposition decides the contact: done, retry by rule, a callback at a time (personal or
// any agent), or DNC. The attempt row gets its disposition, notes and `wrapped_up_at`; its
// `ended_at` stays the call's end.
//
// Owned by Engine. Threading: engine thread only.
#pragma once

#include <optional>
#include <string>

#include "engine/dialer/live_objects.h"

namespace outdial::engine {

struct Engine;

class WrapUp {
 public:
  explicit WrapUp(Engine& engine) : e_(engine) {}

  // The call ended connected: the agent goes to wrap-up, with its deadline.
  void Begin(CallRt& call, CampaignRt& camp);
  // The agent's wrap-up (validated here: the disposition, the callback time).
  void Submit(AgentId agent, CallId call, const std::string& disposition,
              std::optional<TimePoint> callback_at, std::string notes, bool personal_callback,
              ActionDone done);

 private:
  void OnTimeout(CallId cid);
  bool AnswerRepeat(AgentId agent, CallId call, const std::string& disposition, const ActionDone& done);
  void Do(CallRt& call, CampaignRt& camp, const core::Disposition& disposition,
          std::optional<TimePoint> callback_at, std::string notes, bool personal, ActionDone done);
  core::ContactState ApplyDisposition(CallRt& call, CampaignRt& camp, const core::Disposition& disposition,
                                      std::optional<TimePoint> callback_at, bool personal);

  Engine& e_;
};

}  // namespace outdial::engine
