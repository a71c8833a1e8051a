// ModeRules: everything that differs between the three preview modes (PRODUCT.md §5), decided in
// one place from a campaign's settings. The engine asks these flags instead of comparing modes, so
// "what does Direct Preview do differently" has one answer, in mode_rules.cc.
//
// Pure: no I/O, no clock. Any thread.
#pragma once

#include "core/settings.h"

namespace outdial::core {

struct ModeRules {
  // Push modes reserve an Available agent with a reservation call and offer contacts on it; pull
  // (`preview`) hands out a contact only on the agent's request (the campaign icon).
  bool push = true;
  // Pull mode: on Accept the agent's station is rung first, then the customer (§5.1).
  bool agent_station_first = false;
  // Call progress analysis on the customer leg, and answering-machine detection within it.
  bool cpa = false;
  bool amd = false;
  // A machine found by AMD is hung up on (attempt `machine`) instead of connected to the agent.
  bool machine_hangs_up = false;
  // The agent hears ringback and early media (Direct Preview and pull).
  bool early_media_to_agent = false;
  // `no_answer_ring_limit_s` ends a ringing call; in Direct Preview the agent decides (§5.3).
  bool ring_limit = true;
  // End on a call that still rings stops it as the agent's cancel (the agent hears the line).
  bool end_while_ringing = false;
  // What the offer's countdown does when it runs out (pull mode always skips).
  TimeoutAction timeout_action = TimeoutAction::kSkip;
  // Offer buttons: Remove and Cancel exist only on a reservation (push modes).
  bool can_skip = true;
  bool can_remove = true;
  bool can_cancel = true;
};

ModeRules RulesFor(const CampaignSettings& settings);

}  // namespace outdial::core
